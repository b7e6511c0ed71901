//! The escalation worker: once a second, time out every step whose wait
//! has run out. Safe to run in several server processes at once (rows are
//! taken with `FOR UPDATE SKIP LOCKED`), and nothing is lost on a restart:
//! the deadlines live in PostgreSQL, so a step that fell due while the
//! server was down advances on the first pass after it comes back.
//!
//! Next to it, the audit sealer: once a second it links the audit rows
//! committed since its last pass into the hash chain
//! ([`crate::audit_chain::seal`]). Every server process runs one; the
//! database lets one work at a time and the others skip their pass.

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

/// How often the sealer links the waiting audit rows: a committed row
/// waits about this long for its link.
pub const SEAL_EVERY: Duration = Duration::from_secs(1);

/// Runs the audit sealer until the task is dropped.
pub fn spawn_sealer(pool: PgPool) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(SEAL_EVERY);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match crate::audit_chain::seal(&pool).await {
                Ok(crate::audit_chain::Sealed::Linked(n)) => {
                    tracing::debug!(rows = n, "audit sealer: linked")
                }
                Ok(crate::audit_chain::Sealed::Busy) => {
                    tracing::debug!("audit sealer: another process is sealing")
                }
                Err(e) => tracing::warn!(error = %e, "audit sealer pass failed; retrying"),
            }
        }
    })
}
