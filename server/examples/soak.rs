//! Soak load for the live streams (run by `bench/soak`, by hand; never by
//! the test command). Loopback only, bounded in count and time.
//!
//! N signed-in board streams (default 500) plus R concurrent night-card
//! readers (default 200) for S seconds (default 60). Once a second it makes
//! a change (`pg_notify('incident', <call id>)` for a call opened at the
//! start, exactly what a committed change sends) and measures, per stream,
//! the time from that change to the `changed` event. Prints delivery
//! p50/p99, card reads/s and p50/p99, errors, and the database connections
//! in use (sampled every second).
//!
//! Usage: soak BASE_URL DATABASE_URL [streams] [readers] [seconds]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MAX_STREAMS: usize = 5000;
const MAX_READERS: usize = 1000;
const MAX_SECONDS: u64 = 600;
const PATIENT: &str = "00000000-0000-4000-8000-000100000001";

#[derive(Default)]
struct Figures {
    delivery_ms: Mutex<Vec<f64>>,
    card_ms: Mutex<Vec<f64>>,
    errors: AtomicU64,
    stream_errors: AtomicU64,
    missed: AtomicU64,
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

async fn sign_in(client: &reqwest::Client, base: &str, login: &str) -> String {
    let response = client
        .post(format!("{base}/api/login"))
        .form(&[
            ("login_id", login),
            ("password", "nightcall-demo"),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("sign in");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-nc_session=") && !v.starts_with("__Host-nc_session=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("sign-in as {login}: {}", response.status()))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let base = args
        .first()
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:3300".into());
    let db_url = args
        .get(1)
        .cloned()
        .expect("usage: soak BASE_URL DATABASE_URL [streams] [readers] [seconds]");
    let n_streams: usize = args.get(2).map_or(500, |v| v.parse().expect("streams"));
    let n_readers: usize = args.get(3).map_or(200, |v| v.parse().expect("readers"));
    let seconds: u64 = args.get(4).map_or(60, |v| v.parse().expect("seconds"));
    let host = base
        .strip_prefix("http://")
        .and_then(|r| r.split(['/', ':']).next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]"),
        "soak runs against loopback only (got {base})"
    );
    assert!(
        n_streams <= MAX_STREAMS && n_readers <= MAX_READERS && seconds <= MAX_SECONDS,
        "bounded: at most {MAX_STREAMS} streams, {MAX_READERS} readers, {MAX_SECONDS} s"
    );

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(n_readers + 10)
        .timeout(Duration::from_secs(seconds + 60))
        .build()
        .unwrap();
    let options: sqlx::postgres::PgConnectOptions = db_url.parse().expect("DATABASE_URL");
    let db = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options.application_name("nightcall-soak"))
        .await
        .expect("database");

