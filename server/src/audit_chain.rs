//! The audit log's hash chain: [`seal`] links the committed rows not yet
//! linked (the sealer task calls it once a second, see `worker.rs` and
//! migration `20261202000230_audit_sealer.sql`), and [`verify`] — `nightcall
//! audit verify` — walks the chain (`audit_chain`) and recomputes every link
//! here, in Rust, so a function replaced in the database cannot vouch for a
//! row it changed.
//!
//! A link is sha256(previous link's hash || canonical bytes of the row);
//! the canonical bytes are, for each field in order, `N` for null or
//! `S<byte length>:<utf-8 text>`. What it proves: no row was changed,
//! removed or reordered after it was written, unless whoever did it also
//! rewrote every later link — which only the owner can, and which a copy of
//! the latest link kept elsewhere (the line this command prints) reveals.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// Rows linked per sealing transaction.
pub const SEAL_BATCH: i32 = 5000;

/// A row waiting longer than this for its link means no sealer runs.
pub const SEAL_OVERDUE: Duration = Duration::from_secs(60);

/// What one [`seal`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealed {
    /// This many rows were linked (0: nothing was waiting).
    Linked(i64),
    /// Another sealer (this or another server process) was at work.
    Busy,
}

/// Links every committed audit row that has no link yet, a batch per
/// transaction, after the chain's head. Safe to call from several processes
/// at once: the database lets one sealer work and tells the others
/// [`Sealed::Busy`] (see the migration).
pub async fn seal(pool: &PgPool) -> Result<Sealed, sqlx::Error> {
    let mut linked = 0_i64;
    loop {
        let n = sqlx::query_scalar!("select audit_chain_seal($1)", SEAL_BATCH)
            .fetch_one(pool)
            .await?;
        match n {
            None if linked == 0 => return Ok(Sealed::Busy),
            None => return Ok(Sealed::Linked(linked)),
            Some(n) => {
                linked += i64::from(n);
                if n < SEAL_BATCH {
                    return Ok(Sealed::Linked(linked));
                }
            }
        }
    }
}

/// What the walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every link is in order and every hash matches; `unsealed` rows are
    /// committed but wait for their link (for less than [`SEAL_OVERDUE`]).
    Intact {
        rows: i64,
        /// The last link, hex (empty for an empty log): keep it elsewhere
        /// to detect a rewrite of the whole chain later.
        head: String,
        unsealed: i64,
    },
    /// The links hold, but a row has waited for its link longer than
    /// [`SEAL_OVERDUE`]: no sealer runs (or its queue entry was removed).
    Overdue {
        rows: i64,
        unsealed: i64,
        /// The oldest such row.
        audit_id: i64,
        at: DateTime<Utc>,
    },
    /// The first link that does not hold.
    Broken {
        /// The audit row's id, when there is one.
        audit_id: Option<i64>,
        at: Option<DateTime<Utc>>,
        seq: i64,
        why: &'static str,
    },
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Intact {
                rows,
                head,
                unsealed,
            } => write!(
                f,
                "ok, {rows} rows linked (last link {head}), {unsealed} not sealed yet"
            ),
            Verdict::Overdue {
                rows,
                unsealed,
                audit_id,
                at,
            } => write!(
                f,
                "not sealed: {unsealed} rows wait for their link, audit row {audit_id} ({}) \
                 for more than {} s; is a server with the sealer running? \
                 ({rows} rows linked, every link holds)",
                at.to_rfc3339(),
                SEAL_OVERDUE.as_secs()
            ),
            Verdict::Broken {
                audit_id,
                at,
                seq,
                why,
            } => {
                write!(f, "broken at link {seq}")?;
                if let Some(id) = audit_id {
                    write!(f, ", audit row {id}")?;
                }
                if let Some(at) = at {
                    write!(f, " ({})", at.to_rfc3339())?;
                }
                write!(f, ": {why}")
            }
        }
    }
}

