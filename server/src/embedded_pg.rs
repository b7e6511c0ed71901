//! The embedded database default: a PostgreSQL cluster inside the project
//! folder, started and stopped by the app itself (no docker, no system
//! service).
//!
//! The cluster listens on a unix socket in its own folder only
//! (`listen_addresses = ''`), so it never takes a TCP port and cannot clash
//! with another PostgreSQL on the machine. PostgreSQL refuses to run as root;
//! when we are root (CI, containers) the server runs as the `postgres` user
//! that Debian's package creates, and owns only the data folder.
//!
//! Three roles (see docs/security-database.md):
//!
//! * `nightcall`, the bootstrap superuser, trusted on the socket only: the
//!   socket folder is 0700, so only the account that owns `.data` (which
//!   can read the data files anyway) and root reach it; a password would
//!   protect nothing more. The server never serves requests as it.
//! * `nightcall_owner` owns the database and its tables and runs the
//!   migrations (and the demo seed).
//! * `nightcall_app` serves requests: rows only, no DDL, no TRUNCATE,
//!   append-only history (granted by the migrations).
//!
//! The two login roles sign in with scram-sha-256 passwords generated on
//! first start and kept in the cluster folder (`<role>.password`, 0600).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::process::Command;

const SUPERUSER: &str = "nightcall";
/// The role that owns the schema and runs the migrations.
pub const OWNER_ROLE: &str = "nightcall_owner";
/// The role requests run as (created by the migrations as a group role;
/// given a login here).
pub const RUNTIME_ROLE: &str = "nightcall_app";
/// Only the bootstrap superuser is trusted, and only on the socket in the
/// 0700 folder; every other role needs its password.
const PG_HBA: &str = "# Written by nightcall (server/src/embedded_pg.rs); rewritten on every start.
# Unix socket only (listen_addresses = ''), in a folder only its owner reaches.
local all nightcall trust
local all all scram-sha-256
";
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
        // Every start: a cluster made before the roles existed trusted
        // every local user; the file is the rule now.
        let hba = pg.data_dir.join("pg_hba.conf");
        let hba_changed = std::fs::read_to_string(&hba).ok().as_deref() != Some(PG_HBA);
        if hba_changed {
            // Writing in place keeps the file's owner (the service user).
            std::fs::write(&hba, PG_HBA).map_err(|e| folder_error(&hba, e))?;
        }
        let running = pg.is_running().await;
        if running && hba_changed {
            pg.run(
                "pg_ctl reload",
                &["reload".as_ref(), "-D".as_ref(), pg.data_dir.as_os_str()],
            )
            .await?;
        }
        if !running {
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

    /// The URL of database `db` as `role`, with its password.
    pub fn url_as(&self, role: &str, password: &str, db: &str) -> String {
        format!(
            "postgres://{role}:{password}@localhost/{db}?host={}&port={SOCKET_PORT}",
            self.socket_dir.display()
        )
    }

    /// The password of login role `role`, generated on first use and kept
    /// in the cluster folder (0600).
    fn password_of(&self, role: &str) -> Result<String, PgError> {
        use std::os::unix::fs::PermissionsExt;
        let file = self.socket_dir.join(format!("{role}.password"));
        if let Ok(text) = std::fs::read_to_string(&file) {
            let text = text.trim();
            if text.len() >= 32 && text.chars().all(|c| c.is_ascii_hexdigit()) {
                return Ok(text.to_owned());
            }
        }
        // 2 × 122 random bits from the operating system, hex: nothing in
        // it needs quoting in a URL or in SQL.
        let password = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        std::fs::write(&file, &password).map_err(|e| folder_error(&file, e))?;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| folder_error(&file, e))?;
        Ok(password)
    }

    /// Creates database `db` owned by the owner role, gives the owner and
    /// the runtime role their logins, and hands a database made before the
    /// roles existed (owned by the superuser) to the owner. Returns the
    /// owner's URL (migrations, seed) and the runtime role's URL (requests).
    pub async fn ensure_app_database(&self, db: &str) -> Result<(String, String), PgError> {
        self.ensure_database(db).await?;
        let owner_password = self.password_of(OWNER_ROLE)?;
        let app_password = self.password_of(RUNTIME_ROLE)?;
        let fail =
            |step: &'static str| move |e: sqlx::Error| self.command_error(step, e.to_string());
        let admin = sqlx::PgPool::connect(&self.url(db))
            .await
            .map_err(fail("connect"))?;
        // The passwords are hex we generated: safe to write into the
        // statement (ALTER ROLE takes no parameters).
        for (role, password) in [(OWNER_ROLE, &owner_password), (RUNTIME_ROLE, &app_password)] {
            let exists: bool =
                sqlx::query_scalar("select exists(select 1 from pg_roles where rolname = $1)")
                    .bind(role)
                    .fetch_one(&admin)
                    .await
                    .map_err(fail("create roles"))?;
            let verb = if exists { "alter" } else { "create" };
            sqlx::query(&format!(
                "{verb} role {role} login nosuperuser nocreatedb nocreaterole noreplication \
                 nobypassrls password '{password}'"
            ))
            .execute(&admin)
            .await
            .map_err(fail("create roles"))?;
        }
        sqlx::query(&format!(
            "alter database \"{}\" owner to {OWNER_ROLE}",
            db.replace('"', "")
        ))
        .execute(&admin)
        .await
        .map_err(fail("hand the database to its owner"))?;
        // A database migrated by the superuser before: its tables,
        // sequences, views and functions go to the owner.
        sqlx::query(&format!(
            r#"do $$
            declare r record;
            begin
                for r in select c.oid::regclass as name, c.relkind from pg_class c
                           join pg_namespace n on n.oid = c.relnamespace
                          where n.nspname = 'public' and c.relowner = '{SUPERUSER}'::regrole
                            and c.relkind in ('r', 'v', 'm', 'p', 'f')
                            and not exists (select 1 from pg_depend d
                                             where d.objid = c.oid and d.deptype = 'e')
                loop
                    execute format('alter table %s owner to {OWNER_ROLE}', r.name);
                end loop;
                for r in select c.oid::regclass as name from pg_class c
                           join pg_namespace n on n.oid = c.relnamespace
                          where n.nspname = 'public' and c.relowner = '{SUPERUSER}'::regrole
                            and c.relkind = 'S'
                            and not exists (select 1 from pg_depend d
                                             where d.objid = c.oid and d.deptype = 'e')
                loop
                    execute format('alter sequence %s owner to {OWNER_ROLE}', r.name);
                end loop;
                for r in select p.oid::regprocedure as name from pg_proc p
                           join pg_namespace n on n.oid = p.pronamespace
                          where n.nspname = 'public' and p.proowner = '{SUPERUSER}'::regrole
                            and not exists (select 1 from pg_depend d
                                             where d.objid = p.oid and d.deptype = 'e')
                loop
                    execute format('alter function %s owner to {OWNER_ROLE}', r.name);
                end loop;
                -- Before PostgreSQL 15 everyone may create in `public`:
                -- the runtime role must not.
                revoke create on schema public from public;
            end;
            $$"#
        ))
        .execute(&admin)
        .await
        .map_err(fail("hand the tables to their owner"))?;
        admin.close().await;
        Ok((
            self.url_as(OWNER_ROLE, &owner_password, db),
            self.url_as(RUNTIME_ROLE, &app_password, db),
        ))
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

    /// Whether a cluster in `root` is running now (false when there is
    /// none).
    pub async fn is_running_in(root: &Path) -> bool {
        match Self::at(root) {
            Ok(pg) => pg.is_running().await,
            Err(_) => false,
        }
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
