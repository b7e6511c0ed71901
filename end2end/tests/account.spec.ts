// The account security page: credential changes need a fresh proof, and a
// person sees her signed-in devices and can sign the others out.
//
// Accounts no other spec signs in with, so enrolling and signing out here
// cannot disturb them: `coordinator` (the passkey), `admin` (the sessions).
import { expect, test } from "@playwright/test";
import { jsEnabled, signIn, waitForHydration, redeemEnrolmentCode } from "./helpers";

// WebAuthn refuses IP addresses as a site's identity (see passkey.spec.ts).
const base = new URL(process.env.BASE_URL ?? "http://127.0.0.1:3000");
base.hostname = "localhost";
test.use({ baseURL: base.origin });

test("removing a passkey asks for a fresh proof first", async ({ page, context }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "passkeys need JavaScript (the buttons stay hidden without it)");
  test.skip(testInfo.project.name !== "phone-js", "one run: the account keeps what it enrols");
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });

  await signIn(page, testInfo, "coordinator");
  await page.goto("/account/security");
  await waitForHydration(page, testInfo);
  await redeemEnrolmentCode(page, "coordinator");
  await waitForHydration(page, testInfo);
  const name = `受付タブレット ${Date.now()}`;
  await page.getByLabel(/パスキーの名前/).fill(name);
  await page.getByRole("button", { name: "パスキーを登録" }).click();
  const key = () => page.getByTestId("passkey").filter({ hasText: name });
  await expect(key()).toBeVisible();
  await expect(page.getByTestId("security-notice")).toContainText("新しいパスキーが登録されました");

  // Without a fresh proof the removal is refused in words, and the key stays.
  await key().getByRole("button", { name: "削除" }).click();
  await expect(page.getByTestId("security-error")).toContainText("本人確認が必要です");
  await expect(key()).toBeVisible();

  // The passkey itself is the proof; then the removal goes through, once.
  await waitForHydration(page, testInfo);
  await page.getByTestId("reauth").getByRole("button", { name: "パスキーで確認" }).click();
  await expect(page.getByTestId("reauth-fresh")).toBeVisible();
  await key().getByRole("button", { name: "削除" }).click();
  await expect(page.getByTestId("security-notice")).toContainText("パスキーを削除しました");
  await expect(key()).toHaveCount(0);
});

test("the session list shows both devices and signs the other one out", async ({ browser }, testInfo) => {
  // Plain forms: the same with JavaScript on and off; one run, since signing
  // out everywhere would end another project's sessions of the account.
  test.skip(testInfo.project.name !== "phone-nojs", "one run: it signs the account out elsewhere");
  const other = await browser.newContext({ ...testInfo.project.use });
  const otherPage = await other.newPage();
  await signIn(otherPage, testInfo, "admin");
  const mine = await browser.newContext({ ...testInfo.project.use });
  const page = await mine.newPage();
  await signIn(page, testInfo, "admin");

  await page.goto("/account/security");
  const sessions = page.getByTestId("session");
  await expect(sessions).toHaveCount(2);
  await expect(page.getByTestId("this-device")).toHaveCount(1);
  await expect(sessions.filter({ has: page.getByTestId("this-device") })).toHaveCount(1);

  await page.getByRole("button", { name: "他のすべての端末からサインアウト" }).click();
  await expect(page.getByTestId("security-notice")).toBeVisible();
  await expect(page.getByTestId("session")).toHaveCount(1);

  // The other device is signed out: its next page asks it to sign in.
  await otherPage.goto("/account/security");
  await expect(otherPage.getByRole("alert")).toContainText("ログインが必要です");
  await expect(otherPage.getByTestId("signed-in-as")).toHaveCount(0);
  // This one is not.
  await page.goto("/account/security");
  await expect(page.getByTestId("sessions")).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);
  await other.close();
  await mine.close();
});
