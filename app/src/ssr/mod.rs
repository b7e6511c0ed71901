//! Server-only code (feature `ssr`): application state, sign-in and
//! sessions, the access door and audit log, and the database queries behind
//! the server functions.

pub mod access;
pub mod audit;
pub mod auth;
pub mod db;
pub mod enrolment;
pub mod passkey;
pub mod request;
pub mod scope;
pub mod secrets;
pub mod state;
pub mod totp;

pub use state::AppState;
