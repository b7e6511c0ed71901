//! `/admin/teams` and `/admin/teams/:id`: the coordinator sets up a clinic
//! team's nights. The team page, top to bottom: the night model (four
//! presets named after the regions of the seeds, each in words), the
//! calling order (each doctor with 上へ / 下へ), the backup hospital and the
//! history of these changes. Server components and plain form posts: no
//! wasm, and the same with JavaScript off.

use crate::api::teams::{
    admin_team, admin_teams, AddTeamCover, ApplyTeamNightModel, MoveTeamDoctor, RemoveTeamCover,
    SetTeamBackupHospital, TeamAdmin, TeamChange, TeamSummary,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::form_error::use_form_flash;
use crate::domain::night_model::NightModel;
use crate::domain::time::format_tokyo_minute;
use crate::i18n::{use_i18n, I18n, Key};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The preset's name and what it does, in words.
pub fn night_model_words(model: NightModel) -> (Key, Key) {
    match model {
        NightModel::Kofu => (Key::NightModelKofu, Key::NightModelKofuHelp),
        NightModel::Izumo => (Key::NightModelIzumo, Key::NightModelIzumoHelp),
        NightModel::Usuki => (Key::NightModelUsuki, Key::NightModelUsukiHelp),
        NightModel::Kashiwa => (Key::NightModelKashiwa, Key::NightModelKashiwaHelp),
    }
}

/// The team's night model in words; teams set up before the presets run
/// the default path.
fn model_name(i18n: I18n, code: Option<&str>) -> &'static str {
    match code.and_then(NightModel::parse) {
        Some(model) => i18n.t(night_model_words(model).0),
        None => i18n.t(Key::NightModelNone),
    }
}

