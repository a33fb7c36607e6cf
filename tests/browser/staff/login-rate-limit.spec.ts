import { expect, test } from "@playwright/test";
import { credentials, logIn } from "./staff";

test("failed logins slow the account down but never lock out the right password", async ({ page }) => {
  const entry = credentials().welcome_center;
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    await page.goto("staff/login");
    await page.getByLabel("Benutzername").fill(entry.username ?? "");
    await page.getByLabel("Passwort").fill("wrong password");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(page.getByRole("alert")).toHaveText("Benutzername oder Passwort ist falsch.");
  }
  const started = Date.now();
  await logIn(page, "welcome_center");
  expect(Date.now() - started).toBeGreaterThanOrEqual(4_000); // three free failures, then 1, 2, 4 s
});

test("the UI answers with the security headers and the language switch works", async ({ page }) => {
  const response = await page.goto("staff/login");
  const headers = response?.headers() ?? {};
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await page.getByRole("link", { name: "Deutsch" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Anmelden" })).toBeVisible();
});
