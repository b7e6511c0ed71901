//! Starting and stopping the real binary: the embedded database default and
//! the one-line errors for bad configuration.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

fn nightcall() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nightcall"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("NIGHTCALL_PG_BINDIR")
        // The tests' fixed server key: no key file is written next to them.
        .env("NIGHTCALL_SECRET_KEY", crate::common::TEST_SECRET_KEY_HEX)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// Runs to completion and returns (exit success, stderr).
fn run_to_end(cmd: &mut Command) -> (bool, String) {
    let output = cmd.output().expect("run nightcall");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn last_line(stderr: &str) -> &str {
    stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn an_unreachable_database_is_a_one_line_error() {
    let (ok, stderr) = run_to_end(
        nightcall()
            .env(
                "DATABASE_URL",
                "postgres://nobody:secret@127.0.0.1:1/nightcall",
            )
            .env("NIGHTCALL_ADDR", "127.0.0.1:0"),
    );
    assert!(!ok);
    let line = last_line(&stderr);
    assert!(
        line.starts_with("nightcall: error: cannot reach the database"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("secret"),
        "the password is never printed: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_busy_port_is_a_one_line_error() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap();
    let (ok, stderr) = run_to_end(
        nightcall()
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nightcall")
            .env("NIGHTCALL_ADDR", addr.to_string()),
    );
    assert!(!ok);
    let line = last_line(&stderr);
    assert!(
        line.contains("already in use") && line.contains(&addr.to_string()),
        "{stderr}"
    );
}

#[test]
fn missing_postgresql_programs_name_the_install_command() {
    let dir = scratch_dir("no-pg");
    let (ok, stderr) = run_to_end(
        nightcall()
            .env("NIGHTCALL_ADDR", "127.0.0.1:0")
            .env("NIGHTCALL_DATA_DIR", &dir)
            .env("NIGHTCALL_PG_BINDIR", dir.join("nowhere")),
    );
    assert!(!ok);
    let line = last_line(&stderr);
    assert!(line.contains("apt-get install -y postgresql"), "{stderr}");
}

#[test]
fn a_malformed_address_is_a_one_line_error() {
    let (ok, stderr) = run_to_end(nightcall().env("NIGHTCALL_ADDR", "localhost"));
    assert!(!ok);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("NIGHTCALL_ADDR"), "{stderr}");
}

/// Starts the binary with the embedded default, waits until it answers,
/// stops it with SIGTERM and returns its log.
fn start_and_stop_embedded(dir: &std::path::Path) -> String {
    let mut child = nightcall()
        .env("NIGHTCALL_ADDR", "127.0.0.1:0")
        .env("NIGHTCALL_DATA_DIR", dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut log = String::new();
    let mut base = None;
    while base.is_none() {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("no listening line; log so far:\n{log}"));
        if let Some(rest) = line.split("listening on ").nth(1) {
            base = Some(rest.trim().to_owned());
        }
        log.push_str(&line);
        log.push('\n');
    }
    let base = base.unwrap();
    let health = std::process::Command::new("curl")
        .args(["-fs", &format!("{base}/healthz")])
        .output()
        .expect("curl");
    assert_eq!(String::from_utf8_lossy(&health.stdout), "ok", "{log}");

    // SAFETY: plain kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().expect("wait");
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) {
        log.push_str(&line);
        log.push('\n');
    }
    assert!(status.success(), "clean exit after SIGTERM:\n{log}");
    log
}

#[test]
fn the_embedded_database_starts_seeds_once_and_stops_with_the_app() {
    let dir = scratch_dir("embedded");
    let first = start_and_stop_embedded(&dir);
    assert!(first.contains("demo data seeded"), "{first}");
    assert!(dir.join("pg/data/PG_VERSION").exists());
    assert!(
        !dir.join("pg/data/postmaster.pid").exists(),
        "PostgreSQL stopped with the app:\n{first}"
    );

    let second = start_and_stop_embedded(&dir);
    assert!(
        !second.contains("demo data seeded"),
        "data reused, not seeded again:\n{second}"
    );
    assert!(!dir.join("pg/data/postmaster.pid").exists());
}
