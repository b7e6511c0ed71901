//! Live-update streams and server processes in PostgreSQL, so the caps on
//! open streams hold across several server processes (issue 8).

use crate::domain::access::{Actor, Role};
use crate::ssr::auth::{CurrentUser, IDLE_TIMEOUT};
use crate::ssr::state::{CallAudience, StreamLimits, PROCESS_DEAD_AFTER};
use chrono::Utc;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// Registers (or renews) this process's heartbeat, and forgets processes
/// dead for an hour (their streams go with them).
pub async fn process_heartbeat(pool: &PgPool, process_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into server_processes (id, pid) values ($1, $2)
         on conflict (id) do update set heartbeat_at = now()",
        process_id,
        i32::try_from(std::process::id()).unwrap_or(0),
    )
    .execute(pool)
    .await?;
    sqlx::query!("delete from server_processes where heartbeat_at < now() - interval '1 hour'")
        .execute(pool)
        .await?;
    Ok(())
}

/// A process that stops cleanly removes itself and its streams.
pub async fn process_gone(pool: &PgPool, process_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from server_processes where id = $1", process_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Who may see a call on the board, in one query.
pub async fn audience(
    db: impl PgExecutor<'_>,
    call: Uuid,
) -> Result<Option<CallAudience>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select nurse.organization_id as opener_org,
                  array(select (step -> 'callee' ->> 'id')::uuid
                          from jsonb_array_elements(i.path) as step
                         where step -> 'callee' ->> 'id' is not null) as "path_staff!"
             from incidents i
             join staff nurse on nurse.id = i.opened_by
            where i.id = $1"#,
        call
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| CallAudience {
        opener_org: r.opener_org,
        path_staff: r.path_staff,
    }))
}

/// A stream asking for a slot.
pub struct NewStream<'a> {
    pub id: Uuid,
    pub process_id: Uuid,
    pub session_hash: &'a [u8],
    pub staff_id: Uuid,
    pub call_id: Option<Uuid>,
    pub client_addr: &'a str,
}

/// Whether a stream got its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Granted,
    SessionFull,
    AccountFull,
}

/// Takes a slot for a new stream unless its session or account already
/// has as many open as `limits` allow. Streams of dead processes and
/// streams whose heartbeat ran out do not count. One transaction with an
/// advisory lock per account, so two processes cannot both hand out the
/// last slot.
pub async fn open(
    pool: &PgPool,
    stream: &NewStream<'_>,
    limits: &StreamLimits,
) -> Result<Slot, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // The process row may not be written yet right after start.
    sqlx::query!(
        "insert into server_processes (id, pid) values ($1, $2) on conflict (id) do nothing",
        stream.process_id,
        i32::try_from(std::process::id()).unwrap_or(0),
    )
    .execute(&mut *tx)
    .await?;
    // `pg_advisory_xact_lock` returns void, which the query macros cannot
    // describe; the statement has no other result.
    sqlx::query("select pg_advisory_xact_lock(hashtextextended($1::text, 8))")
        .bind(stream.staff_id)
        .execute(&mut *tx)
        .await?;
    let counts = sqlx::query!(
        r#"select count(*) filter (where s.session_hash = $2) as "session!",
                  count(*) as "account!"
             from event_streams s
             join server_processes p on p.id = s.process_id
            where s.staff_id = $1
              and s.heartbeat_at > now() - make_interval(secs => $3)
              and p.heartbeat_at > now() - make_interval(secs => $4)"#,
        stream.staff_id,
        stream.session_hash,
        limits.stream_ttl().as_secs_f64(),
        PROCESS_DEAD_AFTER.as_secs_f64(),
    )
    .fetch_one(&mut *tx)
    .await?;
    if counts.session >= i64::from(limits.per_session) {
        return Ok(Slot::SessionFull);
    }
    if counts.account >= i64::from(limits.per_account) {
        return Ok(Slot::AccountFull);
    }
    sqlx::query!(
        "insert into event_streams (id, process_id, session_hash, staff_id, call_id, client_addr)
         values ($1, $2, $3, $4, $5, $6)",
        stream.id,
        stream.process_id,
        stream.session_hash,
        stream.staff_id,
        stream.call_id,
        stream.client_addr,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Slot::Granted)
}

/// Renews a stream's heartbeat.
pub async fn heartbeat(pool: &PgPool, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update event_streams set heartbeat_at = now() where id = $1",
        id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Frees a stream's slot.
pub async fn close(pool: &PgPool, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from event_streams where id = $1", id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The user of a session, as `auth::user_for_token` finds it, but without
/// touching the session: an open stream must not keep an idle session
/// alive.
pub async fn session_user(
    pool: &PgPool,
    session_hash: &[u8],
) -> Result<Option<CurrentUser>, sqlx::Error> {
    let now = Utc::now();
    let row = sqlx::query!(
        r#"select s.staff_id, s.second_factor_done,
                  st.organization_id, st.role, st.family_name || ' ' || st.given_name as "name!",
                  st.totp_enabled_at is not null as "totp_enabled!",
                  o.require_second_factor,
                  exists (select 1 from passkeys p where p.staff_id = s.staff_id) as "has_passkey!",
                  s.reauthenticated_at, s.enrolment_granted_at is not null as "enrolment_granted!",
                  s.stay_signed_in
             from sessions s
             join staff st on st.id = s.staff_id
             join organizations o on o.id = st.organization_id
            where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2
              and s.last_seen_at > $3 and st.disabled_at is null"#,
        session_hash,
        now,
        now - IDLE_TIMEOUT,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|row| {
        Some(CurrentUser {
            actor: Actor {
                staff_id: row.staff_id,
                organization_id: row.organization_id,
                role: Role::from_db(&row.role)?,
            },
            name: row.name,
            session_hash: session_hash.to_vec(),
            second_factor_done: row.second_factor_done,
            totp_enabled: row.totp_enabled,
            second_factor_required: row.require_second_factor,
            has_passkey: row.has_passkey,
            reauthenticated_at: row.reauthenticated_at,
            enrolment_granted: row.enrolment_granted,
            stay_signed_in: row.stay_signed_in,
        })
    }))
}

/// Whether any account that can sign in still has the demo password (the
/// server then refuses to listen beyond loopback). Checks each distinct
/// hash once: the demo accounts share one.
pub async fn demo_password_in_use(pool: &PgPool, demo_password: &str) -> Result<bool, sqlx::Error> {
    let hashes = sqlx::query_scalar!(
        r#"select distinct password_hash as "hash!" from staff
            where password_hash is not null and disabled_at is null"#
    )
    .fetch_all(pool)
    .await?;
    for hash in hashes {
        // Checked one at a time before the server listens, so the argon2
        // gate is never full; should it refuse, assume the worst.
        if crate::ssr::auth::verify_password(demo_password.to_owned(), Some(hash))
            .await
            .unwrap_or(true)
        {
            return Ok(true);
        }
    }
    Ok(false)
}
