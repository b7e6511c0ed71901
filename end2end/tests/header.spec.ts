// The phone-first header: one compact row with who is signed in; the rest
// in a menu that opens without JavaScript and reaches every page the role
// uses (issue 10).
import { expect, test } from "@playwright/test";
import { CARD_1, openMenu, signIn } from "./helpers";

test("one row on a phone; the menu reaches the duty roster and account security", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "doctor3", CARD_1);
  const bar = (await page.locator("header.topbar").boundingBox())!;
  expect(bar.height, "the header is one row").toBeLessThanOrEqual(60);
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  // The route and the first call sit higher than under the old three-row bar.
  const route = (await page.getByTestId("route-link").boundingBox())!;
  expect(route.y + route.height).toBeLessThanOrEqual(page.viewportSize()!.height);

  await openMenu(page);
  const menu = page.locator("details.menu");
  for (const name of ["患者一覧", "今夜のコール", "申し送り(朝の確認)", "当番表", "不在予定", "お知らせ", "アカウントとセキュリティ"]) {
    await expect(menu.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await expect(menu.getByRole("link", { name: "アクセス記録" })).toHaveCount(0);
  await menu.getByRole("link", { name: "当番表", exact: true }).click();
  await expect(page).toHaveURL(/\/duty/);
  await openMenu(page);
  await page.locator("details.menu").getByRole("link", { name: "アカウントとセキュリティ" }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
});

test("a nurse's menu has no physician or coordinator pages", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "nurse3");
  await openMenu(page);
  const menu = page.locator("details.menu");
  await expect(menu.getByRole("link", { name: "当番表", exact: true })).toBeVisible();
  for (const name of ["申し送り(朝の確認)", "不在予定", "アクセス記録"]) {
    await expect(menu.getByRole("link", { name, exact: true })).toHaveCount(0);
  }
});
