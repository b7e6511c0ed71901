//! Live call updates as server-sent events. Every change to a call ends
//! with PostgreSQL `NOTIFY incident, '<call id>'`; the process's one
//! listener (`live.rs`) fans it out, and the streams pass it on:
//!
//! * `/events/calls/{id}` sends `changed` when that call changes, to the
//!   nurse's and the doctors' call screens;
//! * `/events/calls` sends `changed` when a call the viewer's board may
//!   show changes (`domain::incident::board_scope`), to the call board
//!   (which then fetches only what its viewer may see).
//!
//! Each stream starts with `hello`: the page fetches everything again on
//! every (re)connection, so nothing missed while the phone slept stays
//! missed. After a lost listen connection, or when a stream fell behind,
//! it sends `changed` for the same reason. The browser's EventSource
//! reconnects by itself after a drop.
//!
//! A stream holds no database connection while it waits. It takes a slot
//! (`db::streams::open`, capped per session and per account across all
//! processes), re-checks its session and access every
//! `StreamLimits::recheck`, and ends on sign-out, expiry, disabled staff or
//! lost access to the call.

use app::domain::access::Action;
use app::domain::incident::{board_scope, BoardScope};
use app::domain::patient::PatientId;
use app::error::AppError;
use app::i18n::{self, Key, Lang};
use app::ssr::auth::CurrentUser;
use app::ssr::db::streams::{NewStream, Slot};
use app::ssr::state::LiveEvent;
use app::ssr::{access, auth, db, AppState};
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

/// One call's changes, for whoever may read the patient's card.
pub async fn call_events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let Ok(call) = Uuid::parse_str(&id) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let (request, _) = request.into_parts();
    let user = match signed_in(&state, &request.headers).await {
        Ok(user) => user,
        Err(status) => return status.into_response(),
    };
    let patient = match db::calls::patient_of(&state.pool, call).await {
        Ok(Some(p)) => PatientId(p),
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    // The stream's read is audited with the client's address (the Leptos
    // request context that `audit::record` reads it from is not here).
    let Ok(permit) = access::permit_patient(&state.pool, &user, Action::ReadCard, patient).await
    else {
        return StatusCode::FORBIDDEN.into_response();
    };
    if app::ssr::audit::record_from(
        &state.pool,
        &user,
        Some(patient.0),
        "watch_call",
        "allowed",
        &permit.detail,
        &client_addr(&request),
    )
    .await
    .is_err()
    {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let watch = Watch::Call { call, patient };
    open_stream(&state, &request, user, watch).await
}

/// The changes the viewer's call board may show, for any signed-in person.
/// The events carry no id: the board asks the server what its viewer may
/// see.
pub async fn board_events(State(state): State<AppState>, request: Request) -> Response {
    let (request, _) = request.into_parts();
    match signed_in(&state, &request.headers).await {
        Ok(user) => {
            // The events carry no patient; the board's rows are audited
            // when the page fetches them (`read_board`).
            if app::ssr::audit::record_read_from(
                &state.pool,
                &user,
                "watch_board",
                &[],
                "",
                &client_addr(&request),
            )
            .await
            .is_err()
            {
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            let watch = Watch::Board(board_scope(&user.actor));
            open_stream(&state, &request, user, watch).await
        }
        Err(status) => status.into_response(),
    }
}

/// What a stream passes on.
#[derive(Debug, Clone, Copy)]
enum Watch {
    Call { call: Uuid, patient: PatientId },
    Board(BoardScope),
}

impl Watch {
    fn label(&self) -> String {
        match self {
            Watch::Call { call, .. } => call.to_string(),
            Watch::Board(_) => "calls".to_owned(),
        }
    }

    fn wants(&self, event: &LiveEvent) -> bool {
        match (self, event) {
            (_, LiveEvent::Resync) => true,
            (_, LiveEvent::Shutdown) => false,
            (Watch::Call { call, .. }, LiveEvent::Changed { call: changed, .. }) => call == changed,
            (Watch::Board(scope), LiveEvent::Changed { audience, .. }) => match audience {
                Some(audience) => audience.visible_to(*scope),
                None => *scope == BoardScope::Every,
            },
        }
    }
}

/// The value of cookie `name`.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The fully signed-in user of the session cookie.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser, StatusCode> {
    let user = match cookie(headers, auth::session_cookie_name()) {
        Some(token) => auth::user_for_token(&state.pool, token)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    user.filter(|u| u.fully_signed_in())
        .ok_or(StatusCode::UNAUTHORIZED)
}

/// The client's address, as the rest of the app records it (the first
/// `X-Forwarded-For` hop only behind a trusted proxy).
/// The client's address by the one rule of the app (the right-most
/// `X-Forwarded-For` entry not written by a trusted proxy; the left-most
/// one is the client's choice).
fn client_addr(request: &Parts) -> String {
    app::ssr::request::client_info_of(request).0
}

/// 429 with a short translated text, in the language of `nc_lang`.
fn too_many(headers: &HeaderMap) -> Response {
    let lang = cookie(headers, i18n::LANG_COOKIE)
        .and_then(Lang::from_code)
        .unwrap_or_default();
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::RETRY_AFTER, "60"),
        ],
        i18n::text(lang, Key::StreamsTooManyOpen),
    )
        .into_response()
}

