//! The HTTP router: Leptos pages and server functions, static files, the
//! language and theme switches, and the headers every response carries.

use app::app::{shell, App};
use app::i18n::{Lang, LANG_COOKIE, THEME_COOKIE};
use app::ssr::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let pool = state.pool.clone();
    let options = state.leptos_options.clone();
    let pkg_dir = format!("{}/pkg", state.leptos_options.site_root);

    // `scripts/build` names the wasm, its JS glue and the CSS by their
    // content (`nightcall.<hash>.wasm`) and writes each precompressed next to
    // it (`.br`, `.gz`): a hashed file never changes, so it is cached for a
    // year; a plain name (a site without hashes) is revalidated, a 304 at
    // worst.
    let pkg = Router::new()
        .fallback_service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(axum::middleware::map_response(cache_pkg_files));

    Router::new()
        .route("/healthz", get(health))
        .route("/events/calls", get(crate::events::board_events))
        .route("/events/calls/{id}", get(crate::events::call_events))
        .route("/settings/lang/{lang}", get(set_lang))
        .route("/settings/theme/{theme}", get(set_theme))
        .nest("/pkg", pkg)
        .leptos_routes_with_context(
            &state,
            routes,
            // A fresh request scope for every page and server function:
            // what one request learns (who is signed in, the facts of the
            // page's patient) is asked once, and never outlives it.
            move || {
                provide_context(pool.clone());
                app::ssr::scope::provide_request_scope();
            },
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(status_of_server_fn_errors))
        .layer(axum::middleware::from_fn(reject_cross_site_writes))
        .layer(axum::middleware::from_fn(strict_transport_over_tls))
        .layer(axum::middleware::from_fn(no_store_for_private_responses))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // No page uses the camera, the microphone or the location; a
        // compromised script cannot ask for them either.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
            ),
        ))
        // Another site's window cannot hold a handle on ours, nor embed our
        // responses (the card, the wasm) in its own pages.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}

