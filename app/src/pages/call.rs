//! Night-call screens: `/patients/:id/calls/new` (the nurse opens a call),
//! `/calls/:id` (everyone on the call: who to call now, the log, the doctor's
//! answer and ETA — live), and `/handoffs` (the attending's morning list).
//! Every control is a plain form, so it works before hydration.

use crate::api::calls::{
    call_board, escalation_now, get_call, my_handoffs, AcknowledgeHandoff, AttemptView, BoardRow,
    CallView, CancelCall, CloseCall, OpenCall, RecordAttempt, RestartCall,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::form_error::FormError;
use crate::components::islands::{IslandScripts, LiveClock, LiveUpdates};
use crate::domain::escalation::{CalleeRole, Reason as PathReason, ResolvedStep};
use crate::domain::incident::{CallOutcome, CallState, CancelReason, Reason};
use crate::domain::night_card::tel_href;
use crate::domain::time::format_tokyo_minute;
use crate::i18n::{
    attempt_outcome_key, call_outcome_key, cancel_reason_key, reason_key, use_i18n, I18n, Key, Lang,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn state_key(s: CallState) -> Key {
    match s {
        CallState::Calling => Key::StateCalling,
        CallState::Exhausted => Key::StateRunOut,
        CallState::Accepted => Key::StateAccepted,
        CallState::Advised => Key::StateAdvised,
        CallState::Arrived => Key::StateArrived,
        CallState::Closed => Key::StateClosed,
        CallState::Cancelled => Key::StateCancelled,
    }
}

fn role_label(i18n: I18n, role: &CalleeRole) -> String {
    match role {
        CalleeRole::Attending => i18n.t(Key::RoleAttending).to_owned(),
        CalleeRole::Secondary => i18n.t(Key::RoleSecondary).to_owned(),
        CalleeRole::Substitute { .. } => i18n.t(Key::RoleSubstitute).to_owned(),
        CalleeRole::DutyDoctor => i18n.t(Key::RoleDuty).to_owned(),
        CalleeRole::TeamDoctor { distance_m } => match distance_m {
            Some(m) => format!(
                "{} {:.1} km",
                i18n.t(Key::RoleTeamDoctor),
                f64::from(*m) / 1000.0
            ),
            None => i18n.t(Key::RoleTeamDoctor).to_owned(),
        },
        CalleeRole::NurseStationManager => i18n.t(Key::RoleStationManager).to_owned(),
        CalleeRole::BackupHospital => i18n.t(Key::RoleBackupHospital).to_owned(),
        CalleeRole::DischargingHospital => i18n.t(Key::RoleDischargingHospital).to_owned(),
    }
}

/// Why the path looks as it does, in words ("主治医は学会のため不在 → 当番医").
pub fn describe_reason(lang: Lang, reason: &PathReason) -> Option<String> {
    let ja = lang == Lang::Ja;
    let absent = |who_ja: &str, who_en: &str, text: &str, until: &chrono::DateTime<chrono::Utc>| {
        if ja {
            format!(
                "{who_ja}は{text}のため不在({}まで)",
                format_tokyo_minute(*until)
            )
        } else {
            format!(
                "{who_en} away: {text} (until {})",
                format_tokyo_minute(*until)
            )
        }
    };
    Some(match reason {
        PathReason::AttendingAbsent {
            reason_text, until, ..
        } => absent("主治医", "Attending", reason_text, until),
        PathReason::SecondaryAbsent {
            reason_text, until, ..
        } => absent("副主治医", "Secondary", reason_text, until),
        PathReason::TeamDoctorAbsent {
            reason_text, until, ..
        } => absent("チームの医師", "A team doctor", reason_text, until),
        PathReason::SubstituteAbsent {
            reason_text, until, ..
        } => absent("代理医", "The substitute", reason_text, until),
        PathReason::NoAttendingRecorded => (if ja {
            "主治医が未登録"
        } else {
            "No attending physician on file"
        })
        .to_owned(),
        PathReason::NoSecondaryRecorded => (if ja {
            "副主治医なし"
        } else {
            "No secondary physician"
        })
        .to_owned(),
        PathReason::OnDutyPerSchedule { .. } => (if ja {
            "当番表による"
        } else {
            "On duty per the rota"
        })
        .to_owned(),
        PathReason::DutyCoveredByBackupHospital { .. } => (if ja {
            "この時間帯は後方支援病院が担当"
        } else {
            "The backup hospital covers this time"
        })
        .to_owned(),
        PathReason::NobodyOnDuty { .. } => (if ja {
            "当番医が不在(空白時間)"
        } else {
            "Nobody on duty (coverage hole)"
        })
        .to_owned(),
        PathReason::DutyOutsideSchedule => (if ja {
            "当番表の対象外の時間帯"
        } else {
            "Outside the duty rota's hours"
        })
        .to_owned(),
        PathReason::FellThroughToBackupHospital => (if ja {
            "連絡できる医師がいないため後方支援病院へ"
        } else {
            "No doctor left: backup hospital"
        })
        .to_owned(),
        PathReason::PatientLocationUnknown => (if ja {
            "住所の位置が不明のためチーム順"
        } else {
            "Home location unknown: team order"
        })
        .to_owned(),
        _ => return None,
    })
}

/// The resolved path: who, in what capacity, how long to wait, and why.
#[component]
pub fn PathList(path: Vec<ResolvedStep>, current: Option<usize>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="path">
            {path
                .into_iter()
                .enumerate()
                .map(|(i, step)| {
                    let reasons: Vec<String> = step
                        .reasons
                        .iter()
                        .filter_map(|r| describe_reason(i18n.lang, r))
                        .collect();
                    let class = match current {
                        Some(c) if c == i => "step current",
                        Some(c) if i < c => "step done",
                        _ => "step",
                    };
                    view! {
                        <li class=class data-testid="path-step">
                            <div class="who">
                                <span class="role">{role_label(i18n, &step.callee.role)}</span>
                                <span class="person">{step.callee.name.clone()}</span>
                                {(!reasons.is_empty()).then(|| view! {
                                    <span class="why">{reasons.join(" / ")}</span>
                                })}
                            </div>
                            <a class="call" href=tel_href(&step.callee.phone)>{i18n.t(Key::Call)}</a>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[component]
pub fn NewCallPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let open = ServerAction::<OpenCall>::new();
    view! {
        <Title text=i18n.t(Key::CallNewTitle) />
        <h1 class="page-title">{i18n.t(Key::CallNewTitle)}</h1>
        <aside class="emergency" role="note">
            <strong>{i18n.t(Key::CallEmergencyTitle)}</strong>
            <p>{i18n.t(Key::CallEmergencyBody)}</p>
            <a class="button danger" href="tel:119">{i18n.t(Key::Call119)}</a>
        </aside>
        <ActionForm action=open attr:class="stack call-form">
            <input type="hidden" name="patient_id" value=id />
            <fieldset class="reasons">
                <legend>{i18n.t(Key::CallReason)}</legend>
                {Reason::ALL
                    .into_iter()
                    .map(|r| view! {
                        <label class="choice">
                            <input type="radio" name="reason" value=r.as_str() required
                                checked=r == Reason::Fever />
                            <span>{i18n.t(reason_key(r))}</span>
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="vitals">
                <legend>{i18n.t(Key::Vitals)}</legend>
                <label><span>{i18n.t(Key::Temperature)}</span>
                    <input type="text" name="temperature" inputmode="decimal" maxlength="5" /></label>
                <label><span>{i18n.t(Key::Pulse)}</span>
                    <input type="text" name="pulse" inputmode="numeric" maxlength="3" /></label>
                <label><span>{i18n.t(Key::Systolic)}</span>
                    <input type="text" name="systolic" inputmode="numeric" maxlength="3" /></label>
                <label><span>{i18n.t(Key::Diastolic)}</span>
                    <input type="text" name="diastolic" inputmode="numeric" maxlength="3" /></label>
                <label><span>{i18n.t(Key::Spo2)}</span>
                    <input type="text" name="spo2" inputmode="numeric" maxlength="3" /></label>
                <label><span>{i18n.t(Key::RespiratoryRate)}</span>
                    <input type="text" name="respiratory_rate" inputmode="numeric" maxlength="2" /></label>
            </fieldset>
            <label><span>{i18n.t(Key::CallNote)}</span>
                <textarea name="note" rows="3" maxlength="2000"></textarea></label>
            <FormError action=open />
            <button type="submit" class="button primary">{i18n.t(Key::CallOpen)}</button>
        </ActionForm>
    }
}

#[component]
pub fn CallPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let attempt = ServerAction::<RecordAttempt>::new();
    let close = ServerAction::<CloseCall>::new();
    let cancel = ServerAction::<CancelCall>::new();
    let restart = ServerAction::<RestartCall>::new();
    let call = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_call,
    );
    view! {
        <Title text=i18n.t(Key::CallTitle) />
        <LiveIsland i18n stream=format!("/events/calls/{id}") />
        <div id="call-live" data-live-part>
            <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match call.await {
                        Ok(view) => view! { <CallScreen call=view attempt close cancel restart /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// The live-updates island with its words, and the wasm loader.
#[component]
fn LiveIsland(i18n: I18n, stream: String) -> impl IntoView {
    view! {
        <LiveClock />
        <LiveUpdates
            stream
            live_label=i18n.t(Key::Live).to_owned()
            pending_label=i18n.t(Key::LivePending).to_owned()
            pending_action=i18n.t(Key::LivePendingShow).to_owned()
        />
        <IslandScripts />
    }
}

/// One line of the call log, in words: who, what, and who recorded it.
fn attempt_line(i18n: I18n, a: &AttemptView) -> String {
    let mut line = format!("{} ", format_tokyo_minute(a.at));
    match (&a.responder_name, a.taken_over) {
        (Some(responder), true) => {
            line.push_str(responder);
            line.push_str(
                &i18n
                    .t(Key::AttemptTookOver)
                    .replace("{callee}", &a.callee_name),
            );
        }
        _ if a.callee_name.is_empty() => {}
        _ => line.push_str(&a.callee_name),
    }
    line.push_str(" — ");
    line.push_str(i18n.t(attempt_outcome_key(a.outcome)));
    if let Some(m) = a.eta_minutes {
        line.push_str(&format!(" ({m}{})", i18n.t(Key::Minutes)));
    }
    if let Some(recorder) = &a.recorded_by_name {
        line.push_str(" · ");
        line.push_str(&i18n.t(Key::RecordedBy).replace("{name}", recorder));
    }
    if a.round > 0 {
        line.push_str(" · ");
        line.push_str(
            &i18n
                .t(Key::RoundLabel)
                .replace("{n}", &(a.round + 1).to_string()),
        );
    }
    line
}

/// A hidden-field form posting one outcome to `call_attempt`.
#[component]
fn OutcomeButton(
    attempt: ServerAction<RecordAttempt>,
    call_id: String,
    step: String,
    outcome: &'static str,
    label: String,
    testid: String,
) -> impl IntoView {
    view! {
        <ActionForm action=attempt attr:class="inline">
            <input type="hidden" name="call_id" value=call_id />
            <input type="hidden" name="step" value=step />
            <input type="hidden" name="outcome" value=outcome />
            <input type="hidden" name="eta_minutes" value="" />
            <input type="hidden" name="note" value="" />
            <button type="submit" class="button" data-testid=testid>{label}</button>
        </ActionForm>
    }
}

/// An accept form with its ETA field.
#[component]
fn AcceptForm(
    attempt: ServerAction<RecordAttempt>,
    call_id: String,
    step: String,
    label: String,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ActionForm action=attempt attr:class="stack">
            <input type="hidden" name="call_id" value=call_id />
            <input type="hidden" name="step" value=step />
            <input type="hidden" name="outcome" value="accepted" />
            <input type="hidden" name="note" value="" />
            <label><span>{i18n.t(Key::EtaMinutes)}</span>
                <input type="number" name="eta_minutes" min="0" max="600" inputmode="numeric" required
                    data-testid=format!("{testid}-eta") />
            </label>
            <button type="submit" class="button primary" data-testid=testid>{label}</button>
        </ActionForm>
    }
}

#[component]
fn CallScreen(
    call: CallView,
    attempt: ServerAction<RecordAttempt>,
    close: ServerAction<CloseCall>,
    cancel: ServerAction<CancelCall>,
    restart: ServerAction<RestartCall>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = call.state;
    let moves = call.moves;
    let current = call.path.get(call.current_step).cloned();
    let step = call.current_step.to_string();
    let id = call.id.to_string();
    let open = matches!(state, CallState::Calling | CallState::Exhausted);
    let reason = Reason::parse(&call.reason)
        .map(reason_key)
        .unwrap_or(Key::ReasonOther);
    let vitals = call.vitals;
    let vitals_line = [
        vitals.temperature_c.map(|t| format!("{t:.1}℃")),
        vitals.pulse_bpm.map(|p| format!("P {p}")),
        vitals
            .systolic_mmhg
            .zip(vitals.diastolic_mmhg)
            .map(|(s, d)| format!("BP {s}/{d}")),
        vitals.spo2_percent.map(|o| format!("SpO2 {o}%")),
        vitals.respiratory_rate.map(|r| format!("RR {r}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("  ");
    let callee_name = current
        .as_ref()
        .map(|s| s.callee.name.clone())
        .unwrap_or_default();

    // The alarm comes first: nobody on the path answered.
    let run_out = (state == CallState::Exhausted).then(|| {
        let hospital = call.backup_hospital.clone();
        let id = id.clone();
        view! {
            <section class="block alarm run-out" role="alert" data-testid="run-out">
                <h2>{i18n.t(Key::StateRunOut)}</h2>
                <p>{i18n.t(Key::RunOutBody)}</p>
                <a class="button danger big" href="tel:119" data-testid="run-out-119">{i18n.t(Key::Call119)}</a>
                {hospital.map(|(name, phone)| view! {
                    <a class="button call big" href=tel_href(&phone) data-testid="run-out-hospital">
                        {i18n.t(Key::CallBackupHospital)}": "{name}" "{phone.clone()}
                    </a>
                })}
                {moves.restart.then(|| view! {
                    <ActionForm action=restart attr:class="inline">
                        <input type="hidden" name="call_id" value=id.clone() />
                        <button type="submit" class="button" data-testid="restart">{i18n.t(Key::RestartPath)}</button>
                    </ActionForm>
                })}
                <FormError action=restart />
            </section>
        }
    });

    let answer_own = moves.answer_own.then(|| {
        view! {
            <section class="block actions" data-testid="answer-own">
                <AcceptForm attempt call_id=id.clone() step=step.clone()
                    label=i18n.t(Key::Accept).to_owned() testid="accept" />
                <div class="row">
                    <OutcomeButton attempt call_id=id.clone() step=step.clone() outcome="advised"
                        label=i18n.t(Key::Advised).to_owned() testid="own-advised".to_owned() />
                    <OutcomeButton attempt call_id=id.clone() step=step.clone() outcome="declined"
                        label=i18n.t(Key::DeclineOwn).to_owned() testid="own-declined".to_owned() />
                </div>
            </section>
        }
    });

    let record_for = moves.record_for_callee.then(|| {
        let title = i18n.t(Key::RecordForTitle).replace("{name}", &callee_name);
        let calling = state == CallState::Calling;
        view! {
            <section class="block actions" data-testid="record-for">
                <h2>{title}</h2>
                <AcceptForm attempt call_id=id.clone() step=step.clone()
                    label=i18n.t(Key::RecordAccepted).to_owned() testid="record-accept" />
                <div class="row">
                    {calling.then(|| view! {
                        <OutcomeButton attempt call_id=id.clone() step=step.clone() outcome="no_answer"
                            label=i18n.t(Key::NoAnswer).to_owned() testid="outcome-no_answer".to_owned() />
                        <OutcomeButton attempt call_id=id.clone() step=step.clone() outcome="declined"
                            label=i18n.t(Key::Declined).to_owned() testid="outcome-declined".to_owned() />
                    })}
                    <OutcomeButton attempt call_id=id.clone() step=step.clone() outcome="advised"
                        label=i18n.t(Key::Advised).to_owned() testid="outcome-advised".to_owned() />
                </div>
            </section>
        }
    });

    let take_over = moves.take_over.then(|| {
        view! {
            <section class="block actions" data-testid="take-over">
                <h2>{i18n.t(Key::TakeOverTitle)}</h2>
                <AcceptForm attempt call_id=id.clone() step=step.clone()
                    label=i18n.t(Key::TakeOverGo).to_owned() testid="take-over-go" />
                <OutcomeButton attempt call_id=id.clone() step=step.clone() outcome="advised"
                    label=i18n.t(Key::TakeOverAdvise).to_owned() testid="take-over-advise".to_owned() />
            </section>
        }
    });

    let forms_error =
        (moves.answer_own || moves.record_for_callee || moves.take_over || moves.arrive)
            .then(|| view! { <FormError action=attempt /> });

    let arrive = moves.arrive.then(|| {
        view! {
            <section class="block actions">
                <OutcomeButton attempt call_id=id.clone() step=step.clone() outcome="arrived"
                    label=i18n.t(Key::Arrived).to_owned() testid="arrived".to_owned() />
            </section>
        }
    });

    let close_id = id.clone();
    let close_form = moves.close.then(|| view! {
        <section class="block close">
            <h2>{i18n.t(Key::CloseTitle)}</h2>
            <ActionForm action=close attr:class="stack">
                <input type="hidden" name="call_id" value=close_id />
                <label><span>{i18n.t(Key::CallOutcomeLabel)}</span>
                    <select name="outcome" data-testid="close-outcome">
                        {CallOutcome::ALL.into_iter().map(|o| view! {
                            <option value=o.as_str()>{i18n.t(call_outcome_key(o))}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label><span>{i18n.t(Key::DiedAt)}</span>
                    <input type="text" name="died_at" inputmode="numeric" maxlength="5" placeholder="02:35" /></label>
                <label><span>{i18n.t(Key::AdmittedTo)}</span>
                    <input type="text" name="admitted_to" maxlength="200" /></label>
                <label><span>{i18n.t(Key::Summary)}</span>
                    <textarea name="summary" rows="4" required maxlength="4000"></textarea></label>
                <FormError action=close />
                <button type="submit" class="button primary" data-testid="close-call">{i18n.t(Key::CloseCall)}</button>
            </ActionForm>
        </section>
    });

    let cancel_id = id.clone();
    let cancel_form = moves.cancel.then(|| view! {
        <section class="block cancel" data-testid="cancel">
            <h2>{i18n.t(Key::CancelTitle)}</h2>
            <ActionForm action=cancel attr:class="stack">
                <input type="hidden" name="call_id" value=cancel_id />
                <fieldset class="reasons">
                    <legend>{i18n.t(Key::CancelReasonLabel)}</legend>
                    {CancelReason::ALL.into_iter().map(|r| view! {
                        <label class="choice">
                            <input type="radio" name="reason" value=r.as_str() required />
                            <span>{i18n.t(cancel_reason_key(r))}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <FormError action=cancel />
                <button type="submit" class="button" data-testid="cancel-call">{i18n.t(Key::CancelCall)}</button>
            </ActionForm>
        </section>
    });

    view! {
        {run_out}
        <header class="identity">
            <p class="kana">{call.patient_kana.clone()}</p>
            <h1 class="name" data-testid="patient-name">{call.patient_name.clone()}</h1>
            <p class="facts">
                <span class="age">{call.age}{i18n.t(Key::AgeSuffix)}</span>
                {call.dnar.then(|| view! { <span class="chip danger" data-testid="banner-dnar">"DNAR"</span> })}
                {call.home_death.then(|| view! {
                    <span class="chip calm" data-testid="banner-home-death">{i18n.t(Key::DeathAtHomeExpected)}</span>
                })}
                <span>{i18n.t(reason)}</span>
                <span>{format_tokyo_minute(call.opened_at)}</span>
            </p>
        </header>
        <section class=format!("block call-state state-{}", state.as_str()) data-testid="call-state"
            data-state=state.as_str()>
            <h2 data-testid="call-state-words">{i18n.t(state_key(state))}</h2>
            {call.accepted_by.clone().map(|doctor| view! {
                <p class="accepted" data-testid="accepted">
                    <span data-testid="responder">{doctor}</span>
                    {call.eta_minutes.map(|m| view! {
                        " · "{i18n.t(Key::Eta)}": "
                        <strong data-testid="eta">{m}{i18n.t(Key::Minutes)}</strong>
                    })}
                    {call.answer_recorded_by.clone().map(|nurse| view! {
                        " · "<span data-testid="answer-recorded-by">
                            {i18n.t(Key::AnsweredOnPhone).replace("{name}", &nurse)}
                        </span>
                    })}
                </p>
            })}
            {call.outcome.map(|o| view! {
                <p class="outcome" data-testid="call-outcome">{i18n.t(Key::CallOutcomeLabel)}": "{i18n.t(call_outcome_key(o))}</p>
            })}
            {call.cancel_reason.map(|r| view! {
                <p class="outcome" data-testid="cancel-reason">{i18n.t(Key::CancelledBecause)}": "{i18n.t(cancel_reason_key(r))}</p>
            })}
            {(!vitals_line.is_empty()).then(|| view! { <p class="vitals-line">{vitals_line.clone()}</p> })}
            {(!call.note.is_empty()).then(|| view! { <p class="note">{call.note.clone()}</p> })}
            <p class="nurse">
                {i18n.t(Key::NurseNumber)}": "{call.opened_by.clone()}" "
                <a class="call" href=tel_href(&call.nurse_phone)>{i18n.t(Key::Call)}</a>
            </p>
            {call.route_url.clone().map(|href| view! {
                <a class="button primary route" href=href target="_blank" rel="noopener noreferrer">
                    {i18n.t(Key::RouteToHouse)}
                </a>
            })}
        </section>

        {(state == CallState::Calling).then(|| current.clone()).flatten().map(|step_now| view! {
            <section class="block call-now" data-testid="call-now">
                <h2>{i18n.t(Key::CallNow)}</h2>
                <p class="role">{role_label(i18n, &step_now.callee.role)}</p>
                <p class="person" data-testid="current-callee">{step_now.callee.name.clone()}</p>
                <a class="button call big" href=tel_href(&step_now.callee.phone)>
                    {i18n.t(Key::Call)}" "{step_now.callee.phone.clone()}
                </a>
                {call.step_deadline.map(|d| view! {
                    <p class="deadline">{i18n.t(Key::NextStepAt)}": "{format_tokyo_minute(d)}</p>
                })}
            </section>
        })}

        {answer_own}
        {record_for}
        {take_over}
        {arrive}
        {forms_error}
        {close_form}
        {cancel_form}

        <section class="block">
            <h2>{i18n.t(Key::Path)}</h2>
            <PathList path=call.path.clone() current=open.then_some(call.current_step) />
        </section>
        <section class="block">
            <h2>{i18n.t(Key::Attempts)}</h2>
            <ul class="attempts" data-testid="attempts">
                {call.attempts.iter().map(|a| view! { <li>{attempt_line(i18n, a)}</li> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
pub fn HandoffsPage() -> impl IntoView {
    let i18n = use_i18n();
    let ack = ServerAction::<AcknowledgeHandoff>::new();
    let list = Resource::new(move || ack.version().get(), |_| my_handoffs());
    view! {
        <Title text=i18n.t(Key::HandoffsTitle) />
        <h1 class="page-title">{i18n.t(Key::HandoffsTitle)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => {
                        view! { <p>{i18n.t(Key::HandoffsEmpty)}</p> }.into_any()
                    }
                    Ok(items) => view! {
                        <ul class="notices">
                            {items.into_iter().map(|h| view! {
                                <li class="notice" data-testid="handoff">
                                    <strong>{h.patient_name}</strong>" · "{format_tokyo_minute(h.created_at)}
                                    " · "{h.written_by}
                                    {h.outcome.map(|o| format!(" · {}", i18n.t(call_outcome_key(o))))}
                                    <p class="reason">{h.summary}</p>
                                    <a href=format!("/calls/{}", h.call_id)>{i18n.t(Key::CallTitle)}</a>
                                    <ActionForm action=ack attr:class="inline">
                                        <input type="hidden" name="handoff_id" value=h.id.to_string() />
                                        <button type="submit" class="button">{i18n.t(Key::Acknowledge)}</button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Tonight's calls (`/calls`): for the coordinator every call, for a nurse
/// her station's, for a doctor those whose path names him; live.
#[component]
pub fn CallBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let board = Resource::new(|| (), |_| call_board());
    view! {
        <Title text=i18n.t(Key::CallBoardTitle) />
        <h1 class="page-title">{i18n.t(Key::CallBoardTitle)}</h1>
        <LiveIsland i18n stream="/events/calls".to_owned() />
        <div id="board-live" data-live-part>
            <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(rows) if rows.is_empty() => {
                            view! { <p>{i18n.t(Key::CallBoardEmpty)}</p> }.into_any()
                        }
                        Ok(rows) => view! {
                            <ul class="board">
                                {rows.into_iter().map(|row| view! { <BoardLine row /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn BoardLine(row: BoardRow) -> impl IntoView {
    let i18n = use_i18n();
    let state = row.state;
    let calling = matches!(state, CallState::Calling);
    let now_calling = row.now_calling.filter(|_| calling).map(|step| {
        let role = role_label(i18n, &step.callee.role);
        let deadline = row.step_deadline.map(format_tokyo_minute);
        view! {
            <p class="now" data-testid="board-now">
                {i18n.t(Key::CallBoardStep)}" "{row.step}"/"{row.steps}": "{role}" "
                <strong>{step.callee.name}</strong>
                {deadline.map(|d| view! { <span class="deadline">" → "{d}</span> })}
            </p>
        }
    });
    let answer = row.accepted_by.map(|doctor| view! {
        <p class="answer" data-testid="board-answer">
            {doctor}
            {row.eta_minutes.map(|m| view! { " · "{i18n.t(Key::Eta)}" "{m}{i18n.t(Key::Minutes)} })}
        </p>
    });
    let alarm = (state == CallState::Exhausted).then(|| {
        view! {
            <p class="alarm-note" data-testid="board-alarm">
                {i18n.t(Key::BoardRunOutAlarm)}
                {row.exhausted_at.map(|t| format!(" ({})", format_tokyo_minute(t)))}
            </p>
        }
    });
    let cancelled = row.cancel_reason.map(|r| {
        view! {
            <p class="answer" data-testid="board-cancel">
                {i18n.t(Key::CancelledBecause)}": "{i18n.t(cancel_reason_key(r))}
            </p>
        }
    });
    let class = if state == CallState::Exhausted {
        format!("board-line alarm state-{}", state.as_str())
    } else {
        format!("board-line state-{}", state.as_str())
    };
    view! {
        <li class=class data-testid="board-line" data-state=state.as_str()>
            <p class="head">
                <span class="state" data-testid="board-state">{i18n.t(state_key(state))}</span>
                <span>{i18n.t(Key::CallBoardOpened)}" "{format_tokyo_minute(row.opened_at)}</span>
            </p>
            <p class="where">{row.station}{row.team.map(|t| format!(" · {t}"))}</p>
            {alarm}
            {now_calling}
            {answer}
            {cancelled}
            <a href=format!("/calls/{}", row.id)>{i18n.t(Key::CallBoardOpen)}</a>
        </li>
    }
}

/// On the night card: who to call now (the resolved path, with why), and
/// the button that starts a call.
#[component]
pub fn CardCallSection(patient_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = patient_id.clone();
    let path = Resource::new(move || id.clone(), escalation_now);
    view! {
        <section class="block calls-now" aria-labelledby="h-path-now">
            <h2 id="h-path-now">{i18n.t(Key::Path)}</h2>
            <a class="button primary" data-testid="start-call"
                href=format!("/patients/{patient_id}/calls/new")>{i18n.t(Key::CallStart)}</a>
            <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    path.await.ok().map(|steps| view! { <PathList path=steps current=None /> })
                })}
            </Suspense>
        </section>
    }
}
