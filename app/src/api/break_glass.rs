//! Break-glass: a physician outside the care team opens a card after
//! stating why. Time-limited, marked on the card, reported.

use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "break_glass")]
pub async fn break_glass(patient_id: String, reason: String) -> Result<(), AppError> {
    use crate::domain::access::{break_glass_grant_until, may_break_glass, BreakGlassReason};
    use crate::domain::patient::PatientId;
    use crate::ssr::{access, audit, auth, request};

    let id = PatientId::parse(&patient_id)
        .map_err(|_| request::fail(AppError::Invalid("patient_id".into())))?;
    let back = format!("/patients/{id}/night-card");
    let reason = BreakGlassReason::parse(&reason)
        .map_err(|_| request::fail_form(AppError::Invalid("break_glass_reason".into()), &back))?;
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let now = chrono::Utc::now();
    let facts = access::access_facts(&pool, user.actor.staff_id, id, now)
        .await?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    if let Err(reason) = may_break_glass(&user.actor, &facts, now) {
        audit::record(
            &pool,
            &user,
            Some(id.0),
            "break_glass",
            "denied",
            &format!("{reason:?}"),
        )
        .await?;
        return Err(request::fail_form(AppError::Forbidden, &back));
    }
    let expires = break_glass_grant_until(now);
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    sqlx::query!(
        r#"insert into break_glass_grants (id, staff_id, patient_id, reason, created_at, expires_at)
           values ($1, $2, $3, $4, $5, $6)"#,
        uuid::Uuid::new_v4(),
        user.actor.staff_id,
        id.0,
        reason.as_str(),
        now,
        expires,
    )
    .execute(&mut *tx)
    .await
    .map_err(request::internal("recording break-glass"))?;
    audit::record(
        &mut *tx,
        &user,
        Some(id.0),
        "break_glass",
        "allowed",
        reason.as_str(),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    leptos_axum::redirect(&back);
    Ok(())
}
