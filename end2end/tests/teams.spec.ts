// Team administration in a real browser, JavaScript on and off (plain
// form posts): the coordinator finds the teams in the menu, reads each
// team's night model in words, moves a doctor up the calling order, and
// the duty roster follows; a nurse is refused in words.
import { expect, test } from "@playwright/test";
import { openMenu, signIn, waitForHydration } from "./helpers";

const NORTH = "みどり野北在宅医療チーム";
const SOUTH = "みどり野南在宅医療チーム";

test("a coordinator moves a doctor up the calling order and the roster follows", async ({ page }, testInfo) => {
  // The projects run side by side on one demo database: two of them change
  // a team each, the others only read.
  const team = { "phone-js": NORTH, "phone-nojs": SOUTH }[testInfo.project.name];
  await signIn(page, testInfo, "coordinator");
  await openMenu(page);
  await page.getByRole("link", { name: "チーム設定" }).click();
  await expect(page).toHaveURL(/\/admin\/teams$/);
  await waitForHydration(page, testInfo);
  const teams = page.getByTestId("team");
  // The demo teams run the suggested path (no preset applied yet): said
  // in words, as a preset's name would be.
  for (const name of [NORTH, SOUTH]) {
    await expect(teams.filter({ hasText: name }).getByTestId("team-night-model")).toHaveText(/^(未設定|.+型)/);
    await expect(teams.filter({ hasText: name }).getByTestId("team-backup-hospital")).not.toHaveText("未設定");
  }
  if (!team) return;

  await page.getByRole("link", { name: team }).click();
  await expect(page.getByTestId("team-name")).toHaveText(team);
  const doctors = page.getByTestId("calling-order-doctor");
  const names = (await doctors.locator("strong").allTextContents()).map((n) => n.trim());
  expect(names.length).toBeGreaterThanOrEqual(2);
  const moved = names[names.length - 1];
  await page.getByRole("button", { name: `${moved} を一つ上へ` }).click();
  await expect(page).toHaveURL(/\/admin\/teams\/[0-9a-f-]+#calling-order$/);
  const after = (await doctors.locator("strong").allTextContents()).map((n) => n.trim());
  expect(after.indexOf(moved)).toBe(names.length - 2);
  await expect(page.getByTestId("team-change").first()).toContainText(`呼び出し順: `);
  await expect(page.getByTestId("team-change").first()).toContainText(moved);

  // The duty roster lists the team's doctors in that order.
  await page.getByRole("link", { name: "このチームの当番表" }).click();
  await expect(page.getByTestId("roster")).toBeVisible();
  const roster = (await page.getByTestId("roster-doctor").allTextContents()).join("|");
  expect(roster.indexOf(moved)).toBeLessThan(roster.indexOf(after[after.length - 1]));
});

test("a nurse cannot open the team set-up", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "nurse2");
  const response = await page.goto("/admin/teams");
  expect(response?.status()).toBe(403);
  await expect(page.locator("main")).toContainText("権限");
  await expect(page.getByTestId("team")).toHaveCount(0);
});
