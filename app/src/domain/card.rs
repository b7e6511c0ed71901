//! The sections of the night card beyond identity and address: wishes and
//! decisions (ACP), the nursing order and its 「休日・夜間の急変時の対応」,
//! standing as-needed orders, the way in, the care manager, the clinical
//! summary and the timeline.
//!
//! Each edited record carries its `version` (for optimistic concurrency)
//! and a [`Stamp`] saying who wrote the current version and when; earlier
//! versions live in the `card_history` table.

use super::access::{Basis, CareRole, Role};
use super::escalation::{CalleeRole, EscalationContext, Reason, ResolvedStep};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who wrote the current version of a record, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub by: String,
}

/// The latest of several stamps (a list section is as recent as its most
/// recently changed item).
pub fn latest_stamp<'a>(stamps: impl IntoIterator<Item = &'a Stamp>) -> Option<&'a Stamp> {
    stamps.into_iter().max_by_key(|s| s.at)
}

/// Defines an enum stored as text, with its database spelling both ways.
macro_rules! db_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $db:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order forms offer them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The database (and form) spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $db),+
                }
            }

            /// Parses the database (and form) spelling.
            pub fn from_db(s: &str) -> Option<Self> {
                match s {
                    $($db => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

db_enum! {
    /// What to do if the heart stops.
    Resuscitation {
        /// Full resuscitation, including CPR.
        Full => "full",
        /// Do not attempt resuscitation (DNAR).
        Dnar => "dnar",
    }
}

db_enum! {
    /// A preferred place of care or of death.
    Place {
        Home => "home",
        Hospital => "hospital",
        /// A care facility (施設).
        Facility => "facility",
        Undecided => "undecided",
    }
}

db_enum! {
    /// Whether the patient wants to be taken to hospital on a sudden change.
    TransportWish {
        Wanted => "wanted",
        NotWanted => "not_wanted",
        /// Decide with the family and the doctor at the time.
        Discuss => "discuss",
    }
}

db_enum! {
    /// A medical device at home.
    DeviceKind {
        HomeOxygen => "home_oxygen",
        UrinaryCatheter => "urinary_catheter",
        /// Gastrostomy (胃ろう).
        Peg => "peg",
        /// Central venous line or port (CVポート).
        CentralLine => "central_line",
        Ventilator => "ventilator",
        Tracheostomy => "tracheostomy",
        Stoma => "stoma",
        /// Infusion pump (PCA, subcutaneous).
        Pump => "pump",
        Other => "other",
    }
}

db_enum! {
    /// What a timeline entry records.
    TimelineKind {
        /// A scheduled visit (訪問診療・訪問看護).
        Visit => "visit",
        /// An unscheduled house call (往診).
        HouseCall => "house_call",
        /// A phone call, typically at night.
        Call => "call",
        Note => "note",
        // --- issue 8: card ---
        /// A correction of the patient's name, kana, birth date or sex.
        IdentityChange => "identity_change",
    }
}

/// Wishes and decisions (ACP, 人生会議).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wishes {
    pub resuscitation: Resuscitation,
    pub place_of_care: Place,
    pub place_of_death: Place,
    /// Death at home is expected (看取り): a death tonight is not an
    /// emergency, and the attending physician certifies it.
    pub death_at_home_expected: bool,
    pub transport: TransportWish,
    /// Who took part in the decision (本人、家族、主治医…).
    pub decided_by: String,
    pub decided_on: NaiveDate,
    pub document_on_file: bool,
    pub document_note: String,
    pub notes: String,
    pub version: i32,
    pub updated: Stamp,
}

/// The current physician's order to the nurse station (訪問看護指示書).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NursingOrder {
    pub id: Uuid,
    pub issued_by: String,
    pub clinic: String,
    pub issued_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// 「休日・夜間の急変時の対応」.
    pub on_sudden_change: String,
    pub version: i32,
    pub updated: Stamp,
    /// The role of whoever wrote the current 「急変時の対応」 text (issue 8:
    /// the card names the author of the text, not only the issuer).
    #[serde(default)]
    pub updated_by_role: Option<Role>,
}

/// A standing as-needed order (頓用指示): on this condition, do this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrnOrder {
    pub condition: String,
    pub action: String,
    pub updated: Stamp,
    /// The role of whoever last wrote this order.
    #[serde(default)]
    pub updated_by_role: Option<Role>,
}

