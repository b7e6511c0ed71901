//! `/duty`: who covers the team's nights, weekends and holidays. On a
//! phone, top to bottom: the team (plain links), who is on duty now with a
//! button to call, the holes in red, the next 14 days in Tokyo time with
//! holidays and the year-end break marked, and the team's contact list in
//! calling order, each number a tap-to-call link.
//!
//! Everything is links and server-rendered HTML (`?team=…&from=…&days=…`),
//! so the page works before hydration and with JavaScript off.

use crate::api::duty::{
    duty_calendar, duty_teams, team_roster, AwayName, Calendar, CalendarEntry, Contact,
    DutyDirectory, DutyNow, OnDuty, Roster, RosterDoctor, DEFAULT_CALENDAR_DAYS, MAX_CALENDAR_DAYS,
};
use crate::components::error_panel::ErrorPanel;
use crate::domain::duty_calendar::CalendarDay;
use crate::domain::night_card::tel_href;
use crate::domain::schedule::{to_tokyo, Interval};
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n, Key};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Everything the page shows, loaded in one resource so the server renders
/// it whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct DutyData {
    directory: DutyDirectory,
    team: Option<Uuid>,
    days: u32,
    roster: Option<Roster>,
    calendar: Option<Calendar>,
}

async fn load(team: String, from: String, days: String) -> Result<DutyData, AppError> {
    let directory = duty_teams().await?;
    let team = Uuid::parse_str(team.trim())
        .ok()
        .filter(|t| directory.teams.iter().any(|d| d.id == *t))
        .or(directory.default_team);
    let days = days
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=MAX_CALENDAR_DAYS).contains(d))
        .unwrap_or(DEFAULT_CALENDAR_DAYS);
    // A mistyped date shows today rather than an error page.
    let from = NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d")
        .map(|d| d.to_string())
        .unwrap_or_default();
    let (roster, calendar) = match team {
        Some(team) => (
            Some(team_roster(team.to_string()).await?),
            Some(duty_calendar(team.to_string(), from, days).await?),
        ),
        None => (None, None),
    };
    Ok(DutyData {
        directory,
        team,
        days,
        roster,
        calendar,
    })
}

