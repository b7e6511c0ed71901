//! Small pieces the night card and its edit page share: the "last updated
//! by whom" line with its staleness flag, the words for the card's enums,
//! and the sentences for form errors.

use crate::domain::card::{DeviceKind, Place, Stamp, TimelineKind, TransportWish};
use crate::domain::card_input::{Field, FieldError, Problem};
use crate::domain::freshness::Freshness;
use crate::domain::time::format_tokyo_minute;
use crate::error::AppError;
use crate::i18n::{I18n, Key};
use leptos::prelude::*;

/// "Last updated 2026-11-20 14:05 深沢 恵子" (the name left out when the
/// table does not record it), and a flag when the section is stale. `decision` words the flag for the wishes, whose age
/// counts from the decision rather than the last save.
#[component]
pub fn SectionStamp(
    stamp: Option<Stamp>,
    freshness: Freshness,
    #[prop(optional)] decision: bool,
) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let flag = match freshness {
        Freshness::Stale { days } => {
            let key = if decision {
                Key::StaleDecision
            } else {
                Key::StaleFor
            };
            Some(i18n.t(key).replace("{n}", &days.to_string()))
        }
        Freshness::Missing | Freshness::Fresh => None,
    };
    let stale = matches!(freshness, Freshness::Stale { .. });
    view! {
        <p class="stamp" data-stale=stale.to_string()>
            {flag.map(|flag| view! { <span class="flag stale" data-testid="stale-flag">{flag}</span> })}
            <span class="when">
                {match stamp {
                    Some(s) => format!(
                        "{}: {} {}",
                        i18n.t(Key::LastUpdated),
                        format_tokyo_minute(s.at),
                        s.by
                    )
                    .trim_end()
                    .to_owned(),
                    None => i18n.t(Key::NoUpdateRecorded).to_owned(),
                }}
            </span>
        </p>
    }
}

pub fn place_key(place: Place) -> Key {
    match place {
        Place::Home => Key::PlaceHome,
        Place::Hospital => Key::PlaceHospital,
        Place::Facility => Key::PlaceFacility,
        Place::Undecided => Key::PlaceUndecided,
    }
}

pub fn transport_key(transport: TransportWish) -> Key {
    match transport {
        TransportWish::Wanted => Key::TransportWanted,
        TransportWish::NotWanted => Key::TransportNotWanted,
        TransportWish::Discuss => Key::TransportDiscuss,
    }
}

pub fn device_key(kind: DeviceKind) -> Key {
    match kind {
        DeviceKind::HomeOxygen => Key::DeviceHomeOxygen,
        DeviceKind::UrinaryCatheter => Key::DeviceUrinaryCatheter,
        DeviceKind::Peg => Key::DevicePeg,
        DeviceKind::CentralLine => Key::DeviceCentralLine,
        DeviceKind::Ventilator => Key::DeviceVentilator,
        DeviceKind::Tracheostomy => Key::DeviceTracheostomy,
        DeviceKind::Stoma => Key::DeviceStoma,
        DeviceKind::Pump => Key::DevicePump,
        DeviceKind::Other => Key::DeviceOther,
    }
}

pub fn timeline_key(kind: TimelineKind) -> Key {
    match kind {
        TimelineKind::Visit => Key::TimelineVisit,
        TimelineKind::HouseCall => Key::TimelineHouseCall,
        TimelineKind::Call => Key::TimelineCall,
        TimelineKind::Note => Key::TimelineNote,
        // --- issue 8: card ---
        TimelineKind::IdentityChange => Key::TimelineIdentityChange,
    }
}

