// A whole case registered through the widget, typing and clicking as an employer would (E6).
import { expect, test } from "@playwright/test";
import { answerUpToConsent, clickChoice, REFERENCE } from "./intake-flow";
import { openDemo, openWidget, widget } from "./widget";

test("a German employer registers a case through the widget and gets a reference", async ({ page }) => {
  test.setTimeout(240_000);
  await openDemo(page, "de");
  await openWidget(page);
  await answerUpToConsent(page);

  const w = widget(page);
  await expect(w.botBubbles.last()).toContainText("Bäckerei Morgenrot GmbH");
  await expect(w.botBubbles.last()).toContainText("Datenschutz");
  await clickChoice(page, /^Ja, übermitteln$/);
  await expect(w.botBubbles.last()).toContainText(REFERENCE);
  await expect(w.botBubbles.last()).toContainText("Handwerkskammer Hannover");
});
