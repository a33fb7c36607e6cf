// Shared helpers: locators into the widget's (open) shadow root and the REST traffic it produces.
import { expect, type Page, type Request } from "@playwright/test";

export type Lang = "de" | "en";

export const WEBHOOK_PATH = "/webhooks/rest/webhook";

export interface WebhookBody {
  sender: string;
  message: string;
  metadata?: { language?: string };
}

export function demoPath(lang: Lang): string {
  return lang === "de" ? "index.html" : "en.html";
}

/** Playwright's CSS and role locators pierce open shadow roots, so these reach inside the widget. */
export function widget(page: Page) {
  return {
    launcher: page.getByRole("button", { name: /^(Chat mit Lotse|Chat with Lotse)$/ }),
    dialog: page.getByRole("dialog", { name: /Lotse/ }),
    input: page.getByRole("textbox", { name: /^(Ihre Nachricht|Your message)$/ }),
    send: page.getByRole("button", { name: /^(Senden|Send)$/ }),
    log: page.getByRole("log"),
    userMessages: page.locator("#lotse-widget .msg.user"),
    botBubbles: page.locator("#lotse-widget .msg.bot .bubble"),
    choices: page.locator("#lotse-widget .choices button"),
    typing: page.locator("#lotse-widget .typing"),
  };
}

export async function openDemo(page: Page, lang: Lang): Promise<void> {
  await page.goto(demoPath(lang));
  await expect(widget(page).launcher).toBeVisible();
}

export async function openWidget(page: Page): Promise<void> {
  const w = widget(page);
  if ((await w.launcher.getAttribute("aria-expanded")) !== "true") await w.launcher.click();
  await expect(w.dialog).toBeVisible();
}

/** Types a message and sends it with Enter; resolves once the bot's reply has been rendered. */
export async function sendAndAwaitReply(page: Page, text: string): Promise<void> {
  const w = widget(page);
  const before = await w.botBubbles.count();
  await w.input.fill(text);
  await w.input.press("Enter");
  await expect(w.botBubbles.nth(before)).toHaveText(/\S/);
  await expect(w.typing).toBeHidden();
}

export function webhookBody(request: Request): WebhookBody | undefined {
  if (request.method() !== "POST" || !new URL(request.url()).pathname.endsWith(WEBHOOK_PATH)) return undefined;
  return request.postDataJSON() as WebhookBody;
}

/** Records every webhook request the page makes, and which of them got a response. */
export function recordWebhook(page: Page) {
  const sent: WebhookBody[] = [];
  const answered: WebhookBody[] = [];
  page.on("request", (request) => {
    const body = webhookBody(request);
    if (body) sent.push(body);
  });
  page.on("requestfinished", (request) => {
    const body = webhookBody(request);
    if (body) answered.push(body);
  });
  return { sent, answered };
}

/** Whether keyboard focus is on an element inside the widget's shadow root matching `selector`. */
export async function widgetFocusIs(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const active = document.getElementById("lotse-widget")?.shadowRoot?.activeElement;
    return !!active && active.matches(sel);
  }, selector);
}
