//! Configuration from the environment and the command line.

use app::ssr::state::StreamLimits;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// What the process was asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Serve the app (the default).
    Serve(ServeConfig),
    /// Start the project-local PostgreSQL cluster in `data_dir`, print its
    /// URL and leave it running (used by the test scripts).
    DbStart { data_dir: PathBuf },
    /// Stop the cluster in `data_dir`.
    DbStop { data_dir: PathBuf },
    // --- issue 9: factors and sessions ---
    /// Issue a one-time enrolment code for the account `login` and print
    /// it with its expiry (`nightcall staff enrolment-code LOGIN`).
    StaffEnrolmentCode {
        login: String,
        database_url: Option<String>,
        data_dir: PathBuf,
    },
    /// Walk the audit log's hash chain (`DATABASE_URL`, or the embedded
    /// cluster in `data_dir`) and report the first broken link.
    AuditVerify {
        database_url: Option<String>,
        data_dir: PathBuf,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServeConfig {
    pub addr: SocketAddr,
    /// `None`: start the embedded cluster in `data_dir`. The connection
    /// requests run on (`DATABASE_URL`).
    pub database_url: Option<String>,
    /// The owner's connection for migrations and the demo seed
    /// (`DATABASE_MIGRATE_URL`). Without it `DATABASE_URL` migrates, and
    /// requests run on it as the runtime role (`SET ROLE`).
    pub database_migrate_url: Option<String>,
    pub data_dir: PathBuf,
    pub site_root: String,
    /// Seed the demo data even though `DATABASE_URL` is set.
    pub seed_demo: bool,
    /// Caps on open live streams (`NIGHTCALL_STREAMS_PER_SESSION`,
    /// `NIGHTCALL_STREAMS_PER_ACCOUNT`) and how often they re-check their
    /// session (`NIGHTCALL_STREAM_RECHECK_SECONDS`).
    pub streams: StreamLimits,
}

/// Reads the command line and environment. `env` is passed in so tests can
/// check every rule without touching the process environment.
pub fn parse(args: &[String], env: impl Fn(&str) -> Option<String>) -> Result<Command, String> {
    let data_dir = PathBuf::from(env("NIGHTCALL_DATA_DIR").unwrap_or_else(|| ".data".into()));
    let mut rest = args.iter().map(String::as_str);
    match rest.next() {
        None | Some("serve") => {}
        Some("db") => {
            let action = rest.next();
            let data_dir = match (rest.next(), rest.next()) {
                (Some("--data-dir"), Some(dir)) => PathBuf::from(dir),
                (None, _) => data_dir.join("pg"),
                _ => return Err("usage: nightcall db start|stop [--data-dir DIR]".into()),
            };
            return match action {
                Some("start") => Ok(Command::DbStart { data_dir }),
                Some("stop") => Ok(Command::DbStop { data_dir }),
                _ => Err("usage: nightcall db start|stop [--data-dir DIR]".into()),
            };
        }
        // --- issue 9: factors and sessions ---
        Some("staff") => {
            return match (rest.next(), rest.next(), rest.next()) {
                (Some("enrolment-code"), Some(login), None) => Ok(Command::StaffEnrolmentCode {
                    login: login.to_owned(),
                    database_url: env("DATABASE_URL").filter(|u| !u.trim().is_empty()),
                    data_dir,
                }),
                _ => Err("usage: nightcall staff enrolment-code LOGIN".into()),
            };
        }
        Some("audit") => {
            return match (rest.next(), rest.next()) {
                (Some("verify"), None) => Ok(Command::AuditVerify {
                    database_url: env("DATABASE_URL").filter(|u| !u.trim().is_empty()),
                    data_dir: data_dir.join("pg"),
                }),
                _ => Err("usage: nightcall audit verify".into()),
            };
        }
        Some(other) if other != "--seed-demo" => {
            return Err(format!(
                "unknown command {other:?}; usage: nightcall [serve] [--seed-demo] | nightcall db start|stop [--data-dir DIR]"
            ))
        }
        Some(_) => {}
    }
    let seed_flag = args.iter().any(|a| a == "--seed-demo");
    let addr_text = env("NIGHTCALL_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
    let addr = addr_text.parse::<SocketAddr>().map_err(|_| {
        format!("NIGHTCALL_ADDR={addr_text:?} is not an address like 127.0.0.1:3000")
    })?;
    let database_url = env("DATABASE_URL").filter(|u| !u.trim().is_empty());
    let database_migrate_url = env("DATABASE_MIGRATE_URL").filter(|u| !u.trim().is_empty());
    for (name, url) in [
        ("DATABASE_URL", &database_url),
        ("DATABASE_MIGRATE_URL", &database_migrate_url),
    ] {
        if let Some(url) = url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(format!(
                    "{name} must start with postgres:// (got {:?})",
                    redact_url(url)
                ));
            }
        }
    }
    if database_migrate_url.is_some() && database_url.is_none() {
        return Err(
            "DATABASE_MIGRATE_URL needs DATABASE_URL (the runtime role's connection)".into(),
        );
    }
    let seed_env = matches!(
        env("NIGHTCALL_SEED_DEMO").as_deref(),
        Some("1" | "true" | "yes")
    );
    let streams = stream_limits(&env)?;
    Ok(Command::Serve(ServeConfig {
        streams,
        addr,
        database_url,
        database_migrate_url,
        data_dir,
        site_root: env("NIGHTCALL_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
        seed_demo: seed_flag || seed_env,
    }))
}

/// The stream caps, defaults overridden by the environment.
fn stream_limits(env: &impl Fn(&str) -> Option<String>) -> Result<StreamLimits, String> {
    let number = |name: &str, default: u32| -> Result<u32, String> {
        match env(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name}={v:?} is not a whole number above 0")),
        }
    };
    let defaults = StreamLimits::default();
    Ok(StreamLimits {
        per_session: number("NIGHTCALL_STREAMS_PER_SESSION", defaults.per_session)?,
        per_account: number("NIGHTCALL_STREAMS_PER_ACCOUNT", defaults.per_account)?,
        recheck: Duration::from_secs(u64::from(number(
            "NIGHTCALL_STREAM_RECHECK_SECONDS",
            u32::try_from(defaults.recheck.as_secs()).unwrap_or(60),
        )?)),
    })
}

