//! Night calls: opening one, following it live, recording attempts, the
//! doctor's answer and arrival, closing it with a hand-off, and the
//! attending physician's morning list.

// A server function's arguments are its form's fields; the call form has
// nine, and a struct would only rename them `form[…]` for no gain.
#![allow(clippy::too_many_arguments)]

use crate::domain::escalation::ResolvedStep;
#[cfg(feature = "ssr")]
use crate::domain::incident::{AttemptOutcome, CallOutcome, CallState, CancelReason};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use chrono::Utc;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use uuid::Uuid;

pub use crate::views::calls::{AttemptView, BoardRow, CallView, HandoffView};

/// The call board: tonight's calls as far as the viewer's part in the night
/// work goes (`domain::incident::board_scope`). It carries no patient data,
/// so the coordinator can watch every call; opening one goes through the
/// card's access rule.
#[server(prefix = "/api", endpoint = "call_board")]
pub async fn call_board() -> Result<Vec<BoardRow>, AppError> {
    use crate::domain::incident::{board_scope, BOARD_KEEPS_CLOSED_HOURS};
    use crate::ssr::{audit, auth, db, request};

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let since = Utc::now() - chrono::Duration::hours(BOARD_KEEPS_CLOSED_HOURS);
    let rows = db::calls::board(&pool, board_scope(&user.actor), since)
        .await
        .map_err(request::internal("reading the call board"))?;
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.patient_id).collect();
    ids.sort_unstable();
    ids.dedup();
    audit::record_read(
        &pool,
        &user,
        "read_board",
        &ids,
        &format!("{} rows", rows.len()),
    )
    .await?;
    Ok(rows)
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
    use crate::domain::escalation::{repeats_of, resolve_path};
    use crate::domain::incident::{parse_vitals, Reason};
    use crate::domain::patient::PatientId;
    use crate::domain::text::parse_free_text;
    use crate::ssr::{access, audit, auth, db, request};

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
    let (policy, context) = db::escalation::load(&pool, id, now)
        .await
        .map_err(request::internal("loading the escalation context"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let path = resolve_path(&policy, &context, now);
    let repeats = i32::try_from(repeats_of(&policy)).unwrap_or(0);
    let call_id = Uuid::new_v4();
    let (state, deadline) = if path.is_empty() {
        ("exhausted", None)
    } else {
        ("calling", db::incident::deadline_for(&path, 0, now))
    };
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    sqlx::query!(
        r#"insert into incidents (id, patient_id, opened_by, opened_at, reason, vitals, note,
                                  path, current_step, step_deadline, state,
                                  path_repeats, repeats_left, exhausted_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $11, $12)"#,
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
        repeats,
        // A path with nobody on it is 応答なし from the start.
        path.is_empty().then_some(now),
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("opening a call"))?;
    db::incident::notify(&mut tx, call_id)
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

/// Who the viewer is to a call: loaded once, decided by the pure rules.
#[cfg(feature = "ssr")]
async fn relation_to(
    pool: &sqlx::PgPool,
    user: &crate::ssr::auth::CurrentUser,
    basis: &crate::domain::access::Basis,
    patient: Uuid,
    opened_by: Uuid,
    accepted_by: Option<Uuid>,
    attending: Option<Uuid>,
    path: &[ResolvedStep],
    current_step: usize,
) -> Result<crate::domain::incident::CallRelation, AppError> {
    use crate::domain::access::Basis;
    use crate::domain::incident::{may_respond, CallRelation};
    use crate::domain::patient::PatientId;
    use crate::ssr::access;

    let me = user.actor.staff_id;
    let on_path = path.iter().any(|s| s.callee.id == me);
    // Only a covering doctor off the path needs the consent's scope.
    let house_calls = if *basis == Basis::CoveringTeamWithConsent && !on_path {
        access::access_facts(pool, me, PatientId(patient), Utc::now())
            .await?
            .is_some_and(|f| f.group_house_calls_consented(Utc::now()))
    } else {
        false
    };
    Ok(CallRelation {
        opened_call: opened_by == me,
        current_callee: path.get(current_step).map(|s| s.callee.id) == Some(me),
        responder: accepted_by == Some(me),
        attending: attending == Some(me),
        may_respond: may_respond(user.actor.role, basis, on_path, house_calls),
    })
}

/// The call as the viewer may see it, with the forms he may use.
#[server(prefix = "/api", endpoint = "call_get")]
pub async fn get_call(call_id: String) -> Result<CallView, AppError> {
    use crate::domain::access::Action;
    use crate::domain::incident::viewer_moves;
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, auth, db, request};

    let call_id = Uuid::parse_str(&call_id)
        .map_err(|_| request::fail(AppError::Invalid("call_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let patient = db::calls::patient_of(&pool, call_id)
        .await
        .map_err(request::internal("reading a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let basis =
        access::authorize_patient(&pool, &user, Action::ReadCard, PatientId(patient)).await?;
    let now = Utc::now();
    let mut view = db::calls::view(&pool, call_id, now)
        .await
        .map_err(request::internal("reading a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let relation = relation_to(
        &pool,
        &user,
        &basis,
        patient,
        view.opened_by_id,
        view.accepted_by_id,
        view.attending_id,
        &view.path,
        view.current_step,
    )
    .await?;
    view.moves = viewer_moves(&relation, view.state);
    if view.state == CallState::Exhausted {
        // The alarm names the backup hospital, whether or not the path did.
        view.backup_hospital = db::escalation::load(&pool, PatientId(patient), now)
            .await
            .map_err(request::internal("loading the escalation context"))?
            .and_then(|(_, context)| context.backup_hospital)
            .map(|h| (h.name, h.phone));
    }
    Ok(view)
}

/// Refuses a move the rules do not allow: 403 (translated) when it is not
/// the viewer's to make, 409 when the call has moved on. The refusal is
/// audited; nothing about the call is written.
#[cfg(feature = "ssr")]
async fn refuse(
    pool: &sqlx::PgPool,
    user: &crate::ssr::auth::CurrentUser,
    patient: Uuid,
    name: &str,
    mv: crate::domain::incident::CallMove,
    refusal: crate::domain::incident::MoveRefusal,
    back: &str,
) -> AppError {
    use crate::domain::incident::MoveRefusal;
    use crate::ssr::{audit, request};
    let (error, detail) = match refusal {
        MoveRefusal::NotYours => (AppError::NotYourCallMove, format!("{mv:?}: not yours")),
        MoveRefusal::NotNow => (AppError::Conflict, format!("{mv:?}: not now")),
    };
    if let Err(e) = audit::record(pool, user, Some(patient), name, "denied", &detail).await {
        return e;
    }
    request::fail_form(error, back)
}

/// Records what happened on the current step: no answer, declined,
/// accepted with an ETA, advised by phone, or arrived. Who may record what
/// is `domain::incident::may`: the doctor being called answers for
/// himself, the opening nurse records his answer given on the phone, and
/// another doctor of the team or the path takes the call over and is
/// credited with it. `step` is the step the recorder saw; if the call has
/// moved on meanwhile, nothing is written and the answer is a conflict.
#[server(prefix = "/api", endpoint = "call_attempt")]
pub async fn record_attempt(
    call_id: String,
    step: String,
    outcome: String,
    eta_minutes: String,
    note: String,
) -> Result<(), AppError> {
    use crate::domain::access::Action;
    use crate::domain::incident::{may, move_for, parse_eta, responder_of, transition, Transition};
    use crate::domain::patient::PatientId;
    use crate::domain::text::parse_free_text;
    use crate::ssr::{access, audit, auth, db, request};

    let call_id = Uuid::parse_str(&call_id)
        .map_err(|_| request::fail(AppError::Invalid("call_id".into())))?;
    let back = format!("/calls/{call_id}");
    let step: usize = step
        .trim()
        .parse()
        .map_err(|_| request::fail_form(AppError::Invalid("step".into()), &back))?;
    let outcome = AttemptOutcome::parse(&outcome)
        .filter(|o| {
            !matches!(
                o,
                AttemptOutcome::TimedOut | AttemptOutcome::Restarted | AttemptOutcome::Cancelled
            )
        })
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
    let patient = db::calls::patient_of(&pool, call_id)
        .await
        .map_err(request::internal("reading a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    // Reading the card is necessary, never sufficient: the move's own rule
    // below decides.
    let basis = access::authorize_patient(&pool, &user, Action::ReadCard, PatientId(patient))
        .await
        .map_err(|e| request::fail_form(e, &back))?;

    let now = Utc::now();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let call = db::incident::lock(&mut tx, call_id)
        .await
        .map_err(request::internal("locking a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let relation = relation_to(
        &pool,
        &user,
        &basis,
        patient,
        call.opened_by,
        call.accepted_by,
        call.attending,
        &call.path,
        call.current_step,
    )
    .await?;
    let Some(mv) = move_for(&relation, outcome) else {
        return Err(request::fail_form(
            AppError::Invalid("outcome".into()),
            &back,
        ));
    };
    if let Err(refusal) = may(&relation, call.state, mv) {
        drop(tx);
        return Err(refuse(&pool, &user, patient, "call_attempt", mv, refusal, &back).await);
    }
    if call.current_step != step && outcome != AttemptOutcome::Arrived {
        return Err(request::fail_form(AppError::Conflict, &back));
    }
    let me = user.actor.staff_id;
    match transition(call.state, outcome) {
        Transition::Refuse => return Err(request::fail_form(AppError::Conflict, &back)),
        Transition::Advance => {
            db::incident::insert_attempt(&mut tx, &call, outcome, None, &note, Some(me), None, now)
                .await
                .map_err(request::internal("recording an attempt"))?;
            db::incident::advance(&mut tx, &call, now)
                .await
                .map_err(request::internal("advancing a call"))?;
        }
        Transition::Settle(state) => {
            let eta_i32 = eta.map(i32::from);
            let responder = if outcome == AttemptOutcome::Arrived {
                call.accepted_by
            } else {
                responder_of(
                    mv,
                    me,
                    call.path.get(call.current_step).map(|s| s.callee.id),
                )
            };
            db::incident::insert_attempt(
                &mut tx,
                &call,
                outcome,
                eta_i32,
                &note,
                Some(me),
                responder,
                now,
            )
            .await
            .map_err(request::internal("recording an attempt"))?;
            db::calls::settle(&mut tx, call.id, state, responder, me, eta_i32, now)
                .await
                .map_err(request::internal("settling a call"))?;
            db::incident::notify(&mut tx, call.id)
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
        &format!("{} {mv:?}", outcome.as_str()),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(())
}

/// The physician closes the call: outcome, what was done and used, and the
/// hand-off to the attending physician. Only once someone has answered,
/// and only the doctor who answered or the attending.
#[server(prefix = "/api", endpoint = "call_close")]
pub async fn close_call(
    call_id: String,
    outcome: String,
    died_at: String,
    admitted_to: String,
    summary: String,
) -> Result<(), AppError> {
    use crate::domain::access::Action;
    use crate::domain::incident::{may, CallMove, CallRelation};
    use crate::domain::patient::PatientId;
    use crate::domain::text::parse_free_text;
    use crate::ssr::{access, audit, auth, db, request};

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
    let patient = db::calls::patient_of(&pool, call_id)
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
    let call = db::incident::lock(&mut tx, call_id)
        .await
        .map_err(request::internal("locking a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let me = user.actor.staff_id;
    let relation = CallRelation {
        responder: call.accepted_by == Some(me),
        attending: call.attending == Some(me),
        ..Default::default()
    };
    if let Err(refusal) = may(&relation, call.state, CallMove::Close) {
        drop(tx);
        return Err(refuse(
            &pool,
            &user,
            patient,
            "record_outcome",
            CallMove::Close,
            refusal,
            &back,
        )
        .await);
    }
    db::calls::close(
        &mut tx,
        call.id,
        patient,
        me,
        outcome.as_str(),
        &detail,
        &summary,
        now,
    )
    .await
    .map_err(request::internal("closing a call"))?;
    db::incident::notify(&mut tx, call.id)
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

/// The opening nurse ends a call nobody needs any more, saying why
/// (family settled, 119 called, patient transported).
#[server(prefix = "/api", endpoint = "call_cancel")]
pub async fn cancel_call(call_id: String, reason: String) -> Result<(), AppError> {
    use crate::domain::access::Action;
    use crate::domain::incident::{may, CallMove, CallRelation};
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, audit, auth, db, request};

    let call_id = Uuid::parse_str(&call_id)
        .map_err(|_| request::fail(AppError::Invalid("call_id".into())))?;
    let back = format!("/calls/{call_id}");
    let reason = CancelReason::parse(&reason)
        .ok_or_else(|| request::fail_form(AppError::Invalid("cancel_reason".into()), &back))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let patient = db::calls::patient_of(&pool, call_id)
        .await
        .map_err(request::internal("reading a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    access::authorize_patient(&pool, &user, Action::ReadCard, PatientId(patient))
        .await
        .map_err(|e| request::fail_form(e, &back))?;
    let now = Utc::now();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let call = db::incident::lock(&mut tx, call_id)
        .await
        .map_err(request::internal("locking a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let relation = CallRelation {
        opened_call: call.opened_by == user.actor.staff_id,
        ..Default::default()
    };
    if let Err(refusal) = may(&relation, call.state, CallMove::Cancel) {
        drop(tx);
        return Err(refuse(
            &pool,
            &user,
            patient,
            "call_cancel",
            CallMove::Cancel,
            refusal,
            &back,
        )
        .await);
    }
    db::incident::insert_attempt(
        &mut tx,
        &call,
        AttemptOutcome::Cancelled,
        None,
        "",
        Some(user.actor.staff_id),
        None,
        now,
    )
    .await
    .map_err(request::internal("recording a cancel"))?;
    db::calls::cancel(&mut tx, call.id, user.actor.staff_id, reason, now)
        .await
        .map_err(request::internal("cancelling a call"))?;
    db::incident::notify(&mut tx, call.id)
        .await
        .map_err(request::internal("notifying"))?;
    audit::record(
        &mut *tx,
        &user,
        Some(patient),
        "call_cancel",
        "done",
        reason.as_str(),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(())
}

/// After the path ran out (応答なし), the opening nurse walks it again from
/// its first step; what was tried stays in the log.
#[server(prefix = "/api", endpoint = "call_restart")]
pub async fn restart_call(call_id: String) -> Result<(), AppError> {
    use crate::domain::access::Action;
    use crate::domain::incident::{may, CallMove, CallRelation};
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, audit, auth, db, request};

    let call_id = Uuid::parse_str(&call_id)
        .map_err(|_| request::fail(AppError::Invalid("call_id".into())))?;
    let back = format!("/calls/{call_id}");
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let patient = db::calls::patient_of(&pool, call_id)
        .await
        .map_err(request::internal("reading a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    access::authorize_patient(&pool, &user, Action::ReadCard, PatientId(patient))
        .await
        .map_err(|e| request::fail_form(e, &back))?;
    let now = Utc::now();
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let call = db::incident::lock(&mut tx, call_id)
        .await
        .map_err(request::internal("locking a call"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let relation = CallRelation {
        opened_call: call.opened_by == user.actor.staff_id,
        ..Default::default()
    };
    if let Err(refusal) = may(&relation, call.state, CallMove::Restart) {
        drop(tx);
        return Err(refuse(
            &pool,
            &user,
            patient,
            "call_restart",
            CallMove::Restart,
            refusal,
            &back,
        )
        .await);
    }
    db::incident::restart(&mut tx, &call, user.actor.staff_id, now)
        .await
        .map_err(request::internal("restarting a call"))?;
    audit::record(&mut *tx, &user, Some(patient), "call_restart", "done", "").await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    Ok(())
}

/// The attending physician's morning list: hand-offs not yet acknowledged.
#[server(prefix = "/api", endpoint = "handoffs")]
pub async fn my_handoffs() -> Result<Vec<HandoffView>, AppError> {
    use crate::ssr::{audit, auth, db, request};
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let handoffs = db::calls::open_handoffs(&pool, &user.actor, Utc::now())
        .await
        .map_err(request::internal("reading hand-offs"))?;
    let ids: Vec<Uuid> = handoffs.iter().map(|h| h.patient_id).collect();
    audit::record_read(
        &pool,
        &user,
        "read_handoffs",
        &ids,
        &format!("{} rows", ids.len()),
    )
    .await?;
    Ok(handoffs)
}

#[server(prefix = "/api", endpoint = "handoff_ack")]
pub async fn acknowledge_handoff(handoff_id: String) -> Result<(), AppError> {
    use crate::ssr::{audit, auth, db, request};
    let id = Uuid::parse_str(&handoff_id)
        .map_err(|_| request::fail(AppError::Invalid("handoff_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let patient = db::calls::acknowledge(&pool, id, &user.actor, Utc::now())
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
    use crate::ssr::{access, auth, db, request, scope};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    // On the card page, the card's read (allowed and audited in this same
    // request) already resolved this path.
    if let Some(path) = scope::current().and_then(|s| s.read_path(user.actor.staff_id, id)) {
        return Ok(path);
    }
    access::authorize_patient(&pool, &user, Action::ReadCard, id).await?;
    let now = Utc::now();
    let (policy, context) = db::escalation::load(&pool, id, now)
        .await
        .map_err(request::internal("loading the escalation context"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    Ok(resolve_path(&policy, &context, now))
}
