import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { logIn, seedTicket } from "./staff";

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

test("login, inbox and ticket page have no serious or critical axe violations", async ({ page, request }) => {
  const reference = await seedTicket(request, "hwk_hannover");
  await page.goto("staff/login");
  expect(await seriousViolations(page)).toEqual([]);
  await logIn(page, "hwk_hannover");
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`staff/tickets/${reference}`);
  expect(await seriousViolations(page)).toEqual([]);
});

test("the lead's dashboard has no serious or critical axe violations and a text alternative", async ({
  page,
  request,
}) => {
  await seedTicket(request, "welcome_center");
  await logIn(page, "admin");
  await page.getByRole("link", { name: "Übersicht" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Übersicht" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Vorgänge pro Woche" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Vorgänge pro Kalenderwoche und Organisation" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test("the skip link is the first stop and moves focus to the main content", async ({ page }) => {
  await page.goto("staff/login");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Zum Inhalt springen" });
  await expect(skip).toBeFocused();
  await skip.press("Enter");
  await expect(page.locator("main")).toBeFocused();
});
