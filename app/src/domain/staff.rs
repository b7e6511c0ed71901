//! A staff account as the administrator types it, parsed at the boundary
//! (`/admin/staff`): names and kana, role, organisation, login id, the
//! night phone. Every refusal names its field and problem; it travels as
//! the code inside `AppError::Invalid` (`staff_phone:letters`) and the page
//! words it in Japanese or English.
//!
//! Names keep every character of a registered name, rare kanji outside the
//! BMP included (𠮷, 髙, 﨑). Emoji are refused: no family register holds
//! one, and the name is read aloud over the phone at night and printed on
//! the call list, where a pictograph says nothing.

use super::access::Role;
use super::card_input::{self, Field, Problem};
use super::text::{LoginId, TextError};
use uuid::Uuid;

/// The longest name part (family or given name), in characters.
pub const NAME_MAX_CHARS: usize = 50;

/// A field of the staff forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffField {
    FamilyName,
    GivenName,
    FamilyNameKana,
    GivenNameKana,
    Role,
    Organization,
    LoginId,
    Phone,
    /// The account itself (an administrator acting on his own account).
    Account,
}

impl StaffField {
    pub const ALL: [StaffField; 9] = [
        StaffField::FamilyName,
        StaffField::GivenName,
        StaffField::FamilyNameKana,
        StaffField::GivenNameKana,
        StaffField::Role,
        StaffField::Organization,
        StaffField::LoginId,
        StaffField::Phone,
        StaffField::Account,
    ];

    /// The form field's name (and the code's first part after `staff_`).
    pub fn name(self) -> &'static str {
        match self {
            StaffField::FamilyName => "family_name",
            StaffField::GivenName => "given_name",
            StaffField::FamilyNameKana => "family_name_kana",
            StaffField::GivenNameKana => "given_name_kana",
            StaffField::Role => "role",
            StaffField::Organization => "organization_id",
            StaffField::LoginId => "login_id",
            StaffField::Phone => "phone",
            StaffField::Account => "account",
        }
    }
}

/// What is wrong with a staff field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffProblem {
    Empty,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    /// A pictograph in a name.
    Emoji,
    NotKana,
    /// Letters in a phone number.
    Letters,
    BadPhone,
    /// Not 3–64 of `a-z 0-9 . _ -` starting with a letter or digit.
    BadLoginId,
    /// Another account has this login id.
    Taken,
    /// Not one of the offered choices (role, organisation).
    NotAChoice,
    /// The person holds care-team seats the new role cannot hold (an
    /// attending physician made a nurse).
    HoldsSeats,
    /// An administrator may not disable or demote his own account: the
    /// network would be left without anyone to undo it.
    Yourself,
}

/// A field and its problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffFieldError {
    pub field: StaffField,
    pub problem: StaffProblem,
}

impl StaffFieldError {
    pub fn new(field: StaffField, problem: StaffProblem) -> Self {
        StaffFieldError { field, problem }
    }

    /// `staff_<field>:<problem>`, e.g. `staff_family_name:too_long:50`.
    pub fn code(&self) -> String {
        let problem = match self.problem {
            StaffProblem::Empty => "empty".to_owned(),
            StaffProblem::TooLong { max } => format!("too_long:{max}"),
            StaffProblem::ControlCharacters => "control_characters".to_owned(),
            StaffProblem::Emoji => "emoji".to_owned(),
            StaffProblem::NotKana => "not_kana".to_owned(),
            StaffProblem::Letters => "letters".to_owned(),
            StaffProblem::BadPhone => "bad_phone".to_owned(),
            StaffProblem::BadLoginId => "bad_login_id".to_owned(),
            StaffProblem::Taken => "taken".to_owned(),
            StaffProblem::NotAChoice => "not_a_choice".to_owned(),
            StaffProblem::HoldsSeats => "holds_seats".to_owned(),
            StaffProblem::Yourself => "yourself".to_owned(),
        };
        format!("staff_{}:{problem}", self.field.name())
    }

    /// Reads a code back; `None` for any other `Invalid`.
    pub fn from_code(code: &str) -> Option<Self> {
        let (field, problem) = code.strip_prefix("staff_")?.split_once(':')?;
        let field = StaffField::ALL.into_iter().find(|f| f.name() == field)?;
        let problem = match problem {
            "empty" => StaffProblem::Empty,
            "control_characters" => StaffProblem::ControlCharacters,
            "emoji" => StaffProblem::Emoji,
            "not_kana" => StaffProblem::NotKana,
            "letters" => StaffProblem::Letters,
            "bad_phone" => StaffProblem::BadPhone,
            "bad_login_id" => StaffProblem::BadLoginId,
            "taken" => StaffProblem::Taken,
            "not_a_choice" => StaffProblem::NotAChoice,
            "holds_seats" => StaffProblem::HoldsSeats,
            "yourself" => StaffProblem::Yourself,
            other => StaffProblem::TooLong {
                max: other.strip_prefix("too_long:")?.parse().ok()?,
            },
        };
        Some(StaffFieldError { field, problem })
    }
}

