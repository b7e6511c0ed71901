//! The embedded database default: a PostgreSQL cluster inside the project
//! folder, started and stopped by the app itself (no docker, no system
//! service).
//!
//! The cluster listens on a unix socket in its own folder only
//! (`listen_addresses = ''`), so it never takes a TCP port and cannot clash
//! with another PostgreSQL on the machine. PostgreSQL refuses to run as root;
//! when we are root (CI, containers) the server runs as the `postgres` user
//! that Debian's package creates, and owns only the data folder.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::process::Command;

const SUPERUSER: &str = "nightcall";
const SOCKET_PORT: u16 = 5432;
const INSTALL_HINT: &str = "install them with: sudo apt-get install -y postgresql (Debian/Ubuntu) or brew install postgresql (macOS)";

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("PostgreSQL server programs (initdb, pg_ctl) were not found{0}; {INSTALL_HINT}")]
    BinariesMissing(String),
    #[error("PostgreSQL refuses to run as root and there is no 'postgres' user to run it as; {INSTALL_HINT}")]
    NoServiceUser,
    #[error("{step} failed for the cluster in {dir}: {detail}")]
    Command {
        step: &'static str,
        dir: String,
        detail: String,
    },
    #[error("cannot prepare the folder {dir}: {cause}")]
    Folder { dir: String, cause: String },
}

/// A running project-local cluster.
#[derive(Debug, Clone)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    socket_dir: PathBuf,
    run_as: Option<String>,
}

impl EmbeddedPostgres {
    /// Initialises the cluster on first use and starts it (or finds it
    /// already running after an unclean stop).
    pub async fn start(root: &Path) -> Result<Self, PgError> {
        let bin_dir = find_bin_dir()?;
        let run_as = service_user()?;
        std::fs::create_dir_all(root).map_err(|e| folder_error(root, e))?;
        let root = root.canonicalize().map_err(|e| folder_error(root, e))?;
        // The socket lives in this folder: only its owner may reach it
        // (the cluster trusts every local connection).
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| folder_error(&root, e))?;
        }
        let pg = EmbeddedPostgres {
            bin_dir,
            data_dir: root.join("data"),
            socket_dir: root.clone(),
            run_as,
        };
        if let Some(user) = &pg.run_as {
            chown(&root, user).await?;
        }
        if !pg.data_dir.join("PG_VERSION").exists() {
            pg.run(
                "initdb",
                &[
                    "-D".as_ref(),
                    pg.data_dir.as_os_str(),
                    "-U".as_ref(),
                    SUPERUSER.as_ref(),
                    "--auth=trust".as_ref(),
                    "--encoding=UTF8".as_ref(),
                    "--no-locale".as_ref(),
                ],
            )
            .await?;
        }
        if !pg.is_running().await {
            let options = format!(
                "-c listen_addresses='' -k {} -p {SOCKET_PORT} -c fsync=on",
                pg.socket_dir.display()
            );
            let log = root.join("postgres.log");
            pg.run(
                "pg_ctl start",
                &[
                    "start".as_ref(),
                    "-w".as_ref(),
                    "-t".as_ref(),
                    "60".as_ref(),
                    "-D".as_ref(),
                    pg.data_dir.as_os_str(),
                    "-l".as_ref(),
                    log.as_os_str(),
                    "-o".as_ref(),
                    options.as_ref(),
                ],
            )
            .await?;
        }
        Ok(pg)
    }

    /// The same cluster, for `db stop`, without starting anything.
    pub fn at(root: &Path) -> Result<Self, PgError> {
        let root = root.canonicalize().map_err(|e| folder_error(root, e))?;
        Ok(EmbeddedPostgres {
            bin_dir: find_bin_dir()?,
            data_dir: root.join("data"),
            socket_dir: root,
            run_as: service_user()?,
        })
    }

    /// The URL of database `db` on this cluster.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost/{db}?host={}&port={SOCKET_PORT}",
            self.socket_dir.display()
        )
    }

    /// Creates database `db` unless it exists.
    pub async fn ensure_database(&self, db: &str) -> Result<(), PgError> {
        let admin = sqlx::PgPool::connect(&self.url("postgres"))
            .await
            .map_err(|e| self.command_error("connect", e.to_string()))?;
        let exists: bool =
            sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
                .bind(db)
                .fetch_one(&admin)
                .await
                .map_err(|e| self.command_error("create database", e.to_string()))?;
        if !exists {
            // Identifiers cannot be bound; `db` is our own constant-like name,
            // quoted to be safe.
            sqlx::query(&format!("create database \"{}\"", db.replace('"', "")))
                .execute(&admin)
                .await
                .map_err(|e| self.command_error("create database", e.to_string()))?;
        }
        admin.close().await;
        Ok(())
    }

    /// Stops the cluster, waiting for a clean shutdown.
    pub async fn stop(&self) -> Result<(), PgError> {
        if !self.is_running().await {
            return Ok(());
        }
        self.run(
            "pg_ctl stop",
            &[
                "stop".as_ref(),
                "-w".as_ref(),
                "-m".as_ref(),
                "fast".as_ref(),
                "-D".as_ref(),
                self.data_dir.as_os_str(),
            ],
        )
        .await
    }

    pub async fn is_running(&self) -> bool {
        self.command(
            "pg_ctl",
            &["status".as_ref(), "-D".as_ref(), self.data_dir.as_os_str()],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .map(|s| s.success())
        .unwrap_or(false)
    }

    fn command(&self, program: &str, args: &[&std::ffi::OsStr]) -> Command {
        let tool = if program == "initdb" {
            "initdb"
        } else {
            "pg_ctl"
        };
        let path = self.bin_dir.join(tool);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(user).arg("--").arg(path);
                c
            }
            None => Command::new(path),
        };
        cmd.args(args).stdin(Stdio::null()).kill_on_drop(false);
        cmd
    }

    async fn run(&self, step: &'static str, args: &[&std::ffi::OsStr]) -> Result<(), PgError> {
        let program = step.split(' ').next().unwrap_or(step);
        let output = self
            .command(program, args)
            .output()
            .await
            .map_err(|e| self.command_error(step, e.to_string()))?;
        if output.status.success() {
            Ok(())
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let detail = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no output")
                .to_owned();
            Err(self.command_error(step, detail))
        }
    }

    fn command_error(&self, step: &'static str, detail: String) -> PgError {
        PgError::Command {
            step,
            dir: self.data_dir.display().to_string(),
            detail,
        }
    }
}

