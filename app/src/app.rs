//! The HTML shell, the routes and the contexts every page shares.

use crate::components::header::Header;
use crate::i18n::{provide_i18n_context, use_i18n, Key, Lang, THEME_COOKIE};
use crate::pages::absences::AbsencesPage;
use crate::pages::admission::{AdmissionPage, PatientCarePage};
use crate::pages::duty::DutyPage;
use crate::pages::night_card::CardEditPage;
use crate::pages::teams::{TeamPage, TeamsPage};
use crate::pages::{
    audit::{AuditPage, NoticesPage},
    call::{CallBoardPage, CallPage, HandoffsPage, NewCallPage},
    login::{FirstSignInPage, LoginPage},
    night_card::NightCardPage,
    not_found::NotFoundPage,
    patients::PatientsPage,
    second_factor::{SecurityPage, TotpPage},
    staff::{StaffEditPage, StaffListPage, StaffNewPage},
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The document around the app, rendered on the server only.
///
/// Islands mode: the page is rendered "not hydrating", so no server
/// component leaves hydration data in the HTML; each `#[island]` turns it on
/// for itself. The loader of the wasm is not in the head: only a page with
/// an island puts it in (`components::islands::IslandScripts`), so a page
/// without one ships no wasm at all.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    if let Some(context) = leptos::reactive::owner::Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let stylesheet = crate::assets::stylesheet_href(&options);
    provide_context(options);
    let i18n = provide_i18n_context(page_lang());
    let theme = theme_from_cookie();
    #[cfg(feature = "ssr")]
    set_content_security_policy();
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
                <link rel="stylesheet" href=stylesheet />
                // Reloads a page restored from the back/forward cache, so
                // Back after sign-out asks the server (and lands on sign-in).
                <script src="/nav.js" defer></script>
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

/// A strict CSP: scripts only from us or carrying this response's nonce
/// (Leptos puts it on its hydration scripts), no inline styles, no framing.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use axum::http::{header, HeaderValue};
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(feature = "ssr")]
fn page_lang() -> Lang {
    crate::ssr::request::page_lang()
}

#[cfg(not(feature = "ssr"))]
fn page_lang() -> Lang {
    Lang::default()
}

#[cfg(not(feature = "ssr"))]
fn theme_from_cookie() -> &'static str {
    let _ = THEME_COOKIE;
    "auto"
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = use_i18n();
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
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/login/totp") view=TotpPage ssr=SsrMode::Async />
                    <Route path=path!("/login/first") view=FirstSignInPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/staff") view=StaffListPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/staff/new") view=StaffNewPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/staff/:id") view=StaffEditPage ssr=SsrMode::Async />
                    <Route path=path!("/account/security") view=SecurityPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/notices") view=NoticesPage ssr=SsrMode::Async />
                    <Route path=path!("/duty") view=DutyPage ssr=SsrMode::Async />
                    <Route path=path!("/absences") view=AbsencesPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/teams") view=TeamsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/patients/new") view=AdmissionPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/patients/:id/care") view=PatientCarePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/teams/:id") view=TeamPage ssr=SsrMode::Async />
                    <Route path=path!("/patients/:id/calls/new") view=NewCallPage ssr=SsrMode::Async />
                    <Route path=path!("/calls") view=CallBoardPage ssr=SsrMode::Async />
                    <Route path=path!("/calls/:id") view=CallPage ssr=SsrMode::Async />
                    <Route path=path!("/handoffs") view=HandoffsPage ssr=SsrMode::Async />
                    <Route path=path!("/patients/:id/edit") view=CardEditPage ssr=SsrMode::Async />
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
