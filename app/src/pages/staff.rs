//! `/admin/staff`: the administrator's list of staff accounts, filtered by
//! organisation; `/admin/staff/new`: a new account (no password: an
//! enrolment code is shown once); `/admin/staff/:id`: its details, disable
//! or enable, a new enrolment code.
//!
//! Server components and plain forms: they work the same with JavaScript
//! off. A refused form comes back with its error in the one-view flash and
//! what was typed in the query; a new code arrives in a one-view cookie
//! and is shown on the page it lands on, once.

use crate::api::staff::{
    revealed_code, staff_account, staff_list, IssuedCode, OrganizationOption, StaffCreate,
    StaffDirectory, StaffNewCode, StaffRow, StaffSetDisabled, StaffUpdate,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::form_error::FormError;
use crate::domain::access::Role;
use crate::domain::staff::NAME_MAX_CHARS;
use crate::domain::time::format_tokyo_minute;
use crate::i18n::{use_i18n, I18n, Key};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

const ROLES: [Role; 4] = [Role::Physician, Role::Nurse, Role::Coordinator, Role::Admin];

/// A role in words.
pub fn role_key(role: Role) -> Key {
    match role {
        Role::Nurse => Key::RoleNurse,
        Role::Physician => Key::RolePhysician,
        Role::Coordinator => Key::RoleCoordinator,
        Role::Admin => Key::RoleAdmin,
    }
}

/// An organisation's kind in words (an unknown kind says nothing).
fn org_kind_key(kind: &str) -> Option<Key> {
    match kind {
        "clinic" => Some(Key::OrgKindClinic),
        "nurse_station" => Some(Key::OrgKindNurseStation),
        "hospital" => Some(Key::OrgKindHospital),
        "secretariat" => Some(Key::OrgKindSecretariat),
        _ => None,
    }
}

fn org_label(i18n: I18n, o: &OrganizationOption) -> String {
    match org_kind_key(&o.kind) {
        Some(kind) => format!("{} ({})", o.name, i18n.t(kind)),
        None => o.name.clone(),
    }
}

#[component]
pub fn StaffListPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let org = query.read_untracked().get("org").unwrap_or_default();
    let directory = Resource::new(move || org.clone(), staff_list);
    view! {
        <Title text=i18n.t(Key::StaffAdminTitle) />
        <h1 class="page-title">{i18n.t(Key::StaffAdminTitle)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match directory.await {
                    Ok(d) => staff_list_view(i18n, d).into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn staff_list_view(i18n: I18n, d: StaffDirectory) -> impl IntoView {
    let count = i18n
        .t(Key::StaffCount)
        .replace("{n}", &d.staff.len().to_string());
    view! {
        <p><a class="button primary" href="/admin/staff/new" data-testid="staff-add">{i18n.t(Key::StaffAdd)}</a></p>
        <form method="get" action="/admin/staff" class="stack block" data-testid="staff-filter">
            <label>
                <span>{i18n.t(Key::StaffFilterOrg)}</span>
                <select name="org">
                    <option value="">{i18n.t(Key::StaffAllOrgs)}</option>
                    {d.organizations.iter().map(|o| view! {
                        <option value=o.id.to_string() selected=Some(o.id) == d.organization>
                            {org_label(i18n, o)}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">{i18n.t(Key::StaffFilterSubmit)}</button>
        </form>
        <section class="block" data-testid="staff-list">
            <p class="duty-muted">{count}</p>
            {if d.staff.is_empty() {
                view! { <p>{i18n.t(Key::StaffEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="absence-list staff-list">
                        {d.staff.into_iter().map(|row| staff_item(i18n, row)).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn status_words(i18n: I18n, row: &StaffRow) -> String {
    [
        if row.disabled {
            Key::StaffDisabledBadge
        } else {
            Key::StaffEnabled
        },
        if row.has_signed_in {
            Key::StaffSignedIn
        } else {
            Key::StaffNotSignedIn
        },
        if row.factor_enrolled {
            Key::StaffFactorEnrolled
        } else {
            Key::StaffNoFactor
        },
    ]
    .iter()
    .map(|k| i18n.t(*k))
    .collect::<Vec<_>>()
    .join(" · ")
}

fn staff_item(i18n: I18n, row: StaffRow) -> impl IntoView {
    let status = status_words(i18n, &row);
    let href = format!("/admin/staff/{}", row.id);
    view! {
        <li class="absence staff" data-testid="staff" data-login=row.login_id.clone()>
            <p class="who">
                <a href=href><strong>{format!("{} {}", row.family_name, row.given_name)}</strong></a>
                " "
                <span class="duty-muted">{format!("{} {}", row.family_name_kana, row.given_name_kana)}</span>
                {row.disabled.then(|| view! { <span class="duty-badge away">{i18n.t(Key::StaffDisabledBadge)}</span> })}
            </p>
            <p>{format!("{} · {}", i18n.t(role_key(row.role)), row.organization_name)}</p>
            <p>
                <span class="label">{i18n.t(Key::LoginId)}</span>" "<code>{row.login_id.clone()}</code>
                " "
                <span class="label">{i18n.t(Key::StaffPhone)}</span>" "
                <a href=format!("tel:{}", row.phone)>{row.phone.clone()}</a>
            </p>
            <p class="duty-muted" data-testid="staff-status">{status}</p>
        </li>
    }
}

/// The fields shared by the new and edit forms, filled with `value`.
fn detail_fields(
    i18n: I18n,
    organizations: &[OrganizationOption],
    value: impl Fn(&str) -> String,
) -> impl IntoView {
    let max = NAME_MAX_CHARS.to_string();
    let role = value("role");
    let org = value("organization_id");
    view! {
        <label>
            <span>{i18n.t(Key::FamilyName)}</span>
            <input type="text" name="family_name" required maxlength=max.clone() value=value("family_name") />
        </label>
        <label>
            <span>{i18n.t(Key::GivenName)}</span>
            <input type="text" name="given_name" required maxlength=max.clone() value=value("given_name") />
        </label>
        <label>
            <span>{i18n.t(Key::FamilyNameKana)}</span>
            <input type="text" name="family_name_kana" required maxlength=max.clone() value=value("family_name_kana") />
        </label>
        <label>
            <span>{i18n.t(Key::GivenNameKana)}</span>
            <input type="text" name="given_name_kana" required maxlength=max value=value("given_name_kana") />
        </label>
        <label>
            <span>{i18n.t(Key::StaffRole)}</span>
            <select name="role" required>
                <option value="">{i18n.t(Key::StaffChooseRole)}</option>
                {ROLES.iter().map(|r| view! {
                    <option value=r.as_str() selected=r.as_str() == role>{i18n.t(role_key(*r))}</option>
                }).collect_view()}
            </select>
        </label>
        <label>
            <span>{i18n.t(Key::StaffOrganization)}</span>
            <select name="organization_id" required>
                <option value="">{i18n.t(Key::StaffChooseOrg)}</option>
                {organizations.iter().map(|o| view! {
                    <option value=o.id.to_string() selected=o.id.to_string() == org>{org_label(i18n, o)}</option>
                }).collect_view()}
            </select>
        </label>
        <label>
            <span>{i18n.t(Key::StaffPhone)}</span>
            <input type="tel" name="phone" required maxlength="30" inputmode="tel" value=value("phone") />
        </label>
    }
}

#[component]
pub fn StaffNewPage() -> impl IntoView {
    let i18n = use_i18n();
    let directory = Resource::new(|| (), |_| staff_list(String::new()));
    let create = ServerAction::<StaffCreate>::new();
    view! {
        <Title text=i18n.t(Key::StaffNewTitle) />
        <p><a href="/admin/staff">{i18n.t(Key::StaffBackToList)}</a></p>
        <h1 class="page-title">{i18n.t(Key::StaffNewTitle)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match directory.await {
                    Ok(d) => {
                        let query = use_query_map();
                        let typed = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
                        view! {
                            <section class="block">
                                <p>{i18n.t(Key::StaffNoPasswordHelp)}</p>
                                <ActionForm action=create attr:class="stack" attr:data-testid="staff-new-form">
                                    {detail_fields(i18n, &d.organizations, typed)}
                                    <label>
                                        <span>{i18n.t(Key::LoginId)}</span>
                                        <input type="text" name="login_id" required maxlength="64"
                                            autocapitalize="none" spellcheck="false" autocomplete="off"
                                            value=typed("login_id") />
                                        <small class="duty-muted">{i18n.t(Key::StaffLoginIdHelp)}</small>
                                    </label>
                                    <FormError action=create />
                                    <button type="submit" class="button primary">{i18n.t(Key::StaffCreateSubmit)}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn code_block(i18n: I18n, issued: IssuedCode) -> impl IntoView {
    let help = i18n
        .t(Key::StaffCodeHelp)
        .replace("{login}", &issued.login_id)
        .replace("{time}", &format_tokyo_minute(issued.expires_at));
    view! {
        <section class="block secret" role="status" data-testid="staff-code">
            <h2>{i18n.t(Key::StaffCodeTitle)}</h2>
            <p><code data-testid="staff-code-value">{issued.code}</code></p>
            <p>{help}</p>
        </section>
    }
}

#[component]
pub fn StaffEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let query = use_query_map();
    let saved = query.read_untracked().get("saved").is_some();
    // Right after a creation or a new code (the post came back here), once.
    let revealed = revealed_code().filter(|c| c.staff_id.to_string() == id);
    let account = Resource::new(move || id.clone(), staff_account);
    let update = ServerAction::<StaffUpdate>::new();
    let set_disabled = ServerAction::<StaffSetDisabled>::new();
    let new_code = ServerAction::<StaffNewCode>::new();
    view! {
        <Title text=i18n.t(Key::StaffEditTitle) />
        <p><a href="/admin/staff">{i18n.t(Key::StaffBackToList)}</a></p>
        <h1 class="page-title">{i18n.t(Key::StaffEditTitle)}</h1>
        {revealed.map(|issued| code_block(i18n, issued))}
        {saved.then(|| view! { <p class="duty-notice" role="status" data-testid="staff-saved">{i18n.t(Key::StaffSaved)}</p> })}
        <FormError action=update />
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(mut d) => match d.staff.pop() {
                        Some(row) => staff_edit_view(i18n, row, d.organizations, update, set_disabled, new_code).into_any(),
                        None => view! { <ErrorPanel error=crate::error::AppError::NotFound /> }.into_any(),
                    },
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn staff_edit_view(
    i18n: I18n,
    row: StaffRow,
    organizations: Vec<OrganizationOption>,
    update: ServerAction<StaffUpdate>,
    set_disabled: ServerAction<StaffSetDisabled>,
    new_code: ServerAction<StaffNewCode>,
) -> impl IntoView {
    let id: Uuid = row.id;
    let status = status_words(i18n, &row);
    let current = row.clone();
    let value = move |name: &str| match name {
        "family_name" => current.family_name.clone(),
        "given_name" => current.given_name.clone(),
        "family_name_kana" => current.family_name_kana.clone(),
        "given_name_kana" => current.given_name_kana.clone(),
        "role" => current.role.as_str().to_owned(),
        "organization_id" => current.organization_id.to_string(),
        "phone" => current.phone.clone(),
        _ => String::new(),
    };
    view! {
        <section class="block" data-testid="staff-details">
            <h2 data-testid="staff-name">{format!("{} {}", row.family_name, row.given_name)}</h2>
            <p>
                <span class="label">{i18n.t(Key::LoginId)}</span>" "<code data-testid="staff-login">{row.login_id.clone()}</code>
            </p>
            <p class="duty-muted" data-testid="staff-status">{status}</p>
            <ActionForm action=update attr:class="stack">
                <input type="hidden" name="staff_id" value=id.to_string() />
                {detail_fields(i18n, &organizations, value)}
                <button type="submit" class="button primary">{i18n.t(Key::StaffSave)}</button>
            </ActionForm>
        </section>
        <section class="block" data-testid="staff-account">
            <h2>{i18n.t(Key::StaffAccountTitle)}</h2>
            <p>{i18n.t(Key::StaffNewCodeHelp)}</p>
            {(!row.disabled).then(|| view! {
                <ActionForm action=new_code attr:class="inline">
                    <input type="hidden" name="staff_id" value=id.to_string() />
                    <button type="submit" class="button">{i18n.t(Key::StaffNewCode)}</button>
                </ActionForm>
            })}
            <p>{i18n.t(Key::StaffDisableHelp)}</p>
            <ActionForm action=set_disabled attr:class="inline">
                <input type="hidden" name="staff_id" value=id.to_string() />
                <input type="hidden" name="disabled" value=(!row.disabled).to_string() />
                <button type="submit" class="button">
                    {i18n.t(if row.disabled { Key::StaffEnable } else { Key::StaffDisable })}
                </button>
            </ActionForm>
        </section>
    }
}