/// CSRF defence for server functions and every other write: a browser
/// always says where a POST comes from (`Sec-Fetch-Site`, or at least
/// `Origin`); anything from another site is refused before it reaches a
/// handler. Clients that send neither are not browsers and carry no
/// victim's cookies.
async fn reject_cross_site_writes(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let method = request.method();
    if method == axum::http::Method::GET || method == axum::http::Method::HEAD {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_site = match fetch_site {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => match (
            headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            headers.get(header::HOST).and_then(|v| v.to_str().ok()),
        ) {
            (Some(origin), Some(host)) => origin
                .split_once("://")
                .map(|(_, authority)| authority != host)
                .unwrap_or(true),
            (Some(_), None) => true,
            (None, _) => false,
        },
    };
    if cross_site {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site write");
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(request).await
}

/// HSTS, only on responses to requests that came over TLS: the app itself
/// speaks plain HTTP behind a TLS-terminating proxy, which says so in
/// `X-Forwarded-Proto` (believed only from a trusted proxy, the rule of
/// `app::domain::client_addr`: `NIGHTCALL_TRUSTED_PROXIES`). Sent
/// over plain HTTP the header would be ignored by browsers anyway, and on a
/// developer's `localhost` it would do harm.
async fn strict_transport_over_tls(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let tls = came_over_tls(peer, &app::ssr::auth::trusted_proxies(), request.headers());
    let mut response = next.run(request).await;
    if tls {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// Pages and server-function answers carry patient or account data: no
/// cache on the phone may keep them (a shared family tablet, a phone left in
/// the car), so Back after sign-out finds nothing to show. Static assets
/// under `/pkg` and the public files keep their own caching headers.
async fn no_store_for_private_responses(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let private_path = is_private_path(request.uri().path());
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if private_path || html {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A year and `immutable` for content-hashed files under `/pkg` (only
/// successful answers: a 404 for a name a newer build removed must not
/// stick), `no-cache` for the rest.
async fn cache_pkg_files(uri: axum::http::Uri, mut response: Response) -> Response {
    let value = if response.status().is_success() && is_content_hashed(uri.path()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Whether a file name carries a content hash as `scripts/build` writes it:
/// `name.<16 hex digits>.ext`.
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1]
            .iter()
            .any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Paths whose answers are about a person: server functions, live streams
/// and every page (whatever its content type).
fn is_private_path(path: &str) -> bool {
    !(path.starts_with("/pkg/")
        || path == "/healthz"
        || path == "/manifest.webmanifest"
        || path == "/icon.svg"
        || path.ends_with(".js"))
}

/// Whether a request reached the proxy over HTTPS: only a trusted proxy
/// (the peer of this connection) is believed, as for `X-Forwarded-For`;
/// the value is the edge proxy's, the first of the list.
fn came_over_tls(
    peer: Option<std::net::IpAddr>,
    trusted: &app::domain::client_addr::TrustedProxies,
    headers: &HeaderMap,
) -> bool {
    peer.is_some_and(|peer| app::domain::client_addr::peer_is_trusted(peer, trusted))
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// Server functions answer errors with 500 whatever the error; ours carry
/// their status (`AppError::status`). Errors our code returns already set it
/// (`request::fail`); this catches the ones raised before our code runs,
/// such as a missing or malformed argument, which are the client's fault and
/// must not look like a server failure.
async fn status_of_server_fn_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Liveness and database reachability, for the scripts that wait for start.
async fn health(State(state): State<AppState>) -> Response {
    match sqlx::query_scalar!("select 1 as \"one!\"")
        .fetch_one(&state.pool)
        .await
    {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

async fn set_lang(Path(lang): Path<String>, headers: HeaderMap) -> Response {
    match Lang::from_code(&lang) {
        Some(lang) => remember(LANG_COOKIE, lang.code(), &headers),
        None => (StatusCode::BAD_REQUEST, "unknown language").into_response(),
    }
}

async fn set_theme(Path(theme): Path<String>, headers: HeaderMap) -> Response {
    match theme.as_str() {
        "dark" | "light" | "auto" => remember(THEME_COOKIE, &theme, &headers),
        _ => (StatusCode::BAD_REQUEST, "unknown theme").into_response(),
    }
}

/// Sets a year-long preference cookie and goes back to the page the user
/// came from (only a same-site path, never an open redirect).
fn remember(name: &str, value: &str, headers: &HeaderMap) -> Response {
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(same_site_path)
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly");
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The path and query of a referer URL, if it is a plain absolute path.
fn same_site_path(referer: &str) -> Option<String> {
    let after_scheme = referer.split_once("://").map(|(_, rest)| rest)?;
    let path = &after_scheme[after_scheme.find('/')?..];
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{came_over_tls, is_content_hashed, is_private_path, same_site_path};
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn strict_transport_only_behind_a_trusted_tls_proxy() {
        use app::domain::client_addr::TrustedProxies;
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").0;
        let cases = [
            (Some("127.0.0.1"), Some("https"), true),
            (Some("10.1.2.3"), Some("HTTPS"), true),
            (Some("127.0.0.1"), Some("https, http"), true),
            (Some("127.0.0.1"), Some("http"), false),
            (Some("127.0.0.1"), None, false),
            // A client reaching us directly could claim anything.
            (Some("203.0.113.5"), Some("https"), false),
            (None, Some("https"), false),
        ];
        for (peer, proto, expected) in cases {
            let mut headers = HeaderMap::new();
            if let Some(proto) = proto {
                headers.insert("x-forwarded-proto", HeaderValue::from_static(proto));
            }
            let peer = peer.map(|p| p.parse().unwrap());
            assert_eq!(
                came_over_tls(peer, &proxies, &headers),
                expected,
                "{peer:?} {proto:?}"
            );
        }
        assert!(!came_over_tls(
            Some("127.0.0.1".parse().unwrap()),
            &TrustedProxies::none(),
            &{
                let mut h = HeaderMap::new();
                h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
                h
            }
        ));
    }

    #[test]
    fn everything_but_static_assets_is_private() {
        let cases = [
            ("/patients/x/night-card", true),
            ("/api/call_get", true),
            ("/events/calls", true),
            ("/", true),
            ("/login", true),
            ("/pkg/nightcall.wasm", false),
            ("/pkg/nightcall.css", false),
            ("/passkey.js", false),
            ("/nav.js", false),
            ("/healthz", false),
            ("/manifest.webmanifest", false),
        ];
        for (path, expected) in cases {
            assert_eq!(is_private_path(path), expected, "{path}");
        }
    }

    #[test]
    fn only_content_hashed_assets_are_cached_forever() {
        let cases = [
            ("/pkg/nightcall.0123456789abcdef.wasm", true),
            ("/pkg/nightcall.0123456789abcdef.js", true),
            ("/pkg/nightcall.0123456789ABCDEF.css", true),
            ("/pkg/nightcall.css", false),
            ("/pkg/nightcall_bg.wasm", false),
            ("/pkg/nightcall.js", false),
            ("/pkg/nightcall.0123456789abcde.js", false),
            ("/pkg/0123456789abcdef.js", false),
            ("/pkg/nightcall.0123456789abcdeg.js", false),
        ];
        for (path, expected) in cases {
            assert_eq!(is_content_hashed(path), expected, "{path}");
        }
    }

    #[test]
    fn only_paths_are_kept_from_the_referer() {
        let cases = [
            (
                "http://127.0.0.1:3000/patients/x/night-card",
                Some("/patients/x/night-card"),
            ),
            ("https://evil.example//attacker", None),
            ("http://host", None),
            ("/relative", None),
        ];
        for (referer, expected) in cases {
            assert_eq!(same_site_path(referer).as_deref(), expected, "{referer}");
        }
    }
}
