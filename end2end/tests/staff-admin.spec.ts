// Staff administration: the administrator adds a nurse without SQL and
// without choosing a password; the nurse signs in for the first time with
// the one-time enrolment code, sets a password, and may enrol an
// authenticator app at once. Runs on the tablet projects (the
// administrator's device) as well as the phones, hydrated and JS-off.
import { expect, test } from "@playwright/test";
import { openMenu, signIn, totp, waitForHydration } from "./helpers";

const NEW_PASSWORD = "夜勤明けの珈琲はとても苦い";

test("an administrator adds a nurse, who signs in with the enrolment code", async ({ page }, testInfo) => {
  // One account per project and run: the projects share the database.
  const login = `e2e.${testInfo.project.name}.${Date.now().toString(36)}`.replace(/[^a-z0-9._-]/g, "");
  await signIn(page, testInfo, "admin", "/admin/staff");
  await expect(page.getByRole("heading", { name: "職員の管理" })).toBeVisible();
  await openMenu(page);
  await expect(page.locator("details.menu").getByRole("link", { name: "職員", exact: true })).toBeVisible();

  await page.getByTestId("staff-add").click();
  await expect(page).toHaveURL(/\/admin\/staff\/new$/);
  await waitForHydration(page, testInfo);
  const form = page.getByTestId("staff-new-form");
  await form.getByLabel("姓", { exact: true }).fill("𠮷田");
  await form.getByLabel("名", { exact: true }).fill("美咲");
  await form.getByLabel("セイ (カナ)").fill("よしだ");
  await form.getByLabel("メイ (カナ)").fill("ミサキ");
  await form.getByLabel("職種").selectOption("nurse");
  const station = await form
    .locator("select[name=organization_id] option", { hasText: "訪問看護ステーション" })
    .first()
    .getAttribute("value");
  await form.getByLabel("所属").selectOption(station!);
  await form.getByLabel("電話 (夜間の直通)").fill("090-1234-5678");
  await form.getByLabel("ログインID").fill(login);
  await form.getByRole("button", { name: "作成して登録コードを発行" }).click();

  // The code is shown once, on the new account's page.
  await expect(page.getByTestId("staff-code")).toBeVisible();
  const code = (await page.getByTestId("staff-code-value").textContent())!.trim();
  expect(code.length).toBeGreaterThan(8);
  await expect(page.getByTestId("staff-name")).toHaveText("𠮷田 美咲");
  await expect(page.getByTestId("staff-status")).toContainText("未ログイン");
  await page.reload();
  await expect(page.getByTestId("staff-code")).toHaveCount(0);

  await openMenu(page);
  await page.getByRole("button", { name: "ログアウト" }).click();
  await expect(page).toHaveURL(/\/login(\?|$)/);

  // The nurse's first sign-in.
  await page.getByTestId("first-sign-in-link").click();
  await expect(page).toHaveURL(/\/login\/first$/);
  await page.getByLabel("ログインID").fill(login);
  await page.getByLabel("登録コード").fill(code);
  await page.getByLabel("新しいパスワード", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("新しいパスワード(確認)").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "パスワードを設定してログイン" }).click();
  await expect(page).toHaveURL(/\/account\/security/);
  await expect(page.getByTestId("enrolment-code")).toHaveCount(0);
  await expect(page.getByTestId("signed-in-as")).toHaveText("𠮷田 美咲");

  // Enrolment is open: the authenticator app can be set up now. (Read
  // the secret from a second view: it shows the pending secret stored on
  // the session, whatever the first view's render made.)
  await page.reload();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.getByLabel(/6桁のコード/).fill(totp(secret));
  await page.getByRole("button", { name: "確認" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
});

test("a wrong enrolment code is refused in words", async ({ page }, testInfo) => {
  await page.goto("/login/first");
  // No such account, one per project and run: a demo login would collect
  // failures that slow the other specs' sign-ins, and a shared one would
  // be slowed itself (as it should: a wrong code is a failed sign-in).
  const nobody = `nobody.${testInfo.project.name}.${testInfo.retry}.${Date.now().toString(36)}`;
  await page.getByLabel("ログインID").fill(nobody.replace(/[^a-z0-9._-]/g, ""));
  await page.getByLabel("登録コード").fill("AAAA-BBBB-CCCC");
  await page.getByLabel("新しいパスワード", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("新しいパスワード(確認)").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "パスワードを設定してログイン" }).click();
  await expect(page).toHaveURL(/\/login\/first$/);
  await expect(page.getByRole("alert")).toContainText("登録コードが正しくない");
});
