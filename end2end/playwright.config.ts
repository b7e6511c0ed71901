// Browser tests in Debian's Chromium (no browser download), on phone
// viewports, once hydrated and once with JavaScript off.
import { defineConfig, devices } from "@playwright/test";

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// Pixel 7 is Chromium-based; a 360 px wide budget Android is the floor we design for.
const phone = { ...devices["Pixel 7"], launchOptions: chromium };
const smallPhone = {
  ...devices["Galaxy S9+"],
  viewport: { width: 360, height: 740 },
  launchOptions: chromium,
};

// The administrator's and the coordinator's tablet (staff and team
// administration): their own projects, for those specs only.
const tablet = { ...devices["Galaxy Tab S4"], launchOptions: chromium };
const tabletSpecs = /(staff-admin|teams|admission)\.spec\.ts$/;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  // One retry: a test that passes only the second time is reported as
  // flaky in the list (read it), and the run stays green.
  retries: 1,
  workers: 2,
  reporter: [["list"]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    locale: "ja-JP",
    timezoneId: "Asia/Tokyo",
  },
  projects: [
    { name: "phone-js", use: { ...phone, javaScriptEnabled: true } },
    { name: "phone-nojs", use: { ...phone, javaScriptEnabled: false } },
    { name: "small-phone-js", use: { ...smallPhone, javaScriptEnabled: true } },
    { name: "tablet-js", testMatch: tabletSpecs, use: { ...tablet, javaScriptEnabled: true } },
    { name: "tablet-nojs", testMatch: tabletSpecs, use: { ...tablet, javaScriptEnabled: false } },
  ],
});
