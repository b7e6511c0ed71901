//! The HTML shell, the routes and the contexts every page shares.

use crate::components::header::Header;
use crate::i18n::{provide_i18n_context, Key, THEME_COOKIE};
use crate::pages::{night_card::NightCardPage, not_found::NotFoundPage, patients::PatientsPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let i18n = provide_i18n_context();
    let theme = theme_from_cookie();
    view! {
        <!DOCTYPE html>
        <html lang=i18n.lang.code() data-theme=theme>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="color-scheme" content="light dark" />
                <meta name="theme-color" content="#0f172a" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href="/pkg/nightcall.css" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn theme_from_cookie() -> &'static str {
    match crate::ssr::request::cookie(THEME_COOKIE).as_deref() {
        Some("dark") => "dark",
        Some("light") => "light",
        _ => "auto",
    }
}

#[cfg(not(feature = "ssr"))]
fn theme_from_cookie() -> &'static str {
    let _ = THEME_COOKIE;
    "auto"
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = provide_i18n_context();
    // Marks the document once the WebAssembly has taken over, so tests (and
    // curious engineers) can tell a hydrated page from a server-rendered one.
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() {
                i18n.t(Key::AppName).to_string()
            } else {
                format!("{page} | {}", i18n.t(Key::AppName))
            }
        } />
        <Router>
            <a class="skip-link" href="#main">{i18n.t(Key::SkipToContent)}</a>
            <Header />
            <main id="main">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=PatientsPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/patients/:id/night-card")
                        view=NightCardPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
        </Router>
    }
}
