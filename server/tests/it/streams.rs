//! Live updates against real PostgreSQL: more open streams than
//! request-pool connections starve neither the app nor the escalation
//! worker; the caps per session and per account answer 429 (translated);
//! a stream ends on sign-out, disabled staff and an expired break-glass
//! grant; the board stream carries only what its viewer may see.

use crate::common::{spawn_app_with, TestApp};
use app::ssr::state::StreamLimits;
use server::demo::DEMO_PATIENT_1;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Opens a call for 山田 花子 as her station's nurse; returns its id.
async fn open_call(app: &TestApp) -> Uuid {
    open_call_for(app, DEMO_PATIENT_1).await
}

async fn open_call_for(app: &TestApp, patient: Uuid) -> Uuid {
    let response = app
        .post_form(
            "/api/call_open",
            &[
                ("patient_id", &patient.to_string()),
                ("reason", "fever"),
                ("temperature", "38.5"),
                ("pulse", "100"),
                ("systolic", "130"),
                ("diastolic", "80"),
                ("spo2", "95"),
                ("respiratory_rate", "20"),
                ("note", ""),
            ],
        )
        .await;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let id = location
        .strip_prefix("/calls/")
        .unwrap_or_else(|| panic!("open call: {}", response.status()));
    Uuid::parse_str(id).expect("call id")
}

/// A server-sent event stream being read by the test.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, path: &str) -> Result<Stream, (u16, String)> {
        Self::open_with(app, path, "").await
    }

    /// Opens a stream with extra cookies (e.g. `nc_lang=en`).
    async fn open_with(app: &TestApp, path: &str, cookies: &str) -> Result<Stream, (u16, String)> {
        let mut request = app.client.get(app.url(path));
        let cookie = [app.session.as_deref().unwrap_or(""), cookies]
            .iter()
            .filter(|c| !c.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("; ");
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        if status != 200 {
            return Err((status, response.text().await.unwrap_or_default()));
        }
        Ok(Stream {
            response,
            buffer: String::new(),
        })
    }

    /// The next event (name, data), or `None` when the stream ended or
    /// nothing came within `within` (a hang guard, not a timing assertion).
    async fn next(&mut self, within: Duration) -> Option<(String, String)> {
        let read = async {
            loop {
                while let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let field = |name: &str| {
                        block
                            .lines()
                            .filter_map(|l| l.strip_prefix(name))
                            .map(|v| v.strip_prefix(' ').unwrap_or(v).to_owned())
                            .collect::<Vec<_>>()
                            .join("\n")
                    };
                    if block
                        .lines()
                        .any(|l| l.starts_with("event:") || l.starts_with("data:"))
                    {
                        return Some((field("event:"), field("data:")));
                    }
                }
                match self.response.chunk().await {
                    Ok(Some(chunk)) => self
                        .buffer
                        .push_str(std::str::from_utf8(&chunk).expect("utf-8")),
                    _ => return None,
                }
            }
        };
        tokio::time::timeout(within, read).await.ok().flatten()
    }
}

async fn timed_out_steps(pool: &PgPool, call: Uuid) -> i64 {
    sqlx::query_scalar(
        "select count(*) from incident_attempts where incident_id = $1 and outcome = 'timed_out'",
    )
    .bind(call)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The request pool of the real server: 16 connections, 5 s to get one.
async fn server_pool(options: PgPoolOptions, connect: PgConnectOptions) -> PgPool {
    let _ = options;
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(connect)
        .await
        .expect("pool")
}

/// Caps high enough for many streams from one person.
fn roomy() -> StreamLimits {
    StreamLimits {
        per_session: 1000,
        per_account: 1000,
        ..StreamLimits::default()
    }
}

/// Reads until the stream ends; `false` if it is still open after 60 s
/// (a hang guard, not a timing assertion).
async fn ends(stream: &mut Stream) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if stream.next(Duration::from_secs(5)).await.is_none() && stream_closed(stream).await {
            return true;
        }
    }
    false
}