/// Hides the password of a database URL so it can be printed.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn run(args: &[&str], env: &[(&str, &str)]) -> Result<Command, String> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&args, |k| env.get(k).cloned())
    }

    #[test]
    fn without_database_url_the_embedded_cluster_is_used() {
        let Ok(Command::Serve(config)) = run(&[], &[]) else {
            panic!("expected serve")
        };
        assert_eq!(config.database_url, None);
        assert_eq!(config.database_migrate_url, None);
        assert_eq!(config.addr, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.data_dir, PathBuf::from(".data"));
        assert!(!config.seed_demo);
        assert_eq!(config.streams, StreamLimits::default());
    }

    #[test]
    fn stream_caps_can_be_raised_for_a_bench() {
        let Ok(Command::Serve(config)) = run(
            &[],
            &[
                ("NIGHTCALL_STREAMS_PER_SESSION", "1000"),
                ("NIGHTCALL_STREAMS_PER_ACCOUNT", "2000"),
                ("NIGHTCALL_STREAM_RECHECK_SECONDS", "2"),
            ],
        ) else {
            panic!("expected serve")
        };
        assert_eq!(config.streams.per_session, 1000);
        assert_eq!(config.streams.per_account, 2000);
        assert_eq!(config.streams.recheck, Duration::from_secs(2));
    }

    #[test]
    fn bad_configuration_is_a_readable_error() {
        type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
        let cases: [Case; 8] = [
            (
                &[],
                &[("DATABASE_MIGRATE_URL", "postgres://owner@h/db")],
                "needs DATABASE_URL",
            ),
            (
                &[],
                &[
                    ("DATABASE_URL", "postgres://app@h/db"),
                    ("DATABASE_MIGRATE_URL", "mysql://x"),
                ],
                "DATABASE_MIGRATE_URL must start",
            ),
            (&[], &[("NIGHTCALL_ADDR", "localhost")], "NIGHTCALL_ADDR"),
            (
                &[],
                &[("NIGHTCALL_STREAMS_PER_SESSION", "0")],
                "NIGHTCALL_STREAMS_PER_SESSION",
            ),
            (
                &[],
                &[("NIGHTCALL_STREAM_RECHECK_SECONDS", "soon")],
                "NIGHTCALL_STREAM_RECHECK_SECONDS",
            ),
            (&[], &[("DATABASE_URL", "mysql://x")], "postgres://"),
            (&["frobnicate"], &[], "unknown command"),
            (&["db", "restart"], &[], "usage"),
        ];
        for (args, env, expected) in cases {
            let error = run(args, env).expect_err("should fail");
            assert!(error.contains(expected), "{args:?} {env:?}: {error}");
            assert!(!error.contains('\n'), "one line: {error}");
        }
    }

    #[test]
    fn commands_parse() {
        assert_eq!(
            run(&["db", "start", "--data-dir", "/tmp/x"], &[]),
            Ok(Command::DbStart {
                data_dir: "/tmp/x".into()
            })
        );
        assert_eq!(
            run(
                &["audit", "verify"],
                &[("DATABASE_URL", "postgres://a@b/c")]
            ),
            Ok(Command::AuditVerify {
                database_url: Some("postgres://a@b/c".into()),
                data_dir: ".data/pg".into()
            })
        );
        assert!(run(&["audit", "rewrite"], &[]).is_err());
        assert_eq!(
            run(&["db", "stop"], &[]),
            Ok(Command::DbStop {
                data_dir: ".data/pg".into()
            })
        );
        let Ok(Command::Serve(c)) = run(&["--seed-demo"], &[("DATABASE_URL", "postgres://a@b/c")])
        else {
            panic!("expected serve")
        };
        assert!(c.seed_demo);
    }

    #[test]
    fn passwords_never_print() {
        let cases = [
            (
                "postgres://u:secret@h:5432/db",
                "postgres://u:***@h:5432/db",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("nonsense", "nonsense"),
        ];
        for (url, expected) in cases {
            assert_eq!(redact_url(url), expected);
        }
    }
}
