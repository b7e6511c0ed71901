// The physician renews an expired nursing order (訪問看護指示書) on the edit
// page; the night card's red flag turns into the green "in force", with the
// new period. JavaScript on and off.
import { expect, test } from "@playwright/test";
import { signIn, waitForHydration } from "./helpers";

// One demo patient with an expired order per project (server/src/demo.rs,
// DEMO_RENEWAL_PATIENTS), with its attending physician, so parallel runs
// do not meet each other nor card.spec's expired order of patient 4.
const cases: Record<string, { patient: string; doctor: string; name: string }> = {
  "phone-js": { patient: "00000000-0000-4000-8000-000100000015", doctor: "doctor5", name: "南 和彦" },
  "phone-nojs": { patient: "00000000-0000-4000-8000-000100000016", doctor: "doctor6", name: "清水 彩" },
  "small-phone-js": { patient: "00000000-0000-4000-8000-000100000017", doctor: "doctor7", name: "渡辺 誠" },
};

/** YYYY-MM-DD in Tokyo, `days` from today. */
function tokyoDate(days: number): string {
  return new Date(Date.now() + 9 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
}

test("the attending physician renews an expired order and the card shows it in force", async ({ page }, testInfo) => {
  const c = cases[testInfo.project.name];
  test.skip(!c, "one patient per project");
  const card = `/patients/${c.patient}/night-card`;
  await signIn(page, testInfo, c.doctor, card);
  await waitForHydration(page, testInfo);
  const status = page.getByTestId("order-status");
  // A retry finds the order already renewed by the first attempt.
  if (testInfo.retry === 0) {
    await expect(status).toHaveClass(/expired/);
    await expect(status).toContainText("期限切れ");
  }

  // A period over six months is refused in words, the input kept.
  await page.goto(`/patients/${c.patient}/edit#order-renewal`);
  await waitForHydration(page, testInfo);
  const form = page.getByTestId("order-renewal-form");
  await expect(form.getByLabel("指示日")).toHaveValue(tokyoDate(0));
  await expect(form.getByLabel("休日・夜間の急変時の対応")).not.toHaveValue("");
  const text = `38.5℃以上の発熱時は坐薬を使用し主治医へ連絡。${testInfo.project.name}`;
  await form.getByLabel("指示期間の開始日").fill(tokyoDate(0));
  await form.getByLabel("指示期間の終了日").fill(tokyoDate(200));
  await form.getByLabel("休日・夜間の急変時の対応").fill(text);
  await form.getByRole("button", { name: "指示書を登録" }).click();
  await expect(page.getByTestId("order-renewal-form").getByTestId("form-error")).toContainText(
    "指示期間の終了日: 指示期間は6か月以内です",
  );
  await expect(page.getByTestId("order-renewal-form").getByLabel("休日・夜間の急変時の対応")).toHaveValue(text);

  // Within six months: saved, back on the card, in force.
  const to = tokyoDate(150);
  await page.getByTestId("order-renewal-form").getByLabel("指示期間の終了日").fill(to);
  await page.getByTestId("order-renewal-form").getByRole("button", { name: "指示書を登録" }).click();
  await expect(page).toHaveURL(/\/night-card\?saved=order-renewal/);
  await expect(status).toHaveText("有効");
  await expect(status).toHaveClass(/valid/);
  await expect(status).not.toHaveClass(/expired/);
  await expect(page.locator(".order")).toHaveAttribute("data-status", "in-force");
  await expect(page.getByTestId("sudden-change")).toContainText(text);
  const order = page.locator(".order");
  await expect(order).toContainText(`指示医: ${c.name}`);
  await expect(order).toContainText(`${tokyoDate(0)} 〜 ${to}`);
  const [r, g, b] = await status.evaluate((el) =>
    (getComputedStyle(el).color.match(/\d+/g) ?? []).slice(0, 3).map(Number),
  );
  expect(g - Math.max(r, b), "in green").toBeGreaterThan(0);
});
