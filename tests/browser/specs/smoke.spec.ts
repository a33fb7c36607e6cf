// Smoke: the demo page loads the widget under its CSP, and the real bot answers in both languages.
import { expect, test } from "@playwright/test";
import { type Lang, openDemo, openWidget, recordWebhook, sendAndAwaitReply, widget } from "./widget";

const cases: { lang: Lang; greeting: string; notice: RegExp; human: string }[] = [
  { lang: "de", greeting: "Hallo", notice: /automatisierter Assistent/i, human: "Mit einem Menschen sprechen" },
  { lang: "en", greeting: "Hello", notice: /automated assistant/i, human: "Talk to a person" },
];

test("GET / is the demo page and loads the widget with security headers", async ({ page }) => {
  const response = await page.goto("./");
  expect(response?.status()).toBe(200);
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toContain("script-src 'self'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-inline");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBeTruthy();
  await expect(page.locator('script[src$="lotse-widget.js"]')).toHaveCount(1);
  await expect(widget(page).launcher).toBeVisible();
});

for (const { lang, greeting, notice, human } of cases) {
  test(`smoke (${lang}): open the widget, send "${greeting}", get an answer`, async ({ page }) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    const traffic = recordWebhook(page);

    await openDemo(page, lang);
    const w = widget(page);
    await expect(w.launcher).toHaveAttribute("aria-expanded", "false");
    await openWidget(page);
    await expect(w.launcher).toHaveAttribute("aria-expanded", "true");
    await expect(w.dialog.getByText(notice)).toBeVisible();
    await expect(w.dialog.getByRole("button", { name: human })).toBeVisible();
    await expect(w.input).toBeFocused();

    await sendAndAwaitReply(page, greeting);
    await expect(w.userMessages).toHaveCount(1);
    await expect(w.userMessages.first()).toContainText(greeting);

    expect(traffic.answered).toHaveLength(1);
    const body = traffic.answered[0]!;
    expect(body.message).toBe(greeting);
    expect(body.metadata?.language).toBe(lang);
    expect(body.sender).toMatch(/^[0-9a-f]{32}$/);
    expect(problems, "console errors (CSP violations included)").toEqual([]);
  });
}
