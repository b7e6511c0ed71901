//! The audit log's rows read back as typed values. The log stores short
//! codes (`read_card`, `denied`, `no_answer`, `CareTeam(Attending)`), which
//! are stable and easy to query; the coordinator's page must word every one
//! of them. Parsing them here, once, lets the page translate each kind and
//! never print a code: whatever is not recognised is kept out of the
//! visible text rather than shown raw.

use crate::domain::access::{CareRole, DenyReason, Role};
use crate::domain::incident::{AttemptOutcome, CallOutcome, CancelReason, Reason};

/// What was done (the `action` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    ReadCard,
    EditCard,
    EditOrders,
    EditIdentity,
    OpenCall,
    RecordOutcome,
    BreakGlass,
    ReadAudit,
    ManageRoster,
    CallAttempt,
    CallCancel,
    CallRestart,
    HandoffAck,
    RegisterAbsence,
    CancelAbsence,
    PasskeyRegister,
    PasskeyRemove,
    TotpEnrol,
    PasswordChange,
    SignIn,
    SignInSecondFactor,
    SignOut,
    ListPatients,
    SearchPatients,
    // --- issue 9: factors and sessions ---
    Reauthenticate,
    EnrolmentCodeIssue,
    EnrolmentCodeRedeem,
    TotpReset,
    RecoveryCodesRenew,
    SessionEnd,
    SessionsEndOthers,
    ReadHandoffs,
    ReadNotices,
    ReadBoard,
    WatchCall,
    WatchBoard,
    // --- issue 11: team administration ---
    ReadTeams,
    TeamNightModel,
    TeamCallingOrder,
    TeamBackupHospital,
    TeamCover,
    TeamCoverRemove,
    // --- staff administration ---
    ManageStaff,
    StaffCreate,
    StaffUpdate,
    StaffDisable,
    StaffEnable,
    FirstSignIn,
    // --- patients ---
    PatientAdmit,
    ReadPatientCare,
    ConsentRevoke,
    /// A code this build does not know (written by a newer server).
    Other,
}

impl AuditAction {
    pub fn parse(code: &str) -> Self {
        match code {
            "read_card" => Self::ReadCard,
            "edit_card" => Self::EditCard,
            "edit_orders" => Self::EditOrders,
            "edit_identity" => Self::EditIdentity,
            "open_call" => Self::OpenCall,
            "record_outcome" => Self::RecordOutcome,
            "break_glass" => Self::BreakGlass,
            "read_audit" => Self::ReadAudit,
            "manage_roster" => Self::ManageRoster,
            "call_attempt" => Self::CallAttempt,
            "call_cancel" => Self::CallCancel,
            "call_restart" => Self::CallRestart,
            "handoff_ack" => Self::HandoffAck,
            "register_absence" => Self::RegisterAbsence,
            "cancel_absence" => Self::CancelAbsence,
            "passkey_register" => Self::PasskeyRegister,
            "passkey_remove" => Self::PasskeyRemove,
            "totp_enrol" => Self::TotpEnrol,
            "password_change" => Self::PasswordChange,
            "sign_in" => Self::SignIn,
            "sign_in_second_factor" => Self::SignInSecondFactor,
            "sign_out" => Self::SignOut,
            "list_patients" => Self::ListPatients,
            "search_patients" => Self::SearchPatients,
            // --- issue 9: factors and sessions ---
            "reauthenticate" => Self::Reauthenticate,
            "enrolment_code_issue" => Self::EnrolmentCodeIssue,
            "enrolment_code_redeem" => Self::EnrolmentCodeRedeem,
            "totp_reset" => Self::TotpReset,
            "recovery_codes_renew" => Self::RecoveryCodesRenew,
            "session_end" => Self::SessionEnd,
            "sessions_end_others" => Self::SessionsEndOthers,
            "read_handoffs" => Self::ReadHandoffs,
            "read_notices" => Self::ReadNotices,
            "read_board" => Self::ReadBoard,
            "watch_call" => Self::WatchCall,
            "watch_board" => Self::WatchBoard,
            // --- issue 11: team administration ---
            "read_teams" => Self::ReadTeams,
            "team_night_model" => Self::TeamNightModel,
            "team_calling_order" => Self::TeamCallingOrder,
            "team_backup_hospital" => Self::TeamBackupHospital,
            "team_cover" => Self::TeamCover,
            "team_cover_remove" => Self::TeamCoverRemove,
            // --- staff administration ---
            "manage_staff" => Self::ManageStaff,
            "staff_create" => Self::StaffCreate,
            "patient_admit" => Self::PatientAdmit,
            "read_patient_care" => Self::ReadPatientCare,
            "consent_revoke" => Self::ConsentRevoke,
            "staff_update" => Self::StaffUpdate,
            "staff_disable" => Self::StaffDisable,
            "staff_enable" => Self::StaffEnable,
            "first_sign_in" => Self::FirstSignIn,
            _ => Self::Other,
        }
    }
}

