// Browser tests of the partners' backend staff UI, in Debian's Chromium (never a downloaded browser).
// Needs a running backend: LOTSE_BACKEND_URL (default http://127.0.0.1:8000) and its dev credentials
// file LOTSE_DEV_CREDENTIALS (default ../../var/dev-credentials.json, relative to tests/browser).
import { defineConfig } from "@playwright/test";
import { debianChromium } from "./chromium";

export const BACKEND_URL = (process.env.LOTSE_BACKEND_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");

export default defineConfig({
  testDir: "./staff",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 30_000 }, // labels.spec.ts waits for the bot's answers, which may be slow on a cold Rasa
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  outputDir: process.env.LOTSE_BROWSER_ARTIFACTS ?? "test-results/staff",
  use: {
    baseURL: `${BACKEND_URL}/`,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: debianChromium,
  },
});