/// How to get in, beyond the address and landmark.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WayIn {
    pub entrance: String,
    pub key_box: String,
    pub parking: String,
    pub pets: String,
    /// 0 while nobody has saved the way in (the landmark then comes from
    /// registration).
    pub version: i32,
    pub updated: Option<Stamp>,
}

/// The care manager (ケアマネジャー).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareManager {
    pub name: String,
    pub office: String,
    pub phone: String,
    pub version: i32,
    pub updated: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub name: String,
    pub noted_on: Option<NaiveDate>,
    pub is_primary: bool,
    pub updated: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Medication {
    pub name: String,
    pub dose: String,
    pub schedule: String,
    /// As needed (頓用), shown marked: these are what the night team gives.
    pub as_needed: bool,
    pub updated: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allergy {
    pub substance: String,
    pub reaction: String,
    pub updated: Stamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub kind: DeviceKind,
    pub detail: String,
    /// Litres per minute (home oxygen).
    pub oxygen_flow_l_min: Option<f64>,
    pub since: Option<NaiveDate>,
    pub next_change_on: Option<NaiveDate>,
    pub updated: Stamp,
}

/// Diagnoses, medicines, allergies, devices and infection precautions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Clinical {
    pub diagnoses: Vec<Diagnosis>,
    pub medications: Vec<Medication>,
    pub allergies: Vec<Allergy>,
    pub devices: Vec<Device>,
    /// Someone asked and found no allergy (an empty list alone means
    /// nobody has asked yet).
    pub no_known_allergies: bool,
    pub infection_precautions: String,
    /// When the allergy check and infection precautions were last written.
    pub summary_updated: Option<Stamp>,
}

impl Clinical {
    pub fn medications_updated(&self) -> Option<&Stamp> {
        latest_stamp(self.medications.iter().map(|m| &m.updated))
    }

    pub fn devices_updated(&self) -> Option<&Stamp> {
        latest_stamp(self.devices.iter().map(|d| &d.updated))
    }

    pub fn diagnoses_updated(&self) -> Option<&Stamp> {
        latest_stamp(self.diagnoses.iter().map(|d| &d.updated))
    }

    /// Allergies are as recent as the latest allergy row or the latest
    /// "no known allergies" check.
    pub fn allergies_updated(&self) -> Option<&Stamp> {
        latest_stamp(
            self.allergies
                .iter()
                .map(|a| &a.updated)
                .chain(self.summary_updated.as_ref()),
        )
    }

    /// Whether the patient has home oxygen, and at what flow.
    pub fn oxygen_flow(&self) -> Option<f64> {
        self.devices
            .iter()
            .find(|d| d.kind == DeviceKind::HomeOxygen)
            .and_then(|d| d.oxygen_flow_l_min)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub kind: TimelineKind,
    pub occurred_at: DateTime<Utc>,
    pub author: String,
    pub body: String,
}

/// A photo, inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Photo {
    pub content_type: String,
    pub base64: String,
}

impl Photo {
    /// A `data:` URL for `<img src>` (the CSP allows data: images).
    pub fn data_url(&self) -> String {
        format!("data:{};base64,{}", self.content_type, self.base64)
    }
}

/// Whether the reader may edit the card, from the basis on which they may
/// read it. Mirrors `domain::access::decide` for `Action::EditCard`: only a
/// care-team seat with the care duty (attending, secondary, nurse station)
/// edits; covering doctors and break-glass readers only read. The server
/// still authorizes every save; this only decides whether to offer the
/// forms.
pub fn may_edit_with(basis: &Basis) -> bool {
    matches!(basis, Basis::CareTeam(role) if role.carries_care_duty())
}

/// The care roles whose seat lets the holder edit, for documentation and
/// tests.
pub const EDITING_ROLES: [CareRole; 3] = [
    CareRole::Attending,
    CareRole::Secondary,
    CareRole::NurseStation,
];

// --- issue 8: card ---

/// In what capacity the card's first call reaches someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FirstCallRole {
    Attending,
    Secondary,
    /// Standing in for an absent doctor (代理).
    Substitute,
    DutyDoctor,
    TeamDoctor,
    StationManager,
    BackupHospital,
    DischargingHospital,
}

impl FirstCallRole {
    fn of(role: &CalleeRole) -> Self {
        match role {
            CalleeRole::Attending => FirstCallRole::Attending,
            CalleeRole::Secondary => FirstCallRole::Secondary,
            CalleeRole::Substitute { .. } => FirstCallRole::Substitute,
            CalleeRole::DutyDoctor => FirstCallRole::DutyDoctor,
            CalleeRole::TeamDoctor { .. } => FirstCallRole::TeamDoctor,
            CalleeRole::NurseStationManager => FirstCallRole::StationManager,
            CalleeRole::BackupHospital => FirstCallRole::BackupHospital,
            CalleeRole::DischargingHospital => FirstCallRole::DischargingHospital,
        }
    }
}