/// Whether the body is over (`next` also gives `None` when nothing came).
async fn stream_closed(stream: &mut Stream) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_millis(100), stream.response.chunk()).await,
        Ok(Ok(None)) | Ok(Err(_))
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn forty_open_streams_starve_neither_the_app_nor_the_worker(
    options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let pool = server_pool(options, connect).await;
    let app = spawn_app_with(pool.clone(), roomy()).await;
    let worker = server::start_worker(&pool);
    let nurse = app.clone_base().signed_in_as("nurse1").await;
    let nurse2 = app.clone_base().signed_in_as("nurse2").await;
    let coordinator = app.clone_base().signed_in_as("coordinator").await;
    let call = open_call(&nurse).await;

    // 40 streams: the board (nurse, coordinator) and the call screen (the
    // station's two nurses).
    let mut streams = Vec::new();
    for i in 0..40 {
        let board = "/events/calls".to_owned();
        let screen = format!("/events/calls/{call}");
        let (viewer, path) = match i % 4 {
            0 => (&nurse, board),
            1 => (&coordinator, board),
            2 => (&nurse, screen),
            _ => (&nurse2, screen),
        };
        let mut stream = Stream::open(viewer, &path)
            .await
            .unwrap_or_else(|e| panic!("stream {i}: {e:?}"));
        let hello = stream.next(Duration::from_secs(30)).await;
        assert_eq!(
            hello.as_ref().map(|(e, _)| e.as_str()),
            Some("hello"),
            "stream {i}"
        );
        streams.push(stream);
    }

    // The app still answers.
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status, 200, "/healthz with 40 streams open");
    let (status, body) = nurse
        .get(&format!("/patients/{DEMO_PATIENT_1}/night-card"))
        .await;
    assert_eq!(status, 200, "night card with 40 streams open");
    assert!(body.contains("山田"), "the card itself");

    // A due step still advances: the step falls due in 2 s.
    sqlx::query("update incidents set step_deadline = now() + interval '2 seconds' where id = $1")
        .bind(call)
        .execute(&pool)
        .await
        .unwrap();
    let started = Instant::now();
    while timed_out_steps(&pool, call).await == 0 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        timed_out_steps(&pool, call).await,
        1,
        "the due step advanced with 40 streams open"
    );

    // …and every stream hears of that change.
    for (i, stream) in streams.iter_mut().enumerate() {
        let event = stream.next(Duration::from_secs(30)).await;
        assert_eq!(
            event.as_ref().map(|(e, _)| e.as_str()),
            Some("changed"),
            "stream {i} got the change"
        );
        assert!(!event.unwrap().1.is_empty(), "event data is not empty");
    }
    worker.stop().await;
}

