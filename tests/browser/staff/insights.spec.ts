// Issue 17 I4: the lead opens the Insights page; every chart has its text alternative and its table,
// small counts read "< 5", the CSV export downloads, and axe finds nothing serious.
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { credentials, logIn } from "./staff";

async function reportFacts(request: APIRequestContext, facts: Record<string, unknown>[]): Promise<void> {
  const response = await request.post("api/v1/insights/facts", {
    data: { facts },
    headers: { Authorization: `Bearer ${credentials().bot.api_token}` },
  });
  expect(response.status(), await response.text()).toBe(202);
}

function fact(kind: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const conversation = randomBytes(8).toString("hex");
  const id = `browser-${conversation}-${kind}`;
  const day = new Date().toISOString().slice(0, 10);
  return { id, kind, day, conversation, channel: "rest", language: "de", persona: "employer", ...extra };
}

test("the lead reads the conversation insights with tables and a CSV export", async ({ page, request }) => {
  await reportFacts(request, [
    ...Array.from({ length: 6 }, () => fact("conversation_started")),
    fact("conversation_started", { channel: "teams" }),
    ...Array.from({ length: 5 }, () => fact("topic_asked", { topic: "fee_visa", result: "answered" })),
    ...Array.from({ length: 5 }, () => fact("unanswered", { text: "Gibt es das Verfahren auch für Saisonkräfte?" })),
  ]);
  await logIn(page, "admin");
  await page.getByRole("link", { name: "Auswertung Gespräche" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Auswertung der Gespräche mit dem Assistenten" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Gespräche pro Woche" })).toBeVisible();
  const weeks = page.getByRole("table", { name: "Gespräche pro Woche: Werte" });
  await expect(weeks).toBeVisible();
  await expect(weeks.getByRole("cell", { name: "< 5" }).first()).toBeVisible();
  await expect(page.getByRole("table", { name: "Häufigste Themen: Werte" })).toContainText("Visumgebühr");
  await expect(page.getByRole("table", { name: "Unbeantwortete Fragen dieser Woche: Werte" })).toContainText(
    "Saisonkräfte",
  );
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Gespräche pro Woche als CSV herunterladen" }).click();
  expect((await download).suggestedFilename()).toBe("lotse-insights-conversations.csv");
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => v.id)).toEqual([]);
});