/// Why the first call is not the attending physician, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FirstCallWhy {
    /// `role` `name` is away (`reason`, until `until`).
    Away {
        role: FirstCallRole,
        name: String,
        reason: String,
        until: DateTime<Utc>,
    },
    NoAttendingRecorded,
    /// The duty schedule names this doctor for now.
    OnDuty,
    /// The schedule hands this time to the backup hospital.
    BackupHospitalCovers,
    /// The schedule has a hole now.
    NobodyOnDuty,
}

/// The night card's first-screen call: whoever a call opened now would
/// ring first, and why it is not simply the attending physician.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstCall {
    pub name: String,
    pub phone: String,
    pub role: FirstCallRole,
    pub why: Option<FirstCallWhy>,
}

/// The first call of `path` (from `escalation::resolve_path` for now),
/// with the reason that matters most to the nurse: an absence first, then
/// a missing attending, then what the duty schedule says. `None` when the
/// path is empty (nobody can be reached: the card points to 119).
pub fn first_call(path: &[ResolvedStep], context: &EscalationContext) -> Option<FirstCall> {
    let step = path.first()?;
    let role = FirstCallRole::of(&step.callee.role);
    let name_of = |id: Option<Uuid>| {
        id.and_then(|id| {
            context
                .team
                .iter()
                .chain(&context.other_doctors)
                .find(|d| d.id == id)
                .map(|d| d.name.clone())
        })
        .unwrap_or_default()
    };
    let away = step.reasons.iter().find_map(|r| {
        let (who, doctor, reason_text, until) = match r {
            Reason::AttendingAbsent {
                reason_text, until, ..
            } => (
                FirstCallRole::Attending,
                context.attending,
                reason_text,
                until,
            ),
            Reason::SecondaryAbsent {
                reason_text, until, ..
            } => (
                FirstCallRole::Secondary,
                context.secondary,
                reason_text,
                until,
            ),
            Reason::TeamDoctorAbsent {
                doctor,
                reason_text,
                until,
                ..
            } => (FirstCallRole::TeamDoctor, Some(*doctor), reason_text, until),
            Reason::SubstituteAbsent {
                doctor,
                reason_text,
                until,
                ..
            } => (FirstCallRole::Substitute, Some(*doctor), reason_text, until),
            _ => return None,
        };
        Some(FirstCallWhy::Away {
            role: who,
            name: name_of(doctor),
            reason: reason_text.clone(),
            until: *until,
        })
    });
    let has = |f: fn(&Reason) -> bool| step.reasons.iter().any(f);
    let why = away.or_else(|| {
        if role == FirstCallRole::Attending {
            None
        } else if has(|r| matches!(r, Reason::NoAttendingRecorded)) {
            Some(FirstCallWhy::NoAttendingRecorded)
        } else if has(|r| matches!(r, Reason::DutyCoveredByBackupHospital { .. })) {
            Some(FirstCallWhy::BackupHospitalCovers)
        } else if has(|r| matches!(r, Reason::NobodyOnDuty { .. })) {
            Some(FirstCallWhy::NobodyOnDuty)
        } else if role == FirstCallRole::DutyDoctor {
            Some(FirstCallWhy::OnDuty)
        } else {
            None
        }
    });
    Some(FirstCall {
        name: step.callee.name.clone(),
        phone: step.callee.phone.clone(),
        role,
        why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::{
        decide, Action, Actor, CareTeamMember, ConsentScope, GroupConsent, PatientAccessFacts, Role,
    };
    use chrono::TimeZone;

    #[test]
    fn every_enum_round_trips_its_database_spelling() {
        for r in Resuscitation::ALL {
            assert_eq!(Resuscitation::from_db(r.as_str()), Some(*r));
        }
        for p in Place::ALL {
            assert_eq!(Place::from_db(p.as_str()), Some(*p));
        }
        for t in TransportWish::ALL {
            assert_eq!(TransportWish::from_db(t.as_str()), Some(*t));
        }
        for d in DeviceKind::ALL {
            assert_eq!(DeviceKind::from_db(d.as_str()), Some(*d));
        }
        for k in TimelineKind::ALL {
            assert_eq!(TimelineKind::from_db(k.as_str()), Some(*k));
        }
        assert_eq!(Resuscitation::from_db("DNAR"), None);
        assert_eq!(DeviceKind::ALL.len(), 9);
    }

    #[test]
    fn a_list_section_is_as_recent_as_its_latest_item() {
        let at = |d| Stamp {
            at: Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap(),
            by: format!("staff {d}"),
        };
        let stamps = [at(3), at(20), at(7)];
        assert_eq!(
            latest_stamp(&stamps).map(|s| s.by.as_str()),
            Some("staff 20")
        );
        assert_eq!(latest_stamp(&[]), None);
    }

    /// The shortcut that decides whether to show the edit forms agrees
    /// with the access rules for every kind of reader.
    #[test]
    fn offering_the_forms_agrees_with_the_access_rules() {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 17, 0, 0).unwrap();
        let since = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
        let team = Uuid::from_u128(100);
        let clinic = Uuid::from_u128(1);
        let me = Uuid::from_u128(7);
        let actor = |role, org| Actor {
            staff_id: me,
            organization_id: org,
            role,
        };
        let station = Uuid::from_u128(2);
        // A nurse sits in the station's seat through her station; the
        // others sit in person.
        let seat = |role| CareTeamMember {
            role,
            staff_id: (role != CareRole::NurseStation).then_some(me),
            organization_id: (role == CareRole::NurseStation).then_some(station),
            valid_from: since,
            valid_to: None,
        };
        let facts = |care_team: Vec<CareTeamMember>, break_glass: bool| PatientAccessFacts {
            care_team,
            clinic_team_id: Some(team),
            clinic_team_clinics: vec![clinic],
            consents: vec![GroupConsent {
                clinic_team_id: team,
                consented_on: since,
                revoked_on: None,
                scope: ConsentScope::ReadAndHouseCall,
            }],
            break_glass_until: break_glass.then(|| now + chrono::Duration::hours(1)),
        };
        let cases = [
            (
                actor(Role::Physician, clinic),
                facts(vec![seat(CareRole::Attending)], false),
            ),
            (
                actor(Role::Physician, clinic),
                facts(vec![seat(CareRole::Secondary)], false),
            ),
            (
                actor(Role::Nurse, Uuid::from_u128(2)),
                facts(vec![seat(CareRole::NurseStation)], false),
            ),
            (
                actor(Role::Nurse, Uuid::from_u128(2)),
                facts(vec![seat(CareRole::CareManager)], false),
            ),
            (actor(Role::Physician, clinic), facts(vec![], false)),
            (
                actor(Role::Physician, Uuid::from_u128(3)),
                facts(vec![], true),
            ),
        ];
        for (actor, facts) in cases {
            let read = decide(&actor, Action::ReadCard, &facts, now);
            let edit = decide(&actor, Action::EditCard, &facts, now);
            let basis = read.basis().expect("every case may read");
            assert_eq!(
                may_edit_with(&basis),
                edit.is_allowed(),
                "{actor:?} reading on {basis:?}"
            );
        }
        assert!(EDITING_ROLES.iter().all(|r| r.carries_care_duty()));
    }

    // --- issue 8: card ---

    mod first_call {
        use super::super::{first_call, FirstCallRole, FirstCallWhy};
        use crate::domain::escalation::{
            resolve_path, Contact, DoctorContact, EscalationContext, EscalationPolicy,
        };
        use crate::domain::schedule::{DutySchedule, Interval, PlannedAbsence};
        use chrono::{DateTime, Duration, TimeZone, Utc};
        use uuid::Uuid;

        const SAKURAI: Uuid = Uuid::from_u128(0xA1);
        const KITAMURA: Uuid = Uuid::from_u128(0xA2);
        const SECOND: Uuid = Uuid::from_u128(0xA3);

        fn now() -> DateTime<Utc> {
            // 2026-12-01 23:30 in Tokyo.
            Utc.with_ymd_and_hms(2026, 12, 1, 14, 30, 0).unwrap()
        }

        fn doctor(id: Uuid, name: &str, phone: &str) -> DoctorContact {
            DoctorContact {
                id,
                name: name.to_owned(),
                phone: phone.to_owned(),
                clinic_name: "みどり野クリニック".to_owned(),
                clinic_location: None,
            }
        }

        fn away(doctor: Uuid, substitute: Option<Uuid>, hours: (i64, i64)) -> PlannedAbsence {
            PlannedAbsence {
                id: Uuid::new_v4(),
                doctor,
                interval: Interval {
                    start: now() + Duration::hours(hours.0),
                    end: now() + Duration::hours(hours.1),
                },
                reason_text: "学会".to_owned(),
                substitute,
            }
        }

        fn context(
            attending: Option<Uuid>,
            absences: Vec<PlannedAbsence>,
            hospital: bool,
        ) -> EscalationContext {
            EscalationContext {
                attending,
                secondary: Some(SECOND),
                team: Vec::new(),
                other_doctors: vec![
                    doctor(SAKURAI, "桜井 一郎", "090-1111-0001"),
                    doctor(KITAMURA, "北村 健", "090-1111-0002"),
                    doctor(SECOND, "副田 明", "090-1111-0003"),
                ],
                patient_home: None,
                schedule: DutySchedule {
                    id: Uuid::from_u128(0x5C),
                    name: "チーム".to_owned(),
                    rotations: Vec::new(),
                    rules: Vec::new(),
                    overrides: Vec::new(),
                    swaps: Vec::new(),
                },
                absences,
                nurse_station_manager: None,
                backup_hospital: hospital.then(|| Contact {
                    id: Uuid::from_u128(0xB0),
                    name: "後方支援病院".to_owned(),
                    phone: "055-000-0000".to_owned(),
                }),
                discharging_hospital: None,
            }
        }

        fn sakurai_away(reason: &str) -> FirstCallWhy {
            FirstCallWhy::Away {
                role: FirstCallRole::Attending,
                name: "桜井 一郎".to_owned(),
                reason: reason.to_owned(),
                until: now() + Duration::hours(10),
            }
        }

        /// Role, name, phone and why of the expected first call.
        type Expected = Option<(
            FirstCallRole,
            &'static str,
            &'static str,
            Option<FirstCallWhy>,
        )>;

        #[test]
        fn the_first_call_is_whoever_the_path_for_now_starts_with() {
            // (case, context, expected: (role, name, phone, why))
            let cases: Vec<(&str, EscalationContext, Expected)> = vec![
                (
                    "attending at work",
                    context(Some(SAKURAI), Vec::new(), true),
                    Some((FirstCallRole::Attending, "桜井 一郎", "090-1111-0001", None)),
                ),
                (
                    "attending away tonight, stand-in named",
                    context(
                        Some(SAKURAI),
                        vec![away(SAKURAI, Some(KITAMURA), (-2, 10))],
                        true,
                    ),
                    Some((
                        FirstCallRole::Substitute,
                        "北村 健",
                        "090-1111-0002",
                        Some(sakurai_away("学会")),
                    )),
                ),
                (
                    "attending away, no stand-in: the secondary",
                    context(Some(SAKURAI), vec![away(SAKURAI, None, (-2, 10))], true),
                    Some((
                        FirstCallRole::Secondary,
                        "副田 明",
                        "090-1111-0003",
                        Some(sakurai_away("学会")),
                    )),
                ),
                (
                    "absence over before now: the attending again",
                    context(
                        Some(SAKURAI),
                        vec![away(SAKURAI, Some(KITAMURA), (-10, -1))],
                        true,
                    ),
                    Some((FirstCallRole::Attending, "桜井 一郎", "090-1111-0001", None)),
                ),
                (
                    "absence starting tomorrow: the attending now",
                    context(
                        Some(SAKURAI),
                        vec![away(SAKURAI, Some(KITAMURA), (20, 40))],
                        true,
                    ),
                    Some((FirstCallRole::Attending, "桜井 一郎", "090-1111-0001", None)),
                ),
                (
                    "no attending recorded",
                    context(None, Vec::new(), true),
                    Some((
                        FirstCallRole::Secondary,
                        "副田 明",
                        "090-1111-0003",
                        Some(FirstCallWhy::NoAttendingRecorded),
                    )),
                ),
            ];
            let policy = EscalationPolicy::suggested();
            for (name, ctx, expected) in cases {
                let path = resolve_path(&policy, &ctx, now());
                let got = first_call(&path, &ctx).map(|f| (f.role, f.name, f.phone, f.why));
                let expected = expected.map(|(r, n, p, w)| (r, n.to_owned(), p.to_owned(), w));
                assert_eq!(got, expected, "{name}");
            }
        }

        #[test]
        fn an_empty_path_has_no_first_call() {
            assert_eq!(
                first_call(&[], &context(Some(SAKURAI), Vec::new(), false)),
                None
            );
        }
    }
}
