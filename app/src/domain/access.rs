//! Who may do what with a patient's night card, and when a login is
//! throttled: the access-control rules, pure.
//!
//! The MHLW guideline for the security of medical information systems
//! (医療情報システムの安全管理に関するガイドライン, 6.0) asks that every user be
//! identified, that access be limited by role and by duty to the patient,
//! that access be logged, and that logins resist guessing. This module
//! answers the second question and names the ground for every answer so the
//! caller can log it:
//!
//! * [`decide`] says whether an [`Actor`] may take an [`Action`] on one
//!   patient, given the [`PatientAccessFacts`] the caller loaded, and returns
//!   either the [`Basis`] to write in the audit log or a [`DenyReason`] the UI
//!   puts into words;
//! * [`may_break_glass`] says whether a physician outside the care team may
//!   open the card in an emergency after stating a [`BreakGlassReason`];
//! * [`decide_staff_action`] covers what is not about one patient (reading
//!   the audit log, managing the roster);
//! * [`throttle`] applies the [`ThrottlePolicy`] to recent failed logins.
//!
//! Care-team validity periods are calendar dates in Japan: a membership that
//! ends on 21 November still holds at 02:05 on 21 November in Tokyo, which is
//! 20 November in UTC. Japan has had no daylight saving since 1951, so a
//! fixed +09:00 offset is exact.
//!
//! Nothing here reads a clock or a database, and every rule fails closed:
//! when a fact is missing the answer is "no", with the most useful reason.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// Japan Standard Time, UTC+09:00.
const TOKYO: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    // Evaluated at compile time: a wrong constant fails the build.
    None => panic!("+09:00 is a valid offset"),
};

/// The calendar date in Tokyo at instant `now`.
fn tokyo_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&TOKYO).date_naive()
}

// ---------------------------------------------------------------------------
// Who is asking
// ---------------------------------------------------------------------------

/// A staff member's role, as stored in `staff.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A visiting nurse (訪問看護師); belongs to a nurse station.
    Nurse,
    /// A physician; belongs to a clinic or a hospital.
    Physician,
    /// The medical association's secretariat (医師会事務局・コーディネーター).
    Coordinator,
    /// Runs the system for the network.
    Admin,
}

impl Role {
    /// Parses the database spelling; `None` for anything else, so an
    /// unknown role never gains access.
    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "nurse" => Some(Role::Nurse),
            "physician" => Some(Role::Physician),
            "coordinator" => Some(Role::Coordinator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Nurse => "nurse",
            Role::Physician => "physician",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
        }
    }

    /// Whether the role treats patients and so may ever see clinical
    /// content. Coordinators and admins keep the roster and read the audit
    /// log; the guideline's least-privilege rule keeps them out of cards.
    pub fn is_clinical(self) -> bool {
        matches!(self, Role::Nurse | Role::Physician)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The authenticated user a decision is about.
///
/// Deliberately not `Deserialize`: an actor comes from the server-side
/// session, never from a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Actor {
    pub staff_id: Uuid,
    pub organization_id: Uuid,
    pub role: Role,
}

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read a patient's night card.
    ReadCard,
    /// Change a patient's night card (orders, wishes, devices, contacts).
    EditCard,
    /// Start a night call for a patient.
    OpenCall,
    /// Record what was done on a call and its outcome.
    RecordOutcome,
    /// Ask for emergency access to a patient outside one's care team.
    BreakGlass,
    /// Read the access audit log.
    ReadAudit,
    /// Manage the roster: teams, staff, duty calendar, absences.
    ManageRoster,
    // --- issue 8: card ---
    /// Change the physician's orders: the 「急変時の対応」 of the nursing
    /// order and the as-needed (頓用) orders.
    EditOrders,
    /// Correct the patient's identity (name, kana, birth date, sex).
    EditIdentity,
    // --- staff administration ---
    /// Create, edit, disable staff accounts and issue their enrolment
    /// codes: the keys to the system, so the administrators' alone.
    ManageStaff,
}

impl Action {
    /// Every action, for exhaustive checks and admin screens.
    pub const ALL: [Action; 10] = [
        Action::ReadCard,
        Action::EditCard,
        Action::OpenCall,
        Action::RecordOutcome,
        Action::BreakGlass,
        Action::ReadAudit,
        Action::ManageRoster,
        // --- issue 8: card ---
        Action::EditOrders,
        Action::EditIdentity,
        // --- staff administration ---
        Action::ManageStaff,
    ];

    /// The spelling written in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ReadCard => "read_card",
            Action::EditCard => "edit_card",
            Action::OpenCall => "open_call",
            Action::RecordOutcome => "record_outcome",
            Action::BreakGlass => "break_glass",
            Action::ReadAudit => "read_audit",
            Action::ManageRoster => "manage_roster",
            // --- issue 8: card ---
            Action::EditOrders => "edit_orders",
            Action::EditIdentity => "edit_identity",
            // --- staff administration ---
            Action::ManageStaff => "manage_staff",
        }
    }

    /// Whether the action is about one patient (decided by [`decide`] with
    /// that patient's facts) rather than about the network as a whole.
    pub fn concerns_patient(self) -> bool {
        !matches!(
            self,
            Action::ReadAudit | Action::ManageRoster | Action::ManageStaff
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------
// The patient's side
// ---------------------------------------------------------------------------

/// A seat on a patient's care team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CareRole {
    /// The attending physician (主治医) or their clinic.
    Attending,
    /// A secondary physician (副主治医) or their clinic.
    Secondary,
    /// A visiting-nurse station (訪問看護ステーション).
    NurseStation,
    /// The care manager (ケアマネジャー), named in person.
    CareManager,
}

impl CareRole {
    /// Parses the database spelling.
    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "attending" => Some(CareRole::Attending),
            "secondary" => Some(CareRole::Secondary),
            "nurse_station" => Some(CareRole::NurseStation),
            "care_manager" => Some(CareRole::CareManager),
            _ => None,
        }
    }

    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CareRole::Attending => "attending",
            CareRole::Secondary => "secondary",
            CareRole::NurseStation => "nurse_station",
            CareRole::CareManager => "care_manager",
        }
    }

    /// Whether the seat carries the clinical duty to the patient (orders,
    /// visits, the first call), which is what editing the card and opening a
    /// call need. The care manager plans long-term care and coordinates
    /// services but neither writes orders nor takes night calls.
    pub fn carries_care_duty(self) -> bool {
        !matches!(self, CareRole::CareManager)
    }

    /// Rank for naming one basis when an actor holds several seats: the
    /// seat with the most responsibility is the one the audit log shows.
    fn rank(self) -> u8 {
        match self {
            CareRole::Attending => 0,
            CareRole::Secondary => 1,
            CareRole::NurseStation => 2,
            CareRole::CareManager => 3,
        }
    }
}

/// One row of a patient's care team, valid for a range of Tokyo dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CareTeamMember {
    pub role: CareRole,
    /// The person, when the seat names one.
    pub staff_id: Option<Uuid>,
    /// The clinic or nurse station, when the seat names one.
    pub organization_id: Option<Uuid>,
    /// First Tokyo date the membership holds.
    pub valid_from: NaiveDate,
    /// Last Tokyo date the membership holds (inclusive); `None` if open.
    pub valid_to: Option<NaiveDate>,
}

/// Where a membership stands on a given date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    NotYetStarted,
    Active,
    Expired,
}

impl CareTeamMember {
    /// Whether the membership holds on Tokyo date `date`: `valid_from <=
    /// date <= valid_to`, both ends inclusive, because a hand-over is agreed
    /// by the day and the outgoing member stays responsible all of that day.
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.period_on(date) == Period::Active
    }

    fn period_on(&self, date: NaiveDate) -> Period {
        if date < self.valid_from {
            Period::NotYetStarted
        } else if self.valid_to.is_some_and(|to| to < date) {
            Period::Expired
        } else {
            Period::Active
        }
    }

    /// Whether this seat is held by `actor`, regardless of dates.
    ///
    /// * A nurse sits in a `NurseStation` seat through her organisation: the
    ///   whole station takes the first call in turns, and a nurse who moves
    ///   to another station leaves the patient behind with the old one.
    /// * A physician sits in an `Attending` or `Secondary` seat in person
    ///   (`staff_id`) or through the clinic named in it: the clinic holds the
    ///   record and the 24-hour promise, and its doctors cover each other
    ///   without needing group-care consent.
    /// * A care manager sits in person only: care-support offices are not
    ///   part of the medical network, and an office-wide seat would open the
    ///   card to every colleague there.
    /// * Nobody else sits anywhere; in particular coordinators and admins are
    ///   never care-team members, even if a row names them by mistake.
    fn is_held_by(&self, actor: &Actor) -> bool {
        match (actor.role, self.role) {
            (Role::Nurse, CareRole::NurseStation) => {
                self.organization_id == Some(actor.organization_id)
            }
            (Role::Physician, CareRole::Attending | CareRole::Secondary) => {
                self.staff_id == Some(actor.staff_id)
                    || self.organization_id == Some(actor.organization_id)
            }
            (Role::Nurse | Role::Physician, CareRole::CareManager) => {
                self.staff_id == Some(actor.staff_id)
            }
            _ => false,
        }
    }
}

/// What a group-care consent lets the clinic team do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentScope {
    /// The team's physicians may read the card (to advise the nurse by
    /// phone, or to know the patient before a call).
    ReadCard,
    /// They may read the card and the escalation may send them to the house
    /// (往診) when the attending physician cannot come.
    ReadAndHouseCall,
}