fn folder_error(dir: &Path, cause: std::io::Error) -> PgError {
    PgError::Folder {
        dir: dir.display().to_string(),
        cause: cause.to_string(),
    }
}

/// Where `initdb` and `pg_ctl` are: `NIGHTCALL_PG_BINDIR`, then `PATH`, then
/// Debian's versioned folders (newest first), then common macOS places.
pub fn find_bin_dir() -> Result<PathBuf, PgError> {
    if let Ok(dir) = std::env::var("NIGHTCALL_PG_BINDIR") {
        let dir = PathBuf::from(dir);
        return if has_server_programs(&dir) {
            Ok(dir)
        } else {
            Err(PgError::BinariesMissing(format!(
                " in NIGHTCALL_PG_BINDIR={}",
                dir.display()
            )))
        };
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    debian.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    candidates.extend(debian.into_iter().rev());
    candidates.push("/opt/homebrew/bin".into());
    candidates.push("/usr/local/bin".into());
    candidates
        .into_iter()
        .find(|d| has_server_programs(d))
        .ok_or_else(|| PgError::BinariesMissing(String::new()))
}

fn has_server_programs(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

/// `None` when we may run PostgreSQL ourselves; the user to run it as when
/// we are root.
fn service_user() -> Result<Option<String>, PgError> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    if passwd.lines().any(|l| l.starts_with("postgres:")) {
        Ok(Some("postgres".into()))
    } else {
        Err(PgError::NoServiceUser)
    }
}

async fn chown(dir: &Path, user: &str) -> Result<(), PgError> {
    let status = Command::new("chown")
        .arg("-R")
        .arg(format!("{user}:"))
        .arg(dir)
        .status()
        .await
        .map_err(|e| folder_error(dir, e))?;
    if status.success() {
        Ok(())
    } else {
        Err(PgError::Folder {
            dir: dir.display().to_string(),
            cause: format!("chown to {user} failed"),
        })
    }
}
