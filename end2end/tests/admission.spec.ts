// Admission in a real browser on the coordinator's tablet and on phones, JavaScript on
// and off (a plain form post): the coordinator opens 「患者の登録」 from the
// menu, a physician of another team is refused in words with everything
// typed kept, then the patient is admitted with her care team, consent and
// a daughter's phone; the station's nurse finds her by that number and
// opens her night card, the rare kanji shown exactly; she adds the son's
// number first in the calling order and it finds the patient too.
import { expect, test } from "@playwright/test";
import { openMenu, signIn, waitForHydration } from "./helpers";

test("a coordinator admits a patient whom the station nurse finds by the daughter's number", async ({ page }, testInfo) => {
  // The projects share one demo database: each run admits its own patient,
  // whose daughter's number no other run uses.
  const projects = ["phone-js", "phone-nojs", "small-phone-js", "tablet-js", "tablet-nojs"];
  const given = "ハナ";
  const phone = `090-3141-5${projects.indexOf(testInfo.project.name)}${testInfo.retry}${Date.now() % 10}`;
  await signIn(page, testInfo, "coordinator");
  await openMenu(page);
  await page.getByRole("link", { name: "患者の登録" }).click();
  await expect(page).toHaveURL(/\/admin\/patients\/new$/);
  await waitForHydration(page, testInfo);
  // Long choices (a doctor and her clinic) never widen the page on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  const form = page.getByTestId("admit-form");
  await form.getByLabel("姓", { exact: true }).fill("𠮷田");
  await form.getByLabel("名", { exact: true }).fill(given);
  await form.getByLabel("セイ (カナ)").fill("ﾖｼﾀﾞ");
  await form.getByLabel("メイ (カナ)").fill(given);
  await form.getByLabel("生年月日").fill("1938-05-03");
  await form.getByLabel("女性").check();
  await form.getByLabel("郵便番号").fill("4000031");
  await form.getByLabel("都道府県").fill("山梨県");
  await form.getByLabel("市区町村").fill("みどり野市");
  await form.getByLabel("町名・番地").fill("緑ヶ丘2丁目8-1");
  await form.getByLabel("目印").fill("赤い郵便ポストの角を右");
  await form.getByLabel("位置 (緯度, 経度)").fill("https://www.google.com/maps/@35.6761,138.5592,17z");
  await form.getByLabel("在宅医療の開始日").fill("2026-11-30");
  await form.getByRole("combobox", { name: "診療所のチーム", exact: true }).selectOption({ label: "みどり野北在宅医療チーム" });
  // A doctor of the south team first: refused in words.
  await form.getByRole("combobox", { name: "主治医", exact: true }).selectOption({ label: "清水 彩（南みどり野診療所）" });
  await form.getByRole("combobox", { name: "訪問看護ステーション", exact: true }).selectOption({ label: "訪問看護ステーションみどり" });
  await form.getByLabel("同意した人", { exact: true }).fill("𠮷田 一郎");
  await form.getByLabel("同意した人の続柄").fill("長男");
  await form.getByLabel("同意日").fill("2026-11-30");
  await form.getByLabel("署名した同意書を保管している").check();
  await form.getByLabel("家族の連絡先: 氏名").fill("𠮷田 美香");
  await form.getByLabel("家族の連絡先: 続柄").fill("長女");
  await form.getByLabel("家族の連絡先: 電話").fill(phone);
  await form.getByLabel("キーパーソン").check();
  await page.getByTestId("admit-submit").click();
  await expect(page.getByRole("alert")).toContainText("主治医: 選んだチームの診療所の医師ではありません");
  await expect(page.getByRole("alert")).not.toContainText("admit_");
  // Everything typed is still there.
  await expect(form.getByLabel("姓", { exact: true })).toHaveValue("𠮷田");
  await expect(form.getByLabel("家族の連絡先: 電話")).toHaveValue(phone);

  await form.getByRole("combobox", { name: "主治医", exact: true }).selectOption({ label: "北村 健一（みどり野北クリニック）" });
  await page.getByTestId("admit-submit").click();
  await expect(page.getByTestId("admitted")).toContainText("登録しました");
  // The care page: the seats from the first day, the consent as given.
  await page.getByRole("link", { name: "在宅医療チームと同意を見る" }).click();
  await expect(page.getByTestId("care-name")).toHaveText(`𠮷田 ${given}`);
  await expect(page.getByTestId("care-seat")).toHaveCount(2);
  await expect(page.getByTestId("care-seat").first()).toContainText("主治医 北村 健一");
  await expect(page.getByTestId("care-seat").first()).toContainText("2026-11-30から");
  await expect(page.getByTestId("consent")).toContainText("𠮷田 一郎 (長男) が 2026-11-30 に同意");
  await expect(page.getByTestId("consent")).toContainText("同意書を保管");

  // The station's nurse: the daughter calls.
  await page.context().clearCookies();
  await signIn(page, testInfo, "nurse1");
  await waitForHydration(page, testInfo);
  await page.getByLabel("患者を検索").fill(phone.replaceAll("-", ""));
  await page.getByLabel("患者を検索").press("Enter");
  // (A run by hand again on the same database may have admitted one more.)
  const hit = page.getByTestId("search-hit").first();
  await expect(hit).toContainText(`𠮷田 ${given}`);
  await expect(hit).toContainText("長女 𠮷田 美香");
  await hit.getByRole("link").click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]+\/night-card$/);
  await expect(page.getByTestId("patient-name")).toHaveText(`𠮷田 ${given}`);
  await expect(page.getByTestId("route-link")).toHaveAttribute("href", /35\.6761/);
  await expect(page.locator("main")).toContainText(phone);

  // She adds the son's number first in the calling order, from the card's
  // editor; his number finds the patient too.
  const card = page.url();
  await page.goto(card.replace(/night-card$/, "edit#contacts"));
  const add = page.getByTestId("contact-add-form");
  const son = phone.replace("090-3141", "080-2718");
  await add.getByLabel("氏名").fill("𠮷田 健");
  await add.getByLabel("続柄").fill("長男");
  await add.getByLabel("電話番号", { exact: true }).fill(son);
  await add.getByRole("combobox", { name: "電話する順番", exact: true }).selectOption("1");
  await add.getByRole("button", { name: "追加する" }).click();
  await expect(page).toHaveURL(/\/night-card\?saved=contacts$/);
  await expect(page.locator("main")).toContainText(son);
  await page.goto(card.replace(/night-card$/, "edit#contacts"));
  await expect(page.getByTestId("contact-edit").first().locator("h3")).toHaveText("1. 𠮷田 健 (長男)");
  await expect(page.getByTestId("contact-edit").nth(1).locator("h3")).toHaveText("2. 𠮷田 美香 (長女)");
  await page.goto("/");
  await page.getByLabel("患者を検索").fill(son);
  await page.getByLabel("患者を検索").press("Enter");
  await expect(page.getByTestId("search-hit").first()).toContainText("長男 𠮷田 健");
});

test("a nurse cannot open the admission form", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "nurse2");
  const response = await page.goto("/admin/patients/new");
  expect(response?.status()).toBe(403);
  await expect(page.locator("main")).toContainText("権限");
  await expect(page.getByTestId("admit-form")).toHaveCount(0);
});
