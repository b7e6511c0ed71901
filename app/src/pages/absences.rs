//! `/absences`: planned absences of a team's doctors (conferences,
//! holidays), and the form to register one.
//!
//! A physician registers their own absence, the coordinator anyone's. An
//! absence that would leave a night with nobody on duty comes back with the
//! list of those holes and a box to tick; it is saved only once the box is
//! ticked (or a substitute named). The forms are `ActionForm`s: hydrated,
//! the answer arrives in place; without JavaScript, the server redirects
//! back here with what was typed, the error or the holes in the query
//! (`?starts_at=…&holes=…`), and this page shows them the same way.

use crate::api::duty::{
    duty_teams, list_absences, AbsenceOutcome, AbsenceRow, CancelAbsence, DutyDirectory,
    HoleWarning, RegisterAbsence, Viewer,
};
use crate::components::error_panel::ErrorPanel;
use crate::domain::absence::{AbsenceProblem, REASON_MAX_CHARS};
use crate::domain::access::Role;
use crate::domain::schedule::Interval;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n, Key};
use crate::pages::duty::{span, team_picker};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// The sentence for an error of the absence forms.
pub fn absence_error_message(i18n: I18n, error: &AppError) -> String {
    let AppError::Invalid(code) = error else {
        return error.user_message(i18n.lang);
    };
    let key = match AbsenceProblem::from_code(code) {
        Some(AbsenceProblem::BadStart | AbsenceProblem::BadEnd) => Key::AbsenceErrBadTime,
        Some(AbsenceProblem::EndNotAfterStart) => Key::AbsenceErrEndNotAfterStart,
        Some(AbsenceProblem::LongerThanAYear) => Key::AbsenceErrLongerThanAYear,
        Some(AbsenceProblem::AlreadyOver) => Key::AbsenceErrAlreadyOver,
        Some(AbsenceProblem::ReasonEmpty) => Key::AbsenceErrReasonEmpty,
        Some(AbsenceProblem::ReasonTooLong) => Key::AbsenceErrReasonTooLong,
        Some(AbsenceProblem::ReasonControlCharacters) => Key::AbsenceErrReasonControl,
        Some(AbsenceProblem::Malformed) => Key::AbsenceErrMalformed,
        Some(AbsenceProblem::NotAPhysician) => Key::AbsenceErrNotAPhysician,
        Some(AbsenceProblem::SubstituteNotAPhysician) => Key::AbsenceErrSubstituteNotAPhysician,
        Some(AbsenceProblem::SubstituteIsTheAbsentDoctor) => Key::AbsenceErrSubstituteIsDoctor,
        None => return error.user_message(i18n.lang),
    };
    i18n.t(key).replace("{max}", &REASON_MAX_CHARS.to_string())
}

#[component]
pub fn AbsencesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let register = ServerAction::<RegisterAbsence>::new();
    let cancel = ServerAction::<CancelAbsence>::new();
    let directory = Resource::new(|| (), |_| duty_teams());
    let team_param = move || query.read().get("team").unwrap_or_default();
    // The list reloads after every registration or cancellation.
    let list = Resource::new(
        move || {
            (
                team_param(),
                register.version().get(),
                cancel.version().get(),
            )
        },
        |(team, _, _)| async move {
            let team = match Uuid::parse_str(team.trim()) {
                Ok(team) => Some(team),
                Err(_) => duty_teams().await?.default_team,
            };
            let rows = list_absences(team.map(|t| t.to_string()).unwrap_or_default()).await?;
            Ok::<_, AppError>((team, rows))
        },
    );

    view! {
        <Title text=i18n.t(Key::AbsencesTitle) />
        <h1 class="page-title">{i18n.t(Key::AbsencesTitle)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok((team, rows)) => {
                        let picker = directory
                            .await
                            .ok()
                            .map(|d| team_picker(i18n, &d, team, "/absences"));
                        view! {
                            {picker}
                            {notices(i18n, register, cancel)}
                            {absence_list(i18n, team, rows, cancel)}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                directory
                    .await
                    .ok()
                    .filter(|d| matches!(d.viewer.role, Role::Physician) || d.viewer.manages_roster)
                    .map(|d| register_form(i18n, d, register))
            })}
        </Suspense>
    }
}

