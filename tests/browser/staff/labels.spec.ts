// Issue 19 (W6): a case registered through the widget, talking to the real bot, reads in the clerk's
// words on the ticket page and the print view, in German and in English: no visible code, axe clean.
// Needs the whole stack: LOTSE_WEB_URL (the widget's demo page) besides LOTSE_BACKEND_URL.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { registerCase } from "../specs/intake-flow";
import { openWidget, widget } from "../specs/widget";
import { logIn, seedTicket } from "./staff";

const WEB_URL = (process.env.LOTSE_WEB_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");

const SNAKE_CASE = /\b[a-z0-9]+(?:_[a-z0-9]+)+\b/;
const PYTHON_LITERAL = /\b(?:True|False|None)\b|\{'|': /;
const LONE_CODE = /^[A-Z]{2}$/;

/** Every piece of text a person sees (closed disclosures and hidden elements left out) that looks like a code. */
async function visibleCodes(page: Page): Promise<string[]> {
  const pieces = await page.evaluate(() => {
    const shown: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode.textContent?.trim() ?? "";
      const parent = walker.currentNode.parentElement;
      if (text && parent && parent.checkVisibility({ visibilityProperty: true })) shown.push(text);
    }
    return shown;
  });
  return pieces.filter((text) => LONE_CODE.test(text) || SNAKE_CASE.test(text) || PYTHON_LITERAL.test(text));
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

async function readsAsWords(page: Page, path: string, expected: (string | RegExp)[]): Promise<void> {
  await page.goto(path);
  const main = page.locator("main");
  for (const words of expected) await expect(main).toContainText(words);
  expect(await visibleCodes(page)).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]);
}

test("a case registered through the bot reads in the clerk's words, in German and in English", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(`${WEB_URL}/index.html`);
  await expect(widget(page).launcher).toBeVisible({ timeout: 30_000 });
  await openWidget(page);
  const reference = await registerCase(page); // a bakery in Langenhagen, craft chamber: the Handwerkskammer

  await logIn(page, "hwk_hannover");
  const ticket = `staff/tickets/${reference}`;
  const german = [
    "Handwerk",
    "Langenhagen",
    "Berufsausbildung",
    "noch nicht beantragt",
    "Marokko",
    /48\.000\s€/,
    "unter 45 Jahre",
    "01.05.2027",
    /\d\d\.\d\d\.\d{4}, \d\d:\d\d MES?Z/,
    "Farbkopie der Passdatenseite der Fachkraft",
    "Formular der Bundesagentur für Arbeit",
  ];
  await readsAsWords(page, ticket, german);
  await expect(page.locator("table.audit")).toContainText("Checkliste:");
  await readsAsWords(page, `${ticket}/print`, german);

  await page.goto(ticket);
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  const english = [
    "Crafts",
    "Langenhagen",
    "Vocational training",
    "Not applied for yet",
    "Morocco",
    "€48,000",
    "under 45",
    "1 May 2027",
    /\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d CES?T/,
    "Colour copy of the worker's passport data page",
    "Federal Employment Agency form",
  ];
  await readsAsWords(page, ticket, english);
  await readsAsWords(page, `${ticket}/print`, english);
  await readsAsWords(page, `staff/tickets?q=${reference}`, [reference, "Bäcker"]);
});

test("an admin sees sentences in the audit log and the raw change only when opening its disclosure", async ({
  page,
  request,
}) => {
  const reference = await seedTicket(request, "welcome_center");
  await logIn(page, "admin");
  await page.goto(`staff/tickets/${reference}`);
  await page.locator("#status").getByLabel("In Vorprüfung nehmen").check();
  await page.locator("#status").getByRole("button", { name: "Status ändern" }).click();
  const trail = page.locator("table.audit");
  await expect(trail).toContainText("Status: Eingegangen → In Vorprüfung");
  expect(await visibleCodes(page)).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]);

  const raw = trail.locator("details").last();
  await raw.getByText("Rohdaten der Änderung").click();
  await expect(raw.locator("pre")).toContainText('"status": "in_pre_check"');
  expect(await visibleCodes(page)).not.toEqual([]); // the check sees codes once they are shown
});
