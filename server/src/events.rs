//! Live call updates as server-sent events. Every change to a call ends
//! with PostgreSQL `NOTIFY incident, '<call id>'`; the streams pass it on:
//!
//! * `/events/calls/{id}` sends `changed` when that call changes, to the
//!   nurse's and the doctors' call screens;
//! * `/events/calls` sends `changed` when any call changes, to the call
//!   board (which then fetches only what its viewer may see).
//!
//! Each stream starts with `hello`: the page fetches everything again on
//! every (re)connection, so nothing missed while the phone slept stays
//! missed. The browser's EventSource reconnects by itself after a drop.

use app::domain::access::Action;
use app::domain::patient::PatientId;
use app::ssr::auth::CurrentUser;
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

/// One call's changes, for whoever may read the patient's card.
pub async fn call_events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(call) = Uuid::parse_str(&id) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let user = match signed_in(&state, &headers).await {
        Ok(user) => user,
        Err(status) => return status.into_response(),
    };
    let patient = match calls_db::patient_of(&state.pool, call).await {
        Ok(Some(p)) => p,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if access::authorize_patient(&state.pool, &user, Action::ReadCard, PatientId(patient))
        .await
        .is_err()
    {
        return StatusCode::FORBIDDEN.into_response();
    }
    stream_changes(&state, Some(call)).await
}

/// Any call's changes, for the call board of any signed-in person. The
/// events carry no id: the board asks the server what its viewer may see.
pub async fn board_events(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers).await {
        Ok(_) => stream_changes(&state, None).await,
        Err(status) => status.into_response(),
    }
}

/// The fully signed-in user of the session cookie.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser, StatusCode> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == auth::SESSION_COOKIE)
        .map(|(_, v)| v.to_owned());
    let user = match token {
        Some(token) => auth::user_for_token(&state.pool, &token)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    user.filter(|u| u.fully_signed_in())
        .ok_or(StatusCode::UNAUTHORIZED)
}

/// `hello`, then `changed` for each notification about `call` (any call
/// when `None`).
async fn stream_changes(state: &AppState, call: Option<Uuid>) -> Response {
    let mut listener = match PgListener::connect_with(&state.pool).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "event stream: cannot listen");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    if listener.listen(incident_db::CHANNEL).await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    // Event data must not be empty: browsers drop events without data.
    let label = call.map_or_else(|| "calls".to_owned(), |c| c.to_string());
    let wanted = call.map(|c| c.to_string());
    let changes = listener.into_stream().filter_map(move |n| {
        let wanted = wanted.clone();
        let label = label.clone();
        async move {
            match n {
                Ok(n) if wanted.as_deref().is_none_or(|w| n.payload() == w) => {
                    Some(Ok::<_, Infallible>(
                        Event::default().event("changed").data(label),
                    ))
                }
                _ => None,
            }
        }
    });
    let hello_data = call.map_or_else(|| "calls".to_owned(), |c| c.to_string());
    let hello = stream::once(async move { Ok(Event::default().event("hello").data(hello_data)) });
    Sse::new(hello.chain(changes))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