impl ConsentScope {
    /// Parses the database spelling.
    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "read_card" => Some(ConsentScope::ReadCard),
            "read_and_house_call" => Some(ConsentScope::ReadAndHouseCall),
            _ => None,
        }
    }

    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentScope::ReadCard => "read_card",
            ConsentScope::ReadAndHouseCall => "read_and_house_call",
        }
    }

    /// Whether the covering team's physicians may read the card. Every
    /// scope includes it today; the match makes a future scope decide.
    pub fn includes_read_card(self) -> bool {
        match self {
            ConsentScope::ReadCard | ConsentScope::ReadAndHouseCall => true,
        }
    }

    /// Whether the covering team's physicians may be sent to the house.
    pub fn includes_house_call(self) -> bool {
        match self {
            ConsentScope::ReadCard => false,
            ConsentScope::ReadAndHouseCall => true,
        }
    }
}

/// The patient's (or family's) agreement to group care by one clinic team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupConsent {
    pub clinic_team_id: Uuid,
    /// Tokyo date the consent was given.
    pub consented_on: NaiveDate,
    /// Tokyo date the consent was withdrawn, if it was.
    pub revoked_on: Option<NaiveDate>,
    pub scope: ConsentScope,
}

impl GroupConsent {
    /// Whether the consent holds on Tokyo date `date`: given on or before
    /// it and not revoked on or before it. A revocation takes effect the day
    /// it is recorded, because the family's "no" must not wait for tomorrow.
    pub fn is_in_force_on(&self, date: NaiveDate) -> bool {
        self.consented_on <= date && self.revoked_on.is_none_or(|revoked| date < revoked)
    }

    fn is_revoked_by(&self, date: NaiveDate) -> bool {
        self.revoked_on.is_some_and(|revoked| revoked <= date)
    }
}

/// What the caller loads about one patient before asking [`decide`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientAccessFacts {
    /// Every care-team row, past, present and future; dates are checked here.
    pub care_team: Vec<CareTeamMember>,
    /// The clinic team that covers the patient's nights, if any.
    pub clinic_team_id: Option<Uuid>,
    /// Organisation ids of the clinics in that team.
    pub clinic_team_clinics: Vec<Uuid>,
    /// Every group-care consent on record, for any team, revoked or not.
    pub consents: Vec<GroupConsent>,
    /// The end of the actor's latest break-glass grant for this patient.
    pub break_glass_until: Option<DateTime<Utc>>,
}

impl PatientAccessFacts {
    /// The consent in force today for the patient's own clinic team, if
    /// any. A consent for another team does not count: consent is given to
    /// named doctors, not to whoever a coordinator moves the patient to.
    fn consent_in_force(&self, today: NaiveDate) -> Option<&GroupConsent> {
        let team = self.clinic_team_id?;
        self.consents
            .iter()
            .find(|c| c.clinic_team_id == team && c.is_in_force_on(today))
    }

    /// Whether the family agreed, as of `now`, that the clinic team's
    /// physicians may be sent to the house; the escalation uses it to
    /// decide whether team doctors are on the call list.
    pub fn group_house_calls_consented(&self, now: DateTime<Utc>) -> bool {
        self.consent_in_force(tokyo_date(now))
            .is_some_and(|c| c.scope.includes_house_call())
    }
}

// ---------------------------------------------------------------------------
// The answer
// ---------------------------------------------------------------------------

/// Why an action is allowed: written to the audit log with every access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The actor holds an active seat on the patient's care team.
    CareTeam(CareRole),
    /// The actor is a physician of a clinic in the patient's clinic team and
    /// the family's group-care consent for that team is in force.
    CoveringTeamWithConsent,
    /// Emergency access by a physician outside the team; every use must be
    /// marked in the audit log for review.
    BreakGlass { until: DateTime<Utc> },
    /// The actor's role alone allows it: coordinators' and admins' network
    /// duties, or a physician's right to ask for break-glass access.
    Role(Role),
}

impl Basis {
    /// Whether the access rests on a break-glass grant and must be marked.
    pub fn is_break_glass(&self) -> bool {
        matches!(self, Basis::BreakGlass { .. })
    }
}

/// Why an action is denied; the UI words it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// The actor has no seat on the team and no other ground.
    NotOnCareTeam,
    /// The actor's clinic covers the patient's team, but the family has not
    /// consented to group care by that team (or only to another team).
    NoConsentForGroupCare,
    /// The family withdrew its group-care consent for the team.
    ConsentRevoked,
    /// The actor's role, or seat, never allows this action.
    RoleMayNotDoThis,
    /// The actor's seat on the team has ended.
    MembershipExpired,
    /// The actor's seat on the team has not started yet.
    MembershipNotYetStarted,
    /// The actor may read the card (covering team, break-glass, care
    /// manager) but this action needs a seat with the care duty.
    ReadOnlyAccess,
    /// The actor's break-glass grant has run out; ask again with a reason.
    BreakGlassExpired,
    /// Break-glass is not needed: the actor may already read the card.
    AlreadyAllowed,
    /// A patient action was asked of [`decide_staff_action`].
    NotAStaffAction,
}

impl DenyReason {
    /// The spelling written in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::NotOnCareTeam => "not_on_care_team",
            DenyReason::NoConsentForGroupCare => "no_consent_for_group_care",
            DenyReason::ConsentRevoked => "consent_revoked",
            DenyReason::RoleMayNotDoThis => "role_may_not_do_this",
            DenyReason::MembershipExpired => "membership_expired",
            DenyReason::MembershipNotYetStarted => "membership_not_yet_started",
            DenyReason::ReadOnlyAccess => "read_only_access",
            DenyReason::BreakGlassExpired => "break_glass_expired",
            DenyReason::AlreadyAllowed => "already_allowed",
            DenyReason::NotAStaffAction => "not_a_staff_action",
        }
    }
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer to "may this actor do this?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allow(Basis),
    Deny(DenyReason),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow(_))
    }

    /// The basis to log, when allowed.
    pub fn basis(&self) -> Option<Basis> {
        match self {
            Decision::Allow(basis) => Some(*basis),
            Decision::Deny(_) => None,
        }
    }

    /// The reason to show and log, when denied.
    pub fn deny_reason(&self) -> Option<DenyReason> {
        match self {
            Decision::Allow(_) => None,
            Decision::Deny(reason) => Some(*reason),
        }
    }
}

impl From<Result<Basis, DenyReason>> for Decision {
    fn from(result: Result<Basis, DenyReason>) -> Self {
        match result {
            Ok(basis) => Decision::Allow(basis),
            Err(reason) => Decision::Deny(reason),
        }
    }
}

// ---------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------

/// The actor's standing on the care team on one date.
#[derive(Debug, Default)]
struct Standing {
    /// The strongest active seat, whatever it carries.
    any: Option<CareRole>,
    /// The strongest active seat that carries the care duty.
    duty: Option<CareRole>,
    expired: bool,
    not_yet_started: bool,
}

fn stronger(current: Option<CareRole>, candidate: CareRole) -> Option<CareRole> {
    match current {
        Some(held) if held.rank() <= candidate.rank() => Some(held),
        _ => Some(candidate),
    }
}

fn standing(actor: &Actor, facts: &PatientAccessFacts, today: NaiveDate) -> Standing {
    let mut standing = Standing::default();
    for member in facts.care_team.iter().filter(|m| m.is_held_by(actor)) {
        match member.period_on(today) {
            Period::Active => {
                standing.any = stronger(standing.any, member.role);
                if member.role.carries_care_duty() {
                    standing.duty = stronger(standing.duty, member.role);
                }
            }
            Period::Expired => standing.expired = true,
            Period::NotYetStarted => standing.not_yet_started = true,
        }
    }
    standing
}

/// The actor's standing as a physician of the covering clinic team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Covering {
    /// Not a physician of a clinic in the patient's clinic team.
    No,
    Consented,
    Revoked,
    NoConsent,
}

/// Only physicians cover: the team is a team of clinics, and its nurses, if
/// any, are not the ones the nurse station calls at night.
fn covering(actor: &Actor, facts: &PatientAccessFacts, today: NaiveDate) -> Covering {
    let Some(team) = facts.clinic_team_id else {
        return Covering::No;
    };
    if actor.role != Role::Physician || !facts.clinic_team_clinics.contains(&actor.organization_id)
    {
        return Covering::No;
    }
    if facts
        .consent_in_force(today)
        .is_some_and(|c| c.scope.includes_read_card())
    {
        Covering::Consented
    } else if facts
        .consents
        .iter()
        .any(|c| c.clinic_team_id == team && c.is_revoked_by(today))
    {
        Covering::Revoked
    } else {
        Covering::NoConsent
    }
}

/// The actor's break-glass grant for this patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Glass {
    None,
    Active(DateTime<Utc>),
    Expired,
}

/// A grant holds while `now < until`: at `until` it is over. Only a
/// physician's grant counts, whatever the facts say, because only
/// physicians can be granted one.
fn glass(actor: &Actor, facts: &PatientAccessFacts, now: DateTime<Utc>) -> Glass {
    match facts.break_glass_until {
        _ if actor.role != Role::Physician => Glass::None,
        Some(until) if now < until => Glass::Active(until),
        Some(_) => Glass::Expired,
        None => Glass::None,
    }
}

