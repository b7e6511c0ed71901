//! Server functions, one use case per file. Each one is thin: find out who
//! asks, parse the input into domain types, let `ssr::access` decide and
//! audit, call the database layer, map errors.

pub mod admission;
pub mod audit;
pub mod auth;
pub mod break_glass;
pub mod calls;
pub mod card_edit;
pub mod duty;
pub mod night_card;
pub mod passkey;
pub mod patients;
pub mod search;
pub mod second_factor;
// --- issue 8: card ---
pub mod form_flash;
// --- issue 9: factors and sessions ---
pub mod sessions;
// --- issue 11: team administration ---
pub mod teams;
// --- staff administration ---
pub mod staff;
