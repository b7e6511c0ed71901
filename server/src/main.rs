//! `nightcall`: serve the app, or start/stop the project-local database.

use app::ssr::state::{LiveEvent, StreamLimits};
use server::config::{self, Command, ServeConfig};
use server::embedded_pg::EmbeddedPostgres;
use server::{
    check_demo_safety, connect, demo, migrate, routes, start_worker, state_with, StartError,
};
use std::process::ExitCode;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match config::parse(&args, |k| std::env::var(k).ok()) {
        Err(message) => Err(StartError::Config(message)),
        Ok(Command::Serve(config)) => serve(config).await,
        Ok(Command::DbStart { data_dir }) => db_start(&data_dir).await,
        Ok(Command::DbStop { data_dir }) => db_stop(&data_dir).await,
        // --- issue 9: factors and sessions ---
        Ok(Command::StaffEnrolmentCode {
            login,
            database_url,
            data_dir,
        }) => server::staff::enrolment_code_command(&login, database_url, &data_dir).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("nightcall: error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn db_start(data_dir: &std::path::Path) -> Result<(), StartError> {
    let pg = EmbeddedPostgres::start(data_dir).await?;
    println!("{}", pg.url("postgres"));
    Ok(())
}

async fn db_stop(data_dir: &std::path::Path) -> Result<(), StartError> {
    if data_dir.exists() {
        EmbeddedPostgres::at(data_dir)?.stop().await?;
    }
    Ok(())
}

async fn serve(config: ServeConfig) -> Result<(), StartError> {
    // --- issue 9: factors and sessions ---
    server::staff::install_secret_key(&config.data_dir, config.database_url.is_some())?;
    // Take the port first: if it is busy there is no reason to start a
    // database.
    let listener = TcpListener::bind(config.addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            StartError::AddressInUse {
                addr: config.addr.to_string(),
            }
        } else {
            StartError::Listen {
                addr: config.addr.to_string(),
                cause: e.to_string(),
            }
        }
    })?;
    let addr = listener.local_addr().map_err(|e| StartError::Listen {
        addr: config.addr.to_string(),
        cause: e.to_string(),
    })?;

    let (embedded, url, seed) = match &config.database_url {
        Some(url) => (None, url.clone(), config.seed_demo),
        None => {
            let pg = EmbeddedPostgres::start(&config.data_dir.join("pg")).await?;
            pg.ensure_database("nightcall").await?;
            let url = pg.url("nightcall");
            tracing::info!(dir = %config.data_dir.display(), "embedded PostgreSQL started");
            (Some(pg), url, true)
        }
    };

    let result = run(
        listener,
        addr,
        &url,
        seed,
        &config.site_root,
        config.streams,
    )
    .await;
    if let Some(pg) = embedded {
        tracing::info!("stopping embedded PostgreSQL");
        pg.stop().await?;
    }
    result
}

async fn run(
    listener: TcpListener,
    addr: std::net::SocketAddr,
    url: &str,
    seed: bool,
    site_root: &str,
    streams: StreamLimits,
) -> Result<(), StartError> {
    let pool = connect(url).await?;
    migrate(&pool).await?;
    // --- issue 9: factors and sessions ---
    server::staff::seal_plain_totp_secrets(&pool).await?;
    if seed {
        if let Some(report) = demo::seed_demo(&pool)
            .await
            .map_err(|e| StartError::Seed(e.to_string()))?
        {
            tracing::info!(
                patients = report.patients,
                staff = report.staff,
                "demo data seeded"
            );
        }
    }
    if !addr.ip().is_loopback() {
        let in_use = app::ssr::db::streams::demo_password_in_use(&pool, demo::DEMO_PASSWORD)
            .await
            .map_err(|e| StartError::DatabaseUnreachable {
                url: server::config::redact_url(url),
                cause: e.to_string(),
            })?;
        if let Err(refused) = check_demo_safety(addr, in_use) {
            pool.close().await;
            return Err(refused);
        }
    }
    let worker =
        (std::env::var("NIGHTCALL_WORKER").as_deref() != Ok("0")).then(|| start_worker(&pool));
    let state = state_with(pool.clone(), site_root, addr, streams);
    let live = state.live.clone();
    let process_id = live.process_id;
    let app = routes::router(state);
    tracing::info!("Nightcall listening on http://{addr}");
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Open streams would hold the graceful shutdown for ever: end them.
        let _ = live.events.send(LiveEvent::Shutdown);
    })
    .await
    .map_err(|e| StartError::Serve(e.to_string()));
    if let Some(worker) = worker {
        worker.stop().await;
    }
    let _ = app::ssr::db::streams::process_gone(&pool, process_id).await;
    pool.close().await;
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
