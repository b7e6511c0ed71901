//! Pure domain rules: no leptos, no sqlx, no I/O. Everything here is plain
//! Rust with table-driven tests, so the rules that decide what a nurse sees
//! at 2 a.m. can be read and checked on their own.

pub mod absence;
pub mod access;
pub mod admission;
pub mod audit_log;
pub mod card;
pub mod card_input;
pub mod cover;
pub mod duty_calendar;
pub mod escalation;
pub mod freshness;
pub mod holidays;
pub mod incident;
pub mod night_card;
pub mod night_model;
pub mod patient;
pub mod schedule;
pub mod search;
pub mod text;
pub mod time;
// --- issue 9: sign-in door ---
pub mod client_addr;
pub mod password;
pub mod sign_in_throttle;
// --- issue 9: factors and sessions ---
pub mod factors;
// --- staff administration ---
pub mod staff;
