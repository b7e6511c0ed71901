//! The refusal a form posted without JavaScript left for the page it was
//! sent back to (`ssr::request::fail_form`): read once, then gone.

use crate::error::AppError;
use leptos::prelude::*;

/// The error left for the page at `path`, if any. Holds no patient data
/// (an error code, never what was typed), and it is read from a cookie that
/// only this server sets, so no link can make a page show a false error.
#[server(prefix = "/api", endpoint = "form_flash")]
pub async fn take_form_flash(path: String) -> Result<Option<AppError>, AppError> {
    Ok(crate::ssr::request::take_flash(&path))
}
