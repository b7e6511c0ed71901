//! The Nightcall server: configuration, the embedded PostgreSQL default, the
//! HTTP router and demo data. `main.rs` only wires these together, so the
//! integration tests can start the very same application on port 0.

mod alloc;
pub mod audit_chain;
pub mod config;
pub mod demo;
pub mod demo_duty;
pub mod embedded_pg;
pub mod events;
pub mod live;
pub mod routes;
pub mod staff;
pub mod worker;

use app::ssr::state::StreamLimits;
use app::ssr::AppState;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::time::Duration;

/// Every failure that stops the server from starting, each printed as one
/// line that says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(String),
    #[error("cannot reach the database at {url}: {cause}")]
    DatabaseUnreachable { url: String, cause: String },
    #[error("database migrations failed: {0}")]
    Migrations(String),
    #[error("could not seed the demo data: {0}")]
    Seed(String),
    #[error("the address {addr} is already in use; stop what is listening there or set NIGHTCALL_ADDR (e.g. NIGHTCALL_ADDR=127.0.0.1:3100)")]
    AddressInUse { addr: String },
    #[error("cannot listen on {addr}: {cause}")]
    Listen { addr: String, cause: String },
    #[error(transparent)]
    Postgres(#[from] embedded_pg::PgError),
    #[error("the audit log's chain is {0}")]
    AuditChainBroken(String),
    #[error("server error: {0}")]
    Serve(String),
    #[error("refusing to listen on {addr}: an account still has the demo password; change every demo password first, or listen on 127.0.0.1 only")]
    DemoPasswordBeyondLoopback { addr: String },
    #[error("refusing to serve as database role {role:?}: {why}; serve as a role that is a member of {RUNTIME_ROLE} only (see docs/security-database.md)")]
    RuntimeRoleTooPowerful { role: String, why: &'static str },
}

/// The database role requests run as: rows only, no DDL, no TRUNCATE, the
/// history tables append-only (granted by the migrations).
pub const RUNTIME_ROLE: &str = embedded_pg::RUNTIME_ROLE;

/// `pool`'s connection settings, acting as the runtime role: every
/// connection starts with `role = nightcall_app` (the `SET ROLE` of the
/// startup packet). For the tests, whose one superuser URL migrates, seeds
/// and serves, and for an operator who gives the server one owner URL only.
/// A real runtime login is stronger: a connection that was opened as the
/// owner may `SET ROLE` back to it.
pub fn as_runtime_role(pool: &PgPool) -> PgPool {
    runtime_pool_options().connect_lazy_with(
        (*pool.connect_options())
            .clone()
            .options([("role", RUNTIME_ROLE)]),
    )
}

fn runtime_pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
}

/// Refuses a runtime connection that could rewrite what it must only add
/// to: a superuser, or a role that owns the audit log.
pub async fn check_runtime_role(pool: &PgPool) -> Result<(), StartError> {
    let row: (String, bool, bool) = sqlx::query_as(
        "select current_user::text,
                (select rolsuper or rolbypassrls from pg_roles where rolname = current_user),
                pg_has_role(current_user, (select relowner from pg_class
                                            where oid = 'audit_log'::regclass), 'usage')",
    )
    .fetch_one(pool)
    .await
    .map_err(|e| StartError::Migrations(e.to_string()))?;
    let (role, superuser, owner) = row;
    if superuser {
        return Err(StartError::RuntimeRoleTooPowerful {
            role,
            why: "it is a superuser",
        });
    }
    if owner {
        return Err(StartError::RuntimeRoleTooPowerful {
            role,
            why: "it owns the tables",
        });
    }
    Ok(())
}

/// Connects to PostgreSQL, failing fast with a readable error when the server
/// is not there.
///
/// Every connection plans with `random_page_cost = 1.1` instead of 4: the
/// night's working set (cards, sessions, staff) is read from memory, where
/// an index lookup costs what a sequential read costs. With 4, the planner
/// builds a hash of the whole staff table for each name on the card; with
/// 1.1 it looks each name up by primary key (`bench/card-explain.sh`).
pub async fn connect(url: &str) -> Result<PgPool, StartError> {
    let unreachable = |e: sqlx::Error| StartError::DatabaseUnreachable {
        url: config::redact_url(url),
        cause: e.to_string(),
    };
    let options = url
        .parse::<sqlx::postgres::PgConnectOptions>()
        .map_err(unreachable)?
        .options([("random_page_cost", "1.1")]);
    runtime_pool_options()
        .connect_with(options)
        .await
        .map_err(unreachable)
}

