import { expect, test, type Locator, type Page } from "@playwright/test";
import { logIn, seedTicket } from "./staff";

test("a pre-check officer works a ticket from submitted to forwarded and sees the audit trail", async ({
  page,
  request,
}) => {
  const reference = await seedTicket(request, "hwk_hannover");
  await logIn(page, "hwk_hannover");
  await page.getByRole("searchbox").fill(reference);
  await page.getByRole("button", { name: "Filtern" }).click();
  await page.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Vorgang ${reference}`);

  const status = page.locator("#status");
  await expect(status.getByRole("radio")).toHaveCount(2); // only the allowed transitions: in_pre_check, closed
  await status.getByLabel("In Vorprüfung nehmen").check();
  await status.getByRole("button", { name: "Status ändern" }).click();
  await expect(page.getByRole("status")).toHaveText("Status geändert.");

  await page.getByLabel("Vollmacht").selectOption("checked");
  await page.getByRole("button", { name: "Checkliste speichern" }).click();
  await expect(page.getByRole("status")).toHaveText("Checkliste gespeichert.");
  await expect(page.getByLabel("Vollmacht")).toHaveValue("checked");

  await page.getByLabel("Neuer Kommentar").fill("Vollmacht im Original gesehen.");
  await page.getByRole("button", { name: "Kommentar speichern" }).click();
  await expect(page.locator("#comments")).toContainText("Vollmacht im Original gesehen.");

  await status.getByLabel("Als vollständig markieren").check();
  await status.getByRole("button", { name: "Status ändern" }).click();
  await expect(currentStatus(page)).toContainText("Status: Vollständig");

  await status.getByLabel(/An die Zentralstelle weiterleiten/).check();
  await status.getByRole("button", { name: "Status ändern" }).click();
  await expect(currentStatus(page)).toContainText("Status: Weitergeleitet");
  await expect(page.locator("#delivery-state")).not.toBeEmpty();
  await expect(page.getByRole("link", { name: "Fallpaket als PDF" })).toBeVisible();

  const trail = page.locator("table.audit tbody");
  for (const action of [
    "Vorgang angelegt",
    "Status geändert",
    "Checkliste geändert",
    "Kommentar hinzugefügt",
    "Fallpaket erzeugt",
  ]) {
    await expect(trail.getByRole("rowheader", { name: action }).first()).toBeVisible();
  }
  await expect(trail.getByRole("rowheader", { name: "Status geändert" })).toHaveCount(3);

  await page.getByRole("button", { name: "Abmelden" }).click();
  await logIn(page, "zentralstelle");
  await page.getByRole("link", { name: reference }).click();
  await expect(currentStatus(page)).toContainText("Status: Weitergeleitet");
  await expect(page.locator("#checklist")).toContainText("geprüft");
});

test("a company name with markup renders as text", async ({ page, request }) => {
  const xss = "<script>alert(1)</script>";
  const reference = await seedTicket(request, "hwk_hannover", { company_name: xss });
  let dialogs = 0;
  page.on("dialog", async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  await logIn(page, "hwk_hannover");
  await page.goto(`staff/tickets?q=${reference}`);
  await expect(page.getByRole("cell", { name: xss })).toBeVisible();
  await page.goto(`staff/tickets/${reference}`);
  await expect(page.locator("#case-heading + dl")).toContainText(xss);
  expect(dialogs).toBe(0);
});

// The ticket's status line; the audit trail lists "Status: …" too once a status notice is delivered.
function currentStatus(page: Page): Locator {
  return page.locator("main > p").filter({ has: page.locator("strong") }).first();
}
