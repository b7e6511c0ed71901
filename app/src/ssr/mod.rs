//! Server-only code (feature `ssr`): application state, request helpers and
//! the database queries behind the server functions.

pub mod db;
pub mod request;
pub mod state;

pub use state::AppState;