#[component]
pub fn DutyPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (
            q.get("team").unwrap_or_default(),
            q.get("from").unwrap_or_default(),
            q.get("days").unwrap_or_default(),
        )
    };
    let data = Resource::new(params, |(team, from, days)| load(team, from, days));
    view! {
        <Title text=i18n.t(Key::DutyTitle) />
        <h1 class="page-title">{i18n.t(Key::DutyTitle)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => duty_view(i18n, data).into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn duty_view(i18n: I18n, data: DutyData) -> impl IntoView {
    let DutyData {
        directory,
        team,
        days,
        roster,
        calendar,
    } = data;
    let picker = team_picker(i18n, &directory, team, "/duty");
    let body = match (roster, calendar) {
        (Some(roster), Some(calendar)) => view! {
            {now_block(i18n, &roster)}
            {holes_block(i18n, &calendar)}
            {calendar_block(i18n, &calendar, days)}
            {roster_block(i18n, &roster)}
            <p>
                <a class="button" href=format!("/absences?team={}", roster.team.id)>
                    {i18n.t(Key::AbsencesTitle)}
                </a>
            </p>
        }
        .into_any(),
        _ => view! { <p>{i18n.t(Key::DutyNoTeam)}</p> }.into_any(),
    };
    view! { {picker} {body} }
}

/// The teams as links; the current one marked for screen readers too.
pub fn team_picker(
    i18n: I18n,
    directory: &DutyDirectory,
    current: Option<Uuid>,
    base: &'static str,
) -> impl IntoView {
    view! {
        <nav class="team-picker" aria-label=i18n.t(Key::DutyTeam)>
            {directory
                .teams
                .iter()
                .map(|t| {
                    let here = Some(t.id) == current;
                    view! {
                        <a
                            class="button"
                            href=format!("{base}?team={}", t.id)
                            aria-current=here.then_some("page")
                        >
                            {t.name.clone()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

fn now_block(i18n: I18n, roster: &Roster) -> impl IntoView {
    let DutyNow {
        on_duty,
        until,
        rule_label,
        away,
    } = roster.now.clone();
    let until = until.map(|t| i18n.t(Key::DutyUntil).replace("{time}", &when(i18n, t)));
    let class = match on_duty {
        OnDuty::Hole => "block duty-now hole",
        _ => "block duty-now",
    };
    view! {
        <section class=class data-testid="duty-now">
            <h2>{i18n.t(Key::DutyNow)}</h2>
            {party_line(i18n, &on_duty, true)}
            <p class="duty-muted">
                {rule_label.map(|l| view! { <span class="label">{l}</span> })}
                {until}
            </p>
            {away.map(|a| away_line(i18n, &on_duty, &a))}
            {(!roster.has_schedule).then(|| view! {
                <p class="warning">{i18n.t(Key::DutyNoSchedule)}</p>
            })}
        </section>
    }
}

/// Who covers, with a call button when there is someone to call.
fn party_line(i18n: I18n, on_duty: &OnDuty, call: bool) -> AnyView {
    match on_duty {
        OnDuty::Doctor {
            name,
            phone,
            clinic_name,
            ..
        } => view! {
            <div class="call-row">
                <div class="who">
                    <span class="person">{name.clone()}</span>
                    <span class="org">{clinic_name.clone()}</span>
                    {call.then(|| view! { <span class="number">{phone.clone()}</span> })}
                </div>
                {(call && !phone.is_empty()).then(|| call_button(i18n, name, phone))}
            </div>
        }
        .into_any(),
        OnDuty::BackupHospital { contact } => {
            let name = contact.as_ref().map(|c| c.name.clone());
            view! {
                <div class="call-row">
                    <div class="who">
                        <span class="role">{i18n.t(Key::DutyBackupHospital)}</span>
                        <span class="person">{name.unwrap_or_default()}</span>
                        {call.then(|| contact.as_ref().map(|c| view! {
                            <span class="number">{c.phone.clone()}</span>
                        }))}
                    </div>
                    {call.then(|| contact.as_ref().map(|c| call_button(i18n, &c.name, &c.phone)))}
                </div>
            }
            .into_any()
        }
        OnDuty::Hole => view! {
            <p class="hole-text"><strong>{i18n.t(Key::DutyHole)}</strong></p>
        }
        .into_any(),
        OnDuty::OutsideSchedule => view! {
            <p class="duty-muted">{i18n.t(Key::DutyOutside)}</p>
        }
        .into_any(),
    }
}

fn away_line(i18n: I18n, on_duty: &OnDuty, away: &AwayName) -> impl IntoView {
    let key = match on_duty {
        OnDuty::Hole => Key::DutyAwayNoSubstitute,
        _ => Key::DutyStandingInFor,
    };
    let text = i18n
        .t(key)
        .replace("{name}", &away.name)
        .replace("{reason}", &away.reason);
    view! { <p class="away-note">{text}</p> }
}

fn call_button(i18n: I18n, name: &str, phone: &str) -> impl IntoView {
    view! {
        <a class="call" href=tel_href(phone) aria-label=format!("{} {name}", i18n.t(Key::Call))>
            {i18n.t(Key::Call)}
        </a>
    }
}

fn holes_block(i18n: I18n, calendar: &Calendar) -> impl IntoView {
    if calendar.holes.is_empty() {
        return view! {
            <p class="ok" data-testid="no-holes">{i18n.t(Key::DutyHolesNone)}</p>
        }
        .into_any();
    }
    let title = i18n
        .t(Key::DutyHolesCount)
        .replace("{n}", &calendar.holes.len().to_string());
    view! {
        <section class="block holes" role="alert" data-testid="holes">
            <h2>{i18n.t(Key::DutyHolesTitle)}</h2>
            <p><strong>{title}</strong></p>
            <ul>
                {calendar
                    .holes
                    .iter()
                    .map(|h| view! { <li>{span(i18n, *h)}</li> })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

fn calendar_block(i18n: I18n, calendar: &Calendar, days: u32) -> impl IntoView {
    let team = calendar.team.id;
    let first = to_tokyo(calendar.from).date();
    let shift = |offset: i64| {
        first
            .checked_add_signed(TimeDelta::days(offset))
            .map(|d| format!("/duty?team={team}&from={d}&days={days}"))
            .unwrap_or_else(|| format!("/duty?team={team}"))
    };
    let earlier = shift(-i64::from(days));
    let later = shift(i64::from(days));
    let other_length = if days == MAX_CALENDAR_DAYS {
        DEFAULT_CALENDAR_DAYS
    } else {
        MAX_CALENDAR_DAYS
    };
    let title = i18n
        .t(Key::DutyCalendarTitle)
        .replace("{n}", &days.to_string());
    view! {
        <section class="block duty-calendar">
            <h2>{title}</h2>
            {(!calendar.has_schedule).then(|| view! {
                <p class="warning">{i18n.t(Key::DutyNoSchedule)}</p>
            })}
            <ol class="duty-days">
                {calendar
                    .days
                    .iter()
                    .map(|day| day_view(i18n, day, &calendar.entries))
                    .collect_view()}
            </ol>
            <nav class="period-nav">
                <a class="button" href=earlier>{i18n.t(Key::DutyEarlier)}</a>
                <a class="button" href=format!("/duty?team={team}")>{i18n.t(Key::DutyToday)}</a>
                <a class="button" href=later>{i18n.t(Key::DutyLater)}</a>
                <a class="button" href=format!("/duty?team={team}&from={first}&days={other_length}")>
                    {i18n.t(Key::DutyDaysLink).replace("{n}", &other_length.to_string())}
                </a>
            </nav>
        </section>
    }
}

fn day_view(i18n: I18n, day: &CalendarDay, entries: &[CalendarEntry]) -> impl IntoView {
    let closed = day.holiday.is_some() || day.year_end || day.weekday == Weekday::Sun;
    let class = match (closed, day.weekday) {
        (true, _) => "duty-day closed",
        (false, Weekday::Sat) => "duty-day saturday",
        _ => "duty-day",
    };
    let rows: Vec<CalendarEntry> = entries
        .iter()
        .filter(|e| e.date == day.date)
        .cloned()
        .collect();
    view! {
        <li class=class data-date=day.date.to_string()>
            <h3>
                {day_label(i18n, day.date)}
                {day.holiday.clone().map(|name| view! { <span class="duty-badge holiday">{name}</span> })}
                {day.year_end.then(|| view! { <span class="duty-badge holiday">{i18n.t(Key::DutyYearEnd)}</span> })}
            </h3>
            <ul class="duty-entries">
                {rows.into_iter().map(|e| entry_view(i18n, e)).collect_view()}
            </ul>
        </li>
    }
}

fn entry_view(i18n: I18n, entry: CalendarEntry) -> impl IntoView {
    let class = match entry.on_duty {
        OnDuty::Hole => "duty-entry hole",
        OnDuty::OutsideSchedule => "duty-entry outside",
        OnDuty::BackupHospital { .. } => "duty-entry hospital",
        OnDuty::Doctor { .. } => "duty-entry doctor",
    };
    let doctor_id = match &entry.on_duty {
        OnDuty::Doctor { id, .. } => Some(id.to_string()),
        _ => None,
    };
    let time = format!(
        "{}–{}",
        clock(entry.start, entry.date),
        clock(entry.end, entry.date)
    );
    view! {
        <li class=class data-doctor=doctor_id>
            <span class="time">{time}</span>
            <div class="what">
                {party_line(i18n, &entry.on_duty, false)}
                {entry.rule_label.clone().map(|l| view! { <span class="label">{l}</span> })}
                {entry.away.as_ref().map(|a| away_line(i18n, &entry.on_duty, a))}
            </div>
        </li>
    }
}

fn roster_block(i18n: I18n, roster: &Roster) -> impl IntoView {
    view! {
        <section class="block roster" data-testid="roster">
            <h2>{i18n.t(Key::RosterTitle)}</h2>
            <p class="duty-muted">{i18n.t(Key::RosterCallingOrder)}</p>
            <ol class="call-list">
                {roster.calling_order.iter().map(|d| roster_row(i18n, d)).collect_view()}
            </ol>
            <h3>{i18n.t(Key::RosterClinics)}</h3>
            <ul class="call-list">
                {roster.clinics.iter().map(|c| contact_row(i18n, None, c)).collect_view()}
            </ul>
            <h3>{i18n.t(Key::RosterNetwork)}</h3>
            <ul class="call-list">
                {roster.backup_hospital.as_ref().map(|c| contact_row(i18n, Some(Key::DutyBackupHospital), c))}
                {roster.secretariat.as_ref().map(|c| contact_row(i18n, Some(Key::RosterSecretariat), c))}
            </ul>
        </section>
    }
}

fn roster_row(i18n: I18n, doctor: &RosterDoctor) -> impl IntoView {
    let away = doctor.away.as_ref().map(|a| {
        let mut text = i18n
            .t(Key::RosterAway)
            .replace("{until}", &when(i18n, a.until))
            .replace("{reason}", &a.reason);
        if let Some(substitute) = &a.substitute {
            text.push_str(
                &i18n
                    .t(Key::RosterAwaySubstitute)
                    .replace("{name}", substitute),
            );
        }
        view! { <span class="duty-badge away">{text}</span> }
    });
    view! {
        <li class="call-row" data-testid="roster-doctor">
            <div class="who">
                <span class="role">{format!("{}. {}", doctor.order, doctor.clinic_name)}</span>
                <span class="person">{doctor.name.clone()}</span>
                <span class="kana">{doctor.name_kana.clone()}</span>
                <span class="number">{doctor.phone.clone()}</span>
                {away}
            </div>
            {call_button(i18n, &doctor.name, &doctor.phone)}
        </li>
    }
}

fn contact_row(i18n: I18n, role: Option<Key>, contact: &Contact) -> impl IntoView {
    view! {
        <li class="call-row">
            <div class="who">
                {role.map(|k| view! { <span class="role">{i18n.t(k)}</span> })}
                <span class="person">{contact.name.clone()}</span>
                <span class="org">{contact.address.clone()}</span>
                <span class="number">{contact.phone.clone()}</span>
            </div>
            {call_button(i18n, &contact.name, &contact.phone)}
        </li>
    }
}

// ---------------------------------------------------------------------------
// Dates and times in Tokyo, in the page's language
// ---------------------------------------------------------------------------

fn weekday_key(day: Weekday) -> Key {
    match day {
        Weekday::Mon => Key::WeekdayMon,
        Weekday::Tue => Key::WeekdayTue,
        Weekday::Wed => Key::WeekdayWed,
        Weekday::Thu => Key::WeekdayThu,
        Weekday::Fri => Key::WeekdayFri,
        Weekday::Sat => Key::WeekdaySat,
        Weekday::Sun => Key::WeekdaySun,
    }
}

/// `11/24 (火)`.
pub fn day_label(i18n: I18n, date: NaiveDate) -> String {
    format!(
        "{}/{} ({})",
        date.month(),
        date.day(),
        i18n.t(weekday_key(date.weekday()))
    )
}

/// `11/24 (火) 18:00`, in Tokyo.
pub fn when(i18n: I18n, t: DateTime<Utc>) -> String {
    let local = to_tokyo(t);
    format!(
        "{} {}",
        day_label(i18n, local.date()),
        local.format("%H:%M")
    )
}

/// `11/24 (火) 18:00 → 11/25 (水) 08:30`.
pub fn span(i18n: I18n, interval: Interval) -> String {
    format!(
        "{} → {}",
        when(i18n, interval.start),
        when(i18n, interval.end)
    )
}

/// The Tokyo clock time of `t` on the calendar day `date`: the next
/// midnight reads `24:00`, so a row ending at midnight ends on its own day.
pub fn clock(t: DateTime<Utc>, date: NaiveDate) -> String {
    let local = to_tokyo(t);
    if local.date() > date && local.time() == chrono::NaiveTime::MIN {
        "24:00".to_owned()
    } else {
        local.format("%H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::from_tokyo;
    use crate::i18n::Lang;

    fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        from_tokyo(
            NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|date| date.and_hms_opt(h, mi, 0))
                .expect("valid test time"),
        )
    }

    #[test]
    fn times_read_in_tokyo_in_both_languages() {
        let ja = I18n { lang: Lang::Ja };
        let en = I18n { lang: Lang::En };
        let date = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("valid date");
        let cases = [
            (when(ja, jst(2026, 11, 24, 18, 0)), "11/24 (火) 18:00"),
            (when(en, jst(2026, 11, 24, 18, 0)), "11/24 (Tue) 18:00"),
            (
                span(
                    ja,
                    Interval::new(jst(2026, 11, 24, 18, 0), jst(2026, 11, 25, 8, 30)),
                ),
                "11/24 (火) 18:00 → 11/25 (水) 08:30",
            ),
            (clock(jst(2026, 11, 25, 0, 0), date(24)), "24:00"),
            (clock(jst(2026, 11, 25, 0, 0), date(25)), "00:00"),
            (clock(jst(2026, 11, 24, 8, 30), date(24)), "08:30"),
        ];
        for (got, expected) in cases {
            assert_eq!(got, expected);
        }
    }
}
