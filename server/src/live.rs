//! The live-update hub of one server process: ONE `LISTEN incident`
//! connection, in a small pool of its own (never the request pool), fanned
//! out to every open stream through a `tokio::sync::broadcast` channel.
//!
//! Per notification the hub looks up once who may see the call on the
//! board (the opening nurse's organisation and the staff on its path); each
//! stream then filters for its viewer. When the connection is lost (a
//! database restart) the hub reconnects with backoff and sends `Resync`:
//! the streams make their pages fetch everything again, so nothing missed
//! in between stays missed. The hub also renews this process's heartbeat
//! row, against which the streams are counted (see `app::ssr::db::streams`).

use app::ssr::db;
use app::ssr::state::{Live, LiveEvent, StreamLimits, PROCESS_HEARTBEAT};
use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::PgPool;
use std::sync::atomic::AtomicI64;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// How many events a slow stream may fall behind before it resyncs.
const CHANNEL_CAPACITY: usize = 1024;
const BACKOFF_MIN: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// Starts the hub for the process whose request pool is `pool`. It stops
/// by itself when that pool is closed.
pub fn start(pool: &PgPool, limits: StreamLimits) -> Live {
    let (events, _) = tokio::sync::broadcast::channel(CHANNEL_CAPACITY);
    let live = Live {
        events,
        limits,
        process_id: Uuid::new_v4(),
        last_change_ms: Arc::new(AtomicI64::new(i64::MAX)),
    };
    // Two connections: one holds the LISTEN, one does the look-ups and the
    // heartbeat. Built from the request pool's settings, but separate.
    let own = PgPoolOptions::new()
        .max_connections(2)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(5))
        .max_lifetime(None)
        .idle_timeout(None)
        .connect_lazy_with((*pool.connect_options()).clone());
    let closed = pool.close_event();
    let process_id = live.process_id;
    let heartbeat_pool = own.clone();
    let request_pool = pool.clone();
    tokio::spawn({
        let events = live.events.clone();
        let last_change = live.last_change_ms.clone();
        async move {
            tokio::select! {
                _ = closed => {}
                _ = listen(own.clone(), events, last_change) => {}
                _ = heartbeat(heartbeat_pool, process_id) => {}
            }
            // A clean stop frees this process's stream slots at once.
            if !request_pool.is_closed() {
                let _ = db::streams::process_gone(&request_pool, process_id).await;
            }
            own.close().await;
        }
    });
    live
}

async fn heartbeat(pool: PgPool, process_id: Uuid) {
    let mut interval = tokio::time::interval(PROCESS_HEARTBEAT);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(e) = db::streams::process_heartbeat(&pool, process_id).await {
            tracing::warn!(error = %e, "live hub: process heartbeat failed; retrying");
        }
    }
}

/// Listens for ever: connect, pass notifications on, reconnect with
/// backoff after a loss.
async fn listen(
    pool: PgPool,
    events: tokio::sync::broadcast::Sender<LiveEvent>,
    last_change: Arc<AtomicI64>,
) {
    // Every event sent is a change the streams were told of; so is the
    // moment the hub (re)starts listening (anything before may be unknown).
    let send = |event: LiveEvent| {
        Live::mark_change(&last_change);
        let _ = events.send(event);
    };
    let mut backoff = BACKOFF_MIN;
    let mut connected_before = false;
    loop {
        let mut listener = match connect(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64,
                    "live hub: cannot listen; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            }
        };
        backoff = BACKOFF_MIN;
        if connected_before {
            tracing::info!("live hub: listening again; streams resynchronise");
            send(LiveEvent::Resync);
        } else {
            Live::mark_change(&last_change);
        }
        connected_before = true;
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    let event = match Uuid::parse_str(notification.payload()) {
                        Ok(call) => match db::streams::audience(&pool, call).await {
                            Ok(audience) => LiveEvent::Changed {
                                call,
                                audience: audience.map(Arc::new),
                            },
                            Err(e) => {
                                // Who may see it is unknown: everyone
                                // refetches what they may see.
                                tracing::warn!(error = %e, "live hub: audience look-up failed");
                                LiveEvent::Resync
                            }
                        },
                        Err(_) => continue,
                    };
                    send(event);
                }
                // The connection was lost and is already back (sqlx
                // reconnects and re-listens): anything in between is lost.
                Ok(None) => {
                    tracing::info!(
                        "live hub: listen connection re-established; streams resynchronise"
                    );
                    send(LiveEvent::Resync);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live hub: listen connection lost");
                    break;
                }
            }
        }
    }
}

async fn connect(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(db::incident::CHANNEL).await?;
    Ok(listener)
}
