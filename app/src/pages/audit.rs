//! `/audit`: the coordinator's search of the access log, and
//! `/notices`: break-glass openings for the attending physician and the
//! coordinator. Both are plain GET forms and links: no JavaScript needed.

use crate::api::audit::{break_glass_notices, search_audit};
use crate::components::error_panel::ErrorPanel;
use crate::domain::access::{CareRole, DenyReason, Role};
use crate::domain::audit_log::{
    parse_detail, AuditAction, AuditDetail, AuditOutcome, SignInDetail,
};
use crate::domain::time::format_tokyo_minute;
use crate::i18n::{
    attempt_outcome_key, call_outcome_key, cancel_reason_key, reason_key, use_i18n, I18n, Key,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        (
            q.get("patient").unwrap_or_default(),
            q.get("staff").unwrap_or_default(),
        )
    };
    let rows = Resource::new(filters, |(patient, staff)| search_audit(patient, staff));
    view! {
        <Title text=i18n.t(Key::AuditTitle) />
        <h1 class="page-title">{i18n.t(Key::AuditTitle)}</h1>
        <form method="get" action="/audit" class="stack filters">
            <label>
                <span>{i18n.t(Key::AuditPatient)}</span>
                <input type="search" name="patient" value=move || filters().0 maxlength="100" />
            </label>
            <label>
                <span>{i18n.t(Key::AuditWho)}</span>
                <input type="search" name="staff" value=move || filters().1 maxlength="100" />
            </label>
            <button type="submit" class="button">{i18n.t(Key::AuditSearch)}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) => view! {
                        <table class="audit">
                            <thead>
                                <tr>
                                    <th>{i18n.t(Key::AuditWhen)}</th>
                                    <th>{i18n.t(Key::AuditWho)}</th>
                                    <th>{i18n.t(Key::AuditPatient)}</th>
                                    <th>{i18n.t(Key::AuditAction)}</th>
                                    <th>{i18n.t(Key::AuditOutcome)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let action = AuditAction::parse(&r.action);
                                    let outcome = AuditOutcome::parse(&r.outcome);
                                    let detail = detail_words(
                                        i18n,
                                        &parse_detail(action, outcome, &r.detail),
                                    );
                                    let class = match outcome {
                                        AuditOutcome::Denied => "outcome-denied",
                                        _ => "outcome-ok",
                                    };
                                    view! {
                                    <tr class=class>
                                        <td>{format_tokyo_minute(r.at)}</td>
                                        <td>{r.staff}</td>
                                        <td>{r.patient}</td>
                                        <td>{i18n.t(action_key(action))}<br /><small>{detail}</small></td>
                                        <td>{i18n.t(outcome_key(outcome))}</td>
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn action_key(action: AuditAction) -> Key {
    use AuditAction as A;
    match action {
        A::ReadCard => Key::AuditActReadCard,
        A::EditCard => Key::AuditActEditCard,
        A::EditOrders => Key::AuditActEditOrders,
        A::EditIdentity => Key::AuditActEditIdentity,
        A::OpenCall => Key::AuditActOpenCall,
        A::RecordOutcome => Key::AuditActRecordOutcome,
        A::BreakGlass => Key::AuditActBreakGlass,
        A::ReadAudit => Key::AuditActReadAudit,
        A::ManageRoster => Key::AuditActManageRoster,
        A::CallAttempt => Key::AuditActCallAttempt,
        A::CallCancel => Key::AuditActCallCancel,
        A::CallRestart => Key::AuditActCallRestart,
        A::HandoffAck => Key::AuditActHandoffAck,
        A::RegisterAbsence => Key::AuditActRegisterAbsence,
        A::CancelAbsence => Key::AuditActCancelAbsence,
        A::PasskeyRegister => Key::AuditActPasskeyRegister,
        A::PasskeyRemove => Key::AuditActPasskeyRemove,
        A::TotpEnrol => Key::AuditActTotpEnrol,
        A::PasswordChange => Key::AuditActPasswordChange,
        A::SignIn => Key::AuditActSignIn,
        A::SignInSecondFactor => Key::AuditActSignInSecondFactor,
        A::SignOut => Key::AuditActSignOut,
        A::ListPatients => Key::AuditActListPatients,
        A::SearchPatients => Key::AuditActSearchPatients,
        // --- issue 9: factors and sessions ---
        A::Reauthenticate => Key::AuditActReauthenticate,
        A::EnrolmentCodeIssue => Key::AuditActEnrolmentCodeIssue,
        A::EnrolmentCodeRedeem => Key::AuditActEnrolmentCodeRedeem,
        A::TotpReset => Key::AuditActTotpReset,
        A::RecoveryCodesRenew => Key::AuditActRecoveryCodesRenew,
        A::SessionEnd => Key::AuditActSessionEnd,
        A::SessionsEndOthers => Key::AuditActSessionsEndOthers,
        A::ReadHandoffs => Key::AuditActReadHandoffs,
        A::ReadNotices => Key::AuditActReadNotices,
        A::ReadBoard => Key::AuditActReadBoard,
        A::WatchCall => Key::AuditActWatchCall,
        A::WatchBoard => Key::AuditActWatchBoard,
        A::ReadTeams => Key::AuditActReadTeams,
        A::TeamNightModel => Key::AuditActTeamNightModel,
        A::TeamCallingOrder => Key::AuditActTeamCallingOrder,
        A::TeamBackupHospital => Key::AuditActTeamBackupHospital,
        A::TeamCover => Key::AuditActTeamCover,
        A::TeamCoverRemove => Key::AuditActTeamCoverRemove,
        // --- staff administration ---
        A::ManageStaff => Key::AuditActManageStaff,
        A::StaffCreate => Key::AuditActStaffCreate,
        A::PatientAdmit => Key::AuditActPatientAdmit,
        A::ReadPatientCare => Key::AuditActReadPatientCare,
        A::ConsentRevoke => Key::AuditActConsentRevoke,
        A::StaffUpdate => Key::AuditActStaffUpdate,
        A::StaffDisable => Key::AuditActStaffDisable,
        A::StaffEnable => Key::AuditActStaffEnable,
        A::FirstSignIn => Key::AuditActFirstSignIn,
        A::Other => Key::AuditActOther,
    }
}

fn outcome_key(outcome: AuditOutcome) -> Key {
    match outcome {
        AuditOutcome::Allowed => Key::AuditOutAllowed,
        AuditOutcome::Denied => Key::AuditOutDenied,
        AuditOutcome::Done => Key::AuditOutDone,
        AuditOutcome::Other => Key::AuditOutOther,
    }
}

fn care_role_key(role: CareRole) -> Key {
    match role {
        CareRole::Attending => Key::RoleAttending,
        CareRole::Secondary => Key::RoleSecondary,
        CareRole::NurseStation => Key::NurseStation,
        CareRole::CareManager => Key::CareManager,
    }
}

fn role_key(role: Role) -> Key {
    match role {
        Role::Nurse => Key::RoleNurse,
        Role::Physician => Key::RolePhysician,
        Role::Coordinator => Key::RoleCoordinator,
        Role::Admin => Key::RoleAdmin,
    }
}

fn deny_key(reason: DenyReason) -> Key {
    use DenyReason as D;
    match reason {
        D::NotOnCareTeam => Key::AuditDenyNotOnCareTeam,
        D::NoConsentForGroupCare => Key::AuditDenyNoConsent,
        D::ConsentRevoked => Key::AuditDenyConsentRevoked,
        D::RoleMayNotDoThis => Key::AuditDenyRole,
        D::MembershipExpired => Key::AuditDenyMembershipExpired,
        D::MembershipNotYetStarted => Key::AuditDenyMembershipNotYet,
        D::ReadOnlyAccess => Key::AuditDenyReadOnly,
        D::BreakGlassExpired => Key::AuditDenyBreakGlassExpired,
        D::AlreadyAllowed => Key::AuditDenyAlreadyAllowed,
        D::NotAStaffAction => Key::AuditDenyNotStaffAction,
    }
}

/// The detail of an audit row in words; a code this build cannot word is
/// never shown raw.
fn detail_words(i18n: I18n, detail: &AuditDetail) -> String {
    let t = |k| i18n.t(k).to_owned();
    match detail {
        AuditDetail::None => String::new(),
        AuditDetail::CareTeam(role) => {
            format!("{}: {}", t(Key::AuditViaCareTeam), t(care_role_key(*role)))
        }
        AuditDetail::CoveringTeam => t(Key::AuditViaCoveringTeam),
        AuditDetail::ByRole(role) => format!("{}: {}", t(Key::AuditViaRole), t(role_key(*role))),
        AuditDetail::BreakGlassUntil(until) => {
            // Written as `DateTime<Utc>`'s Display: `2026-12-01 03:00:00.5 UTC`.
            let until = until
                .strip_suffix(" UTC")
                .and_then(|u| chrono::NaiveDateTime::parse_from_str(u, "%Y-%m-%d %H:%M:%S%.f").ok())
                .map(|d| format_tokyo_minute(d.and_utc()))
                .unwrap_or_default();
            t(Key::AuditViaBreakGlass).replace("{until}", &until)
        }
        AuditDetail::Denied(reason) => t(deny_key(*reason)),
        AuditDetail::UnknownPatient => t(Key::AuditUnknownPatient),
        AuditDetail::CallReason(reason) => t(reason_key(*reason)),
        AuditDetail::Attempt(outcome) => t(attempt_outcome_key(*outcome)),
        AuditDetail::CallOutcome(outcome) => t(call_outcome_key(*outcome)),
        AuditDetail::CancelReason(reason) => t(cancel_reason_key(*reason)),
        AuditDetail::MoveRefused { not_yours: true } => t(Key::AuditMoveNotYours),
        AuditDetail::MoveRefused { not_yours: false } => t(Key::AuditMoveNotNow),
        AuditDetail::Everywhere => t(Key::AuditEverywhere),
        AuditDetail::SignIn { login, what } => {
            let what = match what {
                SignInDetail::Password => t(Key::AuditSignInPassword),
                SignInDetail::Passkey => t(Key::AuditSignInPasskey),
                SignInDetail::BadCredentials => t(Key::AuditSignInBadCredentials),
                SignInDetail::Throttled => t(Key::AuditSignInThrottled),
                SignInDetail::PasskeyRefused => t(Key::AuditSignInPasskeyRefused),
                SignInDetail::Other => t(Key::AuditDetailRecorded),
            };
            if login.is_empty() {
                what
            } else {
                format!("{login}: {what}")
            }
        }
        AuditDetail::Text(text) => text.clone(),
        AuditDetail::Unworded => t(Key::AuditDetailRecorded),
    }
}

#[component]
pub fn NoticesPage() -> impl IntoView {
    let i18n = use_i18n();
    let notices = Resource::new(|| (), |_| break_glass_notices());
    view! {
        <Title text=i18n.t(Key::NoticesTitle) />
        <h1 class="page-title">{i18n.t(Key::NoticesTitle)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match notices.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p>{i18n.t(Key::NoticesEmpty)}</p> }.into_any()
                    }
                    Ok(list) => view! {
                        <ul class="notices">
                            {list.into_iter().map(|n| view! {
                                <li class="notice break-glass" data-testid="break-glass-notice">
                                    <strong>{i18n.t(Key::BreakGlassActive)}</strong>
                                    " "{format_tokyo_minute(n.at)}" "
                                    <a href=format!("/patients/{}/night-card", n.patient_id)>{n.patient}</a>
                                    " ← "{n.staff}
                                    <p class="reason">{n.reason}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