/// How it ended (the `outcome` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOutcome {
    Allowed,
    Denied,
    Done,
    Other,
}

impl AuditOutcome {
    pub fn parse(code: &str) -> Self {
        match code {
            "allowed" => Self::Allowed,
            "denied" => Self::Denied,
            "done" => Self::Done,
            _ => Self::Other,
        }
    }
}

/// The `detail` column, as far as it is a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditDetail {
    None,
    /// Access granted through a care-team seat.
    CareTeam(CareRole),
    /// Access granted to a covering team doctor under group-care consent.
    CoveringTeam,
    /// Access granted by the actor's role.
    ByRole(Role),
    /// Access granted through a break-glass grant (until when, as written).
    BreakGlassUntil(String),
    Denied(DenyReason),
    UnknownPatient,
    CallReason(Reason),
    Attempt(AttemptOutcome),
    CallOutcome(CallOutcome),
    CancelReason(CancelReason),
    /// A refused move on a call: not this person's (`true`) or not now.
    MoveRefused {
        not_yours: bool,
    },
    /// Sign-out of every session of the account.
    Everywhere,
    /// A sign-in attempt: the login id typed, and what happened.
    SignIn {
        login: String,
        what: SignInDetail,
    },
    /// Free text written by a person or a count (a break-glass reason, a
    /// passkey's name, a search): shown as it is.
    Text(String),
    /// A code this build cannot word: kept off the screen.
    Unworded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInDetail {
    Password,
    Passkey,
    BadCredentials,
    Throttled,
    PasskeyRefused,
    Other,
}

/// Whether `s` looks like a code (`snake_case`, or a Rust-style
/// `CamelCase(…)` / `Name { … }`) rather than words a person wrote.
pub fn looks_like_code(s: &str) -> bool {
    let snake = s
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| {
            w.contains('_')
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
                && w.chars().any(|c| c.is_ascii_lowercase())
        });
    let camel = s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && !s.contains(' ')
        && s.chars().skip(1).any(|c| c.is_ascii_uppercase());
    snake || camel || s.contains(" { ")
}

fn deny_reason(s: &str) -> Option<DenyReason> {
    use DenyReason as D;
    let all = [
        D::NotOnCareTeam,
        D::NoConsentForGroupCare,
        D::ConsentRevoked,
        D::RoleMayNotDoThis,
        D::MembershipExpired,
        D::MembershipNotYetStarted,
        D::ReadOnlyAccess,
        D::BreakGlassExpired,
        D::AlreadyAllowed,
        D::NotAStaffAction,
    ];
    // Written as `{reason:?}` (CamelCase) or `as_str()` (snake_case).
    all.into_iter()
        .find(|r| format!("{r:?}") == s || r.as_str() == s)
}

fn care_role(s: &str) -> Option<CareRole> {
    match s {
        "Attending" => Some(CareRole::Attending),
        "Secondary" => Some(CareRole::Secondary),
        "NurseStation" => Some(CareRole::NurseStation),
        "CareManager" => Some(CareRole::CareManager),
        _ => None,
    }
}

fn role(s: &str) -> Option<Role> {
    match s {
        "Nurse" => Some(Role::Nurse),
        "Physician" => Some(Role::Physician),
        "Coordinator" => Some(Role::Coordinator),
        "Admin" => Some(Role::Admin),
        _ => None,
    }
}