/// "Saved" and "cancelled", from the action (hydrated) or the query (after
/// a plain form post).
fn notices(
    i18n: I18n,
    register: ServerAction<RegisterAbsence>,
    cancel: ServerAction<CancelAbsence>,
) -> impl IntoView {
    let query = use_query_map();
    // Hydrated, the notice shows by the form instead (see `register_form`).
    let saved = move || query.read().get("saved").is_some() && register.value().get().is_none();
    let cancelled = move || {
        matches!(cancel.value().get(), Some(Ok(()))) || query.read().get("cancelled").is_some()
    };
    let cancel_error = move || {
        cancel
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| absence_error_message(i18n, &e))
    };
    view! {
        {move || saved().then(|| view! {
            <p class="duty-notice" role="status" data-testid="absence-saved">{i18n.t(Key::AbsenceSaved)}</p>
        })}
        {move || cancelled().then(|| view! {
            <p class="duty-notice" role="status">{i18n.t(Key::AbsenceCancelled)}</p>
        })}
        {move || cancel_error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
    }
}

fn absence_list(
    i18n: I18n,
    team: Option<Uuid>,
    rows: Vec<AbsenceRow>,
    cancel: ServerAction<CancelAbsence>,
) -> impl IntoView {
    let calendar = team.map(|t| format!("/duty?team={t}"));
    let body = if rows.is_empty() {
        view! { <p>{i18n.t(Key::AbsencesEmpty)}</p> }.into_any()
    } else {
        view! {
            <ul class="absence-list">
                {rows.into_iter().map(|row| absence_item(i18n, row, cancel)).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="block" data-testid="absences">
            <h2>{i18n.t(Key::AbsencesUpcoming)}</h2>
            {body}
            {calendar.map(|href| view! {
                <p><a class="button" href=href>{i18n.t(Key::DutyTitle)}</a></p>
            })}
        </section>
    }
}

fn absence_item(i18n: I18n, row: AbsenceRow, cancel: ServerAction<CancelAbsence>) -> impl IntoView {
    let in_progress = row.in_progress;
    let substitute = match &row.substitute_name {
        Some(name) => i18n.t(Key::AbsenceSubstituteIs).replace("{name}", name),
        None => i18n.t(Key::AbsenceNoSubstituteNamed).to_owned(),
    };
    let class = if row.substitute_name.is_some() {
        "absence"
    } else {
        "absence no-substitute"
    };
    view! {
        <li class=class data-testid="absence" data-id=row.id.to_string()>
            <p class="who">
                <strong>{row.doctor_name.clone()}</strong>
                " "
                <span class="duty-muted">{row.clinic_name.clone()}</span>
                {in_progress.then(|| view! { <span class="duty-badge away">{i18n.t(Key::AbsenceInProgress)}</span> })}
            </p>
            <p class="period">{span(i18n, Interval::new(row.starts_at, row.ends_at))}</p>
            <p class="reason">{row.reason.clone()}</p>
            <p class="substitute">{substitute}</p>
            {row.registered_by.clone().map(|name| view! {
                <p class="duty-muted">{i18n.t(Key::AbsenceRegisteredBy).replace("{name}", &name)}</p>
            })}
            {row.may_cancel.then(|| view! {
                <ActionForm action=cancel attr:class="inline">
                    <input type="hidden" name="id" value=row.id.to_string() />
                    <button type="submit" class="button">{i18n.t(Key::AbsenceCancel)}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// The holes to warn about, from the action (hydrated) or the query (after
/// a plain form post), with their total.
fn warning(
    register: ServerAction<RegisterAbsence>,
    query: Memo<leptos_router::params::ParamsMap>,
) -> Option<(Vec<HoleWarning>, usize)> {
    match register.value().get() {
        Some(Ok(AbsenceOutcome::HolesWarning { holes, total })) => Some((holes, total)),
        Some(_) => None,
        None => {
            let q = query.read();
            let holes: Vec<HoleWarning> = serde_json::from_str(&q.get("holes")?).ok()?;
            let total = q
                .get("holes_total")
                .and_then(|t| t.parse().ok())
                .unwrap_or(holes.len());
            Some((holes, total))
        }
    }
}

fn register_form(
    i18n: I18n,
    directory: DutyDirectory,
    register: ServerAction<RegisterAbsence>,
) -> impl IntoView {
    let query = use_query_map();
    let typed = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let viewer: Viewer = directory.viewer;
    let chosen_doctor = typed("staff_id");
    let chosen_substitute = typed("substitute_id");
    let holes = move || warning(register, query);
    let saved = move || {
        matches!(
            register.value().get(),
            Some(Ok(AbsenceOutcome::Saved { .. }))
        )
    };
    // Once saved, the form is emptied so a second tap cannot register the
    // same absence twice. (Without JavaScript the page reloads empty.)
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if saved() {
            if let Some(form) = form_ref.get() {
                form.reset();
            }
        }
    });
    let flash = crate::components::form_error::use_form_flash();
    let error = move || {
        register
            .value()
            .get()
            .and_then(|r| r.err())
            // Issue 8: the server keeps a refused plain post's error for this
            // page (never in the URL).
            .or_else(|| flash.get().flatten())
            .map(|e| absence_error_message(i18n, &e))
    };

    let doctor_field = if viewer.manages_roster {
        view! {
            <label>
                <span>{i18n.t(Key::AbsenceDoctor)}</span>
                <select name="staff_id" required>
                    <option value="">{i18n.t(Key::AbsenceChooseDoctor)}</option>
                    {directory
                        .physicians
                        .iter()
                        .map(|p| view! {
                            <option value=p.id.to_string() selected=p.id.to_string() == chosen_doctor>
                                {format!("{} ({})", p.name, p.clinic_name)}
                            </option>
                        })
                        .collect_view()}
                </select>
            </label>
        }
        .into_any()
    } else {
        let me = directory
            .physicians
            .iter()
            .find(|p| p.id == viewer.staff_id)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        view! {
            <input type="hidden" name="staff_id" value="" />
            <p>
                <span class="label">{i18n.t(Key::AbsenceDoctor)}</span>
                {me}
            </p>
        }
        .into_any()
    };

    view! {
        <section class="block absence-form">
            <h2>{i18n.t(Key::AbsenceFormTitle)}</h2>
            <p class="duty-muted">{i18n.t(Key::AbsenceFormHelp)}</p>
            <ActionForm action=register node_ref=form_ref attr:class="stack">
                {doctor_field}
                <label>
                    <span>{i18n.t(Key::AbsenceStarts)}</span>
                    <input type="datetime-local" name="starts_at" required value=typed("starts_at") />
                </label>
                <label>
                    <span>{i18n.t(Key::AbsenceEnds)}</span>
                    <input type="datetime-local" name="ends_at" required value=typed("ends_at") />
                </label>
                <label>
                    <span>{i18n.t(Key::AbsenceReason)}</span>
                    <input type="text" name="reason" required maxlength=REASON_MAX_CHARS.to_string()
                        placeholder=i18n.t(Key::AbsenceReasonHint) value=typed("reason") />
                </label>
                <label>
                    <span>{i18n.t(Key::AbsenceSubstitute)}</span>
                    <select name="substitute_id">
                        <option value="">{i18n.t(Key::AbsenceNoSubstitute)}</option>
                        {directory
                            .physicians
                            .iter()
                            .filter(|p| viewer.manages_roster || p.id != viewer.staff_id)
                            .map(|p| view! {
                                <option value=p.id.to_string() selected=p.id.to_string() == chosen_substitute>
                                    {format!("{} ({})", p.name, p.clinic_name)}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </label>
                {move || holes().map(|(holes, total)| view! {
                    <div class="hole-warning" role="alert" data-testid="hole-warning">
                        <p><strong>{i18n.t(Key::AbsenceHoleWarning)}</strong></p>
                        <ul>
                            {holes.iter().map(|h| view! {
                                <li>{format!("{}: {}", h.team_name, span(i18n, Interval::new(h.start, h.end)))}</li>
                            }).collect_view()}
                        </ul>
                        {(total > holes.len()).then(|| view! {
                            <p>{i18n.t(Key::AbsenceMoreHoles).replace("{n}", &(total - holes.len()).to_string())}</p>
                        })}
                        <label class="confirm">
                            <input type="checkbox" name="confirm_hole" value="true" />
                            <span>{i18n.t(Key::AbsenceConfirmHole)}</span>
                        </label>
                    </div>
                })}
                {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                {move || saved().then(|| view! {
                    <p class="duty-notice" role="status" data-testid="absence-saved">{i18n.t(Key::AbsenceSaved)}</p>
                })}
                <button type="submit" class="button primary">{i18n.t(Key::AbsenceRegister)}</button>
            </ActionForm>
            <p class="duty-muted">{i18n.t(Key::AbsenceTimesInTokyo)}</p>
        </section>
    }
}
