//! Live call updates as server-sent events: `/events/calls/{id}` sends
//! `changed` whenever the call changes (PostgreSQL `NOTIFY incident`), so the
//! nurse's and the doctors' screens update within a second without a
//! reload. The browser's EventSource reconnects by itself after the phone
//! sleeps or the network drops, and the page fetches the whole call again
//! on every (re)connection, so nothing missed while away stays missed.

use app::domain::access::Action;
use app::domain::patient::PatientId;
use app::ssr::{access, auth, calls_db, incident_db, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use sqlx::postgres::PgListener;
use std::convert::Infallible;
use std::time::Duration;
use uuid::Uuid;

pub async fn call_events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(call) = Uuid::parse_str(&id) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == auth::SESSION_COOKIE)
        .map(|(_, v)| v.to_owned());
    let pool = state.pool.clone();
    let user = match token {
        Some(token) => auth::user_for_token(&pool, &token).await.ok().flatten(),
        None => None,
    };
    let Some(user) = user.filter(|u| u.fully_signed_in()) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let patient = match calls_db::patient_of(&pool, call).await {
        Ok(Some(p)) => p,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if access::authorize_patient(&pool, &user, Action::ReadCard, PatientId(patient))
        .await
        .is_err()
    {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mut listener = match PgListener::connect_with(&pool).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "event stream: cannot listen");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    if listener.listen(incident_db::CHANNEL).await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let wanted = call.to_string();
    let changes = listener.into_stream().filter_map(move |n| {
        let wanted = wanted.clone();
        async move {
            match n {
                Ok(n) if n.payload() == wanted => Some(Ok::<_, Infallible>(
                    Event::default().event("changed").data(wanted),
                )),
                _ => None,
            }
        }
    });
    // The first event tells the page it is (re)connected: it reloads the
    // call then, catching anything that changed while it was away.
    let hello = stream::once(async { Ok(Event::default().event("hello").data("")) });
    Sse::new(hello.chain(changes))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