/// Reads `detail` in the light of the row's action and outcome.
pub fn parse_detail(action: AuditAction, outcome: AuditOutcome, detail: &str) -> AuditDetail {
    let detail = detail.trim();
    if detail.is_empty() {
        return AuditDetail::None;
    }
    if let Some(inner) = detail
        .strip_prefix("CareTeam(")
        .and_then(|r| r.strip_suffix(')'))
    {
        if let Some(r) = care_role(inner) {
            return AuditDetail::CareTeam(r);
        }
    }
    if let Some(inner) = detail
        .strip_prefix("Role(")
        .and_then(|r| r.strip_suffix(')'))
    {
        if let Some(r) = role(inner) {
            return AuditDetail::ByRole(r);
        }
    }
    if detail == "CoveringTeamWithConsent" {
        return AuditDetail::CoveringTeam;
    }
    if let Some(until) = detail.strip_prefix("break-glass until ") {
        return AuditDetail::BreakGlassUntil(until.to_owned());
    }
    if detail.starts_with("unknown patient ") {
        return AuditDetail::UnknownPatient;
    }
    if let Some(reason) = deny_reason(detail) {
        return AuditDetail::Denied(reason);
    }
    match action {
        AuditAction::OpenCall if outcome == AuditOutcome::Done => {
            if let Some(r) = Reason::parse(detail) {
                return AuditDetail::CallReason(r);
            }
        }
        AuditAction::CallAttempt => {
            if let Some(o) = AttemptOutcome::parse(detail) {
                return AuditDetail::Attempt(o);
            }
        }
        AuditAction::RecordOutcome if outcome == AuditOutcome::Done => {
            if let Some(o) = CallOutcome::parse(detail) {
                return AuditDetail::CallOutcome(o);
            }
        }
        AuditAction::CallCancel if outcome == AuditOutcome::Done => {
            if let Some(r) = CancelReason::parse(detail) {
                return AuditDetail::CancelReason(r);
            }
        }
        AuditAction::SignOut if detail == "everywhere" => return AuditDetail::Everywhere,
        AuditAction::SignIn | AuditAction::SignInSecondFactor => {
            let (login, what) = match detail.rsplit_once(": ") {
                Some((login, what)) => (login.to_owned(), what),
                None => (String::new(), detail),
            };
            let what = match what {
                "password" => SignInDetail::Password,
                "passkey" => SignInDetail::Passkey,
                "bad credentials" => SignInDetail::BadCredentials,
                "throttled" => SignInDetail::Throttled,
                "passkey refused" => SignInDetail::PasskeyRefused,
                _ => SignInDetail::Other,
            };
            return AuditDetail::SignIn { login, what };
        }
        _ => {}
    }
    // A refused move on a call: `AnswerOwn: not yours`, `Close: not now`.
    if outcome == AuditOutcome::Denied {
        if detail.ends_with(": not yours") {
            return AuditDetail::MoveRefused { not_yours: true };
        }
        if detail.ends_with(": not now") {
            return AuditDetail::MoveRefused { not_yours: false };
        }
    }
    if looks_like_code(detail) {
        AuditDetail::Unworded
    } else {
        AuditDetail::Text(detail.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_the_server_writes_is_recognised() {
        use AuditAction as A;
        let cases = [
            ("read_card", A::ReadCard),
            ("edit_card", A::EditCard),
            ("edit_orders", A::EditOrders),
            ("edit_identity", A::EditIdentity),
            ("open_call", A::OpenCall),
            ("record_outcome", A::RecordOutcome),
            ("break_glass", A::BreakGlass),
            ("read_audit", A::ReadAudit),
            ("call_attempt", A::CallAttempt),
            ("call_cancel", A::CallCancel),
            ("call_restart", A::CallRestart),
            ("handoff_ack", A::HandoffAck),
            ("register_absence", A::RegisterAbsence),
            ("cancel_absence", A::CancelAbsence),
            ("passkey_register", A::PasskeyRegister),
            ("passkey_remove", A::PasskeyRemove),
            ("totp_enrol", A::TotpEnrol),
            ("password_change", A::PasswordChange),
            ("sign_in", A::SignIn),
            ("sign_in_second_factor", A::SignInSecondFactor),
            ("sign_out", A::SignOut),
            ("list_patients", A::ListPatients),
            ("search_patients", A::SearchPatients),
            // --- issue 9: factors and sessions ---
            ("reauthenticate", A::Reauthenticate),
            ("enrolment_code_issue", A::EnrolmentCodeIssue),
            ("enrolment_code_redeem", A::EnrolmentCodeRedeem),
            ("totp_reset", A::TotpReset),
            ("recovery_codes_renew", A::RecoveryCodesRenew),
            ("session_end", A::SessionEnd),
            ("sessions_end_others", A::SessionsEndOthers),
            ("read_handoffs", A::ReadHandoffs),
            ("read_notices", A::ReadNotices),
            ("read_board", A::ReadBoard),
            ("watch_call", A::WatchCall),
            ("watch_board", A::WatchBoard),
            ("manage_staff", A::ManageStaff),
            ("staff_create", A::StaffCreate),
            ("patient_admit", A::PatientAdmit),
            ("read_patient_care", A::ReadPatientCare),
            ("consent_revoke", A::ConsentRevoke),
            ("staff_update", A::StaffUpdate),
            ("staff_disable", A::StaffDisable),
            ("staff_enable", A::StaffEnable),
            ("first_sign_in", A::FirstSignIn),
            ("something_new", A::Other),
        ];
        for (code, expected) in cases {
            assert_eq!(AuditAction::parse(code), expected, "{code}");
        }
        for action in crate::domain::access::Action::ALL {
            assert_ne!(
                AuditAction::parse(action.as_str()),
                A::Other,
                "{action:?} is written by the access door and must be worded"
            );
        }
    }

    #[test]
    fn details_are_read_by_their_kind() {
        use AuditAction as A;
        use AuditDetail as D;
        use AuditOutcome as O;
        let cases = [
            (
                A::ReadCard,
                O::Allowed,
                "CareTeam(Attending)",
                D::CareTeam(CareRole::Attending),
            ),
            (
                A::ReadCard,
                O::Allowed,
                "CoveringTeamWithConsent",
                D::CoveringTeam,
            ),
            (
                A::ReadAudit,
                O::Allowed,
                "Role(Coordinator)",
                D::ByRole(Role::Coordinator),
            ),
            (
                A::ReadCard,
                O::Allowed,
                "break-glass until 2026-12-01 03:00:00 UTC",
                D::BreakGlassUntil("2026-12-01 03:00:00 UTC".into()),
            ),
            (
                A::ReadCard,
                O::Denied,
                "NotOnCareTeam",
                D::Denied(DenyReason::NotOnCareTeam),
            ),
            (
                A::ReadCard,
                O::Denied,
                "read_only_access",
                D::Denied(DenyReason::ReadOnlyAccess),
            ),
            (
                A::ReadCard,
                O::Denied,
                "unknown patient 1234",
                D::UnknownPatient,
            ),
            (A::OpenCall, O::Done, "fever", D::CallReason(Reason::Fever)),
            (
                A::CallAttempt,
                O::Done,
                "no_answer",
                D::Attempt(AttemptOutcome::NoAnswer),
            ),
            (
                A::CallAttempt,
                O::Done,
                "timed_out",
                D::Attempt(AttemptOutcome::TimedOut),
            ),
            (
                A::RecordOutcome,
                O::Done,
                "managed_at_home",
                D::CallOutcome(CallOutcome::ManagedAtHome),
            ),
            (A::SignOut, O::Done, "everywhere", D::Everywhere),
            (
                A::CallCancel,
                O::Done,
                "called_119",
                D::CancelReason(CancelReason::Called119),
            ),
            (
                A::CallAttempt,
                O::Denied,
                "AnswerOwn: not yours",
                D::MoveRefused { not_yours: true },
            ),
            (
                A::RecordOutcome,
                O::Denied,
                "Close: not now",
                D::MoveRefused { not_yours: false },
            ),
            (A::SignOut, O::Done, "", D::None),
            (
                A::SignIn,
                O::Denied,
                "nurse1: bad credentials",
                D::SignIn {
                    login: "nurse1".into(),
                    what: SignInDetail::BadCredentials,
                },
            ),
            (
                A::SignInSecondFactor,
                O::Allowed,
                "passkey",
                D::SignIn {
                    login: String::new(),
                    what: SignInDetail::Passkey,
                },
            ),
            (
                A::BreakGlass,
                O::Allowed,
                "夜間の往診依頼",
                D::Text("夜間の往診依頼".into()),
            ),
            (
                A::ListPatients,
                O::Allowed,
                "12 rows",
                D::Text("12 rows".into()),
            ),
            (A::CallAttempt, O::Done, "some_new_code", D::Unworded),
            (A::Other, O::Other, "SomethingElse", D::Unworded),
        ];
        for (action, outcome, detail, expected) in cases {
            assert_eq!(parse_detail(action, outcome, detail), expected, "{detail}");
        }
    }

    #[test]
    fn codes_are_told_from_words() {
        let cases = [
            ("timed_out", true),
            ("managed_at_home", true),
            ("CareTeam(Attending)", true),
            ("NotOnCareTeam", true),
            ("Basis { x }", true),
            ("夜間の往診依頼", false),
            ("12 rows", false),
            ("Fever", false),
            ("山田 花子 2026-12-01", false),
        ];
        for (s, expected) in cases {
            assert_eq!(looks_like_code(s), expected, "{s}");
        }
    }
}
