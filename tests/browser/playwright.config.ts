// Browser tests of the Lotse widget against the running stack, in Debian's Chromium (never a downloaded browser).
import { defineConfig } from "@playwright/test";
import { debianChromium } from "./chromium";

export const WEB_URL = (process.env.LOTSE_WEB_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
export const BOT_URL = (process.env.LOTSE_BOT_URL ?? "http://127.0.0.1:5005").replace(/\/+$/, "");

export default defineConfig({
  testDir: "./specs",
  globalSetup: "./global-setup.ts",
  fullyParallel: false,
  workers: 1, // one Rasa on a small machine: keep the conversations sequential
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 30_000 }, // a bot answer may take a while on a cold Rasa
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  outputDir: process.env.LOTSE_BROWSER_ARTIFACTS ?? "test-results",
  use: {
    baseURL: `${WEB_URL}/`,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: debianChromium,
  },
});
