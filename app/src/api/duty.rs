//! Duty for the coordinator, the physicians and the nurse stations: the
//! team's contact list, the duty calendar with its holes, and planned
//! absences.
//!
//! * [`duty_teams`], [`team_roster`], [`duty_calendar`] and
//!   [`list_absences`] are read by every role: the nurse station needs the
//!   contact list and who covers tonight, the team who is away, the
//!   coordinator all of it. None of it is patient data, so reads are not
//!   audited.
//! * [`register_absence`] and [`cancel_absence`] change absences: a
//!   physician their own, the coordinator or an admin anyone's
//!   (`domain::absence::may_manage_absence`). Each change is one
//!   transaction with its audit row.
//! * An absence that would leave a stretch with nobody on duty in any
//!   team's schedule is not saved the first time: the answer is the list of
//!   those holes ([`AbsenceOutcome::HolesWarning`]), and saving needs
//!   `confirm_hole`. The engine then skips the absent doctor
//!   (`domain::escalation::resolve_path`), and the holes show in red on the
//!   coordinator's calendar.
//!
//! The forms work without JavaScript: a plain form post is answered with a
//! redirect back to `/absences`, carrying what was typed and the error or
//! the holes in the query, so nothing typed is lost.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use uuid::Uuid;

pub use crate::views::duty::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::{AwayName, Contact, OnDuty};
    use crate::domain::absence::may_read_duty;
    use crate::domain::access::Actor;
    use crate::domain::duty_calendar::AwayDoctor;
    use crate::domain::schedule::DutyParty;
    use crate::domain::text::encode_query;
    use crate::error::AppError;
    use crate::ssr::db::duty::PhysicianRow;
    use crate::ssr::request;
    use uuid::Uuid;

    /// Every role reads duty; anything else is refused.
    pub fn require_reader(actor: &Actor) -> Result<(), AppError> {
        if may_read_duty(actor) {
            Ok(())
        } else {
            Err(request::fail(AppError::Forbidden))
        }
    }

    pub fn parse_team(team_id: &str) -> Result<Uuid, AppError> {
        Uuid::parse_str(team_id.trim())
            .map_err(|_| request::fail(AppError::Invalid("team_id".into())))
    }

    pub fn on_duty(
        party: DutyParty,
        doctors: &[PhysicianRow],
        hospital: &Option<Contact>,
    ) -> OnDuty {
        match party {
            DutyParty::Doctor(id) => {
                let doctor = doctors.iter().find(|d| d.id == id);
                OnDuty::Doctor {
                    id,
                    // A doctor disabled after the schedule was written still
                    // shows, by id, so the coordinator sees what to fix.
                    name: doctor.map_or_else(|| id.to_string(), |d| d.name.clone()),
                    phone: doctor.map(|d| d.phone.clone()).unwrap_or_default(),
                    clinic_name: doctor.map(|d| d.clinic_name.clone()).unwrap_or_default(),
                }
            }
            DutyParty::BackupHospital => OnDuty::BackupHospital {
                contact: hospital.clone(),
            },
            DutyParty::Hole => OnDuty::Hole,
            DutyParty::OutsideSchedule => OnDuty::OutsideSchedule,
        }
    }

    pub fn name_of(doctors: &[PhysicianRow], id: Uuid) -> String {
        doctors
            .iter()
            .find(|d| d.id == id)
            .map_or_else(|| id.to_string(), |d| d.name.clone())
    }

    pub fn away_name(doctors: &[PhysicianRow], away: AwayDoctor) -> AwayName {
        AwayName {
            name: name_of(doctors, away.doctor),
            reason: away.reason_text,
        }
    }

    /// Whether this request is a browser posting a form without JavaScript
    /// (it asks for HTML), which must get a redirect rather than JSON.
    pub fn plain_form_post() -> bool {
        use leptos::prelude::use_context;
        use_context::<axum::http::request::Parts>()
            .and_then(|p| p.headers.get(axum::http::header::ACCEPT).cloned())
            .and_then(|v| v.to_str().ok().map(|v| v.contains("text/html")))
            .unwrap_or(false)
    }

    /// The `team` of the page the form was posted from, to go back to it.
    pub fn referer_team() -> Option<Uuid> {
        use leptos::prelude::use_context;
        let parts = use_context::<axum::http::request::Parts>()?;
        let referer = parts
            .headers
            .get(axum::http::header::REFERER)?
            .to_str()
            .ok()?;
        let (_, query) = referer.split_once('?')?;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "team")
            .and_then(|(_, v)| Uuid::parse_str(v).ok())
    }

    /// `/absences?team=…&k=v…`, values percent-encoded.
    pub fn absences_url(params: &[(&str, &str)]) -> String {
        let mut url = String::from("/absences");
        let mut separator = '?';
        let team = referer_team().map(|t| t.to_string());
        let team_param = team.as_deref().map(|t| ("team", t));
        for (key, value) in team_param.into_iter().chain(params.iter().copied()) {
            if value.is_empty() {
                continue;
            }
            url.push(separator);
            url.push_str(key);
            url.push('=');
            url.push_str(&encode_query(value));
            separator = '&';
        }
        url
    }
}

