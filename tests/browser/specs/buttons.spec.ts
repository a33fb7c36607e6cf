// Buttons from a bot answer: rendered as <button>s; a click sends the payload and shows the title.
import { expect, test } from "@playwright/test";
import { openDemo, openWidget, sendAndAwaitReply, webhookBody, widget } from "./widget";

interface RestButton {
  title: string;
  payload: string;
}

test("clicking a bot button sends its payload and shows its title", async ({ page }) => {
  const offered: RestButton[] = [];
  page.on("response", async (response) => {
    if (!webhookBody(response.request()) || !response.ok()) return;
    for (const item of (await response.json()) as { buttons?: RestButton[] }[]) offered.push(...(item.buttons ?? []));
  });

  await openDemo(page, "de");
  await openWidget(page);
  const w = widget(page);
  await sendAndAwaitReply(page, "Hallo");
  if ((await w.choices.count()) === 0) await sendAndAwaitReply(page, "Was kannst du?");
  await expect(w.choices.first()).toBeVisible();
  expect(offered.length).toBeGreaterThan(0);

  const choice = w.choices.first();
  const title = (await choice.textContent())!.trim();
  const expected = offered.find((b) => b.title.trim() === title);
  expect(expected, `button "${title}" came from the bot's answer`).toBeDefined();
  expect(await choice.evaluate((el) => el.tagName)).toBe("BUTTON");

  const userCount = await w.userMessages.count();
  const replies = await w.botBubbles.count();
  const [request] = await Promise.all([page.waitForRequest((r) => !!webhookBody(r)), choice.click()]);
  expect(webhookBody(request)!.message).toBe(expected!.payload);

  await expect(w.userMessages).toHaveCount(userCount + 1);
  await expect(w.userMessages.last()).toContainText(title);
  await expect(w.botBubbles.nth(replies)).toHaveText(/\S/);
  await expect(w.input).toBeFocused(); // the answered buttons are gone; focus stays in the dialog
});

test('"talk to a person" sends /request_human', async ({ page }) => {
  await openDemo(page, "en");
  await openWidget(page);
  const w = widget(page);
  const [request] = await Promise.all([
    page.waitForRequest((r) => !!webhookBody(r)),
    w.dialog.getByRole("button", { name: "Talk to a person" }).click(),
  ]);
  expect(webhookBody(request)!.message).toBe("/request_human");
  await expect(w.userMessages.last()).toContainText("Talk to a person");
  await expect(w.botBubbles.first()).toHaveText(/\S/);
});
