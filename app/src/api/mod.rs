//! Server functions, one use case per file. Each one is thin: find out who
//! asks, parse the input into domain types, call the database layer, map
//! errors.

pub mod night_card;
pub mod patients;
