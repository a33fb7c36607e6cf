// Debian's Chromium, never a downloaded browser; flags that keep it off the (closed) network.
import type { LaunchOptions } from "@playwright/test";

export const debianChromium: LaunchOptions = {
  executablePath: process.env.LOTSE_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
