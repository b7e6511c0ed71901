//! Nightcall: the night-call screen for home medical care.
//!
//! One crate, two builds: with feature `ssr` it renders pages and runs the
//! server functions inside the axum server; with feature `hydrate` it is the
//! WebAssembly that makes the server-rendered page interactive in the phone's
//! browser.

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

/// The browser entry point: attach to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