/// One field of the canonical encoding.
fn field(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(b'N'),
        Some(v) => {
            out.extend_from_slice(format!("S{}:", v.len()).as_bytes());
            out.extend_from_slice(v.as_bytes());
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fields of one audit row, as stored.
pub struct AuditRowFields<'a> {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub staff_id: Option<Uuid>,
    pub session_hash: Option<&'a [u8]>,
    pub patient_id: Option<Uuid>,
    pub patient_ids: &'a [Uuid],
    pub action: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
}

/// The hash of link `seq` for `row` after the link `prev`.
pub fn link_hash(prev: Option<&[u8]>, seq: i64, row: &AuditRowFields<'_>) -> [u8; 32] {
    let mut canonical = Vec::with_capacity(256);
    field(&mut canonical, Some(&seq.to_string()));
    field(&mut canonical, Some(&row.id.to_string()));
    field(&mut canonical, Some(&row.at.timestamp_micros().to_string()));
    field(
        &mut canonical,
        row.staff_id.map(|u| u.to_string()).as_deref(),
    );
    field(&mut canonical, row.session_hash.map(hex).as_deref());
    field(
        &mut canonical,
        row.patient_id.map(|u| u.to_string()).as_deref(),
    );
    let ids: Vec<String> = row.patient_ids.iter().map(Uuid::to_string).collect();
    field(&mut canonical, Some(&ids.join(",")));
    field(&mut canonical, Some(row.action));
    field(&mut canonical, Some(row.outcome));
    field(&mut canonical, Some(row.detail));
    field(&mut canonical, Some(row.ip));
    let mut hasher = Sha256::new();
    hasher.update(prev.unwrap_or_default());
    hasher.update(&canonical);
    hasher.finalize().into()
}

/// Walks the whole chain, a batch at a time, and reports the first broken
/// link or the number of rows.
pub async fn verify(pool: &PgPool) -> Result<Verdict, sqlx::Error> {
    const BATCH: i64 = 5000;
    let mut prev: Option<Vec<u8>> = None;
    let mut expected_seq: i64 = 1;
    loop {
        let rows = sqlx::query!(
            r#"select c.seq, c.prev_hash, c.row_hash,
                      a.id as "id?", a.at as "at?", a.staff_id, a.session_hash, a.patient_id,
                      a.patient_ids as "patient_ids?", a.action as "action?",
                      a.outcome as "outcome?", a.detail as "detail?", a.ip as "ip?"
                 from audit_chain c
                 left join audit_log a on a.id = c.audit_id
                where c.seq >= $1
                order by c.seq
                limit $2"#,
            expected_seq,
            BATCH,
        )
        .fetch_all(pool)
        .await?;
        let done = (rows.len() as i64) < BATCH;
        for r in rows {
            let broken = |why| Verdict::Broken {
                audit_id: r.id,
                at: r.at,
                seq: r.seq,
                why,
            };
            if r.seq != expected_seq {
                return Ok(Verdict::Broken {
                    audit_id: None,
                    at: None,
                    seq: expected_seq,
                    why: "a link is missing",
                });
            }
            if r.prev_hash.as_deref() != prev.as_deref() {
                return Ok(broken("it does not follow the previous link"));
            }
            let (
                Some(id),
                Some(at),
                Some(patient_ids),
                Some(action),
                Some(outcome),
                Some(detail),
                Some(ip),
            ) = (
                r.id,
                r.at,
                r.patient_ids.as_deref(),
                r.action.as_deref(),
                r.outcome.as_deref(),
                r.detail.as_deref(),
                r.ip.as_deref(),
            )
            else {
                return Ok(broken("its audit row was removed"));
            };
            let hash = link_hash(
                prev.as_deref(),
                r.seq,
                &AuditRowFields {
                    id,
                    at,
                    staff_id: r.staff_id,
                    session_hash: r.session_hash.as_deref(),
                    patient_id: r.patient_id,
                    patient_ids,
                    action,
                    outcome,
                    detail,
                    ip,
                },
            );
            if hash.as_slice() != r.row_hash.as_slice() {
                return Ok(broken("the row was changed after it was written"));
            }
            prev = Some(r.row_hash);
            expected_seq += 1;
        }
        if done {
            break;
        }
    }
    // The rows without a link: waiting for the sealer, unless one waits
    // far too long. Found over the whole log, not through the sealer's
    // queue, so a row kept out of the queue is found too.
    let unsealed = sqlx::query_scalar!(
        r#"select count(*) as "n!" from audit_log a
            where not exists (select 1 from audit_chain c where c.audit_id = a.id)"#
    )
    .fetch_one(pool)
    .await?;
    let rows = expected_seq - 1;
    if unsealed > 0 {
        let overdue = sqlx::query!(
            r#"select a.id, a.at from audit_log a
                where not exists (select 1 from audit_chain c where c.audit_id = a.id)
                  and a.at < now() - make_interval(secs => $1)
                order by a.at, a.id limit 1"#,
            SEAL_OVERDUE.as_secs_f64(),
        )
        .fetch_optional(pool)
        .await?;
        if let Some(row) = overdue {
            return Ok(Verdict::Overdue {
                rows,
                unsealed,
                audit_id: row.id,
                at: row.at,
            });
        }
    }
    Ok(Verdict::Intact {
        rows,
        head: prev.as_deref().map(hex).unwrap_or_default(),
        unsealed,
    })
}
