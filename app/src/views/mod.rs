//! The view types: what the server functions send the pages (and the
//! islands), shared by the server and the browser builds. They sit below
//! `ssr` and `api`, so the queries that fill them (`ssr::db`) and the
//! server functions that send them (`api`) both import them downward;
//! `api` re-exports each with its server functions.

pub mod admission;
pub mod calls;
pub mod contacts;
pub mod duty;
// --- issue 11: team administration ---
pub mod staff;
pub mod teams;
