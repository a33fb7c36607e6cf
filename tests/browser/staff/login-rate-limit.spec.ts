import { expect, test } from "@playwright/test";
import { newReference } from "./staff";

test("five failed logins for a username lead to the 429 page", async ({ page }) => {
  const username = `nobody-${newReference().slice(-6).toLowerCase()}`;
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    await page.goto("staff/login");
    await page.getByLabel("Benutzername").fill(username);
    await page.getByLabel("Passwort").fill("wrong password");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(page.getByRole("alert")).toHaveText("Benutzername oder Passwort ist falsch.");
  }
  await page.goto("staff/login");
  await page.getByLabel("Benutzername").fill(username);
  await page.getByLabel("Passwort").fill("wrong password");
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.url().endsWith("/staff/login") && candidate.request().method() === "POST"),
    page.getByRole("button", { name: "Anmelden" }).click(),
  ]);
  expect(response.status()).toBe(429);
  await expect(page.getByRole("heading", { level: 1, name: "Zu viele Anmeldeversuche" })).toBeVisible();
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
