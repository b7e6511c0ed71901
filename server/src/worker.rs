//! The escalation worker: once a second, time out every step whose wait
//! has run out. Safe to run in several server processes at once (rows are
//! taken with `FOR UPDATE SKIP LOCKED`), and nothing is lost on a restart:
//! the deadlines live in PostgreSQL, so a step that fell due while the
//! server was down advances on the first pass after it comes back.

use sqlx::PgPool;
use std::time::Duration;

/// How often the worker looks for due steps.
pub const POLL: Duration = Duration::from_secs(1);

/// Runs the worker until the task is dropped.
pub fn spawn(pool: PgPool) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(POLL);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match app::ssr::db::incident::advance_due_steps(&pool, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(steps = n, "escalation: advanced due steps"),
                Err(e) => tracing::warn!(error = %e, "escalation worker pass failed; retrying"),
            }
        }
    })
}
