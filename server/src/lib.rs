//! The Nightcall server: configuration, the embedded PostgreSQL default, the
//! HTTP router and demo data. `main.rs` only wires these together, so the
//! integration tests can start the very same application on port 0.

pub mod config;
pub mod demo;
pub mod demo_duty;
pub mod embedded_pg;
pub mod events;
pub mod routes;
pub mod worker;

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
    #[error("server error: {0}")]
    Serve(String),
}

/// Connects to PostgreSQL, failing fast with a readable error when the server
/// is not there.
pub async fn connect(url: &str) -> Result<PgPool, StartError> {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await
        .map_err(|e| StartError::DatabaseUnreachable {
            url: config::redact_url(url),
            cause: e.to_string(),
        })
}

/// Brings the schema up to date.
pub async fn migrate(pool: &PgPool) -> Result<(), StartError> {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .map_err(|e| StartError::Migrations(e.to_string()))
}

/// The state shared by every request.
pub fn state(pool: PgPool, site_root: &str, addr: std::net::SocketAddr) -> AppState {
    let leptos_options = leptos::prelude::LeptosOptions::builder()
        .output_name("nightcall")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    AppState {
        leptos_options,
        pool,
    }
}
