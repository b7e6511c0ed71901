//! The escalation engine against real PostgreSQL: opening a call resolves
//! the path, a step's wait running out advances it exactly once — with two
//! workers racing, and across a server killed in the middle of the wait —
//! and the call settles and closes with a hand-off for the attending.

use crate::common::{spawn_app, TestApp};
use app::ssr::db::incident::advance_due_steps;
use server::demo::DEMO_PATIENT_1;
use sqlx::PgPool;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Opens a call for 山田 花子 as her station's nurse; returns its id.
async fn open_call(app: &TestApp, temperature: &str) -> Result<Uuid, (u16, String)> {
    let response = app
        .post_form(
            "/api/call_open",
            &[
                ("patient_id", &DEMO_PATIENT_1.to_string()),
                ("reason", "fever"),
                ("temperature", temperature),
                ("pulse", "108"),
                ("systolic", "132"),
                ("diastolic", "78"),
                ("spo2", "93"),
                ("respiratory_rate", "24"),
                ("note", "夕方から発熱、悪寒あり"),
            ],
        )
        .await;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    match location.strip_prefix("/calls/") {
        Some(id) => Ok(Uuid::parse_str(id).expect("call id")),
        None => Err((status, response.text().await.unwrap_or_default())),
    }
}

async fn timed_out(pool: &PgPool, call: Uuid) -> Vec<(i32, chrono::DateTime<chrono::Utc>)> {
    sqlx::query_as::<_, (i32, chrono::DateTime<chrono::Utc>)>(
        "select step_index, at from incident_attempts
          where incident_id = $1 and outcome = 'timed_out' order by id",
    )
    .bind(call)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn current_step(pool: &PgPool, call: Uuid) -> i32 {
    sqlx::query_scalar("select current_step from incidents where id = $1")
        .bind(call)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_call_resolves_its_path_and_a_due_step_advances_exactly_once(pool: PgPool) {
    let app = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&app, "38.9").await.expect("open");
    let view: serde_json::Value = app
        .post_form("/api/call_get", &[("call_id", &call.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["state"], "calling");
    assert_eq!(view["path"][0]["callee"]["role"], "Attending", "{view}");
    assert!(view["path"].as_array().unwrap().len() >= 3);

    // Not due yet: nothing moves.
    assert_eq!(
        advance_due_steps(&pool, chrono::Utc::now()).await.unwrap(),
        0
    );
    sqlx::query("update incidents set step_deadline = now() - interval '1 second' where id = $1")
        .bind(call)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        advance_due_steps(&pool, chrono::Utc::now()).await.unwrap(),
        1
    );
    assert_eq!(
        advance_due_steps(&pool, chrono::Utc::now()).await.unwrap(),
        0
    );
    assert_eq!(current_step(&pool, call).await, 1);
    assert_eq!(timed_out(&pool, call).await.len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_workers_never_advance_the_same_step_twice(pool: PgPool) {
    let app = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let mut calls = Vec::new();
    for _ in 0..25 {
        calls.push(open_call(&app, "38.0").await.expect("open"));
    }
    sqlx::query("update incidents set step_deadline = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    // Two pools: as two server processes would have.
    let other = sqlx::PgPool::connect_with((*pool.connect_options()).clone())
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let (a, b) = tokio::join!(
        advance_due_steps(&pool, now),
        advance_due_steps(&other, now)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a + b,
        calls.len(),
        "every due step advanced once ({a} + {b})"
    );
    for call in calls {
        assert_eq!(timed_out(&pool, call).await.len(), 1, "{call}");
        assert_eq!(current_step(&pool, call).await, 1, "{call}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_gets_a_clear_message_and_nothing_is_written(pool: PgPool) {
    let app = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    for temperature in ["60", "abc", "-3"] {
        let (status, body) = open_call(&app, temperature).await.expect_err("refused");
        assert_eq!(status, 400, "{temperature}: {body}");
        assert!(body.contains("temperature"), "{body}");
    }
    // A nurse outside the patient's team cannot open a call.
    let outsider = app.clone_base().signed_in_as("nurse3").await;
    let (status, _) = open_call(&outsider, "38.0").await.expect_err("refused");
    assert_eq!(status, 403);
    let calls: i64 = sqlx::query_scalar("select count(*) from incidents")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(calls, 0, "nothing half-written");

    // A negative ETA is refused; the call is untouched.
    let call = open_call(&app, "38.5").await.expect("open");
    let r = app
        .post_form(
            "/api/call_attempt",
            &[
                ("call_id", &call.to_string()),
                ("step", "0"),
                ("outcome", "accepted"),
                ("eta_minutes", "-5"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let attempts: i64 = sqlx::query_scalar("select count(*) from incident_attempts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(attempts, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_doctor_accepts_arrives_and_closes_and_the_attending_gets_the_handoff(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&nurse, "39.2").await.expect("open");
    let id = call.to_string();
    // The attending does not answer: the nurse moves on.
    let r = nurse
        .post_form(
            "/api/call_attempt",
            &[
                ("call_id", &id),
                ("step", "0"),
                ("outcome", "no_answer"),
                ("eta_minutes", ""),
                ("note", ""),
            ],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    // A stale step is a conflict, not a second advance.
    let stale = nurse
        .post_form(
            "/api/call_attempt",
            &[
                ("call_id", &id),
                ("step", "0"),
                ("outcome", "no_answer"),
                ("eta_minutes", ""),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(stale.status().as_u16(), 409);
    // A team doctor (doctor1, same team, consent given) accepts with an ETA.
    let doctor = nurse.clone_base().signed_in_as("doctor1").await;
    let r = doctor
        .post_form(
            "/api/call_attempt",
            &[
                ("call_id", &id),
                ("step", "1"),
                ("outcome", "accepted"),
                ("eta_minutes", "25"),
                ("note", ""),
            ],
        )
        .await;
    assert!(
        r.status().is_success(),
        "{}: {}",
        r.status(),
        r.text().await.unwrap()
    );
    let view: serde_json::Value = nurse
        .post_form("/api/call_get", &[("call_id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["state"], "accepted");
    assert_eq!(view["eta_minutes"], 25);
    let r = doctor
        .post_form(
            "/api/call_attempt",
            &[
                ("call_id", &id),
                ("step", "1"),
                ("outcome", "arrived"),
                ("eta_minutes", ""),
                ("note", ""),
            ],
        )
        .await;
    assert!(r.status().is_success());
    let r = doctor
        .post_form(
            "/api/call_close",
            &[
                ("call_id", &id),
                ("outcome", "managed_at_home"),
                ("died_at", ""),
                ("admitted_to", ""),
                (
                    "summary",
                    "アセトアミノフェン坐薬 400mg 使用。解熱を確認。明朝の往診をお願いします。",
                ),
            ],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());

    let attending_login: String = sqlx::query_scalar(
        "select s.login_id from staff s join patients p on p.attending_physician_id = s.id where p.id = $1",
    )
    .bind(DEMO_PATIENT_1)
    .fetch_one(&pool)
    .await
    .unwrap();
    let attending = nurse.clone_base().signed_in_as(&attending_login).await;
    let handoffs: serde_json::Value = attending
        .post_form("/api/handoffs", &[])
        .await
        .json()
        .await
        .unwrap();
    let handoffs = handoffs.as_array().unwrap();
    assert_eq!(handoffs.len(), 1);
    assert!(handoffs[0]["summary"].as_str().unwrap().contains("坐薬"));
    let r = attending
        .post_form(
            "/api/handoff_ack",
            &[("handoff_id", handoffs[0]["id"].as_str().unwrap())],
        )
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let after: serde_json::Value = attending
        .post_form("/api/handoffs", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        after.as_array().unwrap().len(),
        0,
        "off the list once acknowledged"
    );
}

/// The URL of the test database, for a separate server process.
fn database_url(pool: &PgPool) -> String {
    let options = pool.connect_options();
    let db = options.get_database().unwrap_or("postgres");
    let user = options.get_username();
    match options.get_socket() {
        Some(dir) => format!(
            "postgres://{user}@localhost/{db}?host={}&port={}",
            dir.display(),
            options.get_port()
        ),
        None => format!(
            "postgres://{user}@{}:{}/{db}",
            options.get_host(),
            options.get_port()
        ),
    }
}

/// Starts the real binary (with its worker) on the test database and waits
/// until it listens.
fn start_server(url: &str) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nightcall"))
        .env("DATABASE_URL", url)
        .env("NIGHTCALL_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("server log");
        if line.contains("listening on") {
            break;
        }
    }
    child
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_killed_in_the_middle_of_a_wait_advances_the_step_once_on_time(pool: PgPool) {
    let app = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&app, "38.4").await.expect("open");
    let url = database_url(&pool);

    let mut first = start_server(&url);
    // The step falls due 4 s from now, while the first server is down.
    let deadline: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "update incidents set step_deadline = now() + interval '4 seconds' where id = $1
         returning step_deadline",
    )
    .bind(call)
    .fetch_one(&pool)
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    first.kill().expect("kill -9"); // SIGKILL: no graceful shutdown
    first.wait().unwrap();
    assert!(
        timed_out(&pool, call).await.is_empty(),
        "not due before the kill"
    );

    let mut second = start_server(&url);
    let started = Instant::now();
    while timed_out(&pool, call).await.is_empty() && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give a wrongly repeated step every chance to show up.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let _ = second.kill();
    let _ = second.wait();

    let steps = timed_out(&pool, call).await;
    assert_eq!(steps.len(), 1, "advanced exactly once: {steps:?}");
    let late = (steps[0].1 - deadline).num_milliseconds();
    assert!(
        (0..=3000).contains(&late),
        "advanced {late} ms after the deadline"
    );
    assert_eq!(current_step(&pool, call).await, 1);
}

/// Reads server-sent events from `response` until `count` have arrived;
/// each is (event name, data). Gives up after ten seconds (a hang guard,
/// not a timing assertion).
async fn next_events(
    response: &mut reqwest::Response,
    buffer: &mut String,
    count: usize,
) -> Vec<(String, String)> {
    let mut events = Vec::new();
    let read = async {
        loop {
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .filter_map(|l| l.strip_prefix(name))
                        .map(|v| v.strip_prefix(' ').unwrap_or(v).to_owned())
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                // Keep-alive comments (": …") are not events.
                if block
                    .lines()
                    .any(|l| l.starts_with("event:") || l.starts_with("data:"))
                {
                    events.push((field("event:"), field("data:")));
                }
                if events.len() == count {
                    return;
                }
            }
            let chunk = response.chunk().await.expect("read").expect("stream ended");
            buffer.push_str(std::str::from_utf8(&chunk).expect("utf-8"));
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("events in time");
    events
}

#[sqlx::test(migrations = "../migrations")]
async fn the_event_stream_greets_then_reports_each_change_to_the_team_only(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&nurse, "38.6").await.expect("open");
    let path = format!("/events/calls/{call}");

    // Signed out: refused; a nurse of another station: refused.
    let (status, _) = nurse.clone_base().get(&path).await;
    assert_eq!(status, 401);
    let outsider = nurse.clone_base().signed_in_as("nurse3").await;
    let (status, _) = outsider.get(&path).await;
    assert_eq!(status, 403);

    let mut stream = nurse
        .client
        .get(nurse.url(&path))
        .header("cookie", nurse.session.clone().expect("session"))
        .send()
        .await
        .expect("connect");
    assert_eq!(stream.status(), 200);
    let mut buffer = String::new();
    // The greeting carries data: a browser's EventSource drops an event
    // whose data is empty, and the page would never know it is live.
    let hello = next_events(&mut stream, &mut buffer, 1).await;
    assert_eq!(hello.len(), 1);
    assert_eq!(hello[0].0, "hello");
    let (label, last_change) = hello[0].1.split_once(' ').expect("hello: label and time");
    assert_eq!(label, call.to_string());
    assert!(
        last_change == "unknown" || last_change.parse::<i64>().is_ok(),
        "hello carries when the hub last heard of a change: {last_change}"
    );

    let r = nurse
        .post_form(
            "/api/call_attempt",
            &[
                ("call_id", &call.to_string()),
                ("step", "0"),
                ("outcome", "no_answer"),
                ("eta_minutes", ""),
                ("note", ""),
            ],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let changed = next_events(&mut stream, &mut buffer, 1).await;
    assert_eq!(changed, vec![("changed".to_owned(), call.to_string())]);
}

/// The ids on `login`'s call board.
async fn board_ids(app: &TestApp, login: &str) -> Vec<String> {
    let viewer = app.clone_base().signed_in_as(login).await;
    let response = viewer.post_form("/api/call_board", &[]).await;
    assert_eq!(response.status(), 200, "{login}");
    let body = response.text().await.unwrap();
    // Operational data only: never the patient's name.
    assert!(!body.contains("山田"), "{login}: {body}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_call_board_shows_each_person_the_calls_of_their_part_in_the_night(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&nurse, "38.6").await.expect("open").to_string();
    // The path of 山田 花子's call names her attending (doctor3) first.
    let path: serde_json::Value =
        sqlx::query_scalar("select path from incidents where id = $1::uuid")
            .bind(&call)
            .fetch_one(&pool)
            .await
            .unwrap();
    let on_path: Vec<String> = path
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["callee"]["id"].as_str().unwrap().to_owned())
        .collect();
    let doctor3: String =
        sqlx::query_scalar("select id::text from staff where login_id = 'doctor3'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let doctor5: String =
        sqlx::query_scalar("select id::text from staff where login_id = 'doctor5'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(on_path.contains(&doctor3));
    assert!(!on_path.contains(&doctor5));

    let cases = [
        ("coordinator", true),
        ("admin", true),
        ("nurse1", true),
        ("nurse2", true),  // same station
        ("nurse3", false), // another station
        ("doctor3", true), // on the path
        ("doctor5", false),
    ];
    for (login, sees) in cases {
        let ids = board_ids(&nurse, login).await;
        assert_eq!(ids.contains(&call), sees, "{login}: {ids:?}");
    }
    // Signed out: refused.
    let anonymous = nurse.clone_base().post_form("/api/call_board", &[]).await;
    assert_eq!(anonymous.status(), 401);

    // The board's stream greets, then tells of any call's change.
    let coordinator = nurse.clone_base().signed_in_as("coordinator").await;
    let mut stream = coordinator
        .client
        .get(coordinator.url("/events/calls"))
        .header("cookie", coordinator.session.clone().expect("session"))
        .send()
        .await
        .expect("connect");
    assert_eq!(stream.status(), 200);
    let mut buffer = String::new();
    let hello = next_events(&mut stream, &mut buffer, 1).await;
    assert_eq!(hello.len(), 1);
    assert_eq!(hello[0].0, "hello");
    assert!(hello[0].1.starts_with("calls "), "{:?}", hello[0].1);
    let r = nurse
        .post_form(
            "/api/call_attempt",
            &[
                ("call_id", &call),
                ("step", "0"),
                ("outcome", "no_answer"),
                ("eta_minutes", ""),
                ("note", ""),
            ],
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let changed = next_events(&mut stream, &mut buffer, 1).await;
    assert_eq!(changed, vec![("changed".to_owned(), "calls".to_owned())]);
    let (status, _) = nurse.clone_base().get("/events/calls").await;
    assert_eq!(status, 401);
}

// --- issue 8: who answered, a path that runs out, cancel ---

async fn staff_id(pool: &PgPool, login: &str) -> Uuid {
    sqlx::query_scalar("select id from staff where login_id = $1")
        .bind(login)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// What a refused request must leave untouched: the call's row as text and
/// its attempts.
async fn call_snapshot(pool: &PgPool, call: Uuid) -> (String, i64) {
    let row: String = sqlx::query_scalar(
        "select concat_ws('|', state, current_step, accepted_by, answer_recorded_by, eta_minutes,
                          closed_by, cancel_reason, version)
           from incidents where id = $1",
    )
    .bind(call)
    .fetch_one(pool)
    .await
    .unwrap();
    let attempts: i64 =
        sqlx::query_scalar("select count(*) from incident_attempts where incident_id = $1")
            .bind(call)
            .fetch_one(pool)
            .await
            .unwrap();
    (row, attempts)
}

async fn answer(app: &TestApp, call: Uuid, step: &str, outcome: &str, eta: &str) -> (u16, String) {
    let r = app
        .post_form(
            "/api/call_attempt",
            &[
                ("call_id", &call.to_string()),
                ("step", step),
                ("outcome", outcome),
                ("eta_minutes", eta),
                ("note", ""),
            ],
        )
        .await;
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

async fn close(app: &TestApp, call: Uuid) -> (u16, String) {
    let r = app
        .post_form(
            "/api/call_close",
            &[
                ("call_id", &call.to_string()),
                ("outcome", "managed_at_home"),
                ("died_at", ""),
                ("admitted_to", ""),
                ("summary", "電話で対応"),
            ],
        )
        .await;
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

async fn get_view(app: &TestApp, call: Uuid) -> serde_json::Value {
    app.post_form("/api/call_get", &[("call_id", &call.to_string())])
        .await
        .json()
        .await
        .unwrap()
}

/// Times out every step until the call leaves `calling` or `limit` steps
/// passed; returns how many steps timed out.
async fn run_out(pool: &PgPool, call: Uuid, limit: usize) -> usize {
    let mut steps = 0;
    while steps < limit {
        let moved = sqlx::query(
            "update incidents set step_deadline = now() - interval '1 second'
              where id = $1 and state = 'calling' and step_deadline is not null",
        )
        .bind(call)
        .execute(pool)
        .await
        .unwrap()
        .rows_affected();
        if moved == 0 {
            break;
        }
        steps += advance_due_steps(pool, chrono::Utc::now()).await.unwrap();
    }
    steps
}

async fn state_of(pool: &PgPool, call: Uuid) -> String {
    sqlx::query_scalar("select state from incidents where id = $1")
        .bind(call)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_doctor_who_is_not_the_callee_takes_the_call_and_is_credited(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&nurse, "38.9").await.expect("open");
    let doctor3 = staff_id(&pool, "doctor3").await;
    let doctor1 = staff_id(&pool, "doctor1").await;
    let view = get_view(&nurse, call).await;
    assert_eq!(
        view["path"][0]["callee"]["id"].as_str(),
        Some(doctor3.to_string().as_str()),
        "the attending is called first"
    );
    // doctor1 (same team, on the path further down) says 私が行きます while
    // the attending is still being called.
    let taker = nurse.clone_base().signed_in_as("doctor1").await;
    let (status, body) = answer(&taker, call, "0", "accepted", "15").await;
    assert_eq!(status, 200, "{body}");
    let (accepted_by, recorded_by, eta): (Option<Uuid>, Option<Uuid>, Option<i32>) =
        sqlx::query_as(
            "select accepted_by, answer_recorded_by, eta_minutes from incidents where id = $1",
        )
        .bind(call)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        accepted_by,
        Some(doctor1),
        "the taker is the responder, not the callee"
    );
    assert_eq!(recorded_by, Some(doctor1));
    assert_eq!(eta, Some(15));
    let (callee, responder): (Option<Uuid>, Option<Uuid>) = sqlx::query_as(
        "select callee_id, responder_id from incident_attempts
          where incident_id = $1 and outcome = 'accepted'",
    )
    .bind(call)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((callee, responder), (Some(doctor3), Some(doctor1)));
    let view = get_view(&nurse, call).await;
    assert_eq!(view["state"], "accepted");
    assert_eq!(view["accepted_by"], "北村 健一", "{view}");
    assert_eq!(view["attempts"][0]["taken_over"], true, "{view}");
    assert_eq!(view["attempts"][0]["responder_name"], "北村 健一");
    // The board names him too.
    let board: serde_json::Value = nurse
        .post_form("/api/call_board", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(board[0]["accepted_by"], "北村 健一", "{board}");
    // He may now report arrival and close; the callee who did not answer
    // may not close.
    let callee_app = nurse.clone_base().signed_in_as("doctor3").await;
    let (status, _) = answer(&taker, call, "0", "arrived", "").await;
    assert_eq!(status, 200);
    // The attending may close (he is the attending), and so may the taker.
    let (status, body) = close(&taker, call).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = close(&callee_app, call).await;
    assert_eq!(status, 409, "already closed");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_doctor_who_only_reads_the_card_cannot_answer_arrive_close_or_cancel(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&nurse, "38.9").await.expect("open");
    // doctor5 works for another team: he reads the card by break-glass.
    let reader = nurse.clone_base().signed_in_as("doctor5").await;
    let r = reader
        .post_form(
            "/api/break_glass",
            &[
                ("patient_id", &DEMO_PATIENT_1.to_string()),
                ("reason", "救急外来で相談を受けたため"),
            ],
        )
        .await;
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    let view = get_view(&reader, call).await;
    assert_eq!(
        view["patient_name"], "山田 花子",
        "he reads the call: {view}"
    );
    for form in [
        "answer_own",
        "record_for_callee",
        "take_over",
        "arrive",
        "close",
        "cancel",
        "restart",
    ] {
        assert_eq!(view["moves"][form], false, "{form}: {view}");
    }
    let before = call_snapshot(&pool, call).await;
    for (outcome, eta) in [
        ("accepted", "600"),
        ("advised", ""),
        ("declined", ""),
        ("no_answer", ""),
    ] {
        let (status, body) = answer(&reader, call, "0", outcome, eta).await;
        assert_eq!(status, 403, "{outcome}: {body}");
        assert!(body.contains("NotYourCallMove"), "{body}");
    }
    let (status, _) = close(&reader, call).await;
    assert_eq!(status, 403);
    // A covering doctor on the path may not close while it is calling, nor
    // may the opening nurse's colleague record for the callee.
    let on_path = nurse.clone_base().signed_in_as("doctor1").await;
    let (status, _) = close(&on_path, call).await;
    assert_eq!(status, 403, "nobody closes a call that is still calling");
    let attending = nurse.clone_base().signed_in_as("doctor3").await;
    let (status, _) = close(&attending, call).await;
    assert_eq!(
        status, 409,
        "the attending closes only once someone answered"
    );
    let colleague = nurse.clone_base().signed_in_as("nurse2").await;
    let (status, _) = answer(&colleague, call, "0", "accepted", "25").await;
    assert_eq!(status, 403);
    assert_eq!(call_snapshot(&pool, call).await, before, "nothing changed");

    // Once doctor1 took it, the reader still may not report arrival or close.
    let (status, _) = answer(&on_path, call, "0", "accepted", "20").await;
    assert_eq!(status, 200);
    let before = call_snapshot(&pool, call).await;
    let (status, _) = answer(&reader, call, "0", "arrived", "").await;
    assert_eq!(status, 403);
    let (status, _) = close(&reader, call).await;
    assert_eq!(status, 403);
    assert_eq!(call_snapshot(&pool, call).await, before, "nothing changed");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_nurse_records_the_callees_phone_answer_and_both_names_are_kept(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&nurse, "38.9").await.expect("open");
    let doctor3 = staff_id(&pool, "doctor3").await;
    let nurse1 = staff_id(&pool, "nurse1").await;
    let (status, body) = answer(&nurse, call, "0", "accepted", "25").await;
    assert_eq!(status, 200, "{body}");
    let (accepted_by, recorded_by): (Option<Uuid>, Option<Uuid>) =
        sqlx::query_as("select accepted_by, answer_recorded_by from incidents where id = $1")
            .bind(call)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(accepted_by, Some(doctor3), "the callee answered");
    assert_eq!(recorded_by, Some(nurse1), "the nurse recorded it");
    let view = get_view(&nurse, call).await;
    assert_eq!(view["accepted_by"], "桜井 真理子", "{view}");
    let nurse_name: String =
        sqlx::query_scalar("select family_name || ' ' || given_name from staff where id = $1")
            .bind(nurse1)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(view["answer_recorded_by"], nurse_name.as_str(), "{view}");
    assert_eq!(view["attempts"][0]["recorded_by_name"], nurse_name.as_str());
    assert_eq!(view["attempts"][0]["taken_over"], false);
    // The callee, now the responder, arrives and closes.
    let doctor = nurse.clone_base().signed_in_as("doctor3").await;
    let (status, _) = answer(&doctor, call, "0", "arrived", "").await;
    assert_eq!(status, 200);
    let (status, body) = close(&doctor, call).await;
    assert_eq!(status, 200, "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_path_that_runs_out_becomes_no_answer_after_the_last_wait(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&nurse, "38.9").await.expect("open");
    let len = get_view(&nurse, call).await["path"]
        .as_array()
        .unwrap()
        .len();
    let steps = run_out(&pool, call, len + 3).await;
    assert_eq!(steps, len, "every step timed out once, the last one too");
    assert_eq!(state_of(&pool, call).await, "exhausted");
    let exhausted_at: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select exhausted_at from incidents where id = $1")
            .bind(call)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(exhausted_at.is_some());
    let view = get_view(&nurse, call).await;
    assert_eq!(view["moves"]["restart"], true, "{view}");
    assert!(
        view["backup_hospital"][1]
            .as_str()
            .is_some_and(|p| !p.is_empty()),
        "the alarm carries the hospital's number: {view}"
    );
    // The board raises it first.
    let second = open_call(&nurse, "37.9").await.expect("open");
    let board: serde_json::Value = nurse
        .post_form("/api/call_board", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        board[0]["id"],
        call.to_string(),
        "the alarm is first: {board}"
    );
    assert_eq!(board[0]["state"], "exhausted");
    assert_eq!(board[1]["id"], second.to_string());

    // Only the opening nurse restarts; the history stays.
    let doctor = nurse.clone_base().signed_in_as("doctor3").await;
    let r = doctor
        .post_form("/api/call_restart", &[("call_id", &call.to_string())])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = nurse
        .post_form("/api/call_restart", &[("call_id", &call.to_string())])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let (state, step, round): (String, i32, i32) =
        sqlx::query_as("select state, current_step, round from incidents where id = $1")
            .bind(call)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), step, round), ("calling", 0, 1));
    assert_eq!(timed_out(&pool, call).await.len(), len, "history kept");
    // The second walk times out again, step by step, and runs out again.
    assert_eq!(run_out(&pool, call, len + 3).await, len);
    assert_eq!(state_of(&pool, call).await, "exhausted");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_policy_that_repeats_walks_the_path_again_before_the_alarm(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    sqlx::query(
        "update escalation_policies set policy = jsonb_set(policy, '{repeat}', '2')
          where clinic_team_id = (select clinic_team_id from patients where id = $1)",
    )
    .bind(DEMO_PATIENT_1)
    .execute(&pool)
    .await
    .unwrap();
    let call = open_call(&nurse, "38.9").await.expect("open");
    let len = get_view(&nurse, call).await["path"]
        .as_array()
        .unwrap()
        .len();
    // The first walk ends on the first step again, in round 1.
    assert_eq!(run_out(&pool, call, len).await, len);
    let (state, step, round): (String, i32, i32) =
        sqlx::query_as("select state, current_step, round from incidents where id = $1")
            .bind(call)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), step, round), ("calling", 0, 1));
    assert_eq!(run_out(&pool, call, 10 * len).await, 2 * len);
    assert_eq!(state_of(&pool, call).await, "exhausted");
    assert_eq!(timed_out(&pool, call).await.len(), 3 * len);
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_opening_nurse_cancels_a_call_and_says_why(pool: PgPool) {
    let nurse = spawn_app(pool.clone()).await.signed_in_as("nurse1").await;
    let call = open_call(&nurse, "38.9").await.expect("open");
    let cancel = |app: TestApp, reason: &'static str| async move {
        app.post_form(
            "/api/call_cancel",
            &[("call_id", &call.to_string()), ("reason", reason)],
        )
        .await
        .status()
        .as_u16()
    };
    let before = call_snapshot(&pool, call).await;
    let colleague = nurse.clone_base().signed_in_as("nurse2").await;
    assert_eq!(cancel(colleague, "called_119").await, 403);
    let doctor = nurse.clone_base().signed_in_as("doctor3").await;
    assert_eq!(cancel(doctor, "called_119").await, 403);
    let again = nurse.clone_base().signed_in_as("nurse1").await;
    assert_eq!(cancel(again, "timed_out").await, 400);
    assert_eq!(call_snapshot(&pool, call).await, before, "nothing changed");
    let again = nurse.clone_base().signed_in_as("nurse1").await;
    assert_eq!(cancel(again, "called_119").await, 200);
    let (state, reason): (String, Option<String>) =
        sqlx::query_as("select state, cancel_reason from incidents where id = $1")
            .bind(call)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (state.as_str(), reason.as_deref()),
        ("cancelled", Some("called_119"))
    );
    let view = get_view(&nurse, call).await;
    assert_eq!(view["cancel_reason"], "called_119");
    // Nothing moves a cancelled call: no answer, no worker step.
    let (status, _) = answer(&nurse, call, "0", "no_answer", "").await;
    assert_eq!(status, 409);
    assert_eq!(run_out(&pool, call, 3).await, 0);
}
