// A night call with two phones: the nurse starts it, the attending's step
// times out, the doctor now on the path accepts with an ETA of 25 minutes
// on his phone, and the nurse's screen shows it without a reload; then the
// doctor records the outcome and the attending sees the hand-off.
// The server runs with NIGHTCALL_ESCALATION_SECONDS_PER_MINUTE=1, so a
// 10-minute wait lasts 10 seconds.
import { expect, test, type Page } from "@playwright/test";
import { PATIENT_1, jsEnabled, signIn, waitForHydration } from "./helpers";

/** The board line of the call at `callUrl` (other tests' calls may be on the board too). */
function boardLine(board: Page, callUrl: string) {
  const path = new URL(callUrl).pathname;
  return board.getByTestId("board-line").filter({ has: board.locator(`a[href="${path}"]`) });
}

/** Posts a form from inside the page, with its session, as a forged request would. */
async function postForm(page: Page, url: string, form: Record<string, string>): Promise<number> {
  return page.evaluate(
    async ({ url, body }) => {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      return r.status;
    },
    { url, body: new URLSearchParams(form).toString() },
  );
}

/** The nurse opens a call for 山田 花子 and lands on its screen; returns its URL. */
async function openCall(nurse: Page) {
  await nurse.goto(`/patients/${PATIENT_1}/calls/new`);
  await nurse.getByLabel("体温 (℃)").fill("38.4");
  await nurse.getByRole("button", { name: "コールを開始して連絡順を表示" }).click();
  await expect(nurse).toHaveURL(/\/calls\/[0-9a-f-]{36}$/);
  await expect(nurse.getByTestId("live")).toHaveAttribute("data-live", "true");
  return nurse.url();
}

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
  const line = boardLine(coordinator, callUrl);
  await expect(line).toHaveAttribute("data-state", "calling");
  await expect(line.getByTestId("board-now")).toContainText(first);
  await expect(line).not.toContainText("山田");

  // The attending does not answer: the engine moves on by itself.
  await expect(nurse.getByTestId("current-callee")).not.toHaveText(first, { timeout: 30_000 });
  await expect(nurse.getByTestId("attempts")).toContainText("時間内に応答なし");
  await expect(nurse.getByTestId("attempts")).not.toContainText("timed_out");
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

test("two phones: a doctor takes the call, the nurse records a phone answer, a reader cannot answer", async ({ browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "live updates need JavaScript");
  test.skip(testInfo.project.name !== "phone-js", "one run is enough");
  test.setTimeout(90_000);

  const coordinatorContext = await browser.newContext({ ...testInfo.project.use });
  const coordinator = await coordinatorContext.newPage();
  await signIn(coordinator, testInfo, "coordinator", "/calls");
  await waitForHydration(coordinator, testInfo);
  await expect(coordinator.getByTestId("live")).toHaveAttribute("data-live", "true");

  const nurseContext = await browser.newContext({ ...testInfo.project.use });
  const nurse = await nurseContext.newPage();
  await signIn(nurse, testInfo, "nurse2", "/calls");
  const callUrl = await openCall(nurse);
  // The call screen's banner says DNAR and 在宅看取り予定, like the card.
  await expect(nurse.getByTestId("banner-dnar")).toHaveText("DNAR");
  await expect(nurse.getByTestId("banner-home-death")).toHaveText("在宅での看取り予定");
  await expect(nurse.getByTestId("current-callee")).toHaveText("桜井 真理子");
  // The nurse sees her own forms, not a doctor's.
  await expect(nurse.getByTestId("record-for")).toBeVisible();
  await expect(nurse.getByTestId("take-over")).toHaveCount(0);
  await expect(nurse.getByTestId("close-call")).toHaveCount(0);

  // 北村 (doctor1, of the team) is not the one being called: he takes it.
  const doctorContext = await browser.newContext({ ...testInfo.project.use });
  const doctor = await doctorContext.newPage();
  await signIn(doctor, testInfo, "doctor1", new URL(callUrl).pathname);
  await waitForHydration(doctor, testInfo);
  await expect(doctor.getByTestId("answer-own")).toHaveCount(0);
  await doctor.getByTestId("take-over-go-eta").fill("15");
  await doctor.getByTestId("take-over-go").click();
  await expect(doctor.getByTestId("call-state")).toHaveAttribute("data-state", "accepted");

  // The nurse's screen and the board name him, not the callee.
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "accepted");
  await expect(nurse.getByTestId("responder")).toHaveText("北村 健一");
  await expect(nurse.getByTestId("eta")).toHaveText("15分");
  await expect(nurse.getByTestId("attempts")).toContainText("北村 健一が引き受け(呼び出し先: 桜井 真理子)");
  const line = boardLine(coordinator, callUrl);
  await expect(line).toHaveAttribute("data-state", "accepted");
  await expect(line.getByTestId("board-answer")).toContainText("北村 健一 · 到着予定 15分");
  await expect(line.getByTestId("board-state")).toHaveText("医師が向かっています");

  // A second call: 桜井 answers the nurse on the phone; she records it.
  const secondUrl = await openCall(nurse);
  await nurse.getByTestId("record-accept-eta").fill("25");
  await nurse.getByTestId("record-accept").click();
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "accepted");
  await expect(nurse.getByTestId("responder")).toHaveText("桜井 真理子");
  await expect(nurse.getByTestId("answer-recorded-by")).toContainText("電話での返答を記録");
  const nurseName = (await nurse.getByTestId("answer-recorded-by").textContent())!.replace("電話での返答を記録: ", "").trim();
  expect(nurseName.length).toBeGreaterThan(0);
  await expect(nurse.getByTestId("attempts")).toContainText(`桜井 真理子 — 往診を受諾 (25分) · 記録: ${nurseName}`);

  // 南 (doctor5, another team) reads the card by break-glass only: he sees
  // no answer or close form, and a forged request is refused.
  const readerContext = await browser.newContext({ ...testInfo.project.use });
  const reader = await readerContext.newPage();
  await signIn(reader, testInfo, "doctor5", "/");
  // (access.spec may already have given doctor5 a grant in this run — the
  // projects share the database — and a second one is refused; either way
  // he reads the call, as checked below.)
  await postForm(reader, "/api/break_glass", { patient_id: PATIENT_1, reason: "救急外来で相談を受けたため" });
  await reader.goto(new URL(secondUrl).pathname);
  await waitForHydration(reader, testInfo);
  await expect(reader.getByTestId("patient-name")).toHaveText("山田 花子");
  await expect(reader.getByTestId("call-state")).toHaveAttribute("data-state", "accepted");
  for (const id of ["accept", "take-over-go", "record-accept", "arrived", "close-call", "cancel-call"]) {
    await expect(reader.getByTestId(id)).toHaveCount(0);
  }
  const callId = new URL(secondUrl).pathname.split("/").pop()!;
  expect(
    await postForm(reader, "/api/call_attempt", { call_id: callId, step: "0", outcome: "arrived", eta_minutes: "", note: "" }),
  ).toBe(403);
  expect(
    await postForm(reader, "/api/call_close", {
      call_id: callId, outcome: "managed_at_home", died_at: "", admitted_to: "", summary: "forged",
    }),
  ).toBe(403);
  // Nothing changed.
  await reader.reload();
  await expect(reader.getByTestId("call-state")).toHaveAttribute("data-state", "accepted");
  await expect(reader.getByTestId("responder")).toHaveText("桜井 真理子");
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "accepted");

  await readerContext.close();
  await doctorContext.close();
  await nurseContext.close();
  await coordinatorContext.close();
});