/// The staff form as posted (every field a string from the browser).
#[derive(Debug, Clone, Copy, Default)]
pub struct StaffForm<'a> {
    pub family_name: &'a str,
    pub given_name: &'a str,
    pub family_name_kana: &'a str,
    pub given_name_kana: &'a str,
    pub role: &'a str,
    pub organization_id: &'a str,
    pub phone: &'a str,
}

/// A staff member's details ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffInput {
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub role: Role,
    pub organization_id: Uuid,
    pub phone: String,
}

/// Whether `c` is a pictograph (emoji, their joiners and selectors, flags).
pub fn is_emoji(c: char) -> bool {
    matches!(
        c as u32,
        0x1F000..=0x1FAFF   // emoticons, symbols and pictographs, flags
            | 0x2600..=0x27BF // miscellaneous symbols, dingbats
            | 0x2B00..=0x2BFF // arrows and stars (⭐)
            | 0xFE0F          // emoji presentation selector
            | 0x200D          // zero-width joiner of emoji sequences
            | 0x20E3          // keycap
            | 0xE0020..=0xE007F // tag characters
    )
}

fn name(field: StaffField, s: &str) -> Result<String, StaffFieldError> {
    let card_field = match field {
        StaffField::GivenName => Field::GivenName,
        _ => Field::FamilyName,
    };
    let parsed = card_input::required_line(card_field, s, NAME_MAX_CHARS)
        .map_err(|e| StaffFieldError::new(field, problem_of(e.problem)))?;
    if parsed.chars().any(is_emoji) {
        return Err(StaffFieldError::new(field, StaffProblem::Emoji));
    }
    Ok(parsed)
}

fn problem_of(problem: Problem) -> StaffProblem {
    match problem {
        Problem::Empty => StaffProblem::Empty,
        Problem::TooLong { max } => StaffProblem::TooLong { max },
        Problem::ControlCharacters => StaffProblem::ControlCharacters,
        Problem::NotKana => StaffProblem::NotKana,
        Problem::Letters => StaffProblem::Letters,
        Problem::BadPhone => StaffProblem::BadPhone,
        _ => StaffProblem::NotAChoice,
    }
}

/// A role from the form (`physician`, `nurse`, `coordinator`, `admin`).
pub fn parse_role(s: &str) -> Result<Role, StaffFieldError> {
    Role::from_db(s.trim()).ok_or(StaffFieldError::new(
        StaffField::Role,
        StaffProblem::NotAChoice,
    ))
}

/// A login id for a new account (lower-cased, as sign-in reads it).
pub fn parse_login_id(s: &str) -> Result<LoginId, StaffFieldError> {
    LoginId::parse(s).map_err(|e| {
        StaffFieldError::new(
            StaffField::LoginId,
            match e {
                TextError::Empty => StaffProblem::Empty,
                _ => StaffProblem::BadLoginId,
            },
        )
    })
}

