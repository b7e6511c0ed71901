//! Helpers for server functions and server-rendered pages: the database pool,
//! cookies of the current request, and the HTTP status of errors.

use crate::error::AppError;
use leptos::prelude::*;
use sqlx::PgPool;

/// The pool provided by the router for every request.
pub fn pool() -> Result<PgPool, AppError> {
    use_context::<PgPool>().ok_or_else(|| {
        tracing::error!("no database pool in the request context");
        AppError::Internal
    })
}

/// The value of cookie `name` on the current request, if any.
pub fn cookie(name: &str) -> Option<String> {
    let parts = use_context::<axum::http::request::Parts>()?;
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Sets the HTTP status of the current response to the error's status and
/// returns the error, so `Err(fail(AppError::NotFound))` reads naturally.
pub fn fail(error: AppError) -> AppError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum::http::StatusCode::from_u16(error.status()) {
            response.set_status(status);
        }
    }
    error
}

/// Logs a database error with its cause and turns it into `Internal`; the
/// client never sees SQL or connection details.
pub fn internal(context: &'static str) -> impl FnOnce(sqlx::Error) -> AppError {
    move |e| {
        tracing::error!(error = %e, "{context}");
        fail(AppError::Internal)
    }
}

/// The client's address and browser, for sessions, throttles and the audit
/// log. Behind reverse proxies listed in `NIGHTCALL_TRUSTED_PROXIES` (or on
/// loopback with the older `NIGHTCALL_TRUST_PROXY=1`) the address is the
/// right-most `X-Forwarded-For` entry not written by the client
/// (`domain::client_addr`); a client cannot choose it.
pub fn client_info() -> (String, String) {
    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return (String::new(), String::new());
    };
    let user_agent = parts
        .headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(200).collect::<String>())
        .unwrap_or_default();
    let Some(peer) = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return (String::new(), user_agent);
    };
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        // A value that is not text stops the walk where it stands.
        .map(|v| v.to_str().unwrap_or("not-an-address"))
        .collect();
    let client = crate::domain::client_addr::client_address(
        peer,
        &forwarded,
        &crate::ssr::auth::trusted_proxies(),
    );
    (client.to_string(), user_agent)
}

/// For a form posted without JavaScript, sends the browser back to `back`
/// with the error in the query (`?error=…`), where `FormError` shows it.
/// Hydrated forms get the error as the action's value and stay put.
pub fn fail_form(error: AppError, back: &str) -> AppError {
    let error = fail(error);
    let plain_form_post = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.headers.get(axum::http::header::ACCEPT).cloned())
        .and_then(|v| v.to_str().ok().map(|v| v.contains("text/html")))
        .unwrap_or(false);
    if plain_form_post {
        let separator = if back.contains('?') { '&' } else { '?' };
        leptos_axum::redirect(&format!(
            "{back}{separator}error={}",
            crate::domain::text::encode_query(&error.to_query_value())
        ));
    }
    error
}