/// The label of a form field, as the form shows it.
pub fn field_key(field: Field) -> Key {
    match field {
        Field::Version | Field::Record => Key::FormLabel,
        Field::Resuscitation => Key::Resuscitation,
        Field::PlaceOfCare => Key::PlaceOfCare,
        Field::PlaceOfDeath => Key::PlaceOfDeath,
        Field::Transport => Key::Transport,
        Field::DecidedBy => Key::DecidedBy,
        Field::DecidedOn => Key::DecidedOn,
        Field::DocumentNote => Key::DocumentNote,
        Field::WishesNotes => Key::WishesNotes,
        Field::SuddenChange => Key::SuddenChange,
        Field::Landmark => Key::Landmark,
        Field::Entrance => Key::Entrance,
        Field::KeyBox => Key::KeyBox,
        Field::Parking => Key::Parking,
        Field::Pets => Key::Pets,
        Field::CareManagerName => Key::ContactName,
        Field::CareManagerOffice => Key::CareManagerOffice,
        Field::Phone => Key::Phone,
        Field::FamilyName => Key::FamilyName,
        Field::GivenName => Key::GivenName,
        Field::FamilyNameKana => Key::FamilyNameKana,
        Field::GivenNameKana => Key::GivenNameKana,
        Field::BirthDate => Key::BirthDate,
        Field::Sex => Key::Sex,
        Field::Note => Key::Note,
        Field::OrderIssuedOn => Key::OrderIssuedOn,
        Field::OrderValidFrom => Key::OrderValidFrom,
        Field::OrderValidTo => Key::OrderValidTo,
        Field::ContactName => Key::ContactsName,
        Field::Relation => Key::ContactsRelation,
        Field::Priority => Key::ContactsPriority,
    }
}

/// "生年月日: 存在しない日付です。"
pub fn field_error_message(i18n: I18n, e: &FieldError) -> String {
    let problem = match e.problem {
        Problem::Empty => i18n.t(Key::ProblemEmpty).to_owned(),
        Problem::TooLong { max } => i18n
            .t(Key::ProblemTooLong)
            .replace("{max}", &max.to_string()),
        Problem::ControlCharacters => i18n.t(Key::ProblemControl).to_owned(),
        Problem::NotAChoice => i18n.t(Key::ProblemNotAChoice).to_owned(),
        Problem::BadDate => i18n.t(Key::ProblemBadDate).to_owned(),
        Problem::ImpossibleDate => i18n.t(Key::ProblemImpossibleDate).to_owned(),
        Problem::FutureDate => i18n.t(Key::ProblemFutureDate).to_owned(),
        Problem::TooOld => i18n.t(Key::ProblemTooOld).to_owned(),
        Problem::Letters => i18n.t(Key::ProblemLetters).to_owned(),
        Problem::BadPhone => i18n.t(Key::ProblemBadPhone).to_owned(),
        Problem::NotKana => i18n.t(Key::ProblemNotKana).to_owned(),
        Problem::Malformed => i18n.t(Key::ProblemMalformed).to_owned(),
        Problem::EndsBeforeStart => i18n.t(Key::ProblemEndsBeforeStart).to_owned(),
        Problem::PeriodTooLong => i18n.t(Key::ProblemPeriodTooLong).to_owned(),
        Problem::EndsInPast => i18n.t(Key::ProblemEndsInPast).to_owned(),
        Problem::Emoji => i18n.t(Key::StaffProblemEmoji).to_owned(),
        Problem::TooMany => i18n.t(Key::ContactsTooMany).to_owned(),
    };
    format!("{}: {problem}", i18n.t(field_key(e.field)))
}

/// The sentence a card form or the search box shows for an error.
pub fn error_message(i18n: I18n, error: &AppError) -> String {
    match error {
        AppError::Conflict => i18n.t(Key::ConflictKeepInput).to_owned(),
        AppError::Invalid(code) => match code.as_str() {
            "q:empty" => i18n.t(Key::QueryEmpty).to_owned(),
            "q:too_short" => i18n.t(Key::QueryTooShort).to_owned(),
            "q:too_long" => i18n.t(Key::QueryTooLong).to_owned(),
            "q:control_characters" => i18n.t(Key::ProblemControl).to_owned(),
            other => FieldError::from_code(other)
                .map(|e| field_error_message(i18n, &e))
                .unwrap_or_else(|| error.user_message(i18n.lang)),
        },
        other => other.user_message(i18n.lang),
    }
}

// --- issue 8: card ---

/// A staff member's role in words.
pub fn staff_role_key(role: crate::domain::access::Role) -> Key {
    use crate::domain::access::Role;
    match role {
        Role::Nurse => Key::StaffRoleNurse,
        Role::Physician => Key::StaffRolePhysician,
        Role::Coordinator => Key::StaffRoleCoordinator,
        Role::Admin => Key::StaffRoleAdmin,
    }
}