test("a path that runs out is an alarm: 応答なし at the top with 119 and the hospital, and on the board", async ({ browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "live updates need JavaScript");
  test.skip(testInfo.project.name !== "phone-js", "one run is enough: it takes the last step's wait");
  test.setTimeout(90_000);

  const coordinatorContext = await browser.newContext({ ...testInfo.project.use });
  const coordinator = await coordinatorContext.newPage();
  await signIn(coordinator, testInfo, "coordinator", "/calls");
  await waitForHydration(coordinator, testInfo);
  await expect(coordinator.getByTestId("live")).toHaveAttribute("data-live", "true");

  const nurseContext = await browser.newContext({ ...testInfo.project.use });
  const nurse = await nurseContext.newPage();
  await signIn(nurse, testInfo, "nurse1", "/calls");
  const callUrl = await openCall(nurse);
  await expect(nurse.getByTestId("current-callee")).toBeVisible();
  const steps = await nurse.getByTestId("path-step").count();
  expect(steps).toBeGreaterThan(1);
  // Nobody answers: the nurse moves on by hand down to the last step…
  const currentIndex = () =>
    nurse.getByTestId("path-step").evaluateAll((els) => els.findIndex((e) => e.classList.contains("current")));
  for (let i = 0; i < steps; i++) {
    const index = await currentIndex();
    if (index >= steps - 1) break;
    await nurse.getByTestId("outcome-no_answer").click();
    await expect.poll(currentIndex).toBeGreaterThan(index);
  }
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "calling");
  // …and the last step's own wait (10 minutes, 10 s here) runs out by itself.
  const alarm = nurse.getByTestId("run-out");
  await expect(alarm).toBeVisible({ timeout: 40_000 });
  await expect(alarm.locator("h2")).toHaveText("応答なし");
  await expect(alarm.getByTestId("run-out-119")).toHaveAttribute("href", "tel:119");
  await expect(alarm.getByTestId("run-out-hospital")).toHaveAttribute("href", /^tel:\d+/);
  await expect(alarm.getByTestId("run-out-hospital")).toContainText("後方支援病院");
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "exhausted");
  // At the top: above the patient's name.
  const alarmBox = (await alarm.boundingBox())!;
  const nameBox = (await nurse.getByTestId("patient-name").boundingBox())!;
  expect(alarmBox.y).toBeLessThan(nameBox.y);
  await expect(nurse.getByTestId("attempts")).toContainText("時間内に応答なし");

  // The coordinator's board raises it, first.
  const line = boardLine(coordinator, callUrl);
  await expect(line).toHaveAttribute("data-state", "exhausted");
  await expect(line).toHaveClass(/alarm/);
  await expect(line.getByTestId("board-state")).toHaveText("応答なし");
  await expect(line.getByTestId("board-alarm")).toBeVisible();
  await expect(coordinator.getByTestId("board-line").first()).toHaveAttribute("data-state", "exhausted");

  // The nurse walks the path again from the start; the log keeps the first walk.
  await alarm.getByTestId("restart").click();
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "calling");
  await expect(nurse.getByTestId("run-out")).toHaveCount(0);
  await expect(nurse.getByTestId("attempts")).toContainText("連絡順をやり直し");
  // She cancels: 119 was called.
  await nurse.getByLabel("119番通報した").check();
  await nurse.getByTestId("cancel-call").click();
  await expect(nurse.getByTestId("call-state")).toHaveAttribute("data-state", "cancelled");
  await expect(nurse.getByTestId("cancel-reason")).toContainText("119番通報した");
  await expect(line).toHaveAttribute("data-state", "cancelled");

  await nurseContext.close();
  await coordinatorContext.close();
});