/// Takes a slot, then streams `hello` and the wanted changes until the
/// client goes, the session or access ends, or the process stops.
async fn open_stream(
    state: &AppState,
    request: &Parts,
    user: CurrentUser,
    watch: Watch,
) -> Response {
    let id = Uuid::new_v4();
    let addr = client_addr(request);
    let slot = db::streams::open(
        &state.pool,
        &NewStream {
            id,
            process_id: state.live.process_id,
            session_hash: &user.session_hash,
            staff_id: user.actor.staff_id,
            call_id: match watch {
                Watch::Call { call, .. } => Some(call),
                Watch::Board(_) => None,
            },
            client_addr: &addr,
        },
        &state.live.limits,
    )
    .await;
    match slot {
        Ok(Slot::Granted) => {}
        Ok(Slot::SessionFull | Slot::AccountFull) => {
            tracing::info!(staff = %user.actor.staff_id, client = %addr, ?slot, "event stream refused: cap reached");
            return too_many(&request.headers);
        }
        Err(e) => {
            tracing::warn!(error = %e, "event stream: cannot take a slot");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    // Subscribe before `hello`, so nothing between the page's fetch and
    // the first change is lost.
    let events = state.live.events.subscribe();
    let (tx, rx) = mpsc::channel::<Event>(8);
    tokio::spawn(run(state.clone(), id, user, watch, events, tx));
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (Ok::<_, Infallible>(e), rx))
    });
    Sse::new(body)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// Why a stream ended.
#[derive(Debug)]
enum End {
    ClientGone,
    SessionEnded,
    AccessLost,
    Shutdown,
}

async fn run(
    state: AppState,
    id: Uuid,
    user: CurrentUser,
    mut watch: Watch,
    mut events: broadcast::Receiver<LiveEvent>,
    tx: mpsc::Sender<Event>,
) {
    let label = watch.label();
    let changed = || Event::default().event("changed").data(label.clone());
    // The greeting names the stream and says when this hub last heard of
    // a change, in Unix ms ("unknown" before it listens): a page rendered later has nothing to fetch.
    // Event data must not be empty: browsers drop events without data.
    let last_change = state
        .live
        .last_change_ms
        .load(std::sync::atomic::Ordering::SeqCst);
    let hello = if last_change == i64::MAX {
        format!("{label} unknown")
    } else {
        format!("{label} {last_change}")
    };
    let _ = tx.try_send(Event::default().event("hello").data(hello));
    let recheck_every = state.live.limits.recheck;
    let mut recheck =
        tokio::time::interval_at(tokio::time::Instant::now() + recheck_every, recheck_every);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Every event means "fetch again": when the client is behind and its
    // queue is full, one more `changed` adds nothing, so it is dropped.
    let send = |event: Event| match tx.try_send(event) {
        Ok(()) | Err(mpsc::error::TrySendError::Full(_)) => Ok(()),
        Err(mpsc::error::TrySendError::Closed(_)) => Err(End::ClientGone),
    };
    let end = loop {
        tokio::select! {
            _ = tx.closed() => break End::ClientGone,
            event = events.recv() => {
                let sent = match event {
                    Ok(LiveEvent::Shutdown) | Err(broadcast::error::RecvError::Closed) => {
                        break End::Shutdown
                    }
                    Ok(event) if watch.wants(&event) => send(changed()),
                    Ok(_) => Ok(()),
                    // Fell behind: resynchronise instead of dying.
                    Err(broadcast::error::RecvError::Lagged(_)) => send(changed()),
                };
                if let Err(end) = sent {
                    break end;
                }
            }
            _ = recheck.tick() => {
                match recheck_access(&state, &user, &mut watch).await {
                    Ok(()) => {
                        if let Err(e) = db::streams::heartbeat(&state.pool, id).await {
                            tracing::warn!(error = %e, "event stream: heartbeat failed");
                        }
                    }
                    Err(end) => break end,
                }
            }
        }
    };
    tracing::debug!(stream = %id, ?end, "event stream ended");
    if let Err(e) = db::streams::close(&state.pool, id).await {
        tracing::warn!(error = %e, "event stream: cannot free its slot (it expires)");
    }
}