/// The teams, the viewer's own team, and every physician an absence may
/// name (as absent doctor or as substitute).
#[server(prefix = "/api", endpoint = "duty_teams")]
pub async fn duty_teams() -> Result<DutyDirectory, AppError> {
    use self::ssr::require_reader;
    use crate::domain::access::{decide_staff_action, Action};
    use crate::ssr::{auth, db, request};

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    require_reader(&user.actor)?;
    let teams = db::duty::teams(&pool)
        .await
        .map_err(request::internal("listing teams"))?;
    let own = db::duty::team_of_staff(&pool, user.actor.staff_id)
        .await
        .map_err(request::internal("finding the viewer's team"))?;
    let physicians = db::duty::physicians(&pool)
        .await
        .map_err(request::internal("listing physicians"))?;
    let manages_roster = decide_staff_action(&user.actor, Action::ManageRoster).is_allowed();
    Ok(DutyDirectory {
        default_team: own.or_else(|| teams.first().map(|t| t.id)),
        teams,
        physicians: physicians.iter().map(|p| p.option()).collect(),
        viewer: Viewer {
            staff_id: user.actor.staff_id,
            role: user.actor.role,
            manages_roster,
        },
    })
}

/// The team's contact list in calling order, who is on duty now, and the
/// backup hospital and secretariat.
#[server(prefix = "/api", endpoint = "team_roster")]
pub async fn team_roster(team_id: String) -> Result<Roster, AppError> {
    use self::ssr::{away_name, name_of, on_duty, parse_team, require_reader};
    use crate::domain::duty_calendar::calendar_rows;
    use crate::domain::schedule::{absence_at, duty_timeline, on_duty_at, DutySchedule};
    use crate::ssr::{auth, db, request};
    use chrono::Duration;

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    require_reader(&user.actor)?;
    let team_id = parse_team(&team_id)?;
    let team = db::duty::team(&pool, team_id)
        .await
        .map_err(request::internal("reading a team"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let clinics = db::duty::team_clinics(&pool, team_id)
        .await
        .map_err(request::internal("reading the team's clinics"))?;
    let physicians = db::duty::physicians(&pool)
        .await
        .map_err(request::internal("listing physicians"))?;
    let (hospital, secretariat) = db::duty::network_contacts(&pool, team_id)
        .await
        .map_err(request::internal("reading network contacts"))?;
    let schedule = db::duty::schedule(&pool, team_id)
        .await
        .map_err(request::internal("reading a duty schedule"))?;
    let now = Utc::now();
    // Long enough that a weekend-and-holiday stretch has its real end.
    const LOOK_AHEAD_DAYS: u32 = 8;
    let horizon = now + Duration::days(i64::from(LOOK_AHEAD_DAYS));
    let absences = db::duty::absences_overlapping(&pool, now, horizon)
        .await
        .map_err(request::internal("reading absences"))?;

    let has_schedule = schedule.is_some();
    let schedule = schedule.unwrap_or_else(|| DutySchedule {
        id: team_id,
        name: String::new(),
        rotations: Vec::new(),
        rules: Vec::new(),
        overrides: Vec::new(),
        swaps: Vec::new(),
    });
    let answer = on_duty_at(&schedule, &absences, now);
    // "Until" is when the party changes (not the calendar's midnight cut):
    // when the nurse must look again. A stretch reaching the end of the
    // window has no known end.
    let until = duty_timeline(&schedule, &absences, now, LOOK_AHEAD_DAYS)
        .first()
        .map(|slot| slot.interval.end)
        .filter(|end| *end < horizon);
    let current = calendar_rows(&schedule, &absences, now, 1)
        .into_iter()
        .next();
    let now_row = DutyNow {
        on_duty: on_duty(answer.party, &physicians, &hospital),
        until,
        rule_label: current.as_ref().and_then(|r| r.rule_label.clone()),
        away: current
            .and_then(|r| r.away)
            .map(|a| away_name(&physicians, a)),
    };

    // The order the coordinator set on the team page (then clinic by
    // clinic), the order the escalation engine calls in.
    let mut conn = pool.acquire().await.map_err(request::internal("acquire"))?;
    let order = db::teams::doctors_in_calling_order(&mut conn, team_id)
        .await
        .map_err(request::internal("reading the calling order"))?;
    drop(conn);
    let calling_order = order
        .iter()
        .filter_map(|id| physicians.iter().find(|d| d.id == *id))
        .zip(1u32..)
        .map(|(d, order)| RosterDoctor {
            id: d.id,
            order,
            name: d.name.clone(),
            name_kana: d.name_kana.clone(),
            phone: d.phone.clone(),
            clinic_name: d.clinic_name.clone(),
            away: absence_at(&absences, d.id, now).map(|a| AwayNote {
                reason: a.reason_text.clone(),
                until: a.interval.end,
                substitute: a.substitute.map(|s| name_of(&physicians, s)),
            }),
        })
        .collect();
    Ok(Roster {
        team,
        has_schedule,
        now: now_row,
        calling_order,
        clinics: clinics.into_iter().map(|(_, c)| c).collect(),
        backup_hospital: hospital,
        secretariat,
    })
}

/// `days` days of duty (default 14, at most 31) from midnight of `from`
/// (a Japan date `YYYY-MM-DD`, default today), with the holidays, the
/// reasons and the holes.
#[server(prefix = "/api", endpoint = "duty_calendar")]
pub async fn duty_calendar(
    team_id: String,
    #[server(default)] from: String,
    #[server(default)] days: u32,
) -> Result<Calendar, AppError> {
    use self::ssr::{away_name, on_duty, parse_team, require_reader};
    use crate::domain::duty_calendar::{calendar_days, calendar_rows, calendar_span};
    use crate::domain::schedule::coverage_holes;
    use crate::domain::time::tokyo_date;
    use crate::ssr::{auth, db, request};

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    require_reader(&user.actor)?;
    let team_id = parse_team(&team_id)?;
    let days = match days {
        0 => DEFAULT_CALENDAR_DAYS,
        1..=MAX_CALENDAR_DAYS => days,
        _ => return Err(request::fail(AppError::Invalid("days".into()))),
    };
    let first_day = match from.trim() {
        "" => tokyo_date(Utc::now()),
        date => NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| request::fail(AppError::Invalid("calendar_from".into())))?,
    };
    // Checked: a date near chrono's limit (`+262142-12-25`) is a 400, not a
    // panic in `start + days`.
    let (start, end) = calendar_span(first_day, days)
        .map_err(|_| request::fail(AppError::Invalid("calendar_from".into())))?;

    let team = db::duty::team(&pool, team_id)
        .await
        .map_err(request::internal("reading a team"))?
        .ok_or_else(|| request::fail(AppError::NotFound))?;
    let schedule = db::duty::schedule(&pool, team_id)
        .await
        .map_err(request::internal("reading a duty schedule"))?;
    let physicians = db::duty::physicians(&pool)
        .await
        .map_err(request::internal("listing physicians"))?;
    let (hospital, _) = db::duty::network_contacts(&pool, team_id)
        .await
        .map_err(request::internal("reading network contacts"))?;
    let absences = db::duty::absences_overlapping(&pool, start, end)
        .await
        .map_err(request::internal("reading absences"))?;

    let (entries, holes) = match &schedule {
        Some(schedule) => (
            calendar_rows(schedule, &absences, start, days)
                .into_iter()
                .map(|row| CalendarEntry {
                    date: row.date,
                    start: row.interval.start,
                    end: row.interval.end,
                    on_duty: on_duty(row.party, &physicians, &hospital),
                    rule_label: row.rule_label,
                    away: row.away.map(|a| away_name(&physicians, a)),
                })
                .collect(),
            coverage_holes(schedule, &absences, start, days),
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(Calendar {
        team,
        has_schedule: schedule.is_some(),
        from: start,
        days: calendar_days(first_day, days),
        entries,
        holes,
    })
}

/// Absences not yet over of the team's doctors (of every doctor when
/// `team_id` is empty), soonest first.
#[server(prefix = "/api", endpoint = "list_absences")]
pub async fn list_absences(
    #[server(default)] team_id: String,
) -> Result<Vec<AbsenceRow>, AppError> {
    use self::ssr::{parse_team, require_reader};
    use crate::domain::absence::may_manage_absence;
    use crate::ssr::{auth, db, request};

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await?;
    require_reader(&user.actor)?;
    let team = match team_id.trim() {
        "" => None,
        id => Some(parse_team(id)?),
    };
    let now = Utc::now();
    let rows = db::duty::current_absences(&pool, team, now)
        .await
        .map_err(request::internal("listing absences"))?;
    Ok(rows
        .into_iter()
        .map(|r| AbsenceRow {
            may_cancel: may_manage_absence(&user.actor, r.staff_id).is_allowed(),
            in_progress: r.starts_at <= now,
            id: r.id,
            doctor_id: r.staff_id,
            doctor_name: r.doctor_name,
            clinic_name: r.clinic_name,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            reason: r.reason,
            substitute_name: r.substitute_name,
            registered_by: r.created_by_name,
        })
        .collect())
}

/// Registers a planned absence of `staff_id` (empty: the signed-in
/// physician) from `starts_at` to `ends_at` (Japan time, as a
/// `datetime-local` field sends it), optionally naming a substitute.
///
/// If the absence would leave a stretch with nobody on duty in any team's
/// schedule, nothing is saved and the holes come back as a warning, unless
/// `confirm_hole` says the doctor has seen them.
#[server(prefix = "/api", endpoint = "register_absence")]
pub async fn register_absence(
    #[server(default)] staff_id: String,
    starts_at: String,
    ends_at: String,
    reason: String,
    #[server(default)] substitute_id: String,
    #[server(default)] confirm_hole: bool,
) -> Result<AbsenceOutcome, AppError> {
    use self::ssr::{absences_url, plain_form_post};
    use crate::domain::absence::{
        may_manage_absence, new_holes, AbsenceForm, AbsenceInput, AbsenceProblem,
    };
    use crate::domain::schedule::PlannedAbsence;
    use crate::domain::time::format_tokyo_minute;
    use crate::ssr::{audit, auth, db, request};

    let draft = [
        ("staff_id", staff_id.as_str()),
        ("starts_at", starts_at.as_str()),
        ("ends_at", ends_at.as_str()),
        ("reason", reason.as_str()),
        ("substitute_id", substitute_id.as_str()),
    ];
    // A plain form post goes back to the form with what was typed.
    let reject = |error: AppError| request::fail_form(error, &absences_url(&draft));
    let invalid = |problem: AbsenceProblem| reject(AppError::Invalid(problem.code().to_owned()));

    let pool = request::pool()?;
    let user = auth::require_user(&pool).await.map_err(reject)?;
    let now = Utc::now();
    let input = AbsenceInput::parse(
        &AbsenceForm {
            staff_id: &staff_id,
            starts_at: &starts_at,
            ends_at: &ends_at,
            reason: &reason,
            substitute_id: &substitute_id,
        },
        now,
    )
    .map_err(invalid)?;
    let doctor = input.doctor.unwrap_or(user.actor.staff_id);
    if !may_manage_absence(&user.actor, doctor).is_allowed() {
        audit::record(
            &pool,
            &user,
            None,
            "register_absence",
            "denied",
            &format!("for {doctor}"),
        )
        .await
        .map_err(reject)?;
        return Err(reject(AppError::Forbidden));
    }

    let failed = |context: &'static str| move |e| reject(request::internal(context)(e));
    let mut tx = pool.begin().await.map_err(failed("begin"))?;
    db::duty::lock_absences(&mut tx)
        .await
        .map_err(failed("locking absences"))?;
    if !db::duty::is_active_physician(&mut *tx, doctor)
        .await
        .map_err(failed("checking the absent doctor"))?
    {
        return Err(invalid(AbsenceProblem::NotAPhysician));
    }
    if let Some(substitute) = input.substitute {
        if substitute == doctor {
            return Err(invalid(AbsenceProblem::SubstituteIsTheAbsentDoctor));
        }
        if !db::duty::is_active_physician(&mut *tx, substitute)
            .await
            .map_err(failed("checking the substitute"))?
        {
            return Err(invalid(AbsenceProblem::SubstituteNotAPhysician));
        }
    }

    let teams = db::duty::all_schedules(&mut *tx)
        .await
        .map_err(failed("reading duty schedules"))?;
    let existing =
        db::duty::absences_overlapping(&mut *tx, input.interval.start, input.interval.end)
            .await
            .map_err(failed("reading absences"))?;
    let candidate = PlannedAbsence {
        id: Uuid::new_v4(),
        doctor,
        interval: input.interval,
        reason_text: input.reason,
        substitute: input.substitute,
    };
    let schedules: Vec<_> = teams.iter().map(|(_, s)| s.clone()).collect();
    let holes: Vec<HoleWarning> = new_holes(&schedules, &existing, &candidate)
        .into_iter()
        .map(|hole| HoleWarning {
            team_name: teams
                .get(hole.schedule)
                .map(|(team, _)| team.name.clone())
                .unwrap_or_default(),
            start: hole.interval.start,
            end: hole.interval.end,
        })
        .collect();

    if !holes.is_empty() && !confirm_hole {
        // Nothing was written; ending the transaction frees the lock.
        tx.rollback().await.map_err(failed("rollback"))?;
        let total = holes.len();
        let listed: Vec<HoleWarning> = holes.into_iter().take(MAX_LISTED_HOLES).collect();
        if plain_form_post() {
            let json = serde_json::to_string(&listed).unwrap_or_default();
            let total = total.to_string();
            let mut params = draft.to_vec();
            params.push(("holes", &json));
            params.push(("holes_total", &total));
            leptos_axum::redirect(&absences_url(&params));
        }
        return Ok(AbsenceOutcome::HolesWarning {
            holes: listed,
            total,
        });
    }

    db::duty::insert_absence(&mut *tx, &candidate, user.actor.staff_id)
        .await
        .map_err(failed("saving an absence"))?;
    let detail = format!(
        "absence {} of {doctor}: {} – {}, substitute {}, holes accepted {}",
        candidate.id,
        format_tokyo_minute(candidate.interval.start),
        format_tokyo_minute(candidate.interval.end),
        candidate
            .substitute
            .map_or_else(|| "none".to_owned(), |s| s.to_string()),
        holes.len(),
    );
    audit::record(&mut *tx, &user, None, "register_absence", "done", &detail)
        .await
        .map_err(reject)?;
    tx.commit().await.map_err(failed("commit"))?;
    if plain_form_post() {
        leptos_axum::redirect(&absences_url(&[("saved", "1")]));
    }
    Ok(AbsenceOutcome::Saved {
        id: candidate.id,
        holes_accepted: holes.len(),
    })
}

/// Cancels a planned absence (the doctor's own, or anyone's for the
/// coordinator). Cancelling never opens a hole, so it needs no check.
#[server(prefix = "/api", endpoint = "cancel_absence")]
pub async fn cancel_absence(id: String) -> Result<(), AppError> {
    use self::ssr::{absences_url, plain_form_post};
    use crate::domain::absence::{may_manage_absence, AbsenceProblem};
    use crate::ssr::{audit, auth, db, request};

    let reject = |error: AppError| request::fail_form(error, &absences_url(&[]));
    let pool = request::pool()?;
    let user = auth::require_user(&pool).await.map_err(reject)?;
    let id = Uuid::parse_str(id.trim()).map_err(|_| {
        reject(AppError::Invalid(
            AbsenceProblem::Malformed.code().to_owned(),
        ))
    })?;
    let failed = |context: &'static str| move |e| reject(request::internal(context)(e));
    let mut tx = pool.begin().await.map_err(failed("begin"))?;
    db::duty::lock_absences(&mut tx)
        .await
        .map_err(failed("locking absences"))?;
    let Some(doctor) = db::duty::live_absence_owner(&mut *tx, id)
        .await
        .map_err(failed("reading an absence"))?
    else {
        return Err(reject(AppError::NotFound));
    };
    if !may_manage_absence(&user.actor, doctor).is_allowed() {
        tx.rollback().await.map_err(failed("rollback"))?;
        audit::record(
            &pool,
            &user,
            None,
            "cancel_absence",
            "denied",
            &format!("absence {id} of {doctor}"),
        )
        .await
        .map_err(reject)?;
        return Err(reject(AppError::Forbidden));
    }
    db::duty::cancel_absence(&mut *tx, id, Utc::now())
        .await
        .map_err(failed("cancelling an absence"))?;
    audit::record(
        &mut *tx,
        &user,
        None,
        "cancel_absence",
        "done",
        &format!("absence {id} of {doctor}"),
    )
    .await
    .map_err(reject)?;
    tx.commit().await.map_err(failed("commit"))?;
    if plain_form_post() {
        leptos_axum::redirect(&absences_url(&[("cancelled", "1")]));
    }
    Ok(())
}
