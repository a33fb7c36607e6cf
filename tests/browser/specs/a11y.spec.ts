// Accessibility: axe-core (no serious/critical violations), small screens / 400 % zoom, reduced motion,
// style isolation, and text (never HTML) rendering of untrusted input.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { type Lang, openDemo, openWidget, sendAndAwaitReply, widget } from "./widget";

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const lang of ["de", "en"] as Lang[]) {
  test(`axe (${lang}): no serious or critical violations with the widget open`, async ({ page }) => {
    await openDemo(page, lang);
    expect(await seriousViolations(page), "closed").toEqual([]);
    await openWidget(page);
    await sendAndAwaitReply(page, lang === "de" ? "Was kannst du?" : "What can you do?");
    expect(await seriousViolations(page), "open, with a conversation").toEqual([]);
  });
}

// 320 CSS px wide (WCAG 1.4.10), and 320×256 = a 1280×1024 window at 400 % zoom.
for (const viewport of [
  { width: 320, height: 640 },
  { width: 320, height: 256 },
]) {
  test(`usable at ${viewport.width}×${viewport.height} without horizontal scrolling`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openDemo(page, "de");
    await openWidget(page);
    const w = widget(page);
    await sendAndAwaitReply(page, "Hallo");
    for (const control of [
      w.input,
      w.send,
      w.dialog.getByRole("button", { name: "Mit einem Menschen sprechen" }),
      w.dialog.getByRole("button", { name: "Chat schließen" }),
    ]) {
      await control.scrollIntoViewIfNeeded();
      await expect(control).toBeInViewport();
      const box = (await control.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
    }
    const panel = (await w.dialog.boundingBox())!;
    expect(panel.x).toBeGreaterThanOrEqual(0);
    expect(panel.x + panel.width).toBeLessThanOrEqual(viewport.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
  });
}

test("prefers-reduced-motion turns animations off", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await openDemo(page, "de");
  await openWidget(page);
  const animation = await widget(page).dialog.evaluate((el) => getComputedStyle(el).animationName);
  expect(animation).toBe("none");
});

test("host page styles do not leak into the widget", async ({ page }) => {
  await openDemo(page, "de");
  await openWidget(page);
  const hostFont = await page.locator("main p").first().evaluate((el) => getComputedStyle(el).fontFamily);
  const widgetFont = await widget(page).input.evaluate((el) => getComputedStyle(el).fontFamily);
  expect(hostFont).toContain("Georgia");
  expect(widgetFont).not.toContain("Georgia");
});

test("user text is shown as text; URLs become safe links", async ({ page }) => {
  await openDemo(page, "de");
  await openWidget(page);
  const hostile = '<img src=x onerror="window.__lotseXss=1"> siehe https://example.org/info.';
  await sendAndAwaitReply(page, hostile);
  const w = widget(page);
  const bubble = w.userMessages.first().locator(".bubble");
  await expect(bubble).toContainText('<img src=x onerror="window.__lotseXss=1">');
  await expect(page.locator("#lotse-widget img")).toHaveCount(0);
  const link = bubble.getByRole("link");
  await expect(link).toHaveAttribute("href", "https://example.org/info");
  await expect(link).toHaveAttribute("rel", "noopener noreferrer");
  await expect(link).toHaveAttribute("target", "_blank");
  expect(await page.evaluate(() => (window as { __lotseXss?: number }).__lotseXss)).toBeUndefined();
  await expect(w.botBubbles.locator("script, img, iframe")).toHaveCount(0);
});
