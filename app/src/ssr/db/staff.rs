//! The queries behind staff administration (`api::staff`): the accounts
//! with what the administrator needs to see of them, and their changes.
//! Each change runs in the caller's transaction with its audit row.

use crate::domain::access::Role;
use crate::domain::staff::StaffInput;
use crate::views::staff::{OrganizationOption, StaffRow};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// Every organisation, by kind and name.
pub async fn organizations(
    db: impl PgExecutor<'_>,
) -> Result<Vec<OrganizationOption>, sqlx::Error> {
    let rows = sqlx::query!("select id, name, kind from organizations order by kind, name, id")
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| OrganizationOption {
            id: r.id,
            name: r.name,
            kind: r.kind,
        })
        .collect())
}

/// The accounts of `organization` (all when `None`), by organisation and
/// kana; or the one account `id`.
pub async fn accounts(
    db: impl PgExecutor<'_>,
    organization: Option<Uuid>,
    id: Option<Uuid>,
) -> Result<Vec<StaffRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select s.id, s.family_name, s.given_name, s.family_name_kana, s.given_name_kana,
                  s.role, s.organization_id, o.name as organization_name,
                  coalesce(s.login_id, '') as "login_id!", s.phone,
                  s.disabled_at is not null as "disabled!",
                  exists (select 1 from audit_log a
                           where a.staff_id = s.id and a.action in ('sign_in', 'first_sign_in')
                             and a.outcome in ('allowed', 'done')) as "has_signed_in!",
                  (s.totp_enabled_at is not null
                   or exists (select 1 from passkeys p where p.staff_id = s.id)) as "factor_enrolled!"
             from staff s
             join organizations o on o.id = s.organization_id
            where ($1::uuid is null or s.organization_id = $1)
              and ($2::uuid is null or s.id = $2)
            order by o.kind, o.name, s.family_name_kana, s.given_name_kana, s.id"#,
        organization,
        id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(StaffRow {
                role: Role::from_db(&r.role)?,
                id: r.id,
                family_name: r.family_name,
                given_name: r.given_name,
                family_name_kana: r.family_name_kana,
                given_name_kana: r.given_name_kana,
                organization_id: r.organization_id,
                organization_name: r.organization_name,
                login_id: r.login_id,
                phone: r.phone,
                disabled: r.disabled,
                has_signed_in: r.has_signed_in,
                factor_enrolled: r.factor_enrolled,
            })
        })
        .collect())
}

/// Whether the organisation exists.
pub async fn organization_exists(db: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from organizations where id = $1) as "exists!""#,
        id
    )
    .fetch_one(db)
    .await
}

/// A new account without a password (the first sign-in sets it).
pub async fn insert(
    db: &mut PgConnection,
    id: Uuid,
    input: &StaffInput,
    login_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into staff (id, organization_id, role, family_name, given_name,
                            family_name_kana, given_name_kana, phone, login_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        input.organization_id,
        input.role.as_str(),
        input.family_name,
        input.given_name,
        input.family_name_kana,
        input.given_name_kana,
        input.phone,
        login_id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The role of account `id`, locked for the change, if it exists.
pub async fn lock_role(db: &mut PgConnection, id: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("select role from staff where id = $1 for update", id)
        .fetch_optional(db)
        .await
}

/// Changes the details of account `id`.
pub async fn update(
    db: &mut PgConnection,
    id: Uuid,
    input: &StaffInput,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "update staff set organization_id = $2, role = $3, family_name = $4, given_name = $5,
                          family_name_kana = $6, given_name_kana = $7, phone = $8
          where id = $1",
        id,
        input.organization_id,
        input.role.as_str(),
        input.family_name,
        input.given_name,
        input.family_name_kana,
        input.given_name_kana,
        input.phone,
    )
    .execute(db)
    .await?
    .rows_affected())
}

/// Disables account `id` and ends every session of it (a disabled
/// account signs in nowhere, and its open sessions stop at the next
/// request); or enables it again. Returns the sessions ended.
pub async fn set_disabled(
    db: &mut PgConnection,
    id: Uuid,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        "update staff set disabled_at = case when $2 then coalesce(disabled_at, $3) end
          where id = $1",
        id,
        disabled,
        now
    )
    .execute(&mut *db)
    .await?;
    if !disabled {
        return Ok(0);
    }
    Ok(sqlx::query!(
        "update sessions set revoked_at = $2 where staff_id = $1 and revoked_at is null",
        id,
        now
    )
    .execute(db)
    .await?
    .rows_affected())
}
