// Who may see what, in a real browser: another station's nurse is refused,
// break-glass opens the card and is reported, two-factor sign-in works.
import { expect, test } from "@playwright/test";
import { CARD_1, jsEnabled, signIn, totp, waitForHydration, openMenu, redeemEnrolmentCode } from "./helpers";

// Once on CI the recovery codes did not appear after the first code: two
// renders of the security page had each stored a new secret, and the page
// showed the one not kept (fixed; server/tests/it/factors.rs
// parallel_enrolment_pages_show_the_one_stored_secret). On a failure, print
// what the page said, so the next surprise can be read from the CI log.
test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && !page.isClosed()) {
    console.log(`--- ${testInfo.title} [${testInfo.project.name}] at ${page.url()}:`);
    console.log(await page.locator("main").innerText().catch((e) => String(e)));
  }
});

test("a signed-out visitor is sent to sign in and back to the card", async ({ page }, testInfo) => {
  await page.goto(CARD_1);
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.getByTestId("patient-name")).toHaveCount(0);
  await waitForHydration(page, testInfo);
  await page.getByLabel("ログインID").fill("nurse1");
  await page.getByLabel("パスワード").fill("nightcall-demo");
  await page.getByRole("button", { name: "ログイン", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${CARD_1}$`));
  await expect(page.getByTestId("patient-name")).toHaveText("山田 花子");
});

test("a wrong password gets a clear message", async ({ page }, testInfo) => {
  await page.goto("/login");
  await waitForHydration(page, testInfo);
  await page.getByLabel("ログインID").fill("nurse8");
  await page.getByLabel("パスワード").fill("not-the-password");
  await page.getByRole("button", { name: "ログイン", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("ログインIDまたはパスワードが違います");
});

test("a nurse of another station cannot open the card", async ({ page }, testInfo) => {
  // nurse3 works at ひまわり; 山田 花子 is cared for by みどり.
  await signIn(page, testInfo, "nurse3");
  const response = await page.goto(CARD_1);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("閲覧の権限がありません");
  await expect(page.getByTestId("patient-name")).toHaveCount(0);
  await expect(page.getByText("山田")).toHaveCount(0);
});

test("break-glass opens the card for a doctor outside the team and the attending sees it", async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name === "small-phone-js", "one phone size is enough for this flow");
  const context = await browser.newContext({ ...testInfo.project.use });
  const page = await context.newPage();
  // South-team doctors (one per project: a grant lasts two hours and the
  // projects share the database); 山田 花子 is in the north team.
  const doctor = { "phone-js": "doctor5", "phone-nojs": "doctor6" }[testInfo.project.name] ?? "doctor7";
  const doctorName = { doctor5: "南 和彦", doctor6: "清水 彩", doctor7: "渡辺 誠" }[doctor]!;
  await signIn(page, testInfo, doctor);
  const response = await page.goto(CARD_1);
  expect(response?.status()).toBe(403);
  await waitForHydration(page, testInfo);
  await page.getByLabel(/理由/).fill(`訪問看護師から夜間の往診依頼 (${testInfo.project.name})`);
  await page.getByRole("button", { name: "理由を記録して閲覧する" }).click();
  await expect(page.getByTestId("patient-name")).toHaveText("山田 花子");
  await expect(page.getByTestId("break-glass-banner")).toContainText("緊急閲覧中");
  await context.close();

  // The attending physician (doctor3, 桜井) sees the report.
  const attending = await browser.newContext({ ...testInfo.project.use });
  const attendingPage = await attending.newPage();
  await signIn(attendingPage, testInfo, "doctor3");
  await attendingPage.goto("/notices");
  await expect(
    attendingPage.getByTestId("break-glass-notice").filter({ hasText: testInfo.project.name }),
  ).toContainText(doctorName);
  await attending.close();
});

test("two-factor enrolment and sign-in with an authenticator code", async ({ page, browser }, testInfo) => {
  // One account per project so the runs do not interfere. With JavaScript
  // off too: the codes come back with the page the form post lands on.
  const login = { "phone-js": "nurse5", "small-phone-js": "nurse7" }[testInfo.project.name] ?? "nurse4";
  await signIn(page, testInfo, login);
  await page.goto("/account/security");
  await waitForHydration(page, testInfo);
  // The first factor needs the administrator's enrolment code.
  await redeemEnrolmentCode(page, login);
  await waitForHydration(page, testInfo);
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.getByLabel(/6桁のコード/).fill(totp(secret));
  await page.getByRole("button", { name: "確認" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);

  const phone = await browser.newContext({ ...testInfo.project.use });
  const next = await phone.newPage();
  await signIn(next, testInfo, login);
  await expect(next).toHaveURL(/\/login\/totp/);
  await waitForHydration(next, testInfo);
  // The next 30-second step: the enrolment code cannot be used twice.
  await next.getByLabel(/6桁のコード/).fill(totp(secret, Date.now() / 1000 + 30));
  await next.getByRole("button", { name: "確認", exact: true }).click();
  await expect(next.getByTestId("signed-in-as")).toBeVisible();
  await phone.close();
});

test("after sign-out, Back shows no patient data", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "nurse1", CARD_1);
  await expect(page.getByTestId("patient-name")).toHaveText("山田 花子");
  await waitForHydration(page, testInfo);
  await openMenu(page);
  await page.getByRole("button", { name: "ログアウト" }).click();
  await expect(page).toHaveURL(/\/login(\?|$)/);
  await expect(page.getByLabel("ログインID")).toBeVisible();
  await page.goBack();
  // The card's address again, but the server (asked again: no-store, or a
  // reload from the back/forward cache) answers with the sign-in page.
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.getByLabel("ログインID")).toBeVisible();
  await expect(page.getByTestId("patient-name")).toHaveCount(0);
  expect(await page.locator("body").innerText()).not.toContain("山田");
});
