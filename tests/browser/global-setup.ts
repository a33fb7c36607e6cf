// Fails fast, with a clear message, when the stack under test is not up.
import { BOT_URL, WEB_URL } from "./playwright.config";

async function expectUp(name: string, url: string): Promise<void> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (response.ok) return;
    throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    throw new Error(`${name} is not answering at ${url} (${String(error)}); start the stack first (make run).`);
  }
}

export default async function globalSetup(): Promise<void> {
  await expectUp("the widget demo page (LOTSE_WEB_URL)", `${WEB_URL}/`);
  await expectUp("the Rasa server (LOTSE_BOT_URL)", `${BOT_URL}/`);
}
