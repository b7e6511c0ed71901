//! `nightcall audit verify`: walks the audit log's hash chain
//! (`audit_chain`, written at commit by the database, see migration
//! `20261202000210_audit_chain.sql`) and recomputes every link here, in
//! Rust, so a function replaced in the database cannot vouch for a row it
//! changed.
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
use uuid::Uuid;

/// What the walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every row is linked, in order, and every hash matches.
    Intact {
        rows: i64,
        /// The last link, hex (empty for an empty log): keep it elsewhere
        /// to detect a rewrite of the whole chain later.
        head: String,
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
            Verdict::Intact { rows, head } => write!(f, "ok, {rows} rows (last link {head})"),
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
    // Every committed row is linked in its own transaction; a row without
    // a link was written with the chain's trigger switched off.
    let unlinked = sqlx::query!(
        r#"select a.id, a.at from audit_log a
            where not exists (select 1 from audit_chain c where c.audit_id = a.id)
            order by a.id limit 1"#
    )
    .fetch_optional(pool)
    .await?;
    if let Some(row) = unlinked {
        return Ok(Verdict::Broken {
            audit_id: Some(row.id),
            at: Some(row.at),
            seq: expected_seq,
            why: "the row has no link (written with the chain switched off)",
        });
    }
    Ok(Verdict::Intact {
        rows: expected_seq - 1,
        head: prev.as_deref().map(hex).unwrap_or_default(),
    })
}