#[component]
pub fn TeamsPage() -> impl IntoView {
    let i18n = use_i18n();
    let teams = Resource::new(|| (), |_| admin_teams());
    view! {
        <Title text=i18n.t(Key::TeamsTitle) />
        <h1 class="page-title">{i18n.t(Key::TeamsTitle)}</h1>
        <p>{i18n.t(Key::TeamsHelp)}</p>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match teams.await {
                    Ok(teams) => view! {
                        <ul class="admin-list" data-testid="teams">
                            {teams.into_iter().map(|t| team_line(i18n, t)).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn team_line(i18n: I18n, team: TeamSummary) -> impl IntoView {
    let href = format!("/admin/teams/{}", team.id);
    view! {
        <li class="block" data-testid="team">
            <h2><a href=href>{team.name.clone()}</a></h2>
            {summary_facts(i18n, &team)}
        </li>
    }
}

fn summary_facts(i18n: I18n, team: &TeamSummary) -> impl IntoView {
    let counts = i18n
        .t(Key::TeamCounts)
        .replace("{doctors}", &team.doctors.to_string())
        .replace("{patients}", &team.patients.to_string());
    view! {
        <dl class="facts-list">
            <dt>{i18n.t(Key::TeamClinics)}</dt>
            <dd>{team.clinics.join("、")}</dd>
            <dt>{i18n.t(Key::TeamNightModel)}</dt>
            <dd data-testid="team-night-model">{model_name(i18n, team.night_model.as_deref())}</dd>
            <dt>{i18n.t(Key::TeamBackupHospital)}</dt>
            <dd data-testid="team-backup-hospital">
                {team.backup_hospital.clone().unwrap_or_else(|| i18n.t(Key::TeamNoBackupHospital).to_owned())}
            </dd>
            <dt>{i18n.t(Key::TeamSize)}</dt>
            <dd>{counts}</dd>
        </dl>
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let team = Resource::new(id, admin_team);
    // A refused form comes back here with its reason, said once.
    let flash = use_form_flash();
    view! {
        <Title text=i18n.t(Key::TeamsTitle) />
        <p><a href="/admin/teams">{i18n.t(Key::TeamsBack)}</a></p>
        <Suspense fallback=|| ()>
            {move || flash.get().flatten().map(|e| view! {
                <p class="form-error" role="alert" data-testid="team-error">{e.user_message(i18n.lang)}</p>
            })}
        </Suspense>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match team.await {
                    Ok(team) => team_view(i18n, team).into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn team_view(i18n: I18n, team: TeamAdmin) -> impl IntoView {
    let id = team.summary.id.to_string();
    view! {
        <h1 class="page-title" data-testid="team-name">{team.summary.name.clone()}</h1>
        {summary_facts(i18n, &team.summary)}
        <p><a class="button" href=format!("/duty?team={id}")>{i18n.t(Key::TeamSeeDuty)}</a></p>
        {night_model_form(i18n, &id, team.summary.night_model.as_deref())}
        {calling_order(i18n, &id, &team)}
        {covers(i18n, &id, &team)}
        {backup_hospital_form(i18n, &id, &team)}
        {history(i18n, team.history)}
    }
}

fn night_model_form(i18n: I18n, id: &str, current: Option<&str>) -> impl IntoView {
    let apply = ServerAction::<ApplyTeamNightModel>::new();
    let current = current.and_then(NightModel::parse);
    let id = id.to_owned();
    view! {
        <section class="block" id="night-model" data-testid="night-model">
            <h2>{i18n.t(Key::TeamNightModel)}</h2>
            <p>{i18n.t(Key::NightModelHelp)}</p>
            <ActionForm action=apply attr:class="stack">
                <input type="hidden" name="team_id" value=id />
                <fieldset class="models">
                    <legend>{i18n.t(Key::NightModelChoose)}</legend>
                    {NightModel::ALL.into_iter().map(|model| {
                        let (name, help) = night_model_words(model);
                        view! {
                            <label class="choice model">
                                <input type="radio" name="model" value=model.code()
                                    checked=current == Some(model) required />
                                <span>
                                    <strong>{i18n.t(name)}</strong>
                                    <span class="meta">{i18n.t(help)}</span>
                                </span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <p class="warning">{i18n.t(Key::NightModelReplaces)}</p>
                <button type="submit" class="button primary">{i18n.t(Key::NightModelApply)}</button>
            </ActionForm>
        </section>
    }
}

fn calling_order(i18n: I18n, id: &str, team: &TeamAdmin) -> impl IntoView {
    let last = team.doctors.len().saturating_sub(1);
    let placed = team.doctors.iter().any(|d| d.placed);
    view! {
        <section class="block" id="calling-order" data-testid="calling-order">
            <h2>{i18n.t(Key::TeamCallingOrder)}</h2>
            <p>{i18n.t(if placed { Key::CallingOrderHelp } else { Key::CallingOrderDefault })}</p>
            <ol class="calling-order">
                {team.doctors.iter().enumerate().map(|(i, doctor)| {
                    let up = (i > 0).then(|| move_form(i18n, id, &doctor.id.to_string(), &doctor.name, "up"));
                    let down = (i < last).then(|| move_form(i18n, id, &doctor.id.to_string(), &doctor.name, "down"));
                    view! {
                        <li data-testid="calling-order-doctor">
                            <span class="pos">{i + 1}</span>
                            <span class="who">
                                <strong>{doctor.name.clone()}</strong>
                                <span class="meta">{doctor.clinic_name.clone()}</span>
                            </span>
                            <span class="moves">{up}{down}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

fn move_form(
    i18n: I18n,
    team: &str,
    doctor: &str,
    name: &str,
    direction: &'static str,
) -> impl IntoView {
    let action = ServerAction::<MoveTeamDoctor>::new();
    let (label, key) = if direction == "up" {
        ("↑", Key::CallingOrderUp)
    } else {
        ("↓", Key::CallingOrderDown)
    };
    let words = i18n.t(key).replace("{name}", name);
    let (team, doctor) = (team.to_owned(), doctor.to_owned());
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="team_id" value=team />
            <input type="hidden" name="staff_id" value=doctor />
            <input type="hidden" name="direction" value=direction />
            <button type="submit" class="button small" aria-label=words.clone() title=words>
                {label}
            </button>
        </ActionForm>
    }
}

fn backup_hospital_form(i18n: I18n, id: &str, team: &TeamAdmin) -> impl IntoView {
    let save = ServerAction::<SetTeamBackupHospital>::new();
    let current = team.backup_hospital_id;
    let id = id.to_owned();
    let hospitals = team.hospitals.clone();
    view! {
        <section class="block" id="backup-hospital" data-testid="backup-hospital">
            <h2>{i18n.t(Key::TeamBackupHospital)}</h2>
            <p>{i18n.t(Key::BackupHospitalHelp)}</p>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="team_id" value=id />
                <label>
                    <span>{i18n.t(Key::TeamBackupHospital)}</span>
                    <select name="hospital_id" required>
                        {current.is_none().then(|| view! {
                            <option value="" selected>{i18n.t(Key::TeamNoBackupHospital)}</option>
                        })}
                        {hospitals.into_iter().map(|h| view! {
                            <option value=h.id.to_string() selected=current == Some(h.id)>{h.name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button primary">{i18n.t(Key::Save)}</button>
            </ActionForm>
        </section>
    }
}

fn change_words(i18n: I18n, change: &TeamChange) -> String {
    match change.change.as_str() {
        "night_model" => format!(
            "{}: {}",
            i18n.t(Key::TeamNightModel),
            model_name(i18n, Some(&change.value))
        ),
        "calling_order" => format!("{}: {}", i18n.t(Key::TeamCallingOrder), change.value),
        "backup_hospital" => format!("{}: {}", i18n.t(Key::TeamBackupHospital), change.value),
        "cover" => format!("{}: {}", i18n.t(Key::TeamCovers), change.value),
        "cover_removed" => format!("{}: {}", i18n.t(Key::CoverRemoved), change.value),
        _ => i18n.t(Key::TeamChangeOther).to_owned(),
    }
}

fn history(i18n: I18n, changes: Vec<TeamChange>) -> impl IntoView {
    view! {
        <section class="block" id="team-history" data-testid="team-history">
            <h2>{i18n.t(Key::TeamHistory)}</h2>
            {if changes.is_empty() {
                view! { <p>{i18n.t(Key::TeamHistoryEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="history">
                        {changes.iter().map(|c| view! {
                            <li data-testid="team-change">
                                <span class="meta">{format!("{} {}", format_tokyo_minute(c.at), c.by)}</span>
                                " "
                                <span>{change_words(i18n, c)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn covers(i18n: I18n, id: &str, team: &TeamAdmin) -> impl IntoView {
    let add = ServerAction::<AddTeamCover>::new();
    let doctors = team.doctors.clone();
    let team_id = id.to_owned();
    view! {
        <section class="block" id="covers" data-testid="covers">
            <h2>{i18n.t(Key::TeamCovers)}</h2>
            <p>{i18n.t(Key::CoversHelp)}</p>
            {if team.covers.is_empty() {
                view! { <p>{i18n.t(Key::CoversNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="history">
                        {team.covers.iter().map(|c| {
                            let remove = ServerAction::<RemoveTeamCover>::new();
                            let words = format!("{} {}–{}", c.doctor, format_tokyo_minute(c.start), format_tokyo_minute(c.end));
                            let (team_id, cover_id) = (id.to_owned(), c.id.to_string());
                            view! {
                                <li data-testid="cover">
                                    <span>{words}</span>" "
                                    <ActionForm action=remove attr:class="inline">
                                        <input type="hidden" name="team_id" value=team_id />
                                        <input type="hidden" name="cover_id" value=cover_id />
                                        <button type="submit" class="button small">{i18n.t(Key::CoverRemove)}</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=add attr:class="stack">
                <input type="hidden" name="team_id" value=team_id />
                <label>
                    <span>{i18n.t(Key::CoverDoctor)}</span>
                    <select name="staff_id" required>
                        {doctors.into_iter().map(|d| view! {
                            <option value=d.id.to_string()>{format!("{}（{}）", d.name, d.clinic_name)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{i18n.t(Key::CoverDate)}</span>
                    <input type="date" name="date" required />
                </label>
                <label>
                    <span>{i18n.t(Key::CoverFrom)}</span>
                    <input type="time" name="from" value="18:00" required />
                </label>
                <label>
                    <span>{i18n.t(Key::CoverTo)}</span>
                    <input type="time" name="to" value="08:30" required />
                </label>
                <button type="submit" class="button primary">{i18n.t(Key::CoverAdd)}</button>
            </ActionForm>
        </section>
    }
}