/// Re-runs sign-in and the access decision. A database error keeps the
/// stream (the next re-check tries again): only a real "no" ends it.
async fn recheck_access(
    state: &AppState,
    user: &CurrentUser,
    watch: &mut Watch,
) -> Result<(), End> {
    let current = match db::streams::session_user(&state.pool, &user.session_hash).await {
        Ok(Some(current)) if current.fully_signed_in() => current,
        Ok(_) => return Err(End::SessionEnded),
        Err(e) => {
            tracing::warn!(error = %e, "event stream: session re-check failed; keeping the stream");
            return Ok(());
        }
    };
    match watch {
        Watch::Call { patient, .. } => {
            match access::authorize_patient(&state.pool, &current, Action::ReadCard, *patient).await
            {
                Ok(_) => Ok(()),
                Err(AppError::Internal) => Ok(()),
                Err(_) => Err(End::AccessLost),
            }
        }
        Watch::Board(scope) => {
            // The viewer's role or organisation may have changed.
            *scope = board_scope(&current.actor);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::ssr::state::CallAudience;
    use std::sync::Arc;

    #[test]
    fn each_stream_passes_on_only_what_its_viewer_may_see() {
        let station = Uuid::new_v4();
        let other_station = Uuid::new_v4();
        let doctor = Uuid::new_v4();
        let call = Uuid::new_v4();
        let changed = |audience: Option<CallAudience>| LiveEvent::Changed {
            call,
            audience: audience.map(Arc::new),
        };
        let ours = CallAudience {
            opener_org: station,
            path_staff: vec![doctor],
        };
        let patient = PatientId(Uuid::new_v4());
        let cases: Vec<(&str, Watch, LiveEvent, bool)> = vec![
            (
                "coordinator, any call",
                Watch::Board(BoardScope::Every),
                changed(Some(ours.clone())),
                true,
            ),
            (
                "coordinator, gone call",
                Watch::Board(BoardScope::Every),
                changed(None),
                true,
            ),
            (
                "nurse, own station",
                Watch::Board(BoardScope::OpenedByStation(station)),
                changed(Some(ours.clone())),
                true,
            ),
            (
                "nurse, other station",
                Watch::Board(BoardScope::OpenedByStation(other_station)),
                changed(Some(ours.clone())),
                false,
            ),
            (
                "nurse, gone call",
                Watch::Board(BoardScope::OpenedByStation(station)),
                changed(None),
                false,
            ),
            (
                "doctor on the path",
                Watch::Board(BoardScope::OnPath(doctor)),
                changed(Some(ours.clone())),
                true,
            ),
            (
                "doctor not on the path",
                Watch::Board(BoardScope::OnPath(Uuid::new_v4())),
                changed(Some(ours.clone())),
                false,
            ),
            (
                "call screen, its call",
                Watch::Call { call, patient },
                changed(Some(ours.clone())),
                true,
            ),
            (
                "call screen, another call",
                Watch::Call {
                    call: Uuid::new_v4(),
                    patient,
                },
                changed(Some(ours.clone())),
                false,
            ),
            (
                "resync reaches every board",
                Watch::Board(BoardScope::OnPath(Uuid::new_v4())),
                LiveEvent::Resync,
                true,
            ),
            (
                "resync reaches every call screen",
                Watch::Call { call, patient },
                LiveEvent::Resync,
                true,
            ),
            (
                "shutdown is no change",
                Watch::Board(BoardScope::Every),
                LiveEvent::Shutdown,
                false,
            ),
        ];
        for (name, watch, event, expected) in cases {
            assert_eq!(watch.wants(&event), expected, "{name}");
        }
    }
}
