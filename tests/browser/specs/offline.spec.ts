// A network blip: the message waits, is shown as not sent, and is delivered exactly once when back online.
import { expect, test } from "@playwright/test";
import { openDemo, openWidget, recordWebhook, widget } from "./widget";

test("a message sent while offline is delivered once after reconnecting", async ({ page, context }) => {
  const traffic = recordWebhook(page);
  await openDemo(page, "de");
  await openWidget(page);
  const w = widget(page);

  await context.setOffline(true);
  await w.input.fill("Hallo");
  await w.input.press("Enter");
  const status = w.userMessages.first().locator(".status");
  await expect(status).toContainText("Nicht gesendet");
  await expect(status.getByRole("button", { name: "Erneut senden" })).toBeVisible();
  await expect(w.botBubbles).toHaveCount(0);

  await context.setOffline(false);
  await expect(w.botBubbles.first()).toHaveText(/\S/);
  await expect(status).toBeEmpty();

  // Let any stray retry timer fire, then count: one delivered request, one user bubble.
  await page.waitForTimeout(3_000);
  expect(traffic.answered.filter((b) => b.message === "Hallo")).toHaveLength(1);
  expect(traffic.sent.length).toBeGreaterThanOrEqual(2); // at least one attempt failed while offline
  await expect(w.userMessages).toHaveCount(1);

  await page.reload();
  await expect(w.userMessages).toHaveCount(1);
  await page.waitForTimeout(1_000);
  expect(traffic.answered.filter((b) => b.message === "Hallo")).toHaveLength(1);
});

test("the retry button resends a failed message at once, still only once", async ({ page, context }) => {
  const traffic = recordWebhook(page);
  await openDemo(page, "en");
  await openWidget(page);
  const w = widget(page);

  await context.setOffline(true);
  await w.input.fill("Hello");
  await w.input.press("Enter");
  const retry = w.userMessages.first().getByRole("button", { name: "Retry" });
  await expect(retry).toBeVisible();
  // Back online without the browser's "online" event firing first is not guaranteed, so use the button.
  await context.setOffline(false);
  if (await retry.isVisible()) await retry.click().catch(() => undefined);
  await expect(w.botBubbles.first()).toHaveText(/\S/);
  await page.waitForTimeout(2_000);
  expect(traffic.answered.filter((b) => b.message === "Hello")).toHaveLength(1);
  await expect(w.userMessages).toHaveCount(1);
});

test("a message in flight during a reload is not resent without asking", async ({ page }) => {
  const traffic = recordWebhook(page);
  // Hold the request in the browser so the page goes away before it reaches the bot.
  await page.route("**/webhooks/rest/webhook", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await route.abort().catch(() => undefined);
  });
  await openDemo(page, "de");
  await openWidget(page);
  const w = widget(page);
  await w.input.fill("Hallo");
  await w.input.press("Enter");
  await expect(w.typing).toBeVisible();
  await page.reload();

  const status = w.userMessages.first().locator(".status");
  await expect(status).toContainText("Nicht gesendet");
  await page.unroute("**/webhooks/rest/webhook");
  await page.waitForTimeout(2_000);
  expect(traffic.answered).toHaveLength(0); // no silent resend

  await status.getByRole("button", { name: "Erneut senden" }).click();
  await expect(w.botBubbles.first()).toHaveText(/\S/);
  expect(traffic.answered.filter((b) => b.message === "Hallo")).toHaveLength(1);
  await expect(w.input).toBeFocused();
});

test("after a server error the message is resent only when the user asks", async ({ page }) => {
  const traffic = recordWebhook(page);
  await page.route("**/webhooks/rest/webhook", (route) =>
    route.fulfill({ status: 500, contentType: "application/json", body: '{"error": {"code": "internal_error"}}' }),
  );
  await openDemo(page, "en");
  await openWidget(page);
  const w = widget(page);
  await w.input.fill("Hello");
  await w.input.press("Enter");
  const status = w.userMessages.first().locator(".status");
  await expect(status).toContainText("Not sent");
  await page.unroute("**/webhooks/rest/webhook");
  await page.waitForTimeout(2_500); // longer than the first backoff step
  expect(traffic.sent).toHaveLength(1);

  await status.getByRole("button", { name: "Retry" }).click();
  await expect(w.botBubbles.first()).toHaveText(/\S/);
  expect(traffic.sent).toHaveLength(2); // the refused one (answered by the route) and the user's retry
  await expect(w.userMessages).toHaveCount(1);
});
