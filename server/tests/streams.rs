//! Live updates under load, against real PostgreSQL: more open streams than
//! request-pool connections must not starve the app or the escalation
//! worker.

mod common;

use common::{spawn_app, TestApp};
use server::demo::DEMO_PATIENT_1;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Opens a call for 山田 花子 as her station's nurse; returns its id.
async fn open_call(app: &TestApp) -> Uuid {
    let response = app
        .post_form(
            "/api/call_open",
            &[
                ("patient_id", &DEMO_PATIENT_1.to_string()),
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
        let mut request = app.client.get(app.url(path));
        if let Some(cookie) = &app.session {
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

#[sqlx::test(migrations = "../migrations")]
async fn forty_open_streams_starve_neither_the_app_nor_the_worker(
    options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let pool = server_pool(options, connect).await;
    let app = spawn_app(pool.clone()).await;
    let worker = server::worker::spawn(pool.clone());
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
    worker.abort();
}
