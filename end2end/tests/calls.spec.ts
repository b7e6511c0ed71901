// A night call with two phones: the nurse starts it, the attending's step
// times out, the doctor now on the path accepts with an ETA of 25 minutes
// on his phone, and the nurse's screen shows it without a reload; then the
// doctor records the outcome and the attending sees the hand-off.
// The server runs with NIGHTCALL_ESCALATION_SECONDS_PER_MINUTE=1, so a
// 10-minute wait lasts 10 seconds.
import { expect, test } from "@playwright/test";
import { PATIENT_1, jsEnabled, signIn, waitForHydration } from "./helpers";

const DOCTOR_LOGINS: Record<string, string> = {
  "北村 健一": "doctor1",
  "小林 直樹": "doctor2",
  "桜井 真理子": "doctor3",
  "望月 隆": "doctor4",
  "南 和彦": "doctor5",
  "清水 彩": "doctor6",
  "渡辺 誠": "doctor7",
  "雨宮 修": "doctor8",
};

test("two phones: timeout, acceptance with ETA shown live, outcome and hand-off", async ({ browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "live updates need JavaScript (the JS-off flow is the plain forms)");
  test.skip(testInfo.project.name !== "phone-js", "one run is enough: it takes the length of a step");
  test.setTimeout(90_000);

  // The coordinator watches tonight's calls on the board.
  const coordinatorContext = await browser.newContext({ ...testInfo.project.use });
  const coordinator = await coordinatorContext.newPage();
  await signIn(coordinator, testInfo, "coordinator", "/calls");
  await waitForHydration(coordinator, testInfo);
  await expect(coordinator.getByTestId("live")).toHaveAttribute("data-live", "true");

  const nurseContext = await browser.newContext({ ...testInfo.project.use });
  const nurse = await nurseContext.newPage();
  await signIn(nurse, testInfo, "nurse2", `/patients/${PATIENT_1}/calls/new`);
  await waitForHydration(nurse, testInfo);
  await expect(nurse.getByRole("link", { name: "119番に電話" })).toHaveAttribute("href", "tel:119");
  await nurse.getByLabel("体温 (℃)").fill("38.9");
  await nurse.getByLabel("SpO2 (%)").fill("93");
  await nurse.getByLabel("状況メモ").fill("夕方から発熱。坐薬は未使用。");
  await nurse.getByRole("button", { name: "コールを開始して連絡順を表示" }).click();
  await expect(nurse).toHaveURL(/\/calls\/[0-9a-f-]{36}$/);
  const callUrl = nurse.url();
  await expect(nurse.getByTestId("live")).toHaveAttribute("data-live", "true");
  const first = (await nurse.getByTestId("current-callee").textContent())!.trim();
  // The new call appears on the coordinator's board without a reload,
  // with who is being called, and nothing about the patient.
  const line = coordinator.getByTestId("board-line").first();
  await expect(line).toHaveAttribute("data-state", "calling");
  await expect(line.getByTestId("board-now")).toContainText(first);
  await expect(line).not.toContainText("山田");

  // The attending does not answer: the engine moves on by itself.
  await expect(nurse.getByTestId("current-callee")).not.toHaveText(first, { timeout: 30_000 });
  await expect(nurse.getByTestId("attempts")).toContainText("timed_out");
  const doctorName = (await nurse.getByTestId("current-callee").textContent())!.trim();
  const doctorLogin = DOCTOR_LOGINS[doctorName];
  expect(doctorLogin, `a doctor is called next (got ${doctorName})`).toBeTruthy();

  // The doctor accepts on his own phone.
  const doctorContext = await browser.newContext({ ...testInfo.project.use });
  const doctor = await doctorContext.newPage();
  await signIn(doctor, testInfo, doctorLogin, new URL(callUrl).pathname);
  await waitForHydration(doctor, testInfo);
  await expect(doctor.getByTestId("patient-name")).toHaveText("山田 花子");
  await doctor.getByLabel("到着まで(分)").fill("25");
  await doctor.getByTestId("accept").click();
  await expect(doctor.getByTestId("call-state")).toHaveAttribute("data-state", "accepted");

  // The nurse sees it without reloading.
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "accepted");
  await expect(nurse.getByTestId("eta")).toHaveText("25分");
  await expect(nurse.getByTestId("accepted")).toContainText(doctorName);
  await expect(line).toHaveAttribute("data-state", "accepted");
  await expect(line.getByTestId("board-answer")).toContainText(`${doctorName} · 到着予定 25分`);

  // Arrival, then the outcome and the hand-off.
  await doctor.getByTestId("arrived").click();
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "arrived");
  await doctor.getByLabel("実施内容・使用物品・申し送り").fill("坐薬 400mg 使用、解熱確認。明朝の往診をお願いします。");
  await doctor.getByTestId("close-call").click();
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "closed");
  await expect(line).toHaveAttribute("data-state", "closed");
  await doctorContext.close();
  await nurseContext.close();
  await coordinatorContext.close();

  const attendingContext = await browser.newContext({ ...testInfo.project.use });
  const attending = await attendingContext.newPage();
  await signIn(attending, testInfo, "doctor3", "/handoffs");
  await expect(attending.getByTestId("handoff").first()).toContainText("山田 花子");
  await expect(attending.getByTestId("handoff").first()).toContainText("坐薬 400mg");
  await attendingContext.close();
});

test("opening a call with an impossible temperature gets a clear message", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "nurse1", `/patients/${PATIENT_1}/calls/new`);
  await waitForHydration(page, testInfo);
  await page.getByLabel("体温 (℃)").fill("60");
  await page.getByRole("button", { name: "コールを開始して連絡順を表示" }).click();
  await expect(page.getByRole("alert")).toContainText("体温は 25〜45 ℃ の数値で入力してください。");
  await expect(page).toHaveURL(/\/calls\/new/);
});
