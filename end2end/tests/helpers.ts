// Shared steps for the browser tests.
import { expect, type Page, type TestInfo } from "@playwright/test";
import { createHmac } from "node:crypto";

export const DEMO_PASSWORD = "nightcall-demo";
// Demo patient 1 (山田 花子) — see server/src/demo.rs.
export const PATIENT_1 = "00000000-0000-4000-8000-000100000001";
export const CARD_1 = `/patients/${PATIENT_1}/night-card`;

export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

export async function waitForHydration(page: Page, testInfo: TestInfo) {
  if (jsEnabled(testInfo)) {
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  }
}

/** Signs in through the real form; lands on `next`. */
export async function signIn(page: Page, testInfo: TestInfo, login: string, next = "/") {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await waitForHydration(page, testInfo);
  await page.getByLabel("ログインID").fill(login);
  await page.getByLabel("パスワード").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "ログイン", exact: true }).click();
  // Wait until the sign-in has landed (the session cookie is set) before
  // the test navigates on.
  await expect(page).not.toHaveURL(/\/login(\?|$)/);
  await expect(page.locator("main")).toBeVisible();
}

/** Collects console errors and uncaught exceptions of a page. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as an authenticator app computes it. */
export function totp(secretBase32: string, unixSeconds = Date.now() / 1000): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/=+$/, "")) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const bytes = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", bytes).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}
