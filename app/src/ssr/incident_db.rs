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

use crate::domain::escalation::ResolvedStep;
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

/// When the step at `index` of `path` times out; `None` for the last step
/// (nothing comes after it: the nurse records how it went).
pub fn deadline_for(
    path: &[ResolvedStep],
    index: usize,
    from: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let step = path.get(index)?;
    if index + 1 >= path.len() {
        return None;
    }
    Some(from + Duration::seconds(i64::from(step.wait_minutes) * seconds_per_minute()))
}

/// The locked state of one call.
pub struct Locked {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub state: CallState,
    pub current_step: usize,
    pub path: Vec<ResolvedStep>,
    pub version: i32,
}

/// Locks a call for update (waiting for other writers).
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<Locked>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select id, patient_id, state, current_step, version,
                  path as "path!: Json<Vec<ResolvedStep>>"
             from incidents where id = $1 for update"#,
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
    }))
}

/// Records an attempt on the current step.
pub async fn insert_attempt(
    conn: &mut PgConnection,
    call: &Locked,
    outcome: AttemptOutcome,
    eta_minutes: Option<i32>,
    note: &str,
    recorded_by: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let callee = call.path.get(call.current_step).map(|s| &s.callee);
    sqlx::query!(
        r#"insert into incident_attempts
               (incident_id, step_index, callee_id, callee_name, phone, at, outcome,
                eta_minutes, note, recorded_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
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
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves a locked call to its next step, or marks the path exhausted.
pub async fn advance(
    conn: &mut PgConnection,
    call: &Locked,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let next = call.current_step + 1;
    if next < call.path.len() {
        sqlx::query!(
            "update incidents set current_step = $2, step_deadline = $3, version = version + 1
              where id = $1",
            call.id,
            next as i32,
            deadline_for(&call.path, next, now),
        )
        .execute(&mut *conn)
        .await?;
    } else {
        sqlx::query!(
            "update incidents set state = 'exhausted', step_deadline = null, version = version + 1
              where id = $1",
            call.id
        )
        .execute(&mut *conn)
        .await?;
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
                now,
            )
            .await?;
            advance(&mut tx, &call, now).await?;
            advanced += 1;
        }
        tx.commit().await?;
    }
}
