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
