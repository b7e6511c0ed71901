//! Server-only code (feature `ssr`): application state, sign-in and
//! sessions, the access door and audit log, and the database queries behind
//! the server functions.

pub mod access;
pub mod audit;
pub mod auth;
pub mod calls_db;
pub mod db;
pub mod duty_db;
pub mod escalation_db;
pub mod incident_db;
pub mod passkey;
pub mod request;
pub mod scope;
pub mod state;
pub mod streams_db;
pub mod totp;

pub use state::AppState;
