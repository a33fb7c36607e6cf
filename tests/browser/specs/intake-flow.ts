// The German employer's case of intake.spec.ts, typed and clicked as in the widget: shared by the
// specs that need a registered case (intake, status notices).
import { expect, type Page } from "@playwright/test";
import { sendAndAwaitReply, widget } from "./widget";

export const REFERENCE = /LT-\d{4}-[0-9A-HJKMNP-TV-Z]{6}/;

const typedAnswers = ["Ich möchte einen Fall zur Vorprüfung anmelden", "Bäckerei Morgenrot GmbH"];
const afterChamber = ["Langenhagen", "Bäcker"];
const afterQualification = ["48.000 € im Jahr"];
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

export async function clickChoice(page: Page, title: RegExp): Promise<void> {
  const w = widget(page);
  const before = await w.botBubbles.count();
  await w.choices.filter({ hasText: title }).last().click();
  await expect(w.botBubbles.nth(before)).toHaveText(/\S/);
  await expect(w.typing).toBeHidden();
}

/** Answers every question of the intake (a bakery in Langenhagen, craft chamber); stops at the summary. */
export async function answerUpToConsent(page: Page): Promise<void> {
  for (const answer of typedAnswers) await sendAndAwaitReply(page, answer);
  await clickChoice(page, /^Handwerk/);
  for (const answer of afterChamber) await sendAndAwaitReply(page, answer);
  await clickChoice(page, /^Berufsausbildung$/);
  await clickChoice(page, /^Noch nicht beantragt$/);
  for (const answer of afterQualification) await sendAndAwaitReply(page, answer);
  await clickChoice(page, /^Nein$/); // collective agreement
  await clickChoice(page, /^Nein$/); // 45 or older
  for (const answer of afterAge) await sendAndAwaitReply(page, answer);
}

/** The whole case, consent included; returns the reference the bot gave. */
export async function registerCase(page: Page): Promise<string> {
  await answerUpToConsent(page);
  await clickChoice(page, /^Ja, übermitteln$/);
  const confirmation = widget(page).botBubbles.last();
  await expect(confirmation).toContainText(REFERENCE);
  const reference = REFERENCE.exec((await confirmation.textContent()) ?? "")?.[0];
  if (!reference) throw new Error("no reference in the confirmation");
  return reference;
}