    // Sessions: board streams of two nurses of station 1 and the
    // coordinator (all see the call opened below); the readers share
    // nurse1's session.
    let mut sessions = Vec::new();
    for login in ["nurse1", "nurse2", "coordinator"] {
        sessions.push(sign_in(&client, &base, login).await);
    }
    let nurse = sessions[0].clone();
    let opened = client
        .post(format!("{base}/api/call_open"))
        .header("cookie", &nurse)
        .form(&[
            ("patient_id", PATIENT),
            ("reason", "fever"),
            ("temperature", "38.0"),
            ("pulse", "90"),
            ("systolic", "120"),
            ("diastolic", "70"),
            ("spo2", "96"),
            ("respiratory_rate", "18"),
            ("note", "soak"),
        ])
        .send()
        .await
        .expect("open call");
    let call = opened
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .and_then(|l| l.strip_prefix("/calls/"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("open call: {}", opened.status()));

    let figures = Arc::new(Figures::default());
    let stop = Arc::new(AtomicBool::new(false));
    // When the latest change was made (ms since `t0`), and its number.
    let t0 = Instant::now();
    let last_change = Arc::new(Mutex::new((0u64, 0f64)));

    // Open the streams (a few at a time, like phones waking up).
    let mut stream_tasks = Vec::new();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<bool>(n_streams.max(1));
    for i in 0..n_streams {
        let client = client.clone();
        let url = format!("{base}/events/calls");
        let cookie = sessions[i % sessions.len()].clone();
        let figures = figures.clone();
        let stop = stop.clone();
        let last_change = last_change.clone();
        let ready_tx = ready_tx.clone();
        stream_tasks.push(tokio::spawn(async move {
            let mut response = match client.get(&url).header("cookie", cookie).send().await {
                Ok(r) if r.status() == 200 => r,
                Ok(r) => {
                    eprintln!("stream {i}: {}", r.status());
                    figures.stream_errors.fetch_add(1, Ordering::Relaxed);
                    let _ = ready_tx.send(false).await;
                    return 0u64;
                }
                Err(e) => {
                    eprintln!("stream {i}: {e}");
                    figures.stream_errors.fetch_add(1, Ordering::Relaxed);
                    let _ = ready_tx.send(false).await;
                    return 0;
                }
            };
            let mut buffer = String::new();
            let mut seen = 0u64;
            let mut said_ready = false;
            let mut last_seq = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let chunk =
                    tokio::time::timeout(Duration::from_millis(500), response.chunk()).await;
                let chunk = match chunk {
                    Err(_) => continue,
                    Ok(Ok(Some(c))) => c,
                    Ok(_) => {
                        if !stop.load(Ordering::Relaxed) {
                            figures.stream_errors.fetch_add(1, Ordering::Relaxed);
                        }
                        break;
                    }
                };
                let received = t0.elapsed().as_secs_f64() * 1000.0;
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    if block.contains("event: hello") && !said_ready {
                        said_ready = true;
                        let _ = ready_tx.send(true).await;
                    } else if block.contains("event: changed") {
                        let (seq, at) = *last_change.lock().unwrap();
                        if seq > last_seq {
                            figures.delivery_ms.lock().unwrap().push(received - at);
                            last_seq = seq;
                            seen += 1;
                        }
                    }
                }
            }
            seen
        }));
    }
    drop(ready_tx);
    let mut ready = 0;
    let opening = Instant::now();
    while ready + (figures.stream_errors.load(Ordering::Relaxed) as usize) < n_streams
        && opening.elapsed() < Duration::from_secs(120)
    {
        match tokio::time::timeout(Duration::from_secs(5), ready_rx.recv()).await {
            Ok(Some(true)) => ready += 1,
            Ok(Some(false)) => {}
            Ok(None) => break,
            Err(_) => {}
        }
    }
    println!(
        "streams open: {ready}/{n_streams} in {:.1} s",
        opening.elapsed().as_secs_f64()
    );

    // Readers.
    let card_url = format!("{base}/patients/{PATIENT}/night-card");
    let reads = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    for _ in 0..n_readers {
        let client = client.clone();
        let url = card_url.clone();
        let cookie = nurse.clone();
        let figures = figures.clone();
        let stop = stop.clone();
        let reads = reads.clone();
        readers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let ok = match client.get(&url).header("cookie", &cookie).send().await {
                    Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
                    _ => false,
                };
                if ok {
                    figures
                        .card_ms
                        .lock()
                        .unwrap()
                        .push(started.elapsed().as_secs_f64() * 1000.0);
                    reads.fetch_add(1, Ordering::Relaxed);
                } else {
                    figures.errors.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }));
    }

    // Changes once a second, and the database connections.
    let run_started = Instant::now();
    let mut connections = Vec::new();
    let mut changes = 0u64;
    let call_id = call.clone();
    while run_started.elapsed() < Duration::from_secs(seconds) {
        changes += 1;
        {
            let mut last = last_change.lock().unwrap();
            *last = (changes, t0.elapsed().as_secs_f64() * 1000.0);
        }
        if let Err(e) = sqlx::query("select pg_notify('incident', $1)")
            .bind(&call_id)
            .execute(&db)
            .await
        {
            eprintln!("change: {e}");
            figures.errors.fetch_add(1, Ordering::Relaxed);
        }
        let row: (i64, i64) = sqlx::query_as(
            "select count(*), count(*) filter (where state = 'active')
               from pg_stat_activity where datname = current_database() and application_name <> 'nightcall-soak'",
        )
        .fetch_one(&db)
        .await
        .unwrap_or((-1, -1));
        connections.push(row);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    // Let the last change arrive, then stop everything.
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = run_started.elapsed().as_secs_f64();
    for r in readers {
        let _ = r.await;
    }
    let mut per_stream = Vec::new();
    for s in stream_tasks {
        per_stream.push(s.await.unwrap_or(0));
    }
    let expected = changes * ready as u64;
    let delivered: u64 = per_stream.iter().sum();
    figures
        .missed
        .store(expected.saturating_sub(delivered), Ordering::Relaxed);

    let mut delivery = figures.delivery_ms.lock().unwrap().clone();
    let mut card = figures.card_ms.lock().unwrap().clone();
    let total_reads = reads.load(Ordering::Relaxed);
    let max_conn = connections.iter().map(|c| c.0).max().unwrap_or(-1);
    let max_active = connections.iter().map(|c| c.1).max().unwrap_or(-1);
    let mean_conn =
        connections.iter().map(|c| c.0 as f64).sum::<f64>() / connections.len().max(1) as f64;
    println!("soak: {n_streams} streams, {n_readers} card readers, {seconds} s, {changes} changes");
    println!(
        "delivery change->stream: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} deliveries of {} expected, {} missed)",
        percentile(&mut delivery, 50.0),
        percentile(&mut delivery, 99.0),
        delivery.last().copied().unwrap_or(f64::NAN),
        delivered,
        expected,
        figures.missed.load(Ordering::Relaxed)
    );
    println!(
        "card reads: {total_reads} in {elapsed:.1} s = {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
        total_reads as f64 / elapsed,
        percentile(&mut card, 50.0),
        percentile(&mut card, 99.0),
    );
    println!(
        "errors: {} card, {} stream",
        figures.errors.load(Ordering::Relaxed),
        figures.stream_errors.load(Ordering::Relaxed)
    );
    println!(
        "database connections (excluding the bench's own): max {max_conn}, mean {mean_conn:.1}, max active {max_active}"
    );
}