/// Who may read the card, and on what ground, strongest ground first.
///
/// The denial names the most actionable reason: a lapsed grant (ask
/// again), then an ended or future seat, then the state of the consent.
fn read_access(
    actor: &Actor,
    facts: &PatientAccessFacts,
    now: DateTime<Utc>,
) -> Result<Basis, DenyReason> {
    if !actor.role.is_clinical() {
        return Err(DenyReason::RoleMayNotDoThis);
    }
    let today = tokyo_date(now);
    let standing = standing(actor, facts, today);
    if let Some(seat) = standing.any {
        return Ok(Basis::CareTeam(seat));
    }
    let covering = covering(actor, facts, today);
    if covering == Covering::Consented {
        return Ok(Basis::CoveringTeamWithConsent);
    }
    let glass = glass(actor, facts, now);
    if let Glass::Active(until) = glass {
        return Ok(Basis::BreakGlass { until });
    }
    Err(if glass == Glass::Expired {
        DenyReason::BreakGlassExpired
    } else if standing.expired {
        DenyReason::MembershipExpired
    } else if standing.not_yet_started {
        DenyReason::MembershipNotYetStarted
    } else if covering == Covering::Revoked {
        DenyReason::ConsentRevoked
    } else if covering == Covering::NoConsent {
        DenyReason::NoConsentForGroupCare
    } else {
        DenyReason::NotOnCareTeam
    })
}

/// Editing the card and opening a call need an active seat with the care
/// duty (attending, secondary, nurse station). Covering doctors, break-glass
/// users and the care manager read the card but do not own it: the orders
/// and wishes on it are the attending team's responsibility.
fn duty_access(
    actor: &Actor,
    facts: &PatientAccessFacts,
    now: DateTime<Utc>,
) -> Result<Basis, DenyReason> {
    let read = read_access(actor, facts, now)?;
    match standing(actor, facts, tokyo_date(now)).duty {
        Some(seat) => Ok(Basis::CareTeam(seat)),
        None if matches!(read, Basis::CareTeam(_)) => Err(DenyReason::RoleMayNotDoThis),
        None => Err(DenyReason::ReadOnlyAccess),
    }
}

/// Whether `actor` may take `action` on the patient described by `facts`
/// at instant `now`.
///
/// * `ReadCard`: an active care-team seat; a covering physician with the
///   family's consent in force for the patient's own clinic team; or an
///   active break-glass grant. Never coordinators or admins.
/// * `EditCard`, `OpenCall`: an active seat with the care duty (nurse
///   station for nurses, attending or secondary for physicians). A care
///   manager is denied `RoleMayNotDoThis`; read-only grounds `ReadOnlyAccess`.
/// * `RecordOutcome`: any physician who may read the card, because a doctor
///   who saw the patient must write down what was done (医師法第24条), even
///   when the access was an emergency.
/// * `BreakGlass`: see [`may_break_glass`]; allowed on [`Basis::Role`].
/// * `ReadAudit`, `ManageRoster`, `ManageStaff`: not about the patient; see
///   [`decide_staff_action`].
pub fn decide(
    actor: &Actor,
    action: Action,
    facts: &PatientAccessFacts,
    now: DateTime<Utc>,
) -> Decision {
    match action {
        Action::ReadCard => read_access(actor, facts, now).into(),
        Action::EditCard | Action::OpenCall => duty_access(actor, facts, now).into(),
        Action::RecordOutcome => {
            // Writing the outcome is the physician's record (診療録); a nurse
            // records the call in the call log, not as an outcome.
            if actor.role != Role::Physician {
                return Decision::Deny(DenyReason::RoleMayNotDoThis);
            }
            read_access(actor, facts, now).into()
        }
        Action::BreakGlass => match may_break_glass(actor, facts, now) {
            Ok(()) => Decision::Allow(Basis::Role(actor.role)),
            Err(reason) => Decision::Deny(reason),
        },
        Action::ReadAudit | Action::ManageRoster | Action::ManageStaff => {
            decide_staff_action(actor, action)
        }
        // --- issue 8: card ---
        Action::EditOrders => orders_access(actor, facts, now).into(),
        Action::EditIdentity => identity_access(actor, facts, now).into(),
    }
}

// --- issue 8: card ---

/// The physician's orders (急変時の対応, 頓用指示) are his to write: only a
/// physician holding an active attending or secondary seat changes them.
/// The nurse station carries out the orders and reads them; covering
/// doctors and break-glass readers read them.
fn orders_access(
    actor: &Actor,
    facts: &PatientAccessFacts,
    now: DateTime<Utc>,
) -> Result<Basis, DenyReason> {
    let read = read_access(actor, facts, now)?;
    match standing(actor, facts, tokyo_date(now)).duty {
        Some(seat @ (CareRole::Attending | CareRole::Secondary))
            if actor.role == Role::Physician =>
        {
            Ok(Basis::CareTeam(seat))
        }
        Some(_) => Err(DenyReason::RoleMayNotDoThis),
        None if matches!(read, Basis::CareTeam(_)) => Err(DenyReason::RoleMayNotDoThis),
        None => Err(DenyReason::ReadOnlyAccess),
    }
}

/// Who the patient is (name, birth date) is corrected only by the
/// attending clinic, which holds the registration, and by the
/// coordinator, who keeps the network's records; a wrong name on a card
/// sends the night doctor to the wrong house, so nobody else changes it.
///
/// The attending clinic's staff are the physicians who hold the active
/// attending seat (in person or through the clinic) and any staff member
/// of the clinic the seat names.
fn identity_access(
    actor: &Actor,
    facts: &PatientAccessFacts,
    now: DateTime<Utc>,
) -> Result<Basis, DenyReason> {
    match actor.role {
        Role::Coordinator => return Ok(Basis::Role(Role::Coordinator)),
        Role::Admin => return Err(DenyReason::RoleMayNotDoThis),
        Role::Nurse | Role::Physician => {}
    }
    let today = tokyo_date(now);
    let attending_clinic = facts.care_team.iter().any(|m| {
        m.role == CareRole::Attending
            && m.is_active_on(today)
            && (m.is_held_by(actor) || m.organization_id == Some(actor.organization_id))
    });
    if attending_clinic {
        return Ok(Basis::CareTeam(CareRole::Attending));
    }
    match read_access(actor, facts, now)? {
        Basis::CareTeam(_) => Err(DenyReason::RoleMayNotDoThis),
        _ => Err(DenyReason::ReadOnlyAccess),
    }
}

/// Whether a physician may ask for emergency access to this patient.
///
/// * Physicians only: the nurse station taking the first call is already on
///   the team, and the covering doctor is whoever must act on an emergency.
/// * Not when the actor may already read the card (team, consent or a grant
///   still running), so that every break-glass in the log is a real
///   exception worth reviewing.
/// * Allowed even when the family revoked group-care consent or the actor's
///   seat has ended: the Act on the Protection of Personal Information
///   (第27条第1項第2号) permits disclosure to protect life when consent
///   cannot be obtained, and the grant is time-limited and logged.
pub fn may_break_glass(
    actor: &Actor,
    facts: &PatientAccessFacts,
    now: DateTime<Utc>,
) -> Result<(), DenyReason> {
    if actor.role != Role::Physician {
        return Err(DenyReason::RoleMayNotDoThis);
    }
    match read_access(actor, facts, now) {
        Ok(_) => Err(DenyReason::AlreadyAllowed),
        Err(_) => Ok(()),
    }
}

/// Whether `actor` may take an action that is not about one patient.
///
/// Reading the audit log and managing the roster are the secretariat's and
/// the administrators' duties; clinicians neither audit their colleagues
/// nor change who covers whom. A patient action asked here is denied with
/// [`DenyReason::NotAStaffAction`]: it needs the patient's facts.
///
/// Managing staff accounts (who may sign in, with which role, and the
/// enrolment codes that open an account) is the administrators' alone: a
/// coordinator who could make himself an administrator, or issue a code
/// for a colleague's account, would hold every key.
pub fn decide_staff_action(actor: &Actor, action: Action) -> Decision {
    if action.concerns_patient() {
        return Decision::Deny(DenyReason::NotAStaffAction);
    }
    match (action, actor.role) {
        (Action::ManageStaff, Role::Admin) => Decision::Allow(Basis::Role(Role::Admin)),
        (Action::ManageStaff, _) => Decision::Deny(DenyReason::RoleMayNotDoThis),
        (_, Role::Coordinator | Role::Admin) => Decision::Allow(Basis::Role(actor.role)),
        (_, Role::Nurse | Role::Physician) => Decision::Deny(DenyReason::RoleMayNotDoThis),
    }
}

// ---------------------------------------------------------------------------
// Break-glass grants
// ---------------------------------------------------------------------------

/// How long a break-glass grant lasts: long enough to reach the house and
/// see the patient, short enough that it is not a back door.
pub const BREAK_GLASS_GRANT_MINUTES: i64 = 120;

/// The end of a grant given at `granted_at`.
pub fn break_glass_grant_until(granted_at: DateTime<Utc>) -> DateTime<Utc> {
    granted_at
        .checked_add_signed(Duration::minutes(BREAK_GLASS_GRANT_MINUTES))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The reason a physician states before breaking the glass, trimmed.
///
/// Not `Deserialize`: it is built only by [`BreakGlassReason::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BreakGlassReason(String);

/// Why a stated break-glass reason was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidBreakGlassReason {
    TooShort,
    TooLong,
}

