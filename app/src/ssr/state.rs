//! The state every request can reach.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    /// The live-update hub of this server process.
    pub live: Live,
}

/// The live-update hub of one server process: one `LISTEN` connection
/// (outside the request pool) fans every call change out to all open
/// streams through `events`.
#[derive(Clone)]
pub struct Live {
    pub events: tokio::sync::broadcast::Sender<LiveEvent>,
    pub limits: StreamLimits,
    /// This process's row in `server_processes`: streams are counted per
    /// process so the rows of a crashed process stop counting quickly.
    pub process_id: Uuid,
    /// When this hub last told its streams of a change (or began to listen,
    /// or resynchronised), in Unix milliseconds; `i64::MAX` while it has not
    /// listened yet. A stream's greeting carries it, so a page rendered
    /// after it has nothing to fetch (`components::islands`).
    pub last_change_ms: Arc<std::sync::atomic::AtomicI64>,
}

impl Live {
    /// Remembers that the streams were told of a change just now.
    pub fn mark_change(last_change_ms: &std::sync::atomic::AtomicI64) {
        last_change_ms.store(
            chrono::Utc::now().timestamp_millis(),
            std::sync::atomic::Ordering::SeqCst,
        );
    }
}

/// What the hub tells every stream.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A call changed; `audience` says who may see it on the board
    /// (`None`: the call is gone, only the every-call board hears of it).
    Changed {
        call: Uuid,
        audience: Option<Arc<CallAudience>>,
    },
    /// Notifications may have been missed (the listen connection was lost
    /// and is back): every stream tells its page to fetch everything again.
    Resync,
    /// The process is shutting down: every stream ends, and the browsers
    /// reconnect to another process.
    Shutdown,
}

/// Who may see a call on the board: the opening nurse's organisation and
/// the staff named on its path (`domain::incident::board_scope`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAudience {
    pub opener_org: Uuid,
    pub path_staff: Vec<Uuid>,
}

impl CallAudience {
    pub fn visible_to(&self, scope: crate::domain::incident::BoardScope) -> bool {
        use crate::domain::incident::BoardScope;
        match scope {
            BoardScope::Every => true,
            BoardScope::OpenedByStation(org) => self.opener_org == org,
            BoardScope::OnPath(staff) => self.path_staff.contains(&staff),
        }
    }
}

/// Caps and timing of the live streams.
///
/// A nurse on a night shift keeps the call board and a few call screens open
/// in tabs of one browser (one session): 8 per session leaves room for the
/// board and seven calls, more than a station ever has open at once. An
/// account may be signed in on a phone and on the station's PC or a tablet:
/// 12 per account. Anything beyond is a runaway page or a script, and gets a
/// 429 instead of holding server resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    pub per_session: u32,
    pub per_account: u32,
    /// How often a stream re-checks its session and access (and renews its
    /// heartbeat).
    pub recheck: Duration,
}

impl Default for StreamLimits {
    fn default() -> Self {
        StreamLimits {
            per_session: 8,
            per_account: 12,
            recheck: Duration::from_secs(60),
        }
    }
}

impl StreamLimits {
    /// A stream whose heartbeat is older than this no longer counts (its
    /// process lost track of it): three missed re-checks.
    pub fn stream_ttl(&self) -> Duration {
        self.recheck * 3 + Duration::from_secs(5)
    }
}

/// How often a process renews its row in `server_processes`.
pub const PROCESS_HEARTBEAT: Duration = Duration::from_secs(5);
/// A process that has not beaten for this long is taken for dead: its
/// streams stop counting against the caps.
pub const PROCESS_DEAD_AFTER: Duration = Duration::from_secs(20);
