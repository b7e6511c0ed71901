//! Two real server processes (the built binary) on one database: live
//! changes cross processes, both workers run and no step advances twice,
//! and when one is killed (`kill -9`) the other advances its step once, on
//! time. Also the demo-safety rule of the binary.

use crate::common::TestApp;
use server::demo::DEMO_PATIENT_1;
use sqlx::PgPool;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use uuid::Uuid;

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

/// A server process, killed with SIGKILL when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the binary (with its worker, one step minute = one second)
    /// on the test database and waits until it listens.
    fn start(url: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nightcall"))
            .env("DATABASE_URL", url)
            .env("NIGHTCALL_SECRET_KEY", crate::common::TEST_SECRET_KEY_HEX)
            .env("NIGHTCALL_ADDR", "127.0.0.1:0")
            .env("NIGHTCALL_ESCALATION_SECONDS_PER_MINUTE", "1")
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
        let base = loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("server log");
            if let Some(at) = line.find("listening on http://") {
                let addr = line[at + "listening on ".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_owned();
                break addr;
            }
        };
        // Keep draining the log so the process never blocks on it.
        std::thread::spawn(move || while rx.recv().is_ok() {});
        Server { child, base }
    }

    fn client(&self) -> TestApp {
        TestApp::at(self.base.clone())
    }

    /// SIGKILL: no graceful shutdown, nothing cleaned up.
    fn kill_9(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().unwrap();
    }
}

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

/// The next server-sent event (name, data) of `response`, or `None` after
/// `within` (a hang guard, not a timing assertion).
async fn next_event(
    response: &mut reqwest::Response,
    buffer: &mut String,
    within: Duration,
) -> Option<(String, String)> {
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
                if block
                    .lines()
                    .any(|l| l.starts_with("event:") || l.starts_with("data:"))
                {
                    return Some((field("event:"), field("data:")));
                }
            }
            match response.chunk().await {
                Ok(Some(chunk)) => buffer.push_str(std::str::from_utf8(&chunk).expect("utf-8")),
                _ => return None,
            }
        }
    };
    tokio::time::timeout(within, read).await.ok().flatten()
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

async fn wait_for_steps(pool: &PgPool, call: Uuid, count: usize) {
    let started = Instant::now();
    while timed_out(pool, call).await.len() < count && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_change_made_through_one_process_reaches_a_stream_on_the_other(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let url = database_url(&pool);
    let a = Server::start(&url);
    let b = Server::start(&url);
    // Sessions live in the database: one sign-in works on both.
    let nurse_a = a.client().signed_in_as("nurse1").await;
    let mut nurse_b = b.client();
    nurse_b.session = nurse_a.session.clone();

    let mut board = nurse_b
        .client
        .get(nurse_b.url("/events/calls"))
        .header("cookie", nurse_b.session.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(board.status(), 200);
    let mut buffer = String::new();
    let hello = next_event(&mut board, &mut buffer, Duration::from_secs(30)).await;
    assert_eq!(hello.map(|e| e.0).as_deref(), Some("hello"));

    let call = open_call(&nurse_a).await;
    let event = next_event(&mut board, &mut buffer, Duration::from_secs(30)).await;
    assert_eq!(
        event,
        Some(("changed".to_owned(), "calls".to_owned())),
        "the call opened through A reaches the board stream on B ({call})"
    );
    drop(a);
    drop(b);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_workers_advance_each_step_once_and_one_survives_the_others_kill_9(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let url = database_url(&pool);
    let a = Server::start(&url);
    let b = Server::start(&url);
    let nurse = a.client().signed_in_as("nurse1").await;
    let call = open_call(&nurse).await;

    // Step 1 falls due in 2 s with both workers running.
    sqlx::query("update incidents set step_deadline = now() + interval '2 seconds' where id = $1")
        .bind(call)
        .execute(&pool)
        .await
        .unwrap();
    wait_for_steps(&pool, call, 1).await;
    assert_eq!(timed_out(&pool, call).await.len(), 1, "step 1 advanced");

    // Step 2's deadline is set by whichever worker advanced step 1; push
    // it to 4 s from now, then kill A in the middle of the wait.
    let deadline: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "update incidents set step_deadline = now() + interval '4 seconds' where id = $1
         returning step_deadline",
    )
    .bind(call)
    .fetch_one(&pool)
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    a.kill_9();
    wait_for_steps(&pool, call, 2).await;
    // Give a wrongly repeated step every chance to show up.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let steps = timed_out(&pool, call).await;
    drop(b);
    let indexes: Vec<i32> = steps.iter().map(|s| s.0).collect();
    assert_eq!(
        indexes,
        vec![0, 1],
        "each step advanced exactly once: {steps:?}"
    );
    let late = (steps[1].1 - deadline).num_milliseconds();
    assert!(
        (0..=3000).contains(&late),
        "B advanced step 2 {late} ms after its deadline"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_binary_refuses_a_network_address_while_the_demo_password_is_in_use(pool: PgPool) {
    server::demo::seed_demo(&pool).await.unwrap();
    let url = database_url(&pool);
    let output = Command::new(env!("CARGO_BIN_EXE_nightcall"))
        .env("DATABASE_URL", &url)
        .env("NIGHTCALL_SECRET_KEY", crate::common::TEST_SECRET_KEY_HEX)
        .env("NIGHTCALL_ADDR", "0.0.0.0:0")
        .env("NIGHTCALL_WORKER", "0")
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "non-zero exit: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].contains("demo password"), "{stderr}");

    // Once no account has it any more, the same address is fine: the
    // server starts (and is stopped again here).
    sqlx::query("update staff set password_hash = null")
        .execute(&pool)
        .await
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nightcall"))
        .env("DATABASE_URL", &url)
        .env("NIGHTCALL_SECRET_KEY", crate::common::TEST_SECRET_KEY_HEX)
        .env("NIGHTCALL_ADDR", "0.0.0.0:0")
        .env("NIGHTCALL_WORKER", "0")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let listening = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.contains("listening on"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening, "without the demo password it listens");
}

#[tokio::test]
async fn the_embedded_socket_folder_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("nightcall-pg-{}", Uuid::new_v4()));
    let pg = match server::embedded_pg::EmbeddedPostgres::start(&dir).await {
        Ok(pg) => pg,
        Err(e) => panic!("embedded PostgreSQL: {e}"),
    };
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    pg.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(mode, 0o700, "socket folder mode {mode:o}");
}
