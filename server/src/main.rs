//! `nightcall`: serve the app, or start/stop the project-local database.

use app::ssr::state::{LiveEvent, StreamLimits};
use server::config::{self, Command, ServeConfig};
use server::embedded_pg::EmbeddedPostgres;
use server::{
    check_demo_safety, check_runtime_role, connect, demo, migrate, routes, start_worker,
    state_with, StartError,
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
        Ok(Command::AuditVerify {
            database_url,
            data_dir,
        }) => audit_verify(database_url, &data_dir).await,
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

/// `nightcall audit verify`: prints "ok, N rows …" or the first broken
/// link (exit code 1).
async fn audit_verify(
    database_url: Option<String>,
    data_dir: &std::path::Path,
) -> Result<(), StartError> {
    let (url, started) = match database_url {
        Some(url) => (url, None),
        None => {
            let was_running = EmbeddedPostgres::is_running_in(data_dir).await;
            let pg = EmbeddedPostgres::start(data_dir).await?;
            let (_, runtime) = pg.ensure_app_database("nightcall").await?;
            (runtime, (!was_running).then_some(pg))
        }
    };
    let pool = connect(&url).await?;
    let verdict = server::audit_chain::verify(&pool).await;
    pool.close().await;
    if let Some(pg) = started {
        pg.stop().await?;
    }
    match verdict.map_err(|e| StartError::DatabaseUnreachable {
        url: server::config::redact_url(&url),
        cause: e.to_string(),
    })? {
        intact @ server::audit_chain::Verdict::Intact { .. } => {
            println!("{intact}");
            Ok(())
        }
        broken => Err(StartError::AuditChainBroken(broken.to_string())),
    }
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

    let (embedded, urls, seed) = match (&config.database_url, &config.database_migrate_url) {
        (Some(url), Some(owner)) => (
            None,
            DatabaseUrls {
                owner: owner.clone(),
                runtime: url.clone(),
                set_role: false,
            },
            config.seed_demo,
        ),
        (Some(url), None) => {
            tracing::warn!(
                "DATABASE_MIGRATE_URL is not set: DATABASE_URL migrates and requests run on it \
                 as {} (SET ROLE); a separate runtime login is stronger",
                server::RUNTIME_ROLE
            );
            (
                None,
                DatabaseUrls {
                    owner: url.clone(),
                    runtime: url.clone(),
                    set_role: true,
                },
                config.seed_demo,
            )
        }
        (None, _) => {
            let pg = EmbeddedPostgres::start(&config.data_dir.join("pg")).await?;
            let (owner, runtime) = pg.ensure_app_database("nightcall").await?;
            tracing::info!(dir = %config.data_dir.display(), "embedded PostgreSQL started");
            (
                Some(pg),
                DatabaseUrls {
                    owner,
                    runtime,
                    set_role: false,
                },
                true,
            )
        }
    };

    let result = run(
        listener,
        addr,
        &urls,
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

/// The owner's connection (migrations, seed) and the one requests run on.
struct DatabaseUrls {
    owner: String,
    runtime: String,
    /// The runtime URL is the owner's: act as the runtime role on it.
    set_role: bool,
}

async fn run(
    listener: TcpListener,
    addr: std::net::SocketAddr,
    urls: &DatabaseUrls,
    seed: bool,
    site_root: &str,
    streams: StreamLimits,
) -> Result<(), StartError> {
    let owner = connect(&urls.owner).await?;
    migrate(&owner).await?;
    // --- issue 9: factors and sessions ---
    server::staff::seal_plain_totp_secrets(&owner).await?;
    if seed {
        if let Some(report) = demo::seed_demo(&owner)
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
    let pool = if urls.set_role {
        server::as_runtime_role(&owner)
    } else {
        connect(&urls.runtime).await?
    };
    owner.close().await;
    let url = urls.runtime.as_str();
    check_runtime_role(&pool).await?;
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
