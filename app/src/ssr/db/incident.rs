//! The durable state of night calls and the escalation engine's one
//! transition, used both by the nurse's "no answer" and by the background
//! worker when a step's wait runs out.
//!
//! Every change happens in one transaction on a row locked with
//! `FOR UPDATE`; the worker takes due rows with `SKIP LOCKED`, so several
//! server processes can run it at once and a step still advances exactly
//! once (the partial unique index on timed-out attempts is the second line
//! of defence). Every change ends with `pg_notify('incident', id)`, which the
//! live pages listen to.

use crate::domain::escalation::{after_timeout, wait_of, AfterTimeout, ResolvedStep};
use crate::domain::incident::{AttemptOutcome, CallState};
use chrono::{DateTime, Duration, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The notification channel for call changes.
pub const CHANNEL: &str = "incident";

/// How many real seconds one minute of a step's wait lasts: 60, unless a
/// demo or a browser test speeds the clock up
/// (`NIGHTCALL_ESCALATION_SECONDS_PER_MINUTE`).
pub fn seconds_per_minute() -> i64 {
    std::env::var("NIGHTCALL_ESCALATION_SECONDS_PER_MINUTE")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|s| (1..=60).contains(s))
        .unwrap_or(60)
}

/// When the step at `index` of `path` times out. Every step has a wait,
/// the last one too: when it passes, the path repeats or runs out, and a
/// path that runs out is an alarm (応答なし), never a silent 連絡中.
/// `None` only for a step that does not exist.
pub fn deadline_for(
    path: &[ResolvedStep],
    index: usize,
    from: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let step = path.get(index)?;
    Some(from + Duration::seconds(i64::from(wait_of(step)) * seconds_per_minute()))
}

/// The locked state of one call.
#[derive(Debug, Clone)]
pub struct Locked {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub state: CallState,
    pub current_step: usize,
    pub path: Vec<ResolvedStep>,
    pub version: i32,
    pub opened_by: Uuid,
    /// The doctor who answered, if anyone has.
    pub accepted_by: Option<Uuid>,
    /// The patient's attending physician.
    pub attending: Option<Uuid>,
    /// Walks of the path still owed before it runs out.
    pub repeats_left: i32,
}

/// Locks a call for update (waiting for other writers).
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<Locked>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select i.id, i.patient_id, i.state, i.current_step, i.version, i.opened_by,
                  i.accepted_by, i.repeats_left, p.attending_physician_id as attending,
                  i.path as "path!: Json<Vec<ResolvedStep>>"
             from incidents i join patients p on p.id = i.patient_id
            where i.id = $1 for update of i"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| Locked {
        id: r.id,
        patient_id: r.patient_id,
        state: CallState::parse(&r.state).unwrap_or(CallState::Closed),
        current_step: usize::try_from(r.current_step).unwrap_or(0),
        path: r.path.0,
        version: r.version,
        opened_by: r.opened_by,
        accepted_by: r.accepted_by,
        attending: r.attending,
        repeats_left: r.repeats_left,
    }))
}

/// Records an attempt on the current step, in the call's current round.
/// `responder` is the doctor who really answered (the callee, or a doctor
/// who took the call over); `recorded_by` who pressed the button.
#[allow(clippy::too_many_arguments)]
pub async fn insert_attempt(
    conn: &mut PgConnection,
    call: &Locked,
    outcome: AttemptOutcome,
    eta_minutes: Option<i32>,
    note: &str,
    recorded_by: Option<Uuid>,
    responder: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let callee = call.path.get(call.current_step).map(|s| &s.callee);
    sqlx::query!(
        r#"insert into incident_attempts
               (incident_id, step_index, callee_id, callee_name, phone, at, outcome,
                eta_minutes, note, recorded_by, round, responder_id, responder_name)
           select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, i.round, r.id,
                  r.family_name || ' ' || r.given_name
             from incidents i left join staff r on r.id = $11
            where i.id = $1"#,
        call.id,
        call.current_step as i32,
        callee.map(|c| c.id),
        callee.map(|c| c.name.as_str()).unwrap_or(""),
        callee.map(|c| c.phone.as_str()).unwrap_or(""),
        at,
        outcome.as_str(),
        eta_minutes,
        note,
        recorded_by,
        responder,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Walks the path again from its first step after it ran out (the
/// opening nurse's restart); the history stays, in the earlier round.
pub async fn restart(
    conn: &mut PgConnection,
    call: &Locked,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update incidents
            set state = 'calling', current_step = 0, round = round + 1,
                repeats_left = path_repeats, step_deadline = $2, exhausted_at = null,
                version = version + 1
          where id = $1",
        call.id,
        deadline_for(&call.path, 0, now),
    )
    .execute(&mut *conn)
    .await?;
    let restarted = Locked {
        current_step: 0,
        ..call.clone()
    };
    insert_attempt(
        conn,
        &restarted,
        AttemptOutcome::Restarted,
        None,
        "",
        Some(by),
        None,
        now,
    )
    .await?;
    notify(conn, call.id).await
}

/// Moves a locked call to its next step, walks the path again if the
/// policy repeats it, or raises the alarm: 応答なし (`exhausted`).
pub async fn advance(
    conn: &mut PgConnection,
    call: &Locked,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let left = u32::try_from(call.repeats_left).unwrap_or(0);
    match after_timeout(call.current_step, call.path.len(), left) {
        AfterTimeout::Next(next) => {
            sqlx::query!(
                "update incidents set current_step = $2, step_deadline = $3, version = version + 1
                  where id = $1",
                call.id,
                next as i32,
                deadline_for(&call.path, next, now),
            )
            .execute(&mut *conn)
            .await?;
        }
        AfterTimeout::Repeat => {
            sqlx::query!(
                "update incidents
                    set current_step = 0, round = round + 1, repeats_left = repeats_left - 1,
                        step_deadline = $2, version = version + 1
                  where id = $1",
                call.id,
                deadline_for(&call.path, 0, now),
            )
            .execute(&mut *conn)
            .await?;
        }
        AfterTimeout::RunOut => {
            sqlx::query!(
                "update incidents
                    set state = 'exhausted', step_deadline = null, exhausted_at = $2,
                        version = version + 1
                  where id = $1",
                call.id,
                now
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    notify(conn, call.id).await
}

pub async fn notify(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("select pg_notify($1, $2::text)", CHANNEL, id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One pass of the escalation worker: times out every due step, each in
/// its own transaction. Returns how many steps it advanced.
pub async fn advance_due_steps(pool: &PgPool, now: DateTime<Utc>) -> Result<usize, sqlx::Error> {
    let mut advanced = 0;
    loop {
        let mut tx = pool.begin().await?;
        // One row per transaction: a slow call never holds the others.
        let due = sqlx::query_scalar!(
            "select id from incidents
              where state = 'calling' and step_deadline <= $1
              order by step_deadline
              limit 1
              for update skip locked",
            now
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = due else {
            tx.commit().await?;
            return Ok(advanced);
        };
        if let Some(call) = lock(&mut tx, id).await? {
            insert_attempt(
                &mut tx,
                &call,
                AttemptOutcome::TimedOut,
                None,
                "",
                None,
                None,
                now,
            )
            .await?;
            advance(&mut tx, &call, now).await?;
            advanced += 1;
        }
        tx.commit().await?;
    }
}