/// "この指示の文面の最終変更: 桜井 一郎 (医師) 2026-11-20 14:05": who
/// wrote the text now in force, which is not always who issued the order.
pub fn text_author_line(
    i18n: I18n,
    stamp: &Stamp,
    role: Option<crate::domain::access::Role>,
) -> String {
    let role = role
        .map(|r| format!(" ({})", i18n.t(staff_role_key(r))))
        .unwrap_or_default();
    format!(
        "{}: {}{role} {}",
        i18n.t(Key::TextLastChangedBy),
        stamp.by,
        format_tokyo_minute(stamp.at)
    )
}

/// The words for the role a first call reaches.
pub fn first_call_role_key(role: crate::domain::card::FirstCallRole) -> Key {
    use crate::domain::card::FirstCallRole as R;
    match role {
        R::Attending => Key::RoleAttending,
        R::Secondary => Key::RoleSecondary,
        R::Substitute => Key::RoleSubstitute,
        R::DutyDoctor => Key::RoleDuty,
        R::TeamDoctor => Key::RoleTeamDoctor,
        R::StationManager => Key::RoleStationManager,
        R::BackupHospital => Key::RoleBackupHospital,
        R::DischargingHospital => Key::RoleDischargingHospital,
    }
}

/// The first-screen button's label: "主治医に電話", "代理医に電話"…
pub fn first_call_button_key(role: crate::domain::card::FirstCallRole) -> Key {
    use crate::domain::card::FirstCallRole as R;
    match role {
        R::Attending => Key::CallAttending,
        R::Secondary => Key::FirstCallSecondary,
        R::Substitute => Key::FirstCallSubstitute,
        R::DutyDoctor => Key::FirstCallDutyDoctor,
        R::TeamDoctor => Key::FirstCallTeamDoctor,
        R::StationManager => Key::FirstCallStationManager,
        R::BackupHospital | R::DischargingHospital => Key::FirstCallHospital,
    }
}

/// Why the first call is who it is, in words:
/// "主治医 桜井 一郎は学会のため不在(12/02 08:00まで) → 代理医 北村 健".
pub fn first_call_why(i18n: I18n, call: &crate::domain::card::FirstCall) -> Option<String> {
    use crate::domain::card::FirstCallWhy as W;
    let callee = format!("{} {}", i18n.t(first_call_role_key(call.role)), call.name);
    Some(match call.why.as_ref()? {
        W::Away {
            role,
            name,
            reason,
            until,
        } => i18n
            .t(Key::FirstCallWhyAway)
            .replace("{absent_role}", i18n.t(first_call_role_key(*role)))
            .replace("{absent}", name)
            .replace("{reason}", reason)
            .replace("{until}", &format_tokyo_minute(*until))
            .replace("{callee}", &callee),
        W::NoAttendingRecorded => i18n
            .t(Key::FirstCallWhyNoAttending)
            .replace("{callee}", &callee),
        W::OnDuty => i18n.t(Key::FirstCallWhyOnDuty).replace("{callee}", &callee),
        W::BackupHospitalCovers => i18n
            .t(Key::FirstCallWhyHospitalCovers)
            .replace("{callee}", &callee),
        W::NobodyOnDuty => i18n
            .t(Key::FirstCallWhyNobodyOnDuty)
            .replace("{callee}", &callee),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn form_errors_read_as_sentences_in_both_languages() {
        let ja = I18n { lang: Lang::Ja };
        let en = I18n { lang: Lang::En };
        let cases = [
            (
                "birth_date:impossible_date",
                "生年月日: 存在しない日付です。",
                "Date of birth: this date does not exist.",
            ),
            (
                "note:too_long:2000",
                "記録: 2000文字以内で入力してください。",
                "Note: must be at most 2000 characters.",
            ),
            (
                "phone:letters",
                "電話番号: 電話番号に文字が含まれています。数字とハイフンで入力してください。",
                "Phone: a phone number has only digits and hyphens.",
            ),
            (
                "q:too_short",
                "2文字以上 (電話番号は3桁以上) で検索してください。",
                "Enter at least 2 characters (3 digits for a phone number).",
            ),
        ];
        for (code, want_ja, want_en) in cases {
            let e = AppError::Invalid(code.into());
            assert_eq!(error_message(ja, &e), want_ja, "{code}");
            assert_eq!(error_message(en, &e), want_en, "{code}");
        }
        assert!(error_message(ja, &AppError::Conflict).contains("入力はフォームに残っています"));
    }
}
