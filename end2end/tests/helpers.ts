import { execFileSync } from "node:child_process";
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

/**
 * Waits until the page's islands have hydrated (JavaScript on). A page
 * without an island ships no wasm and is ready as it loads: nothing to wait
 * for (and it must not carry the wasm loader).
 */
export async function waitForHydration(page: Page, testInfo: TestInfo) {
  if (!jsEnabled(testInfo)) return;
  if ((await page.locator("leptos-island").count()) === 0) {
    expect(await page.locator('script[type="module"]:not([src="/passkey.js"])').count()).toBe(0);
    return;
  }
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** Opens the header's menu (a <details>: works with JavaScript off). */
export async function openMenu(page: Page) {
  const menu = page.locator("details.menu");
  if ((await menu.getAttribute("open")) === null) await menu.locator("summary").click();
  await expect(menu).toHaveAttribute("open", "");
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

/**
 * An administrator's one-time enrolment code for `login`, issued by the
 * server command (`nightcall staff enrolment-code LOGIN`) against the
 * browser tests' database, with the same server key (scripts/test sets
 * E2E_DATABASE_URL, NIGHTCALL_SECRET_KEY and NIGHTCALL_BIN).
 */
export function enrolmentCode(login: string): string {
  const bin = process.env.NIGHTCALL_BIN ?? "../target/debug/nightcall";
  const out = execFileSync(bin, ["staff", "enrolment-code", login], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL ?? "" },
    encoding: "utf8",
  });
  const code = /enrolment code for \S+: (\S+)/.exec(out)?.[1];
  if (!code) throw new Error(`no enrolment code in: ${out}`);
  return code;
}

/** On /account/security, redeems an enrolment code with the password. */
export async function redeemEnrolmentCode(page: Page, login: string) {
  const section = page.getByTestId("enrolment-code");
  await section.getByLabel("登録コード").fill(enrolmentCode(login));
  await section.getByLabel("パスワード").fill(DEMO_PASSWORD);
  await section.getByRole("button", { name: "登録コードを確認" }).click();
  await expect(page.getByTestId("enrolment-code")).toHaveCount(0);
}
