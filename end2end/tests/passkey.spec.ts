// Passkeys in a real browser: Chromium's virtual authenticator (through the
// DevTools protocol) stands in for the phone's fingerprint sensor. A nurse
// registers a passkey, signs out, and signs in with the passkey alone.
import { expect, test } from "@playwright/test";
import { jsEnabled, signIn, waitForHydration, openMenu, redeemEnrolmentCode } from "./helpers";

// WebAuthn refuses IP addresses as a site's identity, so this spec talks to
// the same server as localhost (the server accepts any port there).
const base = new URL(process.env.BASE_URL ?? "http://127.0.0.1:3000");
base.hostname = "localhost";
test.use({ baseURL: base.origin });

test("a nurse registers a passkey and then signs in with it alone", async ({ page, context }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "passkeys need JavaScript (the buttons stay hidden without it)");
  // One account enrols once: a second project would find nurse6 already
  // holding a passkey (and so needing it after the password).
  test.skip(testInfo.project.name !== "phone-js", "one run: the account keeps its passkey");
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });

  // Signed in with the password, the nurse adds a passkey.
  await signIn(page, testInfo, "nurse6");
  await page.goto("/account/security");
  await waitForHydration(page, testInfo);
  // The first factor needs the administrator's enrolment code.
  await redeemEnrolmentCode(page, "nurse6");
  await waitForHydration(page, testInfo);
  // Unique per run, so a rerun on the same database finds its own passkey.
  const name = `テスト端末 ${testInfo.project.name} ${Date.now()}`;
  await page.getByLabel(/パスキーの名前/).fill(name);
  await page.getByRole("button", { name: "パスキーを登録" }).click();
  await expect(page.getByTestId("passkey").filter({ hasText: name })).toBeVisible();
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0].isResidentCredential, "discoverable, so no login id is needed").toBe(true);

  // Signed out, the passkey alone signs in.
  await openMenu(page);
  await page.getByRole("button", { name: "ログアウト" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
  await page.goto("/login?next=/");
  await waitForHydration(page, testInfo);
  await page.getByRole("button", { name: "パスキーでログイン" }).click();
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await expect(page).not.toHaveURL(/\/login/);
});

