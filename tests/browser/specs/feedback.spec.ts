// Answer feedback (issue 17 I2): 👍 / 👎 under a factual answer; 👎 asks one optional line; the vote goes to
// the bot as a `/feedback{…}` payload the channel takes without NLU, and the bot thanks.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { openDemo, openWidget, sendAndAwaitReply, webhookBody, widget } from "./widget";

const QUESTION = "Was kostet das beschleunigte Fachkräfteverfahren?";

test("a thumbs down with a line sends the feedback payload and is thanked", async ({ page }) => {
  await openDemo(page, "de");
  await openWidget(page);
  const w = widget(page);
  await sendAndAwaitReply(page, QUESTION);
  const feedback = page.locator("#lotse-widget .feedback");
  await expect(feedback).toHaveCount(1);
  await expect(feedback.getByRole("button", { name: "Hilfreich", exact: true })).toBeVisible();
  await feedback.getByRole("button", { name: "Nicht hilfreich" }).click();

  const line = feedback.getByRole("textbox", { name: /Was hat gefehlt/ });
  await expect(line).toBeFocused();
  await line.fill("Die Frist für die Anerkennung fehlte");
  const [request] = await Promise.all([
    page.waitForRequest((r) => !!webhookBody(r)),
    feedback.getByRole("button", { name: "Senden" }).click(),
  ]);
  const message = webhookBody(request)!.message;
  expect(message.startsWith("/feedback{")).toBe(true);
  const fields = JSON.parse(message.slice("/feedback".length)) as Record<string, string>;
  expect(fields).toMatchObject({ value: "down", topic: "fee_procedure", language: "de", text: "Die Frist für die Anerkennung fehlte" });
  expect(fields.knowledge_version).toMatch(/\S/);

  await expect(w.botBubbles.last()).toHaveText(/Danke für Ihre Rückmeldung/);
  await expect(w.userMessages.last()).toContainText("👎 Die Frist für die Anerkennung fehlte");
  await expect(feedback).toHaveCount(0); // each answer is rated once
});

test("a thumbs up is sent at once; the open feedback line has no serious accessibility violations", async ({ page }) => {
  await openDemo(page, "en");
  await openWidget(page);
  await sendAndAwaitReply(page, "What does the accelerated procedure cost?");
  const feedback = page.locator("#lotse-widget .feedback");
  await feedback.getByRole("button", { name: "Not helpful" }).click();
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  await sendAndAwaitReply(page, "How long does it take?");
  const [request] = await Promise.all([
    page.waitForRequest((r) => !!webhookBody(r)),
    page.locator("#lotse-widget .feedback").getByRole("button", { name: "Helpful", exact: true }).click(),
  ]);
  expect(JSON.parse(webhookBody(request)!.message.slice("/feedback".length))).toMatchObject({ value: "up", language: "en" });
  await expect(widget(page).botBubbles.last()).toHaveText(/Thank you for your feedback/);
});