#[sqlx::test(migrations = "../migrations")]
async fn the_stream_cap_answers_429_in_the_viewers_language_and_a_closed_stream_frees_its_slot(
    pool: PgPool,
) {
    let limits = StreamLimits {
        per_session: 3,
        per_account: 5,
        ..StreamLimits::default()
    };
    let app = spawn_app_with(pool.clone(), limits).await;
    let phone = app.clone_base().signed_in_as("nurse1").await;
    let mut open = Vec::new();
    for i in 0..3 {
        let stream = Stream::open(&phone, "/events/calls")
            .await
            .unwrap_or_else(|e| panic!("stream {i}: {e:?}"));
        open.push(stream);
    }
    // Stream 4 of the session: a clear 429, in Japanese by default…
    let (status, body) = Stream::open(&phone, "/events/calls")
        .await
        .err()
        .expect("refused");
    assert_eq!(status, 429);
    assert!(body.contains("タブを閉じて"), "{body}");
    // …and in English when the language cookie says so.
    let (status, body) = Stream::open_with(&phone, "/events/calls", "nc_lang=en")
        .await
        .err()
        .expect("refused");
    assert_eq!(status, 429);
    assert!(body.contains("Close tabs"), "{body}");

    // The account cap counts every session of the person: 3 + 2 = 5.
    let tablet = app.clone_base().signed_in_as("nurse1").await;
    let mut tablet_streams = Vec::new();
    for _ in 0..2 {
        tablet_streams.push(
            Stream::open(&tablet, "/events/calls")
                .await
                .expect("tablet"),
        );
    }
    let (status, _) = Stream::open(&tablet, "/events/calls")
        .await
        .err()
        .expect("account cap");
    assert_eq!(status, 429);
    // Another person is not affected.
    let other = app.clone_base().signed_in_as("nurse2").await;
    assert!(Stream::open(&other, "/events/calls").await.is_ok());

    // Closing one of the phone's streams frees its slot (bounded poll).
    drop(open.pop());
    let started = Instant::now();
    let reopened = loop {
        match Stream::open(&phone, "/events/calls").await {
            Ok(stream) => break Some(stream),
            Err((429, _)) if started.elapsed() < Duration::from_secs(60) => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(_) => break None,
        }
    };
    assert!(reopened.is_some(), "a closed stream freed its slot");
    let rows: i64 = sqlx::query_scalar(
        "select count(*) from event_streams s join staff st on st.id = s.staff_id
          where st.login_id = 'nurse1' and s.client_addr = '127.0.0.1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        rows, 5,
        "each open stream of nurse1 is one row, with the client address"
    );
    drop((open, tablet_streams, reopened));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stream_ends_on_sign_out_disabled_staff_and_an_expired_break_glass_grant(pool: PgPool) {
    let limits = StreamLimits {
        recheck: Duration::from_secs(1),
        ..StreamLimits::default()
    };
    let app = spawn_app_with(pool.clone(), limits).await;

    // Sign-out.
    let nurse = app.clone_base().signed_in_as("nurse1").await;
    let call = open_call(&nurse).await;
    let mut board = Stream::open(&nurse, "/events/calls").await.expect("board");
    assert_eq!(
        board
            .next(Duration::from_secs(30))
            .await
            .map(|e| e.0)
            .as_deref(),
        Some("hello")
    );
    let out = nurse
        .post_form("/api/logout", &[("everywhere", "false")])
        .await;
    assert!(out.status().as_u16() < 400, "logout: {}", out.status());
    assert!(ends(&mut board).await, "sign-out ended the stream");

    // Disabled staff.
    let nurse2 = app.clone_base().signed_in_as("nurse2").await;
    let mut screen = Stream::open(&nurse2, &format!("/events/calls/{call}"))
        .await
        .expect("call screen");
    assert_eq!(
        screen
            .next(Duration::from_secs(30))
            .await
            .map(|e| e.0)
            .as_deref(),
        Some("hello")
    );
    sqlx::query("update staff set disabled_at = now() where login_id = 'nurse2'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        ends(&mut screen).await,
        "disabling the account ended the stream"
    );

    // An expired break-glass grant: find a doctor outside the patient's
    // team (refused the call stream), let him break the glass, then let
    // the grant run out.
    let mut outsider = None;
    for n in 1..=8 {
        let doctor = app.clone_base().signed_in_as(&format!("doctor{n}")).await;
        if let Err((403, _)) = Stream::open(&doctor, &format!("/events/calls/{call}")).await {
            outsider = Some(doctor);
            break;
        }
    }
    let doctor = outsider.expect("a doctor outside the team");
    let granted = doctor
        .post_form(
            "/api/break_glass",
            &[
                ("patient_id", &DEMO_PATIENT_1.to_string()),
                ("reason", "訪問看護師から夜間の往診依頼。主治医に連絡つかず"),
            ],
        )
        .await;
    assert!(
        granted.status().as_u16() < 400,
        "break glass: {}",
        granted.status()
    );
    let mut screen = Stream::open(&doctor, &format!("/events/calls/{call}"))
        .await
        .expect("call screen with the grant");
    assert_eq!(
        screen
            .next(Duration::from_secs(30))
            .await
            .map(|e| e.0)
            .as_deref(),
        Some("hello")
    );
    sqlx::query("update break_glass_grants set expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        ends(&mut screen).await,
        "the expired grant ended the stream"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_board_stream_carries_only_calls_the_viewer_may_see(pool: PgPool) {
    let app = spawn_app_with(pool.clone(), StreamLimits::default()).await;
    let nurse1 = app.clone_base().signed_in_as("nurse1").await;
    let nurse3 = app.clone_base().signed_in_as("nurse3").await;
    let coordinator = app.clone_base().signed_in_as("coordinator").await;
    let mut boards = Vec::new();
    for viewer in [&nurse1, &nurse3, &coordinator] {
        let mut stream = Stream::open(viewer, "/events/calls").await.expect("board");
        assert_eq!(
            stream
                .next(Duration::from_secs(30))
                .await
                .map(|e| e.0)
                .as_deref(),
            Some("hello")
        );
        boards.push(stream);
    }
    let [own, other_station, every] = &mut boards[..] else {
        unreachable!()
    };

    // A call of station 1: its nurse and the coordinator hear of it…
    open_call(&nurse1).await;
    assert_eq!(
        own.next(Duration::from_secs(30))
            .await
            .map(|e| e.0)
            .as_deref(),
        Some("changed")
    );
    assert_eq!(
        every
            .next(Duration::from_secs(30))
            .await
            .map(|e| e.0)
            .as_deref(),
        Some("changed")
    );
    // …the nurse of another station does not (all three streams got the
    // same broadcast at the same moment; three more seconds of quiet).
    assert_eq!(
        other_station.next(Duration::from_secs(3)).await,
        None,
        "nothing for station 2"
    );

    // A call of her own station reaches her.
    let patient: Uuid = sqlx::query_scalar(
        "select p.id from patients p join staff s on s.organization_id = p.nurse_station_id
          where s.login_id = 'nurse3' order by p.id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    open_call_for(&nurse3, patient).await;
    assert_eq!(
        other_station.next(Duration::from_secs(30)).await,
        Some(("changed".to_owned(), "calls".to_owned()))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_lost_listen_connection_comes_back_and_the_streams_resynchronise(pool: PgPool) {
    let app = spawn_app_with(pool.clone(), StreamLimits::default()).await;
    let nurse = app.clone_base().signed_in_as("nurse1").await;
    let mut board = Stream::open(&nurse, "/events/calls").await.expect("board");
    assert_eq!(
        board
            .next(Duration::from_secs(30))
            .await
            .map(|e| e.0)
            .as_deref(),
        Some("hello")
    );
    // As after a database restart: the listen connection dies.
    let killed: i64 = sqlx::query_scalar(
        "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and query ilike 'LISTEN%') t",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(killed, 1, "one LISTEN connection per process");
    // The hub reconnects by itself and tells the stream to resynchronise…
    assert_eq!(
        board.next(Duration::from_secs(30)).await,
        Some(("changed".to_owned(), "calls".to_owned())),
        "resync after the reconnection"
    );
    // …and later changes arrive again.
    open_call(&nurse).await;
    assert_eq!(
        board
            .next(Duration::from_secs(30))
            .await
            .map(|e| e.0)
            .as_deref(),
        Some("changed")
    );
}