impl fmt::Display for InvalidBreakGlassReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidBreakGlassReason::TooShort => "break-glass reason too short",
            InvalidBreakGlassReason::TooLong => "break-glass reason too long",
        })
    }
}

impl std::error::Error for InvalidBreakGlassReason {}

impl BreakGlassReason {
    /// Fewest characters after trimming: 「急変」 alone does not say why,
    /// 「急変・主治医不在」 does. Matches the database's check on the column.
    pub const MIN_CHARS: usize = 4;
    /// Most characters after trimming.
    pub const MAX_CHARS: usize = 500;

    /// Trims `s` and checks its length in characters (not bytes, since
    /// reasons are mostly Japanese).
    pub fn parse(s: &str) -> Result<Self, InvalidBreakGlassReason> {
        let trimmed = s.trim();
        let chars = trimmed.chars().count();
        if chars < Self::MIN_CHARS {
            Err(InvalidBreakGlassReason::TooShort)
        } else if chars > Self::MAX_CHARS {
            Err(InvalidBreakGlassReason::TooLong)
        } else {
            Ok(BreakGlassReason(trimmed.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// ---------------------------------------------------------------------------
// Login throttling
// ---------------------------------------------------------------------------

/// How many failed logins lock an account or an address, and for how long.
///
/// A limit of 0 disables that limit. Per account stops guessing one
/// password; per address (looser, since a station may share one) stops
/// trying one password on many accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub per_account_failures: u32,
    pub per_address_failures: u32,
    /// Only failures this recent count.
    pub window: Duration,
    /// How long a lock lasts, from the failure that tripped it.
    pub lockout: Duration,
}

impl Default for ThrottlePolicy {
    /// 5 failures per account or 20 per address within 15 minutes lock for
    /// 15 minutes: a nurse who mistypes at 2 a.m. is not locked out for the
    /// night, and guessing stays at a few tries an hour.
    fn default() -> Self {
        ThrottlePolicy {
            per_account_failures: 5,
            per_address_failures: 20,
            window: Duration::minutes(15),
            lockout: Duration::minutes(15),
        }
    }
}

/// Whether a login attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThrottleVerdict {
    Allowed,
    LockedUntil(DateTime<Utc>),
}

impl ThrottleVerdict {
    pub fn is_allowed(&self) -> bool {
        matches!(self, ThrottleVerdict::Allowed)
    }
}

/// Applies `policy` to the failed attempts since the last successful login,
/// for the account and for the client address.
///
/// A failure counts when it is later than `now - window` (a failure exactly
/// `window` old has left it). Failures stamped after `now` count too, since
/// clocks between servers drift and the safe side is to lock. When `N` or
/// more failures count, the lock lasts until the `N`th most recent of them
/// plus `lockout`; if both limits trip, the later end wins.
pub fn throttle(
    policy: &ThrottlePolicy,
    account_failures: &[DateTime<Utc>],
    address_failures: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> ThrottleVerdict {
    let account = locked_until(policy.per_account_failures, account_failures, policy, now);
    let address = locked_until(policy.per_address_failures, address_failures, policy, now);
    match account.max(address) {
        Some(until) => ThrottleVerdict::LockedUntil(until),
        None => ThrottleVerdict::Allowed,
    }
}

fn locked_until(
    limit: u32,
    failures: &[DateTime<Utc>],
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    // A limit past usize (only on 16-bit targets) can never be reached.
    let limit = usize::try_from(limit).ok().filter(|&n| n > 0)?;
    // Near the start of time the window reaches before it: every failure
    // counts.
    let window_start = now.checked_sub_signed(policy.window);
    let mut recent: Vec<DateTime<Utc>> = failures
        .iter()
        .copied()
        .filter(|&t| window_start.is_none_or(|start| t > start))
        .collect();
    recent.sort_unstable_by(|a, b| b.cmp(a));
    let tripping = *recent.get(limit - 1)?;
    match tripping.checked_add_signed(policy.lockout) {
        Some(until) => (until > now).then_some(until),
        // A lock that runs past the end of time holds to the end of time.
        None => Some(DateTime::<Utc>::MAX_UTC),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    // Teams and organisations.
    const TEAM: Uuid = Uuid::from_u128(0x7EA1);
    const OTHER_TEAM: Uuid = Uuid::from_u128(0x7EA2);
    const STATION: Uuid = Uuid::from_u128(0x0501);
    const OTHER_STATION: Uuid = Uuid::from_u128(0x0502);
    const FORMER_STATION: Uuid = Uuid::from_u128(0x0503);
    const ATTENDING_CLINIC: Uuid = Uuid::from_u128(0x0C01);
    const SECONDARY_CLINIC: Uuid = Uuid::from_u128(0x0C02);
    const COVERING_CLINIC: Uuid = Uuid::from_u128(0x0C03);
    const OUTSIDE_CLINIC: Uuid = Uuid::from_u128(0x0C04);
    const CARE_OFFICE: Uuid = Uuid::from_u128(0x0CA0);
    const SECRETARIAT: Uuid = Uuid::from_u128(0x05EC);

    // Staff.
    const NURSE: Uuid = Uuid::from_u128(0x1001);
    const OTHER_NURSE: Uuid = Uuid::from_u128(0x1002);
    const FORMER_NURSE: Uuid = Uuid::from_u128(0x1003);
    const CARE_MANAGER: Uuid = Uuid::from_u128(0x1004);
    const DR_ATTENDING: Uuid = Uuid::from_u128(0x2001);
    const DR_COLLEAGUE: Uuid = Uuid::from_u128(0x2002);
    const DR_SECONDARY: Uuid = Uuid::from_u128(0x2003);
    const DR_SECONDARY_COLLEAGUE: Uuid = Uuid::from_u128(0x2004);
    const DR_COVERING: Uuid = Uuid::from_u128(0x2005);
    const DR_OUTSIDER: Uuid = Uuid::from_u128(0x2006);
    const DR_FORMER: Uuid = Uuid::from_u128(0x2007);
    const DR_FUTURE: Uuid = Uuid::from_u128(0x2008);
    const DR_LAST_DAY: Uuid = Uuid::from_u128(0x2009);
    const DR_FIRST_DAY: Uuid = Uuid::from_u128(0x200A);
    const COORDINATOR: Uuid = Uuid::from_u128(0x3001);
    const ADMIN: Uuid = Uuid::from_u128(0x3002);

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid instant")
    }

    /// 2026-11-21 02:05 in Tokyo, which is still 20 November in UTC.
    fn now() -> DateTime<Utc> {
        utc(2026, 11, 20, 17, 5)
    }

    /// The Tokyo date of [`now`].
    fn today() -> NaiveDate {
        date(2026, 11, 21)
    }

    fn minutes(m: i64) -> Duration {
        Duration::minutes(m)
    }

    fn actor(role: Role, staff_id: Uuid, organization_id: Uuid) -> Actor {
        Actor {
            staff_id,
            organization_id,
            role,
        }
    }

    fn nurse() -> Actor {
        actor(Role::Nurse, NURSE, STATION)
    }
    fn other_nurse() -> Actor {
        actor(Role::Nurse, OTHER_NURSE, OTHER_STATION)
    }
    fn former_nurse() -> Actor {
        actor(Role::Nurse, FORMER_NURSE, FORMER_STATION)
    }
    fn care_manager() -> Actor {
        actor(Role::Nurse, CARE_MANAGER, CARE_OFFICE)
    }
    fn dr_attending() -> Actor {
        actor(Role::Physician, DR_ATTENDING, ATTENDING_CLINIC)
    }
    fn dr_colleague() -> Actor {
        actor(Role::Physician, DR_COLLEAGUE, ATTENDING_CLINIC)
    }
    fn dr_secondary() -> Actor {
        actor(Role::Physician, DR_SECONDARY, SECONDARY_CLINIC)
    }
    fn dr_secondary_colleague() -> Actor {
        actor(Role::Physician, DR_SECONDARY_COLLEAGUE, SECONDARY_CLINIC)
    }
    fn dr_covering() -> Actor {
        actor(Role::Physician, DR_COVERING, COVERING_CLINIC)
    }
    fn dr_outsider() -> Actor {
        actor(Role::Physician, DR_OUTSIDER, OUTSIDE_CLINIC)
    }
    fn dr_former() -> Actor {
        actor(Role::Physician, DR_FORMER, OUTSIDE_CLINIC)
    }
    fn dr_future() -> Actor {
        actor(Role::Physician, DR_FUTURE, OUTSIDE_CLINIC)
    }
    fn dr_last_day() -> Actor {
        actor(Role::Physician, DR_LAST_DAY, OUTSIDE_CLINIC)
    }
    fn dr_first_day() -> Actor {
        actor(Role::Physician, DR_FIRST_DAY, OUTSIDE_CLINIC)
    }
    fn coordinator() -> Actor {
        actor(Role::Coordinator, COORDINATOR, SECRETARIAT)
    }
    fn admin() -> Actor {
        actor(Role::Admin, ADMIN, SECRETARIAT)
    }

    fn member(
        role: CareRole,
        staff_id: Option<Uuid>,
        organization_id: Option<Uuid>,
        valid_from: NaiveDate,
        valid_to: Option<NaiveDate>,
    ) -> CareTeamMember {
        CareTeamMember {
            role,
            staff_id,
            organization_id,
            valid_from,
            valid_to,
        }
    }

    fn consent(team: Uuid, on: NaiveDate, revoked: Option<NaiveDate>) -> GroupConsent {
        GroupConsent {
            clinic_team_id: team,
            consented_on: on,
            revoked_on: revoked,
            scope: ConsentScope::ReadCard,
        }
    }

    /// A patient with a full team, a clinic team and consent in force.
    fn base() -> PatientAccessFacts {
        let since = date(2025, 4, 1);
        PatientAccessFacts {
            care_team: vec![
                member(
                    CareRole::Attending,
                    Some(DR_ATTENDING),
                    Some(ATTENDING_CLINIC),
                    since,
                    None,
                ),
                member(CareRole::Secondary, Some(DR_SECONDARY), None, since, None),
                member(CareRole::NurseStation, None, Some(STATION), since, None),
                // Ended on 20 November: the UTC date of `now`, but not Tokyo's.
                member(
                    CareRole::NurseStation,
                    None,
                    Some(FORMER_STATION),
                    date(2024, 1, 1),
                    Some(date(2026, 11, 20)),
                ),
                member(
                    CareRole::Secondary,
                    Some(DR_FORMER),
                    None,
                    date(2024, 1, 1),
                    Some(date(2026, 10, 31)),
                ),
                member(
                    CareRole::Secondary,
                    Some(DR_FUTURE),
                    None,
                    date(2026, 11, 22),
                    None,
                ),
                member(
                    CareRole::Secondary,
                    Some(DR_LAST_DAY),
                    None,
                    since,
                    Some(today()),
                ),
                member(CareRole::Secondary, Some(DR_FIRST_DAY), None, today(), None),
                member(
                    CareRole::CareManager,
                    Some(CARE_MANAGER),
                    Some(CARE_OFFICE),
                    since,
                    None,
                ),
            ],
            clinic_team_id: Some(TEAM),
            // The attending clinic is in the team too: its seat must win.
            clinic_team_clinics: vec![ATTENDING_CLINIC, COVERING_CLINIC],
            consents: vec![consent(TEAM, since, None)],
            break_glass_until: None,
        }
    }

    fn with_consents(consents: Vec<GroupConsent>) -> PatientAccessFacts {
        PatientAccessFacts { consents, ..base() }
    }

    fn with_glass(until: DateTime<Utc>) -> PatientAccessFacts {
        PatientAccessFacts {
            break_glass_until: Some(until),
            ..base()
        }
    }

    fn with_glass_and_consents(
        until: DateTime<Utc>,
        consents: Vec<GroupConsent>,
    ) -> PatientAccessFacts {
        PatientAccessFacts {
            break_glass_until: Some(until),
            consents,
            ..base()
        }
    }

    /// The patient actions, in the order of [`Case::expected`].
    const PATIENT_ACTIONS: [Action; 5] = [
        Action::ReadCard,
        Action::EditCard,
        Action::OpenCall,
        Action::RecordOutcome,
        Action::BreakGlass,
    ];

    struct Case {
        name: &'static str,
        actor: Actor,
        facts: PatientAccessFacts,
        /// For ReadCard, EditCard, OpenCall, RecordOutcome, BreakGlass.
        expected: [Decision; 5],
    }

    fn team(seat: CareRole) -> Decision {
        Decision::Allow(Basis::CareTeam(seat))
    }
    fn deny(reason: DenyReason) -> Decision {
        Decision::Deny(reason)
    }
    fn glass_until(until: DateTime<Utc>) -> Decision {
        Decision::Allow(Basis::BreakGlass { until })
    }
    const COVER: Decision = Decision::Allow(Basis::CoveringTeamWithConsent);
    const MAY_BREAK: Decision = Decision::Allow(Basis::Role(Role::Physician));
    const ROLE: Decision = Decision::Deny(DenyReason::RoleMayNotDoThis);
    const READ_ONLY: Decision = Decision::Deny(DenyReason::ReadOnlyAccess);
    const ALREADY: Decision = Decision::Deny(DenyReason::AlreadyAllowed);

    fn all_duties(seat: CareRole) -> [Decision; 5] {
        [team(seat), team(seat), team(seat), team(seat), ALREADY]
    }
    fn nurse_duties() -> [Decision; 5] {
        let seat = team(CareRole::NurseStation);
        [seat, seat, seat, ROLE, ROLE]
    }
    fn nurse_denied(reason: DenyReason) -> [Decision; 5] {
        [deny(reason), deny(reason), deny(reason), ROLE, ROLE]
    }
    fn physician_denied(reason: DenyReason) -> [Decision; 5] {
        let d = deny(reason);
        [d, d, d, d, MAY_BREAK]
    }
    fn covering_reads() -> [Decision; 5] {
        [COVER, READ_ONLY, READ_ONLY, COVER, ALREADY]
    }
    fn glass_reads(until: DateTime<Utc>) -> [Decision; 5] {
        let g = glass_until(until);
        [g, READ_ONLY, READ_ONLY, g, ALREADY]
    }

    fn cases() -> Vec<Case> {
        use CareRole::*;
        use DenyReason::*;
        let yesterday = date(2026, 11, 20);
        let tomorrow = date(2026, 11, 22);
        let since = date(2025, 4, 1);
        let grant_running = now() + minutes(90);
        let grant_over = now() - minutes(1);
        vec![
            // Physicians on the team.
            Case {
                name: "the attending physician does everything but break glass",
                actor: dr_attending(),
                facts: base(),
                expected: all_duties(Attending),
            },
            Case {
                name: "a secondary physician named in person",
                actor: dr_secondary(),
                facts: base(),
                expected: all_duties(Secondary),
            },
            Case {
                name: "a colleague at the attending clinic sits through the clinic",
                actor: dr_colleague(),
                facts: base(),
                expected: all_duties(Attending),
            },
            Case {
                name: "a colleague of a secondary named only in person is not on the team",
                actor: dr_secondary_colleague(),
                facts: base(),
                expected: physician_denied(NotOnCareTeam),
            },
            Case {
                name: "a seat ending today still holds all day in Tokyo",
                actor: dr_last_day(),
                facts: base(),
                expected: all_duties(Secondary),
            },
            Case {
                name: "a seat starting today holds from Tokyo midnight",
                actor: dr_first_day(),
                facts: base(),
                expected: all_duties(Secondary),
            },
            Case {
                name: "a secondary whose seat ended last month",
                actor: dr_former(),
                facts: base(),
                expected: physician_denied(MembershipExpired),
            },
            Case {
                name: "a secondary whose seat starts tomorrow",
                actor: dr_future(),
                facts: base(),
                expected: physician_denied(MembershipNotYetStarted),
            },
            Case {
                name: "a former secondary with a running grant reads under break-glass",
                actor: dr_former(),
                facts: with_glass(grant_running),
                expected: glass_reads(grant_running),
            },
            Case {
                name: "a lapsed grant is named before an ended seat",
                actor: dr_former(),
                facts: with_glass(grant_over),
                expected: physician_denied(BreakGlassExpired),
            },
            Case {
                name: "the attending keeps the team seat even without consent",
                actor: dr_attending(),
                facts: with_consents(vec![]),
                expected: all_duties(Attending),
            },
            // Nurses.
            Case {
                name: "a nurse of the team's station",
                actor: nurse(),
                facts: base(),
                expected: nurse_duties(),
            },
            Case {
                name: "a nurse of another station",
                actor: other_nurse(),
                facts: base(),
                expected: nurse_denied(NotOnCareTeam),
            },
            Case {
                name: "a station whose seat ended yesterday in Tokyo, today in UTC",
                actor: former_nurse(),
                facts: base(),
                expected: nurse_denied(MembershipExpired),
            },
            Case {
                name: "a nurse's break-glass grant in the facts is ignored",
                actor: other_nurse(),
                facts: with_glass(grant_running),
                expected: nurse_denied(NotOnCareTeam),
            },
            Case {
                name: "a nurse employed by a covering clinic does not cover",
                actor: actor(Role::Nurse, OTHER_NURSE, COVERING_CLINIC),
                facts: base(),
                expected: nurse_denied(NotOnCareTeam),
            },
            Case {
                name: "a nurse at the attending clinic has no station seat",
                actor: actor(Role::Nurse, OTHER_NURSE, ATTENDING_CLINIC),
                facts: base(),
                expected: nurse_denied(NotOnCareTeam),
            },
            Case {
                name: "a nurse named in person on a station seat of another station",
                actor: other_nurse(),
                facts: PatientAccessFacts {
                    care_team: vec![member(
                        NurseStation,
                        Some(OTHER_NURSE),
                        Some(STATION),
                        since,
                        None,
                    )],
                    ..base()
                },
                expected: nurse_denied(NotOnCareTeam),
            },
            // The care manager.
            Case {
                name: "the care manager reads but does not edit or open calls",
                actor: care_manager(),
                facts: base(),
                expected: [team(CareManager), ROLE, ROLE, ROLE, ROLE],
            },
            Case {
                name: "a colleague at the care manager's office is not on the team",
                actor: actor(Role::Nurse, OTHER_NURSE, CARE_OFFICE),
                facts: base(),
                expected: nurse_denied(NotOnCareTeam),
            },
            Case {
                name: "a physician who is also the care manager reads and records",
                actor: dr_outsider(),
                facts: PatientAccessFacts {
                    care_team: vec![member(CareManager, Some(DR_OUTSIDER), None, since, None)],
                    ..base()
                },
                expected: [team(CareManager), ROLE, ROLE, team(CareManager), ALREADY],
            },
            // Coordinators and admins.
            Case {
                name: "a coordinator never sees clinical content",
                actor: coordinator(),
                facts: base(),
                expected: [ROLE; 5],
            },
            Case {
                name: "an admin never sees clinical content",
                actor: admin(),
                facts: base(),
                expected: [ROLE; 5],
            },
            Case {
                name: "a coordinator named on the team by mistake still may not",
                actor: coordinator(),
                facts: PatientAccessFacts {
                    care_team: vec![
                        member(Attending, Some(COORDINATOR), Some(SECRETARIAT), since, None),
                        member(NurseStation, None, Some(SECRETARIAT), since, None),
                        member(CareManager, Some(COORDINATOR), None, since, None),
                    ],
                    clinic_team_clinics: vec![SECRETARIAT],
                    break_glass_until: Some(grant_running),
                    ..base()
                },
                expected: [ROLE; 5],
            },
            // The covering clinic team.
            Case {
                name: "a covering physician with consent in force reads and records",
                actor: dr_covering(),
                facts: base(),
                expected: covering_reads(),
            },
            Case {
                name: "a covering physician with house-call consent",
                actor: dr_covering(),
                facts: with_consents(vec![GroupConsent {
                    scope: ConsentScope::ReadAndHouseCall,
                    ..consent(TEAM, since, None)
                }]),
                expected: covering_reads(),
            },
            Case {
                name: "a covering physician without any consent",
                actor: dr_covering(),
                facts: with_consents(vec![]),
                expected: physician_denied(NoConsentForGroupCare),
            },
            Case {
                name: "a consent revoked today no longer counts",
                actor: dr_covering(),
                facts: with_consents(vec![consent(TEAM, since, Some(today()))]),
                expected: physician_denied(ConsentRevoked),
            },
            Case {
                name: "a consent revoked yesterday no longer counts",
                actor: dr_covering(),
                facts: with_consents(vec![consent(TEAM, since, Some(yesterday))]),
                expected: physician_denied(ConsentRevoked),
            },
            Case {
                name: "a revocation recorded for tomorrow has not taken effect",
                actor: dr_covering(),
                facts: with_consents(vec![consent(TEAM, since, Some(tomorrow))]),
                expected: covering_reads(),
            },
            Case {
                name: "a consent given again after a revocation counts",
                actor: dr_covering(),
                facts: with_consents(vec![
                    consent(TEAM, since, Some(date(2026, 1, 10))),
                    consent(TEAM, date(2026, 2, 1), None),
                ]),
                expected: covering_reads(),
            },
            Case {
                name: "a consent for another clinic team does not count",
                actor: dr_covering(),
                facts: with_consents(vec![consent(OTHER_TEAM, since, None)]),
                expected: physician_denied(NoConsentForGroupCare),
            },
            Case {
                name: "a revoked consent for another team is not this team's revocation",
                actor: dr_covering(),
                facts: with_consents(vec![consent(OTHER_TEAM, since, Some(yesterday))]),
                expected: physician_denied(NoConsentForGroupCare),
            },
            Case {
                name: "a consent dated tomorrow does not count yet",
                actor: dr_covering(),
                facts: with_consents(vec![consent(TEAM, tomorrow, None)]),
                expected: physician_denied(NoConsentForGroupCare),
            },
            Case {
                name: "a consent dated today counts",
                actor: dr_covering(),
                facts: with_consents(vec![consent(TEAM, today(), None)]),
                expected: covering_reads(),
            },
            Case {
                name: "a patient with no clinic team has no covering doctors",
                actor: dr_covering(),
                facts: PatientAccessFacts {
                    clinic_team_id: None,
                    ..base()
                },
                expected: physician_denied(NotOnCareTeam),
            },
            Case {
                name: "a covering physician without consent under break-glass",
                actor: dr_covering(),
                facts: with_glass_and_consents(grant_running, vec![]),
                expected: glass_reads(grant_running),
            },
            Case {
                name: "a covering physician after the family revoked, under break-glass",
                actor: dr_covering(),
                facts: with_glass_and_consents(
                    grant_running,
                    vec![consent(TEAM, since, Some(yesterday))],
                ),
                expected: glass_reads(grant_running),
            },
            Case {
                name: "consent is a stronger ground than a grant still running",
                actor: dr_covering(),
                facts: with_glass(grant_running),
                expected: covering_reads(),
            },
            // Physicians outside the team: break-glass.
            Case {
                name: "an outside physician may only ask to break the glass",
                actor: dr_outsider(),
                facts: base(),
                expected: physician_denied(NotOnCareTeam),
            },
            Case {
                name: "an outside physician with a running grant reads and records",
                actor: dr_outsider(),
                facts: with_glass(grant_running),
                expected: glass_reads(grant_running),
            },
            Case {
                name: "a grant one minute from its end still holds",
                actor: dr_outsider(),
                facts: with_glass(now() + minutes(1)),
                expected: glass_reads(now() + minutes(1)),
            },
            Case {
                name: "a grant that ended a minute ago is denied and may be asked again",
                actor: dr_outsider(),
                facts: with_glass(grant_over),
                expected: physician_denied(BreakGlassExpired),
            },
            Case {
                name: "a grant ending exactly now is over",
                actor: dr_outsider(),
                facts: with_glass(now()),
                expected: physician_denied(BreakGlassExpired),
            },
            Case {
                name: "a physician of the team still reads by the team under a grant",
                actor: dr_attending(),
                facts: with_glass(grant_running),
                expected: all_duties(Attending),
            },
        ]
    }

    #[test]
    fn decide_follows_role_team_consent_and_break_glass() {
        for case in cases() {
            for (action, expected) in PATIENT_ACTIONS.iter().zip(case.expected) {
                let got = decide(&case.actor, *action, &case.facts, now());
                assert_eq!(
                    got, expected,
                    "case {:?}, action {action}: expected {expected:?}, got {got:?}",
                    case.name
                );
            }
        }
    }

    #[test]
    fn may_break_glass_agrees_with_decide() {
        for case in cases() {
            let via_decide = decide(&case.actor, Action::BreakGlass, &case.facts, now());
            let direct = may_break_glass(&case.actor, &case.facts, now());
            assert_eq!(
                direct.is_ok(),
                via_decide.is_allowed(),
                "case {:?}: may_break_glass {direct:?} vs decide {via_decide:?}",
                case.name
            );
            if let Err(reason) = direct {
                assert_eq!(
                    Some(reason),
                    via_decide.deny_reason(),
                    "case {:?}: same reason both ways",
                    case.name
                );
            }
        }
    }

    #[test]
    fn record_outcome_is_allowed_exactly_to_physicians_who_may_read() {
        for case in cases() {
            let read = decide(&case.actor, Action::ReadCard, &case.facts, now());
            let record = decide(&case.actor, Action::RecordOutcome, &case.facts, now());
            let expected = if case.actor.role == Role::Physician {
                read
            } else {
                ROLE
            };
            assert_eq!(record, expected, "case {:?}", case.name);
        }
    }

    #[test]
    fn a_read_only_decision_never_allows_editing_or_opening_a_call() {
        for case in cases() {
            let read = decide(&case.actor, Action::ReadCard, &case.facts, now());
            for action in [Action::EditCard, Action::OpenCall] {
                let got = decide(&case.actor, action, &case.facts, now());
                if let Some(basis) = got.basis() {
                    assert!(
                        matches!(basis, Basis::CareTeam(seat) if seat.carries_care_duty()),
                        "case {:?}, action {action}: allowed on {basis:?}",
                        case.name
                    );
                    assert!(
                        read.is_allowed(),
                        "case {:?}: writes without reading",
                        case.name
                    );
                }
            }
        }
    }

    #[test]
    fn staff_actions_belong_to_coordinators_and_admins() {
        struct StaffCase {
            name: &'static str,
            actor: Actor,
            expected: Decision,
        }
        let cases = [
            StaffCase {
                name: "coordinator",
                actor: coordinator(),
                expected: Decision::Allow(Basis::Role(Role::Coordinator)),
            },
            StaffCase {
                name: "admin",
                actor: admin(),
                expected: Decision::Allow(Basis::Role(Role::Admin)),
            },
            StaffCase {
                name: "nurse of the team",
                actor: nurse(),
                expected: ROLE,
            },
            StaffCase {
                name: "attending physician",
                actor: dr_attending(),
                expected: ROLE,
            },
            StaffCase {
                name: "outside physician",
                actor: dr_outsider(),
                expected: ROLE,
            },
        ];
        for case in &cases {
            for action in [Action::ReadAudit, Action::ManageRoster] {
                let got = decide_staff_action(&case.actor, action);
                assert_eq!(got, case.expected, "{}, {action}", case.name);
                let via_decide = decide(&case.actor, action, &base(), now());
                assert_eq!(
                    via_decide, case.expected,
                    "{}, {action}: decide delegates staff actions",
                    case.name
                );
            }
            for action in PATIENT_ACTIONS {
                assert_eq!(
                    decide_staff_action(&case.actor, action),
                    deny(DenyReason::NotAStaffAction),
                    "{}, {action}: patient actions need the patient",
                    case.name
                );
            }
        }
    }

    #[test]
    fn only_administrators_manage_staff_accounts() {
        let allow = Decision::Allow(Basis::Role(Role::Admin));
        let cases = [
            ("admin", admin(), allow),
            (
                "coordinator",
                coordinator(),
                deny(DenyReason::RoleMayNotDoThis),
            ),
            ("nurse", nurse(), deny(DenyReason::RoleMayNotDoThis)),
            (
                "attending physician",
                dr_attending(),
                deny(DenyReason::RoleMayNotDoThis),
            ),
            (
                "outside physician",
                dr_outsider(),
                deny(DenyReason::RoleMayNotDoThis),
            ),
        ];
        for (name, actor, expected) in cases {
            assert_eq!(
                decide_staff_action(&actor, Action::ManageStaff),
                expected,
                "{name}"
            );
            assert_eq!(
                decide(&actor, Action::ManageStaff, &base(), now()),
                expected,
                "{name}: decide delegates"
            );
        }
        assert!(!Action::ManageStaff.concerns_patient());
        assert_eq!(Action::ManageStaff.as_str(), "manage_staff");
    }

    #[test]
    fn every_action_is_either_a_patient_or_a_staff_action() {
        let patient: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| a.concerns_patient())
            .collect();
        let mut expected = PATIENT_ACTIONS.to_vec();
        // --- issue 8: card ---
        expected.extend(CARD_ACTIONS);
        assert_eq!(patient, expected);
    }

    #[test]
    fn the_tokyo_date_decides_membership_not_the_utc_date() {
        // 23:59 on 20 November in Tokyo: the former station still holds.
        let late_evening = utc(2026, 11, 20, 14, 59);
        let decision = decide(&former_nurse(), Action::ReadCard, &base(), late_evening);
        assert_eq!(decision, team(CareRole::NurseStation));
        // One minute later it is 21 November in Tokyo and the seat is over.
        let midnight = utc(2026, 11, 20, 15, 0);
        let decision = decide(&former_nurse(), Action::ReadCard, &base(), midnight);
        assert_eq!(decision, deny(DenyReason::MembershipExpired));
    }

    #[test]
    fn the_strongest_seat_names_the_basis() {
        struct SeatCase {
            name: &'static str,
            seats: Vec<CareRole>,
            action: Action,
            expected: Decision,
        }
        let since = date(2025, 4, 1);
        let cases = [
            SeatCase {
                name: "attending beats secondary",
                seats: vec![CareRole::Secondary, CareRole::Attending],
                action: Action::ReadCard,
                expected: team(CareRole::Attending),
            },
            SeatCase {
                name: "secondary beats care manager for reading",
                seats: vec![CareRole::CareManager, CareRole::Secondary],
                action: Action::ReadCard,
                expected: team(CareRole::Secondary),
            },
            SeatCase {
                name: "attending beats secondary listed after it",
                seats: vec![CareRole::Attending, CareRole::Secondary],
                action: Action::ReadCard,
                expected: team(CareRole::Attending),
            },
            SeatCase {
                name: "secondary beats care manager listed after it",
                seats: vec![CareRole::Secondary, CareRole::CareManager],
                action: Action::ReadCard,
                expected: team(CareRole::Secondary),
            },
            SeatCase {
                name: "care manager alone reads",
                seats: vec![CareRole::CareManager],
                action: Action::ReadCard,
                expected: team(CareRole::CareManager),
            },
            SeatCase {
                name: "the duty seat edits even when the care-manager seat is listed first",
                seats: vec![CareRole::CareManager, CareRole::Secondary],
                action: Action::EditCard,
                expected: team(CareRole::Secondary),
            },
        ];
        for case in cases {
            let facts = PatientAccessFacts {
                care_team: case
                    .seats
                    .iter()
                    .map(|&seat| member(seat, Some(DR_OUTSIDER), None, since, None))
                    .collect(),
                ..PatientAccessFacts::default()
            };
            let got = decide(&dr_outsider(), case.action, &facts, now());
            assert_eq!(got, case.expected, "{}", case.name);
        }
    }

    #[test]
    fn an_empty_record_denies_everyone_clinical() {
        let facts = PatientAccessFacts::default();
        for who in [nurse(), dr_attending(), care_manager()] {
            let got = decide(&who, Action::ReadCard, &facts, now());
            assert_eq!(got, deny(DenyReason::NotOnCareTeam), "{who:?}");
        }
    }

    #[test]
    fn house_calls_need_the_house_call_scope_in_force_for_the_own_team() {
        struct ScopeCase {
            name: &'static str,
            consents: Vec<GroupConsent>,
            expected: bool,
        }
        let since = date(2025, 4, 1);
        let house = |team, revoked| GroupConsent {
            scope: ConsentScope::ReadAndHouseCall,
            ..consent(team, since, revoked)
        };
        let cases = [
            ScopeCase {
                name: "read-only consent",
                consents: vec![consent(TEAM, since, None)],
                expected: false,
            },
            ScopeCase {
                name: "house-call consent in force",
                consents: vec![house(TEAM, None)],
                expected: true,
            },
            ScopeCase {
                name: "house-call consent revoked today",
                consents: vec![house(TEAM, Some(today()))],
                expected: false,
            },
            ScopeCase {
                name: "house-call consent for another team",
                consents: vec![house(OTHER_TEAM, None)],
                expected: false,
            },
            ScopeCase {
                name: "no consent",
                consents: vec![],
                expected: false,
            },
        ];
        for case in cases {
            let facts = with_consents(case.consents);
            assert_eq!(
                facts.group_house_calls_consented(now()),
                case.expected,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn database_spellings_round_trip() {
        for role in [Role::Nurse, Role::Physician, Role::Coordinator, Role::Admin] {
            assert_eq!(Role::from_db(role.as_str()), Some(role));
        }
        for seat in [
            CareRole::Attending,
            CareRole::Secondary,
            CareRole::NurseStation,
            CareRole::CareManager,
        ] {
            assert_eq!(CareRole::from_db(seat.as_str()), Some(seat));
        }
        for scope in [ConsentScope::ReadCard, ConsentScope::ReadAndHouseCall] {
            assert_eq!(ConsentScope::from_db(scope.as_str()), Some(scope));
        }
        for unknown in ["", "Nurse", "doctor", "superuser", " admin"] {
            assert_eq!(Role::from_db(unknown), None, "{unknown:?}");
        }
        assert_eq!(CareRole::from_db("family"), None);
        assert_eq!(ConsentScope::from_db("everything"), None);
    }

    #[test]
    fn decision_accessors() {
        let allowed = team(CareRole::Attending);
        assert!(allowed.is_allowed());
        assert_eq!(allowed.basis(), Some(Basis::CareTeam(CareRole::Attending)));
        assert_eq!(allowed.deny_reason(), None);
        let denied = deny(DenyReason::ConsentRevoked);
        assert!(!denied.is_allowed());
        assert_eq!(denied.basis(), None);
        assert_eq!(denied.deny_reason(), Some(DenyReason::ConsentRevoked));
        assert!(Basis::BreakGlass { until: now() }.is_break_glass());
        assert!(!Basis::CoveringTeamWithConsent.is_break_glass());
    }

    #[test]
    fn a_break_glass_grant_lasts_two_hours() {
        assert_eq!(break_glass_grant_until(now()), now() + minutes(120));
        assert_eq!(
            break_glass_grant_until(DateTime::<Utc>::MAX_UTC),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn a_break_glass_reason_must_say_something() {
        struct ReasonCase {
            name: &'static str,
            input: String,
            expected: Result<&'static str, InvalidBreakGlassReason>,
        }
        let cases = [
            ReasonCase {
                name: "four characters are a reason",
                input: "発熱対応".into(),
                expected: Ok("発熱対応"),
            },
            ReasonCase {
                name: "surrounding space is trimmed",
                input: "  発熱 39℃、主治医不在\n".into(),
                expected: Ok("発熱 39℃、主治医不在"),
            },
            ReasonCase {
                name: "empty",
                input: String::new(),
                expected: Err(InvalidBreakGlassReason::TooShort),
            },
            ReasonCase {
                name: "padding does not count towards the minimum",
                input: "\u{3000} 急変 \n".into(),
                expected: Err(InvalidBreakGlassReason::TooShort),
            },
            ReasonCase {
                name: "only spaces, including an ideographic space",
                input: " \u{3000} ".into(),
                expected: Err(InvalidBreakGlassReason::TooShort),
            },
            ReasonCase {
                name: "three characters are too few",
                input: "急変。".into(),
                expected: Err(InvalidBreakGlassReason::TooShort),
            },
            ReasonCase {
                name: "500 kanji are allowed (counted in characters, not bytes)",
                input: "急".repeat(500),
                expected: Ok("<500>"),
            },
            ReasonCase {
                name: "501 characters are too many",
                input: "a".repeat(501),
                expected: Err(InvalidBreakGlassReason::TooLong),
            },
        ];
        for case in cases {
            let got = BreakGlassReason::parse(&case.input);
            match (&got, case.expected) {
                (Ok(reason), Ok("<500>")) => {
                    assert_eq!(reason.as_str().chars().count(), 500, "{}", case.name)
                }
                (Ok(reason), Ok(text)) => assert_eq!(reason.as_str(), text, "{}", case.name),
                (Err(e), Err(expected)) => assert_eq!(*e, expected, "{}", case.name),
                _ => panic!("{}: expected {:?}, got {got:?}", case.name, case.expected),
            }
        }
    }

    // --- Login throttling ---------------------------------------------------

    fn ago(list: &[i64]) -> Vec<DateTime<Utc>> {
        list.iter().map(|&m| now() - minutes(m)).collect()
    }

    fn locked_at(minutes_from_now: i64) -> ThrottleVerdict {
        ThrottleVerdict::LockedUntil(now() + minutes(minutes_from_now))
    }

    #[test]
    fn throttle_locks_on_the_nth_recent_failure() {
        struct ThrottleCase {
            name: &'static str,
            policy: ThrottlePolicy,
            /// Minutes before `now`; negative means after it.
            account: Vec<i64>,
            address: Vec<i64>,
            expected: ThrottleVerdict,
        }
        let default = ThrottlePolicy::default();
        let twenty_recent: Vec<i64> = (0..20).map(|i| i % 14).collect();
        let nineteen_recent: Vec<i64> = (0..19).map(|i| i % 14).collect();
        let cases = [
            ThrottleCase {
                name: "no failures",
                policy: default,
                account: vec![],
                address: vec![],
                expected: ThrottleVerdict::Allowed,
            },
            ThrottleCase {
                name: "four account failures are not enough",
                policy: default,
                account: vec![1, 2, 3, 4],
                address: vec![1, 2, 3, 4],
                expected: ThrottleVerdict::Allowed,
            },
            ThrottleCase {
                name: "the fifth locks until the fifth most recent plus 15 minutes",
                policy: default,
                account: vec![1, 2, 3, 4, 10],
                address: vec![],
                expected: locked_at(5),
            },
            ThrottleCase {
                name: "the order of the input does not matter",
                policy: default,
                account: vec![10, 3, 1, 4, 2],
                address: vec![],
                expected: locked_at(5),
            },
            ThrottleCase {
                name: "more failures lock from the fifth most recent, not the oldest",
                policy: default,
                account: vec![1, 2, 3, 4, 6, 12, 14],
                address: vec![],
                expected: locked_at(9),
            },
            ThrottleCase {
                // A long lockout, so that counting it would still lock.
                name: "a failure exactly one window old has left the window",
                policy: ThrottlePolicy {
                    lockout: minutes(60),
                    ..default
                },
                account: vec![1, 2, 3, 4, 15],
                address: vec![],
                expected: ThrottleVerdict::Allowed,
            },
            ThrottleCase {
                name: "old failures do not count",
                policy: default,
                account: vec![20, 30, 40, 50, 60, 70],
                address: vec![],
                expected: ThrottleVerdict::Allowed,
            },
            ThrottleCase {
                name: "a lock that ends exactly now is over",
                policy: ThrottlePolicy {
                    lockout: minutes(10),
                    ..default
                },
                account: vec![1, 2, 3, 4, 10],
                address: vec![],
                expected: ThrottleVerdict::Allowed,
            },
            ThrottleCase {
                name: "a lockout shorter than the window can have elapsed",
                policy: ThrottlePolicy {
                    lockout: minutes(5),
                    ..default
                },
                account: vec![6, 7, 8, 9, 10],
                address: vec![],
                expected: ThrottleVerdict::Allowed,
            },
            ThrottleCase {
                name: "failures stamped in the future count",
                policy: default,
                account: vec![-2, 1, 2, 3, 4],
                address: vec![],
                expected: locked_at(11),
            },
            ThrottleCase {
                name: "nineteen failures from one address are not enough",
                policy: default,
                account: vec![],
                address: nineteen_recent,
                expected: ThrottleVerdict::Allowed,
            },
            ThrottleCase {
                name: "twenty failures from one address lock it",
                policy: default,
                account: vec![],
                address: twenty_recent,
                // The twentieth most recent is 13 minutes old.
                expected: locked_at(2),
            },
            ThrottleCase {
                name: "when both trip the later end wins",
                policy: default,
                account: vec![0, 0, 0, 0, 0],
                address: (0..20).map(|i| i % 14).collect(),
                expected: locked_at(15),
            },
            ThrottleCase {
                name: "a limit of zero is disabled",
                policy: ThrottlePolicy {
                    per_account_failures: 0,
                    per_address_failures: 0,
                    ..default
                },
                account: vec![0; 100],
                address: vec![0; 100],
                expected: ThrottleVerdict::Allowed,
            },
            ThrottleCase {
                name: "a limit of one locks on the first failure",
                policy: ThrottlePolicy {
                    per_account_failures: 1,
                    ..default
                },
                account: vec![3],
                address: vec![],
                expected: locked_at(12),
            },
        ];
        for case in cases {
            let got = throttle(
                &case.policy,
                &ago(&case.account),
                &ago(&case.address),
                now(),
            );
            assert_eq!(
                got, case.expected,
                "{}: expected {:?}, got {got:?}",
                case.name, case.expected
            );
        }
    }

    #[test]
    fn the_default_policy_is_five_twenty_fifteen_fifteen() {
        let policy = ThrottlePolicy::default();
        assert_eq!(policy.per_account_failures, 5);
        assert_eq!(policy.per_address_failures, 20);
        assert_eq!(policy.window, minutes(15));
        assert_eq!(policy.lockout, minutes(15));
    }

    #[test]
    fn throttle_does_not_panic_at_the_ends_of_time() {
        let policy = ThrottlePolicy::default();
        let start = DateTime::<Utc>::MIN_UTC;
        let end = DateTime::<Utc>::MAX_UTC;
        assert_eq!(
            throttle(&policy, &[start; 5], &[], start),
            ThrottleVerdict::LockedUntil(start + minutes(15))
        );
        assert_eq!(
            throttle(&policy, &[end; 5], &[], end),
            ThrottleVerdict::LockedUntil(end)
        );
        assert!(!throttle(&policy, &[end; 5], &[], end - minutes(1)).is_allowed());
    }

    // --- issue 8: card ---

    /// The actions added for issue 8, after [`PATIENT_ACTIONS`].
    const CARD_ACTIONS: [Action; 2] = [Action::EditOrders, Action::EditIdentity];

    /// A nurse employed by the attending clinic (not a nurse station).
    fn clinic_nurse() -> Actor {
        actor(Role::Nurse, Uuid::from_u128(0x1005), ATTENDING_CLINIC)
    }

    #[test]
    fn orders_and_identity_follow_the_physicians_seat_and_the_attending_clinic() {
        let glass = with_glass(now() + minutes(30));
        let not_yet = with_glass(now() - minutes(1));
        // (case, actor, facts, EditOrders, EditIdentity)
        let cases: Vec<(&str, Actor, PatientAccessFacts, Decision, Decision)> = vec![
            (
                "attending physician in person",
                dr_attending(),
                base(),
                team(CareRole::Attending),
                team(CareRole::Attending),
            ),
            (
                "colleague at the attending clinic",
                dr_colleague(),
                base(),
                team(CareRole::Attending),
                team(CareRole::Attending),
            ),
            (
                "secondary physician",
                dr_secondary(),
                base(),
                team(CareRole::Secondary),
                ROLE,
            ),
            (
                "secondary physician on his last day",
                dr_last_day(),
                base(),
                team(CareRole::Secondary),
                ROLE,
            ),
            (
                "secondary physician whose seat ended",
                dr_former(),
                base(),
                deny(DenyReason::MembershipExpired),
                deny(DenyReason::MembershipExpired),
            ),
            (
                "secondary physician not yet started",
                dr_future(),
                base(),
                deny(DenyReason::MembershipNotYetStarted),
                deny(DenyReason::MembershipNotYetStarted),
            ),
            ("nurse of the station", nurse(), base(), ROLE, ROLE),
            (
                "nurse of the attending clinic",
                clinic_nurse(),
                base(),
                deny(DenyReason::NotOnCareTeam),
                team(CareRole::Attending),
            ),
            ("care manager", care_manager(), base(), ROLE, ROLE),
            (
                "nurse of another station",
                other_nurse(),
                base(),
                deny(DenyReason::NotOnCareTeam),
                deny(DenyReason::NotOnCareTeam),
            ),
            (
                "covering physician with consent",
                dr_covering(),
                base(),
                READ_ONLY,
                READ_ONLY,
            ),
            (
                "outside physician with break-glass",
                dr_outsider(),
                glass,
                READ_ONLY,
                READ_ONLY,
            ),
            (
                "outside physician whose break-glass ended",
                dr_outsider(),
                not_yet,
                deny(DenyReason::BreakGlassExpired),
                deny(DenyReason::BreakGlassExpired),
            ),
            (
                "coordinator",
                coordinator(),
                base(),
                ROLE,
                Decision::Allow(Basis::Role(Role::Coordinator)),
            ),
            ("admin", admin(), base(), ROLE, ROLE),
        ];
        for (name, who, facts, orders, identity) in cases {
            assert_eq!(
                decide(&who, Action::EditOrders, &facts, now()),
                orders,
                "{name}: edit orders"
            );
            assert_eq!(
                decide(&who, Action::EditIdentity, &facts, now()),
                identity,
                "{name}: edit identity"
            );
        }
    }

    #[test]
    fn whoever_may_change_the_orders_may_also_edit_the_card() {
        let mut actors = vec![clinic_nurse(), coordinator(), admin()];
        actors.extend(cases().into_iter().map(|c| c.actor));
        for who in actors {
            let orders = decide(&who, Action::EditOrders, &base(), now());
            if orders.is_allowed() {
                assert!(
                    decide(&who, Action::EditCard, &base(), now()).is_allowed(),
                    "{who:?}"
                );
                assert_eq!(who.role, Role::Physician, "{who:?}");
            }
        }
    }
}
