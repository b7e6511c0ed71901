//! Nightcall: the night-call screen for home medical care.
//!
//! One crate, two builds: with feature `ssr` it renders pages and runs the
//! server functions inside the axum server; with feature `hydrate` it is the
//! WebAssembly of the few islands (`#[island]`) that must react in the
//! phone's browser. Everything else is a server component: rendered on the
//! server, never shipped as wasm, working the same with JavaScript off.

pub mod api;
pub mod app;
pub mod assets;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod views;

/// The browser entry point: Leptos' island loader calls it, then hydrates
/// each `<leptos-island>` of the page. Only pages with an island load it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
