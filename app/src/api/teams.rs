//! Clinic-team administration: the team's night model (a preset that makes
//! its escalation policy and duty schedule), its calling order and its
//! backup hospital. For coordinators and administrators
//! (`Action::ManageRoster`). Every change is one transaction with its
//! audit row and its line in the team's history; the forms are plain
//! posts, so all of it works without JavaScript.

use crate::error::AppError;
use leptos::prelude::*;

pub use crate::views::teams::{
    HospitalOption, TeamAdmin, TeamChange, TeamCover, TeamDoctor, TeamSummary,
};

#[cfg(feature = "ssr")]
mod ssr {
    use crate::domain::access::{decide_staff_action, Action};
    use crate::error::AppError;
    use crate::ssr::auth::{self, CurrentUser};
    use crate::ssr::{audit, request};
    use sqlx::PgPool;
    use uuid::Uuid;

    /// The team page a refused form goes back to.
    pub fn team_url(team_id: &str) -> String {
        match Uuid::parse_str(team_id.trim()) {
            Ok(id) => format!("/admin/teams/{id}"),
            Err(_) => "/admin/teams".to_owned(),
        }
    }

    /// The signed-in coordinator or administrator; anyone else is refused
    /// (and the refusal audited under `action`). A form's refusal goes
    /// back to `back` (a plain post); a page's read has none.
    pub async fn manager(
        pool: &PgPool,
        action: &str,
        back: Option<&str>,
    ) -> Result<CurrentUser, AppError> {
        let refuse = |e: AppError| match back {
            Some(back) => request::fail_form(e, back),
            None => request::fail(e),
        };
        let user = auth::require_user(pool).await.map_err(refuse)?;
        if !decide_staff_action(&user.actor, Action::ManageRoster).is_allowed() {
            audit::record(pool, &user, None, action, "denied", "not a roster manager").await?;
            return Err(refuse(AppError::Forbidden));
        }
        Ok(user)
    }

    pub fn parse_id(raw: &str, field: &str, back: &str) -> Result<Uuid, AppError> {
        Uuid::parse_str(raw.trim())
            .map_err(|_| request::fail_form(AppError::Invalid(field.to_owned()), back))
    }
    /// One change to a team, from the first check to the redirect: who
    /// asks (refused and audited first), the team's id, the transaction
    /// with the team's row locked; [`TeamEdit::finish`] writes the history
    /// line and the audit row, commits and sends a plain form back to the
    /// team page. Every refusal after the check goes back there as a
    /// one-view flash.
    pub struct TeamEdit {
        pub user: CurrentUser,
        pub team: Uuid,
        pub back: String,
        pub tx: sqlx::Transaction<'static, sqlx::Postgres>,
        action: &'static str,
    }

    impl TeamEdit {
        pub async fn begin(
            pool: &PgPool,
            action: &'static str,
            team_id: &str,
        ) -> Result<TeamEdit, AppError> {
            let back = team_url(team_id);
            let user = manager(pool, action, Some(&back)).await?;
            let team = parse_id(team_id, "team_id", &back)?;
            let mut tx = pool.begin().await.map_err(failed("begin", &back))?;
            if !crate::ssr::db::teams::lock_team(&mut tx, team)
                .await
                .map_err(failed("locking the team", &back))?
            {
                return Err(request::fail_form(AppError::NotFound, "/admin/teams"));
            }
            Ok(TeamEdit {
                user,
                team,
                back,
                tx,
                action,
            })
        }

        /// A database failure in `context`, logged; the form goes back.
        pub fn failed(&self, context: &'static str) -> impl FnOnce(sqlx::Error) -> AppError {
            failed(context, &self.back)
        }

        /// A refused value of `field` (translated), back to the form.
        pub fn invalid(&self, field: &str) -> AppError {
            request::fail_form(AppError::Invalid(field.to_owned()), &self.back)
        }

        /// Another id of the form (`field` names it in a refusal).
        pub fn parse_id(&self, raw: &str, field: &str) -> Result<Uuid, AppError> {
            parse_id(raw, field, &self.back)
        }

