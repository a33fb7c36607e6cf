// Status notices in the open widget: a status change made by staff appears without the user typing,
// in the polite live region and without moving the focus; the asking pauses in a hidden tab, comes
// back when the tab is shown, and its failures are never shown to the user nor hold up sending.
import { expect, type Page, test } from "@playwright/test";
import { changeStatus } from "./backend";
import { registerCase } from "./intake-flow";
import { openDemo, openWidget, recordWebhook, sendAndAwaitReply, widget } from "./widget";

const UNTOLD = "**/webhooks/rest/untold";

/** Lower than the widget's 15 s default, so that the spec does not wait; set before the widget loads. */
async function pollEvery(page: Page, seconds: number): Promise<void> {
  await page.addInitScript((value) => {
    const host = window as unknown as { LotseConfig?: Record<string, unknown> };
    host.LotseConfig = { ...host.LotseConfig, noticePollSeconds: value };
  }, seconds);
}

/**
 * Headless Chromium under Playwright reports every page as visible, whatever is in front, so the
 * Page Visibility API is emulated: `setHidden` flips `document.visibilityState` and fires the event.
 */
async function emulateVisibility(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const flags = window as unknown as { lotseTestHidden: boolean };
    flags.lotseTestHidden = false;
    Object.defineProperty(Document.prototype, "visibilityState", {
      configurable: true,
      get: () => (flags.lotseTestHidden ? "hidden" : "visible"),
    });
    Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => flags.lotseTestHidden });
  });
}

async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    (window as unknown as { lotseTestHidden: boolean }).lotseTestHidden = value;
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/** Counts the widget's requests for untold notices, answering each as `answer` says. */
async function countPolls(page: Page, answer: (n: number) => "empty" | "abort" | "error" | "garbage" | "hang") {
  const polls = { count: 0 };
  await page.route(UNTOLD, async (route) => {
    polls.count += 1;
    switch (answer(polls.count)) {
      case "empty":
        return route.fulfill({ status: 200, contentType: "application/json", body: "[]" });
      case "abort":
        return route.abort("internetdisconnected");
      case "error":
        return route.fulfill({ status: 500, contentType: "application/json", body: '{"error":{"code":"internal_error"}}' });
      case "garbage":
        return route.fulfill({ status: 200, contentType: "text/html", body: "<html>proxy error</html>" });
      case "hang":
        await new Promise((resolve) => setTimeout(resolve, 8_000));
        return route.abort("timedout").catch(() => undefined);
    }
  });
  return polls;
}

test("the open widget shows a staff status change without the user typing, politely, keeping the focus", async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  await pollEvery(page, 1);
  await openDemo(page, "de");
  await openWidget(page);
  const reference = await registerCase(page);
  const w = widget(page);

  const elsewhere = page.getByRole("link", { name: "English" }); // the host page's own link
  await elsewhere.focus();
  const traffic = recordWebhook(page);
  const bubblesBefore = await w.botBubbles.count();

  await changeStatus(request, reference, "in_pre_check");
  const notice = `Neuigkeiten zu Ihrem Fall ${reference} – neuer Stand: in der Vorprüfung.`;
  await expect(w.botBubbles.nth(bubblesBefore)).toHaveText(`Lotse: ${notice}`);

  await expect(w.log).toHaveAttribute("aria-live", "polite");
  await expect(w.log.locator(".msg.bot").last()).toContainText(notice);
  expect(await page.locator("#lotse-widget [aria-live='assertive'], #lotse-widget [role='alert']").count()).toBe(0);
  await expect(elsewhere).toBeFocused();
  expect(traffic.sent, "the user typed nothing").toEqual([]);

  await page.waitForTimeout(3_000); // three more polls: the notice is told once
  await expect(w.botBubbles.filter({ hasText: reference })).toHaveCount(2); // the confirmation and the notice
  await expect(w.botBubbles).toHaveCount(bubblesBefore + 1);
  await expect(w.input).toHaveValue("");
});

test("a hidden tab stops asking for notices and asks again at once when it is shown", async ({ page }) => {
  await emulateVisibility(page);
  await pollEvery(page, 2);
  const polls = await countPolls(page, () => "empty");
  await openDemo(page, "de");
  await page.waitForTimeout(2_500);
  expect(polls.count, "nothing is asked while the widget is closed").toBe(0);
  await openWidget(page);
  await expect.poll(() => polls.count, { timeout: 1_500, message: "asked at once on opening" }).toBe(1);
  await expect.poll(() => polls.count, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);

  await setHidden(page, true);
  const whileHidden = polls.count;
  await page.waitForTimeout(5_000);
  expect(polls.count, "no asking in a hidden tab").toBe(whileHidden);

  await setHidden(page, false);
  await expect.poll(() => polls.count, { timeout: 1_500, message: "asked at once when shown" }).toBe(whileHidden + 1);
  await expect.poll(() => polls.count, { timeout: 5_000, message: "and regularly again" }).toBeGreaterThan(whileHidden + 1);

  await widget(page).launcher.click(); // closed: no more asking
  const whenClosed = polls.count;
  await page.waitForTimeout(4_500);
  expect(polls.count).toBe(whenClosed);
});

test("failed or hanging requests for notices show no error and never hold up a message", async ({ page }) => {
  await pollEvery(page, 1);
  const kinds = ["abort", "error", "garbage", "hang"] as const;
  const polls = await countPolls(page, (n) => kinds[(n - 1) % kinds.length]);
  await openDemo(page, "en");
  await openWidget(page);
  const view = widget(page);
  await expect.poll(() => polls.count, { timeout: 10_000 }).toBeGreaterThanOrEqual(kinds.length);

  await sendAndAwaitReply(page, "Hello"); // while one request for notices hangs, or has just failed
  await expect(view.userMessages).toHaveCount(1);
  await expect(view.userMessages.first().locator(".status")).toBeEmpty();
  await page.waitForTimeout(3_000); // a few more failed polls
  await expect(page.locator("#lotse-widget .error, #lotse-widget [role='alert']")).toHaveCount(0);
  await expect(view.botBubbles.filter({ hasText: /error|Fehler|proxy/i })).toHaveCount(0);
  await expect(view.input).toBeEnabled();
  await sendAndAwaitReply(page, "What can you do?");
  await expect(view.userMessages).toHaveCount(2);
  await expect(view.userMessages.nth(1).locator(".status")).toBeEmpty();
});
