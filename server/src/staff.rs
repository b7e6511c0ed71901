//! Staff credentials from the server's side (issue 9): the server key
//! (`NIGHTCALL_SECRET_KEY`, or one generated into the data folder), sealing
//! TOTP secrets still stored in plain text, and the administrator's
//! `nightcall staff enrolment-code LOGIN`.

use crate::embedded_pg::EmbeddedPostgres;
use crate::StartError;
use app::ssr::secrets;
use sqlx::PgPool;
use std::path::Path;

/// The environment variable holding the key (64 hex digits or base64 of
/// 32 bytes).
pub const KEY_ENV: &str = "NIGHTCALL_SECRET_KEY";
/// The key file in the data folder, when the environment has none.
pub const KEY_FILE: &str = "secret.key";

/// Reads the key from the environment, or else from `data_dir/secret.key`,
/// generating that file (mode 0600) on first start. The file is the
/// embedded default's way; with `DATABASE_URL` (a database the operator
/// runs) a warning says to configure the key instead.
pub fn load_secret_key(data_dir: &Path, external_db: bool) -> Result<secrets::SecretKey, String> {
    if let Ok(text) = std::env::var(KEY_ENV) {
        return secrets::parse_key(&text)
            .ok_or_else(|| format!("{KEY_ENV} must be 64 hex digits or base64 of 32 bytes"));
    }
    let path = data_dir.join(KEY_FILE);
    if !path.exists() {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::create_dir_all(data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        writeln!(file, "{}", secrets::new_key_hex())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        tracing::info!(path = %path.display(), "generated the server key");
    }
    if external_db {
        tracing::warn!(
            path = %path.display(),
            "{KEY_ENV} is not set: using the key file in the data folder; \
             set {KEY_ENV} (the same on every server process) in production"
        );
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    secrets::parse_key(&text).ok_or_else(|| format!("{} does not hold a valid key", path.display()))
}

/// Loads and installs the process's key.
pub fn install_secret_key(data_dir: &Path, external_db: bool) -> Result<(), StartError> {
    let key = load_secret_key(data_dir, external_db).map_err(StartError::Config)?;
    if secrets::install(key) {
        Ok(())
    } else {
        Err(StartError::Config(
            "a different server key is already installed".into(),
        ))
    }
}

/// Seals every TOTP secret still stored in plain text (rows from before
/// the secrets were encrypted) and empties the plain column. Idempotent;
/// run at start-up after the migrations.
pub async fn seal_plain_totp_secrets(pool: &PgPool) -> Result<(), StartError> {
    let failed = |e: String| StartError::Migrations(format!("sealing TOTP secrets: {e}"));
    let rows: Vec<(uuid::Uuid, String)> =
        sqlx::query_as("select id, totp_secret from staff where totp_secret is not null")
            .fetch_all(pool)
            .await
            .map_err(|e| failed(e.to_string()))?;
    for (id, plain) in &rows {
        let sealed = secrets::seal(plain, id.as_bytes()).map_err(|e| failed(e.to_string()))?;
        sqlx::query("update staff set totp_secret_sealed = $2, totp_secret = null where id = $1")
            .bind(id)
            .bind(sealed)
            .execute(pool)
            .await
            .map_err(|e| failed(e.to_string()))?;
    }
    if !rows.is_empty() {
        tracing::info!(accounts = rows.len(), "sealed plain TOTP secrets");
    }
    Ok(())
}

/// `nightcall staff enrolment-code LOGIN`: issues a one-time code for the
/// account and prints it once with its expiry (earlier codes are revoked).
/// Uses `DATABASE_URL`, or the embedded database in the data folder.
pub async fn enrolment_code_command(
    login: &str,
    database_url: Option<String>,
    data_dir: &Path,
) -> Result<(), StartError> {
    install_secret_key(data_dir, database_url.is_some())?;
    let (embedded, url) = match database_url {
        Some(url) => (None, url),
        None => {
            // A running `./scripts/run` keeps its database: only a cluster
            // started here is stopped again.
            let root = data_dir.join("pg");
            let was_running = match EmbeddedPostgres::at(&root) {
                Ok(pg) => pg.is_running().await,
                Err(_) => false,
            };
            let pg = EmbeddedPostgres::start(&root).await?;
            pg.ensure_database("nightcall").await?;
            let url = pg.url("nightcall");
            ((!was_running).then_some(pg), url)
        }
    };
    let result = async {
        let pool = crate::connect(&url).await?;
        crate::migrate(&pool).await?;
        let issued = app::ssr::enrolment::issue(&pool, login, chrono::Utc::now())
            .await
            .map_err(|e| StartError::Config(format!("could not issue a code: {e}")));
        pool.close().await;
        match issued? {
            Some((code, expires_at)) => {
                println!("enrolment code for {login}: {code}");
                println!(
                    "valid until {} (Asia/Tokyo), once; earlier codes of {login} are revoked",
                    app::domain::time::format_tokyo_minute(expires_at)
                );
                Ok(())
            }
            None => Err(StartError::Config(format!(
                "no active account with the login id {login:?}"
            ))),
        }
    }
    .await;
    if let Some(pg) = embedded {
        pg.stop().await?;
    }
    result
}