        /// The history line (`change`, `words`), the audit row (`detail`),
        /// the commit, and the way back to the page's `anchor`.
        pub async fn finish(
            mut self,
            change: &str,
            words: &str,
            detail: &str,
            anchor: &str,
        ) -> Result<(), AppError> {
            let by = self.user.actor.staff_id;
            crate::ssr::db::teams::record_change(&mut self.tx, self.team, by, change, words)
                .await
                .map_err(self.failed("recording the team's history"))?;
            let detail = format!("team {}: {detail}", self.team);
            audit::record(
                &mut *self.tx,
                &self.user,
                None,
                self.action,
                "done",
                &detail,
            )
            .await?;
            let back = format!("{}{anchor}", self.back);
            self.tx
                .commit()
                .await
                .map_err(failed("commit", &self.back))?;
            if request::is_plain_form_post() {
                leptos_axum::redirect(&back);
            }
            Ok(())
        }
    }

    fn failed(context: &'static str, back: &str) -> impl FnOnce(sqlx::Error) -> AppError {
        let back = back.to_owned();
        move |e| request::fail_form(request::internal(context)(e), &back)
    }
}

/// Every clinic team with its night model, backup hospital and size.
#[server(prefix = "/api", endpoint = "admin_teams")]
pub async fn admin_teams() -> Result<Vec<TeamSummary>, AppError> {
    use crate::ssr::{db, request};
    let pool = request::pool()?;
    let _user = ssr::manager(&pool, "read_teams", None).await?;
    db::teams::summaries(&pool, None)
        .await
        .map_err(request::internal("listing teams"))
}

/// One team's night set-up: model, calling order, backup hospital, history.
#[server(prefix = "/api", endpoint = "admin_team")]
pub async fn admin_team(team_id: String) -> Result<TeamAdmin, AppError> {
    use crate::ssr::{db, request};
    use crate::views::teams::TEAM_HISTORY_LINES;
    let pool = request::pool()?;
    let _user = ssr::manager(&pool, "read_teams", None).await?;
    let team = uuid::Uuid::parse_str(team_id.trim())
        .map_err(|_| request::fail(AppError::Invalid("team_id".into())))?;
    let summary = db::teams::summaries(&pool, Some(team))
        .await
        .map_err(request::internal("reading a team"))?
        .into_iter()
        .next()
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let mut conn = pool.acquire().await.map_err(request::internal("acquire"))?;
    let doctors = db::teams::doctors(&mut conn, team)
        .await
        .map_err(request::internal("reading the team's doctors"))?;
    let backup_hospital_id = db::teams::backup_hospital_id(&mut *conn, team)
        .await
        .map_err(request::internal("reading the backup hospital"))?;
    let hospitals = db::teams::hospitals(&mut *conn)
        .await
        .map_err(request::internal("listing hospitals"))?;
    let history = db::teams::history(&mut *conn, team, TEAM_HISTORY_LINES)
        .await
        .map_err(request::internal("reading the team's history"))?;
    let schedule = db::duty::schedule(&mut *conn, team)
        .await
        .map_err(request::internal("reading the duty schedule"))?;
    let physicians = db::duty::physicians(&mut *conn)
        .await
        .map_err(request::internal("listing physicians"))?;
    let now = chrono::Utc::now();
    let mut covers: Vec<TeamCover> = schedule
        .iter()
        .flat_map(|s| &s.overrides)
        .filter(|o| o.interval.end > now)
        .filter_map(|o| match o.change {
            crate::domain::schedule::OverrideChange::Cover { doctor } => Some(TeamCover {
                id: o.id,
                doctor: physicians
                    .iter()
                    .find(|p| p.id == doctor)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                start: o.interval.start,
                end: o.interval.end,
            }),
            _ => None,
        })
        .collect();
    covers.sort_by_key(|c| c.start);
    Ok(TeamAdmin {
        summary,
        backup_hospital_id,
        doctors,
        hospitals,
        covers,
        history,
    })
}