impl StaffInput {
    /// Parses the form, field by field in the form's order, so the first
    /// problem the administrator sees is the first on the screen.
    pub fn parse(form: &StaffForm<'_>) -> Result<Self, StaffFieldError> {
        let family_name = name(StaffField::FamilyName, form.family_name)?;
        let given_name = name(StaffField::GivenName, form.given_name)?;
        let kana = |field, card_field, s| {
            card_input::parse_kana(card_field, s)
                .map_err(|e| StaffFieldError::new(field, problem_of(e.problem)))
        };
        let family_name_kana = kana(
            StaffField::FamilyNameKana,
            Field::FamilyNameKana,
            form.family_name_kana,
        )?;
        let given_name_kana = kana(
            StaffField::GivenNameKana,
            Field::GivenNameKana,
            form.given_name_kana,
        )?;
        let role = parse_role(form.role)?;
        let organization_id = Uuid::parse_str(form.organization_id.trim()).map_err(|_| {
            StaffFieldError::new(StaffField::Organization, StaffProblem::NotAChoice)
        })?;
        let phone = card_input::parse_phone(form.phone)
            .map_err(|e| StaffFieldError::new(StaffField::Phone, problem_of(e.problem)))?;
        Ok(StaffInput {
            family_name,
            given_name,
            family_name_kana,
            given_name_kana,
            role,
            organization_id,
            phone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "00000000-0000-4000-8000-000200000011";

    fn form() -> StaffForm<'static> {
        StaffForm {
            family_name: "吉田",
            given_name: "美咲",
            family_name_kana: "よしだ",
            given_name_kana: "ミサキ",
            role: "nurse",
            organization_id: ORG,
            phone: "090-1234-5678",
        }
    }

    fn err(field: StaffField, problem: StaffProblem) -> Result<StaffInput, StaffFieldError> {
        Err(StaffFieldError::new(field, problem))
    }

    #[test]
    fn a_complete_form_parses_with_kana_in_katakana() {
        let input = StaffInput::parse(&form()).unwrap();
        assert_eq!(input.family_name, "吉田");
        assert_eq!(input.family_name_kana, "ヨシダ");
        assert_eq!(input.role, Role::Nurse);
        assert_eq!(input.phone, "090-1234-5678");
    }

    #[test]
    fn rare_kanji_pass_unchanged_and_emoji_are_refused() {
        let rare = StaffForm {
            family_name: "𠮷田",
            given_name: "髙﨑",
            ..form()
        };
        let input = StaffInput::parse(&rare).unwrap();
        assert_eq!(input.family_name, "𠮷田");
        assert_eq!(input.given_name, "髙﨑");
        for emoji in ["美咲😀", "👩‍⚕️", "⭐子", "🇯🇵"] {
            let f = StaffForm {
                given_name: emoji,
                ..form()
            };
            assert_eq!(
                StaffInput::parse(&f),
                err(StaffField::GivenName, StaffProblem::Emoji),
                "{emoji}"
            );
        }
    }

    #[test]
    fn each_field_says_what_is_wrong() {
        let long = "田".repeat(10_000);
        let cases: Vec<(StaffForm<'_>, StaffField, StaffProblem)> = vec![
            (
                StaffForm {
                    family_name: "  ",
                    ..form()
                },
                StaffField::FamilyName,
                StaffProblem::Empty,
            ),
            (
                StaffForm {
                    family_name: &long,
                    ..form()
                },
                StaffField::FamilyName,
                StaffProblem::TooLong {
                    max: NAME_MAX_CHARS,
                },
            ),
            (
                StaffForm {
                    given_name: "美\u{7}咲",
                    ..form()
                },
                StaffField::GivenName,
                StaffProblem::ControlCharacters,
            ),
            (
                StaffForm {
                    family_name_kana: "Yoshida",
                    ..form()
                },
                StaffField::FamilyNameKana,
                StaffProblem::NotKana,
            ),
            (
                StaffForm {
                    role: "superuser",
                    ..form()
                },
                StaffField::Role,
                StaffProblem::NotAChoice,
            ),
            (
                StaffForm {
                    organization_id: "",
                    ..form()
                },
                StaffField::Organization,
                StaffProblem::NotAChoice,
            ),
            (
                StaffForm {
                    phone: "090-abcd-5678",
                    ..form()
                },
                StaffField::Phone,
                StaffProblem::Letters,
            ),
            (
                StaffForm {
                    phone: "090-1234",
                    ..form()
                },
                StaffField::Phone,
                StaffProblem::BadPhone,
            ),
        ];
        for (f, field, problem) in cases {
            assert_eq!(StaffInput::parse(&f), err(field, problem), "{field:?}");
        }
    }

    #[test]
    fn login_ids_are_lower_cased_and_checked() {
        assert_eq!(parse_login_id(" Misaki.Y ").unwrap().as_str(), "misaki.y");
        assert_eq!(parse_login_id("").unwrap_err().problem, StaffProblem::Empty);
        for bad in ["ab", "-abc", "吉田", "a b c", "a@b.jp"] {
            assert_eq!(
                parse_login_id(bad).unwrap_err().problem,
                StaffProblem::BadLoginId,
                "{bad}"
            );
        }
    }

    #[test]
    fn codes_round_trip_and_hold_only_code_characters() {
        let problems = [
            StaffProblem::Empty,
            StaffProblem::TooLong { max: 50 },
            StaffProblem::ControlCharacters,
            StaffProblem::Emoji,
            StaffProblem::NotKana,
            StaffProblem::Letters,
            StaffProblem::BadPhone,
            StaffProblem::BadLoginId,
            StaffProblem::Taken,
            StaffProblem::NotAChoice,
            StaffProblem::HoldsSeats,
            StaffProblem::Yourself,
        ];
        for field in StaffField::ALL {
            for problem in problems {
                let e = StaffFieldError::new(field, problem);
                let code = e.code();
                assert_eq!(StaffFieldError::from_code(&code), Some(e), "{code}");
                assert!(code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':'));
            }
        }
        assert_eq!(StaffFieldError::from_code("family_name:empty"), None);
        assert_eq!(StaffFieldError::from_code("staff_phone:nonsense"), None);
    }
}
