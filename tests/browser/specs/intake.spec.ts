// A whole case registered through the widget, typing and clicking as an employer would (E6).
import { expect, test } from "@playwright/test";
import { openDemo, openWidget, sendAndAwaitReply, widget } from "./widget";

const typedAnswers = [
  "Ich möchte einen Fall zur Vorprüfung anmelden",
  "Bäckerei Morgenrot GmbH",
];
const afterChamber = [
  "Langenhagen",
  "Bäcker",
];
const afterQualification = [
  "48.000 € im Jahr",
];
const afterAge = [
  "Marokko",
  "Marokko",
  "1. Mai 2027",
  "0",
  "Langenhagen",
  "Miriam Morgenrot",
  "personal@baeckerei-morgenrot.de",
  "0511 2223334",
];

async function clickChoice(page: import("@playwright/test").Page, title: RegExp): Promise<void> {
  const w = widget(page);
  const before = await w.botBubbles.count();
  await w.choices.filter({ hasText: title }).last().click();
  await expect(w.botBubbles.nth(before)).toHaveText(/\S/);
  await expect(w.typing).toBeHidden();
}

test("a German employer registers a case through the widget and gets a reference", async ({ page }) => {
  test.setTimeout(240_000);
  await openDemo(page, "de");
  await openWidget(page);
  for (const answer of typedAnswers) await sendAndAwaitReply(page, answer);
  await clickChoice(page, /^Handwerk/);
  for (const answer of afterChamber) await sendAndAwaitReply(page, answer);
  await clickChoice(page, /^Berufsausbildung$/);
  await clickChoice(page, /^Noch nicht beantragt$/);
  for (const answer of afterQualification) await sendAndAwaitReply(page, answer);
  await clickChoice(page, /^Nein$/); // collective agreement
  await clickChoice(page, /^Nein$/); // 45 or older
  for (const answer of afterAge) await sendAndAwaitReply(page, answer);

  const w = widget(page);
  await expect(w.botBubbles.last()).toContainText("Bäckerei Morgenrot GmbH");
  await expect(w.botBubbles.last()).toContainText("Datenschutz");
  await clickChoice(page, /^Ja, übermitteln$/);
  await expect(w.botBubbles.last()).toContainText(/LT-\d{4}-[0-9A-HJKMNP-TV-Z]{6}/);
  await expect(w.botBubbles.last()).toContainText("Handwerkskammer Hannover");
});
