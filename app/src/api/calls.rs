//! Night calls: opening one, following it live, recording attempts, the
//! doctor's answer and arrival, closing it with a hand-off, and the
//! attending physician's morning list.

// A server function's arguments are its form's fields; the call form has
// nine, and a struct would only rename them `form[…]` for no gain.
#![allow(clippy::too_many_arguments)]

use crate::domain::escalation::ResolvedStep;
use crate::domain::incident::{CallState, Vitals};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Everything the call screen shows, for the nurse and the doctors alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallView {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub patient_kana: String,
    pub age: u32,
    pub address: String,
    pub route_url: Option<String>,
    pub dnar: Option<bool>,
    pub reason: String,
    pub vitals: Vitals,
    pub note: String,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub nurse_phone: String,
    pub state: CallState,
    pub path: Vec<ResolvedStep>,
    pub current_step: usize,
    pub step_deadline: Option<DateTime<Utc>>,
    pub accepted_by: Option<String>,
    pub eta_minutes: Option<i32>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub attempts: Vec<AttemptView>,
    pub version: i32,
    /// The viewer is the doctor being called now (or who accepted).
    pub viewer_is_callee: bool,
    /// The viewer may record the outcome (a physician who may read the card).
    pub viewer_may_close: bool,
    pub handoff_acknowledged: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub at: DateTime<Utc>,
    pub step_index: i32,
    pub callee_name: String,
    pub outcome: String,
    pub eta_minutes: Option<i32>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffView {
    pub id: Uuid,
    pub call_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub written_by: String,
    pub created_at: DateTime<Utc>,
    pub outcome: String,
    pub summary: String,
}

/// One line of the call board: how a call is going, without patient data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardRow {
    pub id: Uuid,
    pub opened_at: DateTime<Utc>,
    pub state: CallState,
    pub team: Option<String>,
    /// The nurse station that opened the call.
    pub station: String,
    /// The step being called, counted from 1, of `steps`.
    pub step: usize,
    pub steps: usize,
    pub now_calling: Option<ResolvedStep>,
    pub step_deadline: Option<DateTime<Utc>>,
    pub accepted_by: Option<String>,
    pub eta_minutes: Option<i32>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// The call board: tonight's calls as far as the viewer's part in the night
/// work goes (`domain::incident::board_scope`). It carries no patient data,
/// so the coordinator can watch every call; opening one goes through the
/// card's access rule.
#[server(prefix = "/api", endpoint = "call_board")]
pub async fn call_board() -> Result<Vec<BoardRow>, AppError> {
    use crate::domain::incident::{board_scope, BOARD_KEEPS_CLOSED_HOURS};
    use crate::ssr::{auth, calls_db, request};

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let since = Utc::now() - chrono::Duration::hours(BOARD_KEEPS_CLOSED_HOURS);
    calls_db::board(&pool, board_scope(&user.actor), since)
        .await
        .map_err(request::internal("reading the call board"))
}

/// The nurse opens a call from the card.
#[server(prefix = "/api", endpoint = "call_open")]
pub async fn open_call(
    patient_id: String,
    reason: String,
    temperature: String,
    pulse: String,
    systolic: String,
    diastolic: String,
    spo2: String,
    respiratory_rate: String,
    note: String,
) -> Result<(), AppError> {
    use crate::domain::access::Action;
    use crate::domain::escalation::resolve_path;
    use crate::domain::incident::{parse_vitals, Reason};
    use crate::domain::patient::PatientId;
    use crate::domain::text::parse_free_text;
    use crate::ssr::{access, audit, auth, escalation_db, incident_db, request};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let back = format!("/patients/{id}/calls/new");
    let reason = Reason::parse(&reason)
        .ok_or_else(|| request::fail_form(AppError::Invalid("call_reason".into()), &back))?;
    let vitals = parse_vitals(
        &temperature,
        &pulse,
        &systolic,
        &diastolic,
        &spo2,
        &respiratory_rate,
    )
    .map_err(|e| request::fail_form(AppError::Invalid(e.field().into()), &back))?;
    let note = if note.trim().is_empty() {
        String::new()
    } else {
        parse_free_text(&note, 2000)
            .map_err(|_| request::fail_form(AppError::Invalid("note".into()), &back))?
    };
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    access::authorize_patient(&pool, &user, Action::OpenCall, id)
        .await
        .map_err(|e| request::fail_form(e, &back))?;
    let now = Utc::now();
    let (policy, context) = escalation_db::load(&pool, id, now)
        .await
        .map_err(request::internal("loading the escalation context"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let path = resolve_path(&policy, &context, now);
    let call_id = Uuid::new_v4();
    let (state, deadline) = if path.is_empty() {
        ("exhausted", None)
    } else {
        ("calling", incident_db::deadline_for(&path, 0, now))
    };
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    sqlx::query!(
        r#"insert into incidents (id, patient_id, opened_by, opened_at, reason, vitals, note,
                                  path, current_step, step_deadline, state)
           values ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10)"#,
        call_id,
        id.0,
        user.actor.staff_id,
        now,
        reason.as_str(),
        sqlx::types::Json(&vitals) as _,
        note,
        sqlx::types::Json(&path) as _,
        deadline,
        state,
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("opening a call"))?;
    incident_db::notify(&mut tx, call_id)
        .await
        .map_err(request::internal("notifying"))?;
    audit::record(
        &mut *tx,
        &user,
        Some(id.0),
        "open_call",
        "done",
        reason.as_str(),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    leptos_axum::redirect(&format!("/calls/{call_id}"));
    Ok(())
}

/// The call as the viewer may see it.
#[server(prefix = "/api", endpoint = "call_get")]
pub async fn get_call(call_id: String) -> Result<CallView, AppError> {
    use crate::domain::access::{Action, Role};
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, auth, calls_db, request};

    let call_id = Uuid::parse_str(&call_id)
        .map_err(|_| request::fail(AppError::Invalid("call_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let patient = calls_db::patient_of(&pool, call_id)
        .await
        .map_err(request::internal("reading a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    access::authorize_patient(&pool, &user, Action::ReadCard, PatientId(patient)).await?;
    let mut view = calls_db::view(&pool, call_id, Utc::now())
        .await
        .map_err(request::internal("reading a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let me = user.actor.staff_id;
    view.viewer_is_callee = view.path.get(view.current_step).map(|s| s.callee.id) == Some(me)
        || view.accepted_by_id() == Some(me);
    view.viewer_may_close = user.actor.role == Role::Physician;
    Ok(view)
}

#[cfg(feature = "ssr")]
impl CallView {
    fn accepted_by_id(&self) -> Option<Uuid> {
        self.attempts
            .iter()
            .rev()
            .find(|a| a.outcome == "accepted")
            .and_then(|a| {
                self.path
                    .get(usize::try_from(a.step_index).ok()?)
                    .map(|s| s.callee.id)
            })
    }
}

/// Records what happened on the current step: no answer, declined,
/// accepted with an ETA, advised by phone, or arrived. `step` is the step
/// the recorder saw; if the call has moved on meanwhile, nothing is written
/// and the answer is a conflict.
#[server(prefix = "/api", endpoint = "call_attempt")]
pub async fn record_attempt(
    call_id: String,
    step: String,
    outcome: String,
    eta_minutes: String,
    note: String,
) -> Result<(), AppError> {
    use crate::domain::access::Action;
    use crate::domain::incident::{parse_eta, transition, AttemptOutcome, Transition};
    use crate::domain::patient::PatientId;
    use crate::domain::text::parse_free_text;
    use crate::ssr::{access, audit, auth, calls_db, incident_db, request};

    let call_id = Uuid::parse_str(&call_id)
        .map_err(|_| request::fail(AppError::Invalid("call_id".into())))?;
    let back = format!("/calls/{call_id}");
    let step: usize = step
        .trim()
        .parse()
        .map_err(|_| request::fail_form(AppError::Invalid("step".into()), &back))?;
    let outcome = AttemptOutcome::parse(&outcome)
        .filter(|o| *o != AttemptOutcome::TimedOut)
        .ok_or_else(|| request::fail_form(AppError::Invalid("outcome".into()), &back))?;
    let eta =
        match outcome {
            AttemptOutcome::Accepted => Some(parse_eta(&eta_minutes).ok_or_else(|| {
                request::fail_form(AppError::Invalid("eta_minutes".into()), &back)
            })?),
            _ => None,
        };
    let note = if note.trim().is_empty() {
        String::new()
    } else {
        parse_free_text(&note, 1000)
            .map_err(|_| request::fail_form(AppError::Invalid("note".into()), &back))?
    };
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let patient = calls_db::patient_of(&pool, call_id)
        .await
        .map_err(request::internal("reading a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    // The nurse of the team records attempts; the doctor being called may
    // accept or report arrival himself (he can read the card).
    let action = match outcome {
        AttemptOutcome::Accepted | AttemptOutcome::Arrived | AttemptOutcome::Advised => {
            Action::ReadCard
        }
        _ => Action::OpenCall,
    };
    access::authorize_patient(&pool, &user, action, PatientId(patient))
        .await
        .map_err(|e| request::fail_form(e, &back))?;

    let now = Utc::now();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let call = incident_db::lock(&mut tx, call_id)
        .await
        .map_err(request::internal("locking a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    if call.current_step != step && outcome != AttemptOutcome::Arrived {
        return Err(request::fail_form(AppError::Conflict, &back));
    }
    match transition(call.state, outcome) {
        Transition::Refuse => return Err(request::fail_form(AppError::Conflict, &back)),
        Transition::Advance => {
            incident_db::insert_attempt(
                &mut tx,
                &call,
                outcome,
                None,
                &note,
                Some(user.actor.staff_id),
                now,
            )
            .await
            .map_err(request::internal("recording an attempt"))?;
            incident_db::advance(&mut tx, &call, now)
                .await
                .map_err(request::internal("advancing a call"))?;
        }
        Transition::Settle(state) => {
            let eta_i32 = eta.map(i32::from);
            incident_db::insert_attempt(
                &mut tx,
                &call,
                outcome,
                eta_i32,
                &note,
                Some(user.actor.staff_id),
                now,
            )
            .await
            .map_err(request::internal("recording an attempt"))?;
            let callee = call.path.get(call.current_step).map(|s| s.callee.id);
            calls_db::settle(&mut tx, call.id, state, callee, eta_i32, now)
                .await
                .map_err(request::internal("settling a call"))?;
            incident_db::notify(&mut tx, call.id)
                .await
                .map_err(request::internal("notifying"))?;
        }
    }
    audit::record(
        &mut *tx,
        &user,
        Some(patient),
        "call_attempt",
        "done",
        outcome.as_str(),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(())
}

/// The physician closes the call: outcome, what was done and used, and the
/// hand-off to the attending physician.
#[server(prefix = "/api", endpoint = "call_close")]
pub async fn close_call(
    call_id: String,
    outcome: String,
    died_at: String,
    admitted_to: String,
    summary: String,
) -> Result<(), AppError> {
    use crate::domain::access::Action;
    use crate::domain::incident::CallOutcome;
    use crate::domain::patient::PatientId;
    use crate::domain::text::parse_free_text;
    use crate::ssr::{access, audit, auth, calls_db, incident_db, request};

    let call_id = Uuid::parse_str(&call_id)
        .map_err(|_| request::fail(AppError::Invalid("call_id".into())))?;
    let back = format!("/calls/{call_id}");
    let outcome = CallOutcome::parse(&outcome)
        .ok_or_else(|| request::fail_form(AppError::Invalid("outcome".into()), &back))?;
    let summary = parse_free_text(&summary, 4000)
        .map_err(|_| request::fail_form(AppError::Invalid("summary".into()), &back))?;
    let died_at = match outcome {
        CallOutcome::DeathConfirmed => Some(
            chrono::NaiveTime::parse_from_str(died_at.trim(), "%H:%M")
                .map_err(|_| request::fail_form(AppError::Invalid("died_at".into()), &back))?,
        ),
        _ => None,
    };
    let admitted_to = match outcome {
        CallOutcome::Admitted | CallOutcome::Transported => Some(
            parse_free_text(&admitted_to, 200)
                .map_err(|_| request::fail_form(AppError::Invalid("admitted_to".into()), &back))?,
        ),
        _ => None,
    };
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let patient = calls_db::patient_of(&pool, call_id)
        .await
        .map_err(request::internal("reading a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    access::authorize_patient(&pool, &user, Action::RecordOutcome, PatientId(patient))
        .await
        .map_err(|e| request::fail_form(e, &back))?;
    let now = Utc::now();
    let detail = serde_json::json!({
        "died_at": died_at.map(|t| t.format("%H:%M").to_string()),
        "admitted_to": admitted_to,
    });
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let call = incident_db::lock(&mut tx, call_id)
        .await
        .map_err(request::internal("locking a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    if call.state == CallState::Closed {
        return Err(request::fail_form(AppError::Conflict, &back));
    }
    calls_db::close(
        &mut tx,
        call.id,
        patient,
        user.actor.staff_id,
        outcome.as_str(),
        &detail,
        &summary,
        now,
    )
    .await
    .map_err(request::internal("closing a call"))?;
    incident_db::notify(&mut tx, call.id)
        .await
        .map_err(request::internal("notifying"))?;
    audit::record(
        &mut *tx,
        &user,
        Some(patient),
        "record_outcome",
        "done",
        outcome.as_str(),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(())
}

/// The attending physician's morning list: hand-offs not yet acknowledged.
#[server(prefix = "/api", endpoint = "handoffs")]
pub async fn my_handoffs() -> Result<Vec<HandoffView>, AppError> {
    use crate::ssr::{auth, calls_db, request};
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    calls_db::open_handoffs(&pool, user.actor.staff_id)
        .await
        .map_err(request::internal("reading hand-offs"))
}

#[server(prefix = "/api", endpoint = "handoff_ack")]
pub async fn acknowledge_handoff(handoff_id: String) -> Result<(), AppError> {
    use crate::ssr::{audit, auth, calls_db, request};
    let id = Uuid::parse_str(&handoff_id)
        .map_err(|_| request::fail(AppError::Invalid("handoff_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let patient = calls_db::acknowledge(&pool, id, user.actor.staff_id, Utc::now())
        .await
        .map_err(request::internal("acknowledging a hand-off"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    audit::record(&pool, &user, Some(patient), "handoff_ack", "done", "").await?;
    leptos_axum::redirect("/handoffs");
    Ok(())
}

/// Who to call for this patient right now, and why (absences, the rota):
/// the path a call opened now would follow.
#[server(prefix = "/api", endpoint = "call_path_now")]
pub async fn escalation_now(patient_id: String) -> Result<Vec<ResolvedStep>, AppError> {
    use crate::domain::access::Action;
    use crate::domain::escalation::resolve_path;
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, auth, escalation_db, request};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    access::authorize_patient(&pool, &user, Action::ReadCard, id).await?;
    let now = Utc::now();
    let (policy, context) = escalation_db::load(&pool, id, now)
        .await
        .map_err(request::internal("loading the escalation context"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    Ok(resolve_path(&policy, &context, now))
}