/// Gives the team the policy and the duty schedule of a night model
/// (Kofu, Izumo, Usuki, Kashiwa), made from its doctors in calling order.
/// Replaces the team's policy and schedule.
#[server(prefix = "/api", endpoint = "team_night_model")]
pub async fn apply_team_night_model(team_id: String, model: String) -> Result<(), AppError> {
    use crate::domain::night_model::NightModel;
    use crate::ssr::{db, request};
    let pool = request::pool()?;
    let mut edit = ssr::TeamEdit::begin(&pool, "team_night_model", &team_id).await?;
    let model = NightModel::parse(model.trim()).ok_or_else(|| edit.invalid("night_model"))?;
    let by = edit.user.actor.staff_id;
    db::teams::apply_night_model(&mut edit.tx, edit.team, model, chrono::Utc::now(), by)
        .await
        .map_err(edit.failed("applying a night model"))?;
    edit.finish("night_model", model.code(), model.code(), "")
        .await
}

/// Moves one doctor a place up or down the team's calling order. The
/// whole order is then the coordinator's (every doctor placed).
#[server(prefix = "/api", endpoint = "team_calling_order")]
pub async fn move_team_doctor(
    team_id: String,
    staff_id: String,
    direction: String,
) -> Result<(), AppError> {
    use crate::domain::night_model::{move_in_order, OrderMove};
    use crate::ssr::{db, request};
    let pool = request::pool()?;
    let mut edit = ssr::TeamEdit::begin(&pool, "team_calling_order", &team_id).await?;
    let doctor = edit.parse_id(&staff_id, "team_doctor")?;
    let step = OrderMove::parse(&direction).ok_or_else(|| edit.invalid("order_move"))?;
    let doctors = db::teams::doctors(&mut edit.tx, edit.team)
        .await
        .map_err(edit.failed("reading the team's doctors"))?;
    let order: Vec<_> = doctors.iter().map(|d| d.id).collect();
    let moved = move_in_order(&order, doctor, step).ok_or_else(|| edit.invalid("team_doctor"))?;
    if !db::teams::set_calling_order(&mut edit.tx, edit.team, &moved)
        .await
        .map_err(edit.failed("setting the calling order"))?
    {
        return Err(edit.invalid("team_doctor"));
    }
    let names: Vec<&str> = moved
        .iter()
        .filter_map(|id| doctors.iter().find(|d| d.id == *id))
        .map(|d| d.name.as_str())
        .collect();
    let detail = format!("{doctor} {}", step.code());
    edit.finish(
        "calling_order",
        &names.join(" → "),
        &detail,
        "#calling-order",
    )
    .await
}

/// Sets the team's backup hospital (後方支援病院): the hospital its
/// escalation path and its duty roster name.
#[server(prefix = "/api", endpoint = "team_backup_hospital")]
pub async fn set_team_backup_hospital(
    team_id: String,
    #[server(default)] hospital_id: String,
) -> Result<(), AppError> {
    use crate::ssr::{db, request};
    let pool = request::pool()?;
    let mut edit = ssr::TeamEdit::begin(&pool, "team_backup_hospital", &team_id).await?;
    let hospital = edit.parse_id(&hospital_id, "backup_hospital")?;
    let hospitals = db::teams::hospitals(&mut *edit.tx)
        .await
        .map_err(edit.failed("listing hospitals"))?;
    let Some(chosen) = hospitals.iter().find(|h| h.id == hospital) else {
        return Err(edit.invalid("backup_hospital"));
    };
    db::teams::set_backup_hospital(&mut edit.tx, edit.team, Some(hospital))
        .await
        .map_err(edit.failed("setting the backup hospital"))?;
    let detail = hospital.to_string();
    edit.finish("backup_hospital", &chosen.name, &detail, "#backup-hospital")
        .await
}

