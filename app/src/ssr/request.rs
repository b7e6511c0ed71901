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

/// Whether the current request is a GET (a page, or a server function
/// asked by GET): it changes no session, so what it learns about the
/// signed-in user holds for the whole request (`ssr::scope`).
pub fn is_get() -> bool {
    use_context::<axum::http::request::Parts>()
        .is_some_and(|parts| parts.method == axum::http::Method::GET)
}

/// The patient the current page's address names (`/patients/:id/…`), if
/// any: its access facts are read with the session (`ssr::auth`).
pub fn patient_of_page() -> Option<crate::domain::patient::PatientId> {
    let parts = use_context::<axum::http::request::Parts>()?;
    patient_of_path(parts.uri.path())
}

fn patient_of_path(path: &str) -> Option<crate::domain::patient::PatientId> {
    let mut segments = path.strip_prefix("/patients/")?.split('/');
    let id = segments.next()?;
    // A page below the patient, not the bare id (there is no such page).
    segments.next()?;
    crate::domain::patient::PatientId::parse(id).ok()
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
    client_info_of(&parts)
}

/// [`client_info`] of a request outside Leptos (the event streams).
pub fn client_info_of(parts: &axum::http::request::Parts) -> (String, String) {
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

/// Whether the current request is a form posted by the browser itself
/// (JavaScript off or not loaded yet): it asks for HTML, and must be sent
/// back to a page. Hydrated forms ask for JSON and stay put.
pub fn is_plain_form_post() -> bool {
    use_context::<axum::http::request::Parts>()
        .and_then(|p| p.headers.get(axum::http::header::ACCEPT).cloned())
        .and_then(|v| v.to_str().ok().map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

/// The language of the page being rendered: the language cookie the
/// `/settings/lang/...` links set, Japanese by default.
pub fn page_lang() -> crate::i18n::Lang {
    cookie(crate::i18n::LANG_COOKIE)
        .and_then(|v| crate::i18n::Lang::from_code(&v))
        .unwrap_or_default()
}

/// The cookie that carries the refusal of a form posted without
/// JavaScript to the page it is sent back to: HttpOnly, same-site only,
/// one page view long. A link cannot set it, so no crafted URL can show a
/// fake error; and the URL never holds the error or anything typed.
pub const FLASH_COOKIE: &str = "nc_flash";

/// How long a flash waits for its page (the redirect follows at once).
const FLASH_SECONDS: u32 = 120;

/// The flash: the error, for the page at `path` only.
#[derive(serde::Serialize, serde::Deserialize)]
struct Flash {
    path: String,
    error: AppError,
}

/// `; Secure` unless `NIGHTCALL_INSECURE_COOKIES` says the site runs on
/// plain http (tests, a loopback demo).
fn secure_attribute() -> &'static str {
    if matches!(
        std::env::var("NIGHTCALL_INSECURE_COOKIES").as_deref(),
        Ok("1" | "true")
    ) {
        ""
    } else {
        "; Secure"
    }
}

fn flash_cookie(value: &str, max_age: u32) -> String {
    let secure = secure_attribute();
    format!("{FLASH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// `back` without its query's `error` and `draft` parameters (no page
/// reads them any more; a caller that still adds them must not leak them).
/// `base` with what was typed in the query (never a secret: names,
/// choices, phones), each value cut to 200 characters, so a refused plain
/// form comes back filled in.
pub fn with_typed(base: &str, fields: &[(&str, &str)]) -> String {
    let query: Vec<String> = fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| {
            let v: String = v.chars().take(200).collect();
            format!("{k}={}", crate::domain::text::encode_query(&v))
        })
        .collect();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", query.join("&"))
    }
}

fn without_form_params(back: &str) -> String {
    let (path, query) = match back.split_once('?') {
        Some((path, query)) => (path, query),
        None => return back.to_owned(),
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            !pair.is_empty() && key != "error" && key != "draft"
        })
        .collect();
    let mut out = path.to_owned();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Cookie-safe spelling of the flash (hex: no separators, no quoting).
fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 8_000 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The path of a URL (no query, no fragment).
fn path_of(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// For a form posted without JavaScript, sends the browser back to `back`
/// and leaves the error in a one-view flash cookie for that page, where
/// `FormError` shows it (see [`take_flash`]). Nothing goes into the URL.
/// Hydrated forms get the error as the action's value and stay put.
pub fn fail_form(error: AppError, back: &str) -> AppError {
    let error = fail(error);
    if is_plain_form_post() {
        let back = without_form_params(back);
        let flash = Flash {
            path: path_of(&back).to_owned(),
            error: error.clone(),
        };
        if let Ok(json) = serde_json::to_string(&flash) {
            let value = to_hex(json.as_bytes());
            crate::ssr::auth::set_response_header(
                axum::http::header::SET_COOKIE,
                &flash_cookie(&value, FLASH_SECONDS),
            );
        }
        leptos_axum::redirect(&back);
    }
    error
}

/// The error a refused plain form post left for the page at `path`, if
/// any; the flash is cleared once read. A flash for another page is left
/// alone (and expires by itself).
pub fn take_flash(path: &str) -> Option<AppError> {
    let raw = cookie(FLASH_COOKIE)?;
    let json = String::from_utf8(from_hex(&raw)?).ok()?;
    let flash: Flash = serde_json::from_str(&json).ok()?;
    if flash.path != path_of(path) {
        return None;
    }
    crate::ssr::auth::set_response_header(axum::http::header::SET_COOKIE, &flash_cookie("", 0));
    Some(flash.error)
}

/// The cookie that carries freshly made recovery codes from the TOTP
/// confirmation (a plain form post) to the one page that shows them once:
/// HttpOnly, same-site only, sent to `/account/security` only, two minutes
/// at most, cleared by the page that shows them. The codes are never kept
/// in plain text on the server.
pub const REVEAL_COOKIE: &str = "nc_reveal";

fn reveal_cookie(value: &str, max_age: u32) -> String {
    let secure = secure_attribute();
    format!(
        "{REVEAL_COOKIE}={value}; Path=/account/security; HttpOnly; SameSite=Strict; \
         Max-Age={max_age}{secure}"
    )
}

/// Leaves `codes` for the security page to show once after the redirect.
pub fn reveal_once(codes: &[String]) {
    if let Ok(json) = serde_json::to_string(codes) {
        crate::ssr::auth::set_response_header(
            axum::http::header::SET_COOKIE,
            &reveal_cookie(&to_hex(json.as_bytes()), FLASH_SECONDS),
        );
    }
}

/// The codes [`reveal_once`] left, cleared as they are read.
pub fn take_reveal() -> Option<Vec<String>> {
    let raw = cookie(REVEAL_COOKIE)?;
    crate::ssr::auth::set_response_header(axum::http::header::SET_COOKIE, &reveal_cookie("", 0));
    serde_json::from_slice(&from_hex(&raw)?).ok()
}

/// The cookie that carries what just changed on the security page (a
/// passkey added, a session ended…) to the page the browser lands on, to
/// be said there in words once: like the flash, a link cannot set it, so
/// no crafted URL can announce a change that did not happen.
pub const NOTICE_COOKIE: &str = "nc_notice";

fn notice_cookie(value: &str, max_age: u32) -> String {
    let secure = secure_attribute();
    format!(
        "{NOTICE_COOKIE}={value}; Path=/account/security; HttpOnly; SameSite=Strict; \
         Max-Age={max_age}{secure}"
    )
}

/// Leaves `notice` for the security page's next view.
pub fn notice_once(notice: crate::domain::factors::SecurityNotice) {
    crate::ssr::auth::set_response_header(
        axum::http::header::SET_COOKIE,
        &notice_cookie(notice.code(), FLASH_SECONDS),
    );
}

/// The notice [`notice_once`] left, cleared as it is read.
pub fn take_notice() -> Option<crate::domain::factors::SecurityNotice> {
    let raw = cookie(NOTICE_COOKIE)?;
    crate::ssr::auth::set_response_header(axum::http::header::SET_COOKIE, &notice_cookie("", 0));
    crate::domain::factors::SecurityNotice::parse(&raw)
}

/// The cookie that carries an enrolment code an administrator just issued
/// (a plain form post) to the staff page that shows it once: HttpOnly,
/// same-site only, sent to `/admin/staff` pages only, two minutes at most,
/// cleared by the page that shows it. The code itself is never kept in
/// plain text on the server.
pub const STAFF_CODE_COOKIE: &str = "nc_staff_code";

fn staff_code_cookie(value: &str, max_age: u32) -> String {
    let secure = secure_attribute();
    format!(
        "{STAFF_CODE_COOKIE}={value}; Path=/admin/staff; HttpOnly; SameSite=Strict; \
         Max-Age={max_age}{secure}"
    )
}

/// Leaves `issued` for the staff page's next view.
pub fn reveal_code_once(issued: &crate::views::staff::IssuedCode) {
    if let Ok(json) = serde_json::to_string(issued) {
        crate::ssr::auth::set_response_header(
            axum::http::header::SET_COOKIE,
            &staff_code_cookie(&to_hex(json.as_bytes()), FLASH_SECONDS),
        );
    }
}

/// The code [`reveal_code_once`] left, cleared as it is read.
pub fn take_revealed_code() -> Option<crate::views::staff::IssuedCode> {
    let raw = cookie(STAFF_CODE_COOKIE)?;
    crate::ssr::auth::set_response_header(
        axum::http::header::SET_COOKIE,
        &staff_code_cookie("", 0),
    );
    serde_json::from_slice(&from_hex(&raw)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_parameters_never_survive_in_the_address() {
        let cases = [
            ("/patients/1/edit", "/patients/1/edit"),
            ("/calls/9?error=x", "/calls/9"),
            (
                "/absences?team=a&draft=%7B%7D&error=%22Conflict%22",
                "/absences?team=a",
            ),
            (
                "/patients/1/edit?section=wishes#wishes",
                "/patients/1/edit?section=wishes#wishes",
            ),
            ("/x?error=1#frag", "/x#frag"),
        ];
        for (back, want) in cases {
            assert_eq!(without_form_params(back), want, "{back}");
        }
        assert_eq!(path_of("/absences?team=a#b"), "/absences");
        let text = r#"{"path":"/x","error":"Conflict"}"#;
        assert_eq!(
            from_hex(&to_hex(text.as_bytes())).as_deref(),
            Some(text.as_bytes())
        );
        assert_eq!(from_hex("zz"), None);
    }

    #[test]
    fn the_patient_of_a_page_is_read_from_its_path_only() {
        let id = "00000000-0000-4000-8000-000100000001";
        let cases = [
            (format!("/patients/{id}/night-card"), true),
            (format!("/patients/{id}/edit"), true),
            (format!("/patients/{id}/calls/new"), true),
            (format!("/patients/{id}"), false),
            ("/patients/not-an-id/night-card".to_owned(), false),
            (format!("/api/night_card/{id}/x"), false),
            ("/".to_owned(), false),
        ];
        for (path, found) in cases {
            assert_eq!(patient_of_path(&path).is_some(), found, "{path}");
        }
    }
}
