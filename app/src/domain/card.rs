//! The sections of the night card beyond identity and address: wishes and
//! decisions (ACP), the nursing order and its 「休日・夜間の急変時の対応」,
//! standing as-needed orders, the way in, the care manager, the clinical
//! summary and the timeline.
//!
//! Each edited record carries its `version` (for optimistic concurrency)
//! and a [`Stamp`] saying who wrote the current version and when; earlier
//! versions live in the `card_history` table.

use super::access::{Basis, CareRole};
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
}

/// A standing as-needed order (頓用指示): on this condition, do this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrnOrder {
    pub condition: String,
    pub action: String,
    pub updated: Stamp,
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
}