/// One-off cover: a doctor of the team is on duty for a stretch ("北村
/// covers the night of 12/24"), whoever the rotation names.
#[server(prefix = "/api", endpoint = "team_add_cover")]
pub async fn add_team_cover(
    team_id: String,
    staff_id: String,
    date: String,
    from: String,
    to: String,
) -> Result<(), AppError> {
    use crate::domain::cover::cover_interval;
    use crate::domain::schedule::{DutyOverride, DutySchedule, OverrideChange};
    use crate::domain::time::format_tokyo_minute;
    use crate::ssr::{db, request};
    let pool = request::pool()?;
    let mut edit = ssr::TeamEdit::begin(&pool, "team_cover", &team_id).await?;
    let doctor = edit.parse_id(&staff_id, "team_doctor")?;
    let interval = cover_interval(&date, &from, &to, chrono::Utc::now())
        .map_err(|p| edit.invalid(p.code()))?;
    let doctors = db::teams::doctors(&mut edit.tx, edit.team)
        .await
        .map_err(edit.failed("reading the team's doctors"))?;
    let Some(named) = doctors.iter().find(|d| d.id == doctor) else {
        return Err(edit.invalid("team_doctor"));
    };
    let mut schedule = db::duty::schedule(&mut *edit.tx, edit.team)
        .await
        .map_err(edit.failed("reading the duty schedule"))?
        .unwrap_or_else(|| DutySchedule {
            id: edit.team,
            name: String::new(),
            rotations: Vec::new(),
            rules: Vec::new(),
            overrides: Vec::new(),
            swaps: Vec::new(),
        });
    let id = uuid::Uuid::new_v4();
    schedule.overrides.push(DutyOverride {
        id,
        interval,
        change: OverrideChange::Cover { doctor },
    });
    let by = edit.user.actor.staff_id;
    db::teams::save_schedule(&mut edit.tx, edit.team, &schedule, by)
        .await
        .map_err(edit.failed("saving the duty schedule"))?;
    let words = format!(
        "{} {}–{}",
        named.name,
        format_tokyo_minute(interval.start),
        format_tokyo_minute(interval.end)
    );
    let detail = format!("cover {id} by {doctor}");
    edit.finish("cover", &words, &detail, "#covers").await
}

/// Takes back a one-off cover.
#[server(prefix = "/api", endpoint = "team_remove_cover")]
pub async fn remove_team_cover(team_id: String, cover_id: String) -> Result<(), AppError> {
    use crate::domain::schedule::OverrideChange;
    use crate::domain::time::format_tokyo_minute;
    use crate::ssr::{db, request};
    let pool = request::pool()?;
    let mut edit = ssr::TeamEdit::begin(&pool, "team_cover_remove", &team_id).await?;
    let cover = edit.parse_id(&cover_id, "cover")?;
    let mut schedule = db::duty::schedule(&mut *edit.tx, edit.team)
        .await
        .map_err(edit.failed("reading the duty schedule"))?
        .ok_or_else(|| edit.invalid("cover"))?;
    let at = schedule
        .overrides
        .iter()
        .position(|o| o.id == cover && matches!(o.change, OverrideChange::Cover { .. }))
        .ok_or_else(|| edit.invalid("cover"))?;
    let removed = schedule.overrides.remove(at);
    let by = edit.user.actor.staff_id;
    db::teams::save_schedule(&mut edit.tx, edit.team, &schedule, by)
        .await
        .map_err(edit.failed("saving the duty schedule"))?;
    let name = match removed.change {
        OverrideChange::Cover { doctor } => db::teams::doctors(&mut edit.tx, edit.team)
            .await
            .map_err(edit.failed("reading the team's doctors"))?
            .into_iter()
            .find(|d| d.id == doctor)
            .map(|d| d.name)
            .unwrap_or_default(),
        OverrideChange::Replace { .. } => String::new(),
    };
    let words = format!(
        "{name} {}–{}",
        format_tokyo_minute(removed.interval.start),
        format_tokyo_minute(removed.interval.end)
    );
    let detail = format!("cover {cover}");
    edit.finish("cover_removed", &words, &detail, "#covers")
        .await
}
