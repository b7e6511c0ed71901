//! Finding a patient by name, kana, address or the number that is calling.
//! Only patients the user may open are found, and every search is audited.

use crate::domain::search::SearchResults;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "search_patients")]
pub async fn search_patients(q: String) -> Result<SearchResults, AppError> {
    use crate::domain::patient::{age_on, era_of};
    use crate::domain::search::{PatientHit, PatientQuery, MAX_HITS};
    use crate::domain::time::tokyo_date;
    use crate::ssr::{audit, auth, db, request};

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    let query = PatientQuery::parse(&q)
        .map_err(|e| request::fail(AppError::Invalid(e.code().to_owned())))?;
    let now = chrono::Utc::now();
    let today = tokyo_date(now);
    // One more than shown, to know whether there are more.
    let limit = i64::try_from(MAX_HITS).unwrap_or(50) + 1;
    let mut tx = pool.begin().await.map_err(request::internal("begin"))?;
    let rows = db::search::search(&mut tx, &user.actor, now, &query, limit)
        .await
        .map_err(request::internal("searching patients"))?;
    let shown: Vec<uuid::Uuid> = rows.iter().take(MAX_HITS).map(|r| r.id.0).collect();
    audit::record_read(
        &mut *tx,
        &user,
        "search_patients",
        &shown,
        &format!(
            "q={:?} text={:?} digits={:?} hits={}",
            q.trim(),
            query.text(),
            query.digits(),
            rows.len().min(MAX_HITS)
        ),
    )
    .await?;
    tx.commit().await.map_err(request::internal("commit"))?;
    let truncated = rows.len() > MAX_HITS;
    Ok(SearchResults {
        hits: rows
            .into_iter()
            .take(MAX_HITS)
            .map(|r| PatientHit {
                id: r.id,
                age: age_on(r.birth_date, today),
                birth_era: era_of(r.birth_date),
                name: r.name,
                name_kana: r.name_kana,
                birth_date: r.birth_date,
                address: r.address,
                station: r.station,
                via_contact: r.via_contact,
            })
            .collect(),
        truncated,
    })
}
