// Session persistence across a reload, and keyboard-only use without a focus trap.
import { expect, test } from "@playwright/test";
import { openDemo, openWidget, recordWebhook, sendAndAwaitReply, widget, widgetFocusIs } from "./widget";

test("a reload restores the conversation and keeps the sender id", async ({ page }) => {
  const traffic = recordWebhook(page);
  await openDemo(page, "de");
  await openWidget(page);
  const w = widget(page);
  await sendAndAwaitReply(page, "Hallo");
  const answer = await w.botBubbles.first().textContent();

  await page.reload();
  await expect(w.dialog).toBeVisible(); // it was open before the reload
  await expect(w.userMessages).toHaveCount(1);
  await expect(w.userMessages.first()).toContainText("Hallo");
  await expect(w.botBubbles.first()).toHaveText(answer!);
  await expect(w.input).not.toBeFocused(); // restoring must not steal focus

  await sendAndAwaitReply(page, "Was kannst du?");
  expect(traffic.answered.map((b) => b.message)).toEqual(["Hallo", "Was kannst du?"]);
  expect(new Set(traffic.answered.map((b) => b.sender)).size).toBe(1);
});

test("keyboard only: Enter opens, type and send, Esc closes and focus returns", async ({ page }) => {
  await openDemo(page, "en");
  const w = widget(page);

  for (let i = 0; i < 10 && !(await widgetFocusIs(page, ".launcher")); i++) await page.keyboard.press("Tab");
  expect(await widgetFocusIs(page, ".launcher"), "the launcher is reachable with Tab").toBe(true);
  await page.keyboard.press("Enter");
  await expect(w.dialog).toBeVisible();
  await expect(w.launcher).toHaveAttribute("aria-expanded", "true");
  expect(await widgetFocusIs(page, "input")).toBe(true);

  await page.keyboard.type("Hello");
  await page.keyboard.press("Enter");
  await expect(w.botBubbles.first()).toHaveText(/\S/);
  expect(await widgetFocusIs(page, "input"), "focus stays in the input while the answer arrives").toBe(true);

  // No trap: Tab moves on past the send button and out of the dialog.
  await w.send.focus();
  await page.keyboard.press("Tab");
  expect(await widgetFocusIs(page, ".panel *")).toBe(false);

  await w.input.focus();
  await page.keyboard.press("Escape");
  await expect(w.dialog).toBeHidden();
  await expect(w.launcher).toHaveAttribute("aria-expanded", "false");
  expect(await widgetFocusIs(page, ".launcher")).toBe(true);
});