/// Brings the schema up to date.
pub async fn migrate(pool: &PgPool) -> Result<(), StartError> {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .map_err(|e| StartError::Migrations(e.to_string()))
}

/// The background workers' own small pool (from the request pool's
/// settings), so request load can never stop escalation or sealing: one
/// connection for each.
pub fn worker_pool(pool: &PgPool) -> PgPool {
    PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with((*pool.connect_options()).clone())
}

/// Starts the escalation worker and the audit sealer on their own pool;
/// dropping the handle does not stop them, [`Worker::stop`] does.
pub fn start_worker(pool: &PgPool) -> Worker {
    let pool = worker_pool(pool);
    Worker {
        task: worker::spawn(pool.clone()),
        sealer: worker::spawn_sealer(pool.clone()),
        pool,
    }
}

pub struct Worker {
    task: tokio::task::JoinHandle<()>,
    sealer: tokio::task::JoinHandle<()>,
    pool: PgPool,
}

impl Worker {
    pub async fn stop(self) {
        self.task.abort();
        self.sealer.abort();
        let _ = self.task.await;
        let _ = self.sealer.await;
        self.pool.close().await;
    }
}

/// The demo city's accounts all share one well-known password: fine on
/// this machine, never on a network. `demo_password_in_use` is whether any
/// account that can sign in still has it.
pub fn check_demo_safety(
    addr: std::net::SocketAddr,
    demo_password_in_use: bool,
) -> Result<(), StartError> {
    if addr.ip().is_loopback() || !demo_password_in_use {
        Ok(())
    } else {
        Err(StartError::DemoPasswordBeyondLoopback {
            addr: addr.to_string(),
        })
    }
}

/// The state shared by every request, with the default stream caps.
pub fn state(pool: PgPool, site_root: &str, addr: std::net::SocketAddr) -> AppState {
    state_with(pool, site_root, addr, StreamLimits::default())
}

/// The state shared by every request. Starts this process's live-update
/// hub (its own LISTEN connection), so it must run inside the runtime.
pub fn state_with(
    pool: PgPool,
    site_root: &str,
    addr: std::net::SocketAddr,
    limits: StreamLimits,
) -> AppState {
    let hash_file = asset_hash_file(site_root);
    let leptos_options = leptos::prelude::LeptosOptions::builder()
        .output_name("nightcall")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hash_file.is_some())
        .hash_file(hash_file.map_or_else(|| "hash.txt".into(), Into::into))
        .build();
    let live = live::start(&pool, limits);
    AppState {
        leptos_options,
        pool,
        live,
    }
}

/// The list of content hashes `scripts/build` wrote into the site (see
/// `app::assets`), as an absolute path: Leptos joins `hash_file` to the
/// folder of the running binary, and an absolute path replaces that folder,
/// so the names always come from the site being served. `None` when the
/// site has no list (a `cargo leptos` site, or no site as in the tests):
/// the plain names are used then.
fn asset_hash_file(site_root: &str) -> Option<String> {
    let list = std::path::absolute(std::path::Path::new(site_root).join("hash.txt")).ok()?;
    list.is_file().then(|| list.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_password_never_listens_beyond_loopback() {
        let cases = [
            ("127.0.0.1:3000", true, true),
            ("[::1]:3000", true, true),
            ("127.0.0.1:3000", false, true),
            ("0.0.0.0:3000", false, true),
            ("0.0.0.0:3000", true, false),
            ("[::]:3000", true, false),
            ("192.168.1.20:3000", true, false),
        ];
        for (addr, demo, allowed) in cases {
            let result = check_demo_safety(addr.parse().unwrap(), demo);
            assert_eq!(result.is_ok(), allowed, "{addr} demo={demo}");
            if let Err(e) = result {
                let line = e.to_string();
                assert!(!line.contains('\n') && line.contains(addr), "{line}");
            }
        }
    }
}
