//! What the team types into the card's forms, parsed at the boundary.
//!
//! Every form field is a string from the browser; each parser here either
//! returns a value the database can take as it is, or a [`FieldError`]
//! naming the field and the problem. The error travels to the browser as
//! the code inside `AppError::Invalid` (`"birth_date:impossible_date"`), and
//! the form translates it into a sentence in Japanese or English.
//!
//! Free text keeps every character the user typed that is not a control
//! character: rare kanji outside the BMP (𠮷) and emoji pass unchanged.

use super::card::{Place, Resuscitation, TransportWish};
use super::patient::{era_of, Era, Sex};
use super::search::phone_digits;
use super::text::{parse_free_text, TextError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A form field, as named in the forms and in error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Version,
    Record,
    Resuscitation,
    PlaceOfCare,
    PlaceOfDeath,
    Transport,
    DecidedBy,
    DecidedOn,
    DocumentNote,
    WishesNotes,
    SuddenChange,
    Landmark,
    Entrance,
    KeyBox,
    Parking,
    Pets,
    CareManagerName,
    CareManagerOffice,
    Phone,
    FamilyName,
    GivenName,
    FamilyNameKana,
    GivenNameKana,
    BirthDate,
    Sex,
    Note,
    // The renewal of the nursing order (訪問看護指示書).
    OrderIssuedOn,
    OrderValidFrom,
    OrderValidTo,
    // A family contact (家族の連絡先).
    ContactName,
    Relation,
    Priority,
}

impl Field {
    pub const ALL: [Field; 32] = [
        Field::Version,
        Field::Record,
        Field::Resuscitation,
        Field::PlaceOfCare,
        Field::PlaceOfDeath,
        Field::Transport,
        Field::DecidedBy,
        Field::DecidedOn,
        Field::DocumentNote,
        Field::WishesNotes,
        Field::SuddenChange,
        Field::Landmark,
        Field::Entrance,
        Field::KeyBox,
        Field::Parking,
        Field::Pets,
        Field::CareManagerName,
        Field::CareManagerOffice,
        Field::Phone,
        Field::FamilyName,
        Field::GivenName,
        Field::FamilyNameKana,
        Field::GivenNameKana,
        Field::BirthDate,
        Field::Sex,
        Field::Note,
        Field::OrderIssuedOn,
        Field::OrderValidFrom,
        Field::OrderValidTo,
        Field::ContactName,
        Field::Relation,
        Field::Priority,
    ];

    /// The form field name (and the first part of an error code).
    pub fn name(self) -> &'static str {
        match self {
            Field::Version => "version",
            Field::Record => "record_id",
            Field::Resuscitation => "resuscitation",
            Field::PlaceOfCare => "place_of_care",
            Field::PlaceOfDeath => "place_of_death",
            Field::Transport => "transport",
            Field::DecidedBy => "decided_by",
            Field::DecidedOn => "decided_on",
            Field::DocumentNote => "document_note",
            Field::WishesNotes => "notes",
            Field::SuddenChange => "on_sudden_change",
            Field::Landmark => "landmark",
            Field::Entrance => "entrance",
            Field::KeyBox => "key_box",
            Field::Parking => "parking",
            Field::Pets => "pets",
            Field::CareManagerName => "name",
            Field::CareManagerOffice => "office",
            Field::Phone => "phone",
            Field::FamilyName => "family_name",
            Field::GivenName => "given_name",
            Field::FamilyNameKana => "family_name_kana",
            Field::GivenNameKana => "given_name_kana",
            Field::BirthDate => "birth_date",
            Field::Sex => "sex",
            Field::Note => "note",
            Field::OrderIssuedOn => "issued_on",
            Field::OrderValidFrom => "valid_from",
            Field::OrderValidTo => "valid_to",
            Field::ContactName => "contact_name",
            Field::Relation => "relation",
            Field::Priority => "priority",
        }
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Empty,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    /// Not one of the offered choices.
    NotAChoice,
    /// Not a date at all.
    BadDate,
    /// Looks like a date but the day does not exist (2月30日, 昭和64年2月).
    ImpossibleDate,
    FutureDate,
    /// Before 1900, which the card does not take.
    TooOld,
    /// A phone number with letters in it.
    Letters,
    /// A phone number with the wrong number of digits.
    BadPhone,
    /// Kana fields take katakana or hiragana only.
    NotKana,
    /// A hidden field the form sent wrong (version, record id).
    Malformed,
    /// The end of a period lies before its start.
    EndsBeforeStart,
    /// A nursing order's period is longer than six months.
    PeriodTooLong,
    /// The end of a new order's period has already passed.
    EndsInPast,
    /// A pictograph in a person's name.
    Emoji,
    /// The list is full (nine family contacts).
    TooMany,
}

/// A field and its problem; carried as `AppError::Invalid(code)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: Field, problem: Problem) -> Self {
        FieldError { field, problem }
    }

    /// `field:problem`, e.g. `note:too_long:2000`.
    pub fn code(&self) -> String {
        let problem = match self.problem {
            Problem::Empty => "empty".to_owned(),
            Problem::TooLong { max } => format!("too_long:{max}"),
            Problem::ControlCharacters => "control_characters".to_owned(),
            Problem::NotAChoice => "not_a_choice".to_owned(),
            Problem::BadDate => "bad_date".to_owned(),
            Problem::ImpossibleDate => "impossible_date".to_owned(),
            Problem::FutureDate => "future_date".to_owned(),
            Problem::TooOld => "too_old".to_owned(),
            Problem::Letters => "letters".to_owned(),
            Problem::BadPhone => "bad_phone".to_owned(),
            Problem::NotKana => "not_kana".to_owned(),
            Problem::Malformed => "malformed".to_owned(),
            Problem::EndsBeforeStart => "ends_before_start".to_owned(),
            Problem::PeriodTooLong => "period_too_long".to_owned(),
            Problem::EndsInPast => "ends_in_past".to_owned(),
            Problem::Emoji => "emoji".to_owned(),
            Problem::TooMany => "too_many".to_owned(),
        };
        format!("{}:{problem}", self.field.name())
    }

    /// Reads a code back; `None` for anything else (an `Invalid` from
    /// elsewhere).
    pub fn from_code(code: &str) -> Option<Self> {
        let (field, problem) = code.split_once(':')?;
        let field = Field::ALL.into_iter().find(|f| f.name() == field)?;
        let problem = match problem {
            "empty" => Problem::Empty,
            "control_characters" => Problem::ControlCharacters,
            "not_a_choice" => Problem::NotAChoice,
            "bad_date" => Problem::BadDate,
            "impossible_date" => Problem::ImpossibleDate,
            "future_date" => Problem::FutureDate,
            "too_old" => Problem::TooOld,
            "letters" => Problem::Letters,
            "bad_phone" => Problem::BadPhone,
            "not_kana" => Problem::NotKana,
            "malformed" => Problem::Malformed,
            "ends_before_start" => Problem::EndsBeforeStart,
            "period_too_long" => Problem::PeriodTooLong,
            "ends_in_past" => Problem::EndsInPast,
            "emoji" => Problem::Emoji,
            "too_many" => Problem::TooMany,
            other => Problem::TooLong {
                max: other.strip_prefix("too_long:")?.parse().ok()?,
            },
        };
        Some(FieldError { field, problem })
    }
}

/// A form on the edit page; also the anchor it is shown at and the key
/// its refused draft is kept under on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EditSection {
    Wishes,
    SuddenChange,
    WayIn,
    CareManager,
    Identity,
    Note,
    /// A new nursing order (renewal or first issue), by the physician.
    OrderRenewal,
    /// One family contact (added, changed or removed).
    Contacts,
}

impl EditSection {
    pub const ALL: [EditSection; 8] = [
        EditSection::Wishes,
        EditSection::SuddenChange,
        EditSection::WayIn,
        EditSection::CareManager,
        EditSection::Identity,
        EditSection::Note,
        EditSection::OrderRenewal,
        EditSection::Contacts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EditSection::Wishes => "wishes",
            EditSection::SuddenChange => "sudden-change",
            EditSection::WayIn => "way-in",
            EditSection::CareManager => "care-manager",
            EditSection::Identity => "identity",
            EditSection::Note => "note",
            EditSection::OrderRenewal => "order-renewal",
            EditSection::Contacts => "contacts",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

// --- issue 8: card ---

/// What an editor typed into one form whose save was refused, kept on the
/// server for that session (`form_drafts`) and shown back on the edit page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedDraft {
    pub fields: std::collections::BTreeMap<String, String>,
}

// ---------------------------------------------------------------------------
// Field parsers
// ---------------------------------------------------------------------------

fn text_error(field: Field, e: TextError) -> FieldError {
    let problem = match e {
        TextError::Empty => Problem::Empty,
        TextError::TooLong { max } => Problem::TooLong { max },
        TextError::ControlCharacters => Problem::ControlCharacters,
        TextError::BadFormat => Problem::Malformed,
    };
    FieldError::new(field, problem)
}

/// Required free text, line breaks allowed.
pub fn required_text(field: Field, s: &str, max: usize) -> Result<String, FieldError> {
    parse_free_text(s, max).map_err(|e| text_error(field, e))
}

/// Optional free text: blank is "" (clearing the field).
pub fn optional_text(field: Field, s: &str, max: usize) -> Result<String, FieldError> {
    if s.trim().is_empty() {
        return Ok(String::new());
    }
    required_text(field, s, max)
}

/// A required single line: like [`required_text`], without line breaks
/// or tabs.
pub fn required_line(field: Field, s: &str, max: usize) -> Result<String, FieldError> {
    if s.chars().any(|c| matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldError::new(field, Problem::ControlCharacters));
    }
    required_text(field, s, max)
}

/// An optional single line.
pub fn optional_line(field: Field, s: &str, max: usize) -> Result<String, FieldError> {
    if s.trim().is_empty() {
        return Ok(String::new());
    }
    required_line(field, s, max)
}

/// The version a form was filled in from (0: the record did not exist).
pub fn parse_version(s: &str) -> Result<i32, FieldError> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|v| *v >= 0)
        .ok_or(FieldError::new(Field::Version, Problem::Malformed))
}

/// A checkbox: present (any value but "false") means checked.
pub fn parse_checkbox(value: Option<&str>) -> bool {
    value.is_some_and(|v| v != "false")
}

/// A date as `<input type="date">` sends it (`1937-04-12`), as people write
/// it (`1937/4/12`), or in the Japanese era (`昭和12年4月12日`, `令和元年5月1日`).
/// It must exist, lie after 1900 and not after `today`.
pub fn parse_past_date(field: Field, s: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let date = parse_date(field, s)?;
    if date > today {
        return Err(FieldError::new(field, Problem::FutureDate));
    }
    Ok(date)
}

/// A date written as [`parse_past_date`] takes it, that exists and lies
/// after 1900; the future is allowed.
pub fn parse_date(field: Field, s: &str) -> Result<NaiveDate, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, Problem::Empty));
    }
    let (y, m, d) = split_date(s).ok_or(FieldError::new(field, Problem::BadDate))?;
    let date =
        NaiveDate::from_ymd_opt(y, m, d).ok_or(FieldError::new(field, Problem::ImpossibleDate))?;
    if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
        return Err(FieldError::new(field, Problem::TooOld));
    }
    Ok(date)
}

/// Year, month and day of a written date, Gregorian or Japanese era. An
/// era date must fall inside its era (昭和64年2月1日 did not exist).
fn split_date(s: &str) -> Option<(i32, u32, u32)> {
    const ERAS: [(&str, Era, i32); 5] = [
        ("明治", Era::Meiji, 1868),
        ("大正", Era::Taisho, 1912),
        ("昭和", Era::Showa, 1926),
        ("平成", Era::Heisei, 1989),
        ("令和", Era::Reiwa, 2019),
    ];
    if let Some((prefix, era, first_year)) = ERAS.iter().find(|(p, _, _)| s.starts_with(p)) {
        let rest = &s[prefix.len()..];
        let (year, rest) = rest.split_once('年')?;
        let year: i32 = if year == "元" {
            1
        } else {
            year.parse().ok().filter(|y| *y >= 1)?
        };
        let (month, rest) = rest.split_once('月')?;
        let day = rest.strip_suffix('日').unwrap_or(rest);
        let (y, m, d) = (
            first_year + year - 1,
            month.parse().ok()?,
            day.parse().ok()?,
        );
        // A day that exists but belongs to another era is impossible as
        // written; report it as such (0 makes from_ymd_opt fail).
        let in_era = NaiveDate::from_ymd_opt(y, m, d)
            .and_then(era_of)
            .is_none_or(|e| e.era == *era);
        return Some(if in_era { (y, m, d) } else { (y, m, 0) });
    }
    let mut parts = s.split(['-', '/', '.']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
}

/// A Japanese phone number: digits with hyphens, spaces or brackets, 11
/// digits for mobile numbers and 10 for fixed lines in domestic form (`+81`
/// allowed). Stored with hyphens between
/// the groups the user typed, so it reads as written and dials cleanly.
pub fn parse_phone(s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(Field::Phone, Problem::Empty));
    }
    // The long-vowel mark is a letter to Unicode but a hyphen to a phone
    // keyboard in Japanese input mode.
    if s.chars().any(|c| c.is_alphabetic() && c != 'ー') {
        return Err(FieldError::new(Field::Phone, Problem::Letters));
    }
    let folded: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '＋' => '+',
            other => other,
        })
        .collect();
    let allowed = folded.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit()
            || matches!(
                c,
                '-' | '－' | '‐' | '−' | 'ー' | ' ' | '　' | '(' | ')' | '（' | '）'
            )
            || (i == 0 && c == '+')
    });
    let digits = phone_digits(&folded);
    // Mobile and IP numbers (070/080/090, 050, 060) have 11 digits; fixed
    // lines and 0120 numbers 10.
    let expected = if ["070", "080", "090", "050", "060"]
        .iter()
        .any(|p| digits.starts_with(p))
    {
        11
    } else {
        10
    };
    if !allowed || !digits.starts_with('0') || digits.len() != expected {
        return Err(FieldError::new(Field::Phone, Problem::BadPhone));
    }
    let groups: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_digit() && c != '+')
        .filter(|g| !g.is_empty())
        .collect();
    Ok(groups.join("-"))
}

/// Kana for a name: katakana, or hiragana turned into katakana; the long
/// vowel mark and the middle dot are kana too. Spaces are dropped.
pub fn parse_kana(field: Field, s: &str) -> Result<String, FieldError> {
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            other => other,
        })
        .collect();
    if s.is_empty() {
        return Err(FieldError::new(field, Problem::Empty));
    }
    if s.chars().count() > 50 {
        return Err(FieldError::new(field, Problem::TooLong { max: 50 }));
    }
    if !s
        .chars()
        .all(|c| matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '・'))
    {
        return Err(FieldError::new(field, Problem::NotKana));
    }
    Ok(s)
}

fn choice<T>(field: Field, s: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, FieldError> {
    parse(s.trim()).ok_or(FieldError::new(field, Problem::NotAChoice))
}

// ---------------------------------------------------------------------------
// Whole forms
// ---------------------------------------------------------------------------

/// The raw wishes form, as posted.
#[derive(Debug, Clone, Default)]
pub struct WishesForm<'a> {
    pub resuscitation: &'a str,
    pub place_of_care: &'a str,
    pub place_of_death: &'a str,
    pub death_at_home_expected: Option<&'a str>,
    pub transport: &'a str,
    pub decided_by: &'a str,
    pub decided_on: &'a str,
    pub document_on_file: Option<&'a str>,
    pub document_note: &'a str,
    pub notes: &'a str,
}

/// Wishes ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct WishesInput {
    pub resuscitation: Resuscitation,
    pub place_of_care: Place,
    pub place_of_death: Place,
    pub death_at_home_expected: bool,
    pub transport: TransportWish,
    pub decided_by: String,
    pub decided_on: NaiveDate,
    pub document_on_file: bool,
    pub document_note: String,
    pub notes: String,
}

impl WishesInput {
    pub fn parse(form: &WishesForm<'_>, today: NaiveDate) -> Result<Self, FieldError> {
        Ok(WishesInput {
            resuscitation: choice(
                Field::Resuscitation,
                form.resuscitation,
                Resuscitation::from_db,
            )?,
            place_of_care: choice(Field::PlaceOfCare, form.place_of_care, Place::from_db)?,
            place_of_death: choice(Field::PlaceOfDeath, form.place_of_death, Place::from_db)?,
            death_at_home_expected: parse_checkbox(form.death_at_home_expected),
            transport: choice(Field::Transport, form.transport, TransportWish::from_db)?,
            decided_by: required_line(Field::DecidedBy, form.decided_by, 200)?,
            decided_on: parse_past_date(Field::DecidedOn, form.decided_on, today)?,
            document_on_file: parse_checkbox(form.document_on_file),
            document_note: optional_line(Field::DocumentNote, form.document_note, 500)?,
            notes: optional_text(Field::WishesNotes, form.notes, 1000)?,
        })
    }
}

/// The way in, ready to store (every field may be blank).
#[derive(Debug, Clone, PartialEq)]
pub struct WayInInput {
    pub landmark: String,
    pub entrance: String,
    pub key_box: String,
    pub parking: String,
    pub pets: String,
}

impl WayInInput {
    pub fn parse(
        landmark: &str,
        entrance: &str,
        key_box: &str,
        parking: &str,
        pets: &str,
    ) -> Result<Self, FieldError> {
        Ok(WayInInput {
            landmark: optional_text(Field::Landmark, landmark, 500)?,
            entrance: optional_text(Field::Entrance, entrance, 500)?,
            key_box: optional_text(Field::KeyBox, key_box, 500)?,
            parking: optional_text(Field::Parking, parking, 500)?,
            pets: optional_text(Field::Pets, pets, 500)?,
        })
    }
}

/// The care manager, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct CareManagerInput {
    pub name: String,
    pub office: String,
    pub phone: String,
}

impl CareManagerInput {
    pub fn parse(name: &str, office: &str, phone: &str) -> Result<Self, FieldError> {
        Ok(CareManagerInput {
            name: required_line(Field::CareManagerName, name, 100)?,
            office: optional_line(Field::CareManagerOffice, office, 100)?,
            phone: parse_phone(phone)?,
        })
    }
}

/// The raw identity form, as posted.
#[derive(Debug, Clone, Default)]
pub struct IdentityForm<'a> {
    pub family_name: &'a str,
    pub given_name: &'a str,
    pub family_name_kana: &'a str,
    pub given_name_kana: &'a str,
    pub birth_date: &'a str,
    pub sex: &'a str,
}

/// Identity, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityInput {
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

impl IdentityInput {
    /// The database spelling of the sex (the inverse of `Sex::from_db`).
    pub fn sex_str(&self) -> &'static str {
        match self.sex {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
        }
    }

    pub fn parse(form: &IdentityForm<'_>, today: NaiveDate) -> Result<Self, FieldError> {
        Ok(IdentityInput {
            family_name: required_line(Field::FamilyName, form.family_name, 50)?,
            given_name: required_line(Field::GivenName, form.given_name, 50)?,
            family_name_kana: parse_kana(Field::FamilyNameKana, form.family_name_kana)?,
            given_name_kana: parse_kana(Field::GivenNameKana, form.given_name_kana)?,
            birth_date: parse_past_date(Field::BirthDate, form.birth_date, today)?,
            sex: choice(Field::Sex, form.sex, Sex::from_db)?,
        })
    }
}

/// The raw form of a new nursing order, as posted.
#[derive(Debug, Clone, Default)]
pub struct OrderRenewalForm<'a> {
    pub issued_on: &'a str,
    pub valid_from: &'a str,
    pub valid_to: &'a str,
    pub on_sudden_change: &'a str,
}

/// A new nursing order (訪問看護指示書), ready to store: issued today or
/// earlier, in force from `valid_from` to `valid_to` (both inclusive), for
/// at most six months (指示期間は最長6か月), ending today or later.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRenewal {
    pub issued_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub on_sudden_change: String,
}

impl OrderRenewal {
    pub fn parse(form: &OrderRenewalForm<'_>, today: NaiveDate) -> Result<Self, FieldError> {
        let issued_on = parse_past_date(Field::OrderIssuedOn, form.issued_on, today)?;
        let valid_from = parse_date(Field::OrderValidFrom, form.valid_from)?;
        let valid_to = parse_date(Field::OrderValidTo, form.valid_to)?;
        let to_error = |p| FieldError::new(Field::OrderValidTo, p);
        if valid_to < valid_from {
            return Err(to_error(Problem::EndsBeforeStart));
        }
        if valid_to >= order_period_end(valid_from) {
            return Err(to_error(Problem::PeriodTooLong));
        }
        if valid_to < today {
            return Err(to_error(Problem::EndsInPast));
        }
        Ok(OrderRenewal {
            issued_on,
            valid_from,
            valid_to,
            on_sudden_change: required_text(
                Field::SuddenChange,
                form.on_sudden_change,
                SUDDEN_CHANGE_MAX_CHARS,
            )?,
        })
    }
}

/// The first day an order starting on `from` no longer covers: six
/// calendar months later (the month's last day when it is shorter), the
/// rule the database checks too (`from + interval '6 months'`).
pub fn order_period_end(from: NaiveDate) -> NaiveDate {
    from.checked_add_months(chrono::Months::new(6))
        .unwrap_or(NaiveDate::MAX)
}

/// The longest period a new order can be given from `from`: up to the
/// day before [`order_period_end`] (2026-04-01 → 2026-09-30).
pub fn longest_order_period(from: NaiveDate) -> NaiveDate {
    order_period_end(from).pred_opt().unwrap_or(from)
}

/// The longest timeline note, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;
/// The longest 「急変時の対応」, in characters.
pub const SUDDEN_CHANGE_MAX_CHARS: usize = 2000;

/// The most family contacts a card keeps (the calling order is 1 to 9).
pub const MAX_FAMILY_CONTACTS: i16 = 9;
/// The longest contact name and relation, in characters.
pub const CONTACT_NAME_MAX: usize = 50;
pub const RELATION_MAX: usize = 20;

/// A family contact as the card's editor posts it, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyContactInput {
    pub name: String,
    pub relation: String,
    /// As the caller-number search matches it.
    pub phone: String,
    /// Where in the calling order (1 is called first); `None`: last.
    pub priority: Option<i16>,
    pub is_key_person: bool,
}

impl FamilyContactInput {
    pub fn parse(
        name: &str,
        relation: &str,
        phone: &str,
        priority: &str,
        key_person: Option<&str>,
    ) -> Result<Self, FieldError> {
        let name = required_line(Field::ContactName, name, CONTACT_NAME_MAX)?;
        if name.chars().any(super::staff::is_emoji) {
            return Err(FieldError::new(Field::ContactName, Problem::Emoji));
        }
        let priority = match priority.trim() {
            "" => None,
            p => Some(
                p.parse::<i16>()
                    .ok()
                    .filter(|p| (1..=MAX_FAMILY_CONTACTS).contains(p))
                    .ok_or(FieldError::new(Field::Priority, Problem::NotAChoice))?,
            ),
        };
        Ok(FamilyContactInput {
            name,
            relation: required_line(Field::Relation, relation, RELATION_MAX)?,
            phone: parse_phone(phone)?,
            priority,
            is_key_person: parse_checkbox(key_person),
        })
    }
}

/// The calling order after `moving` is put at place `to` (1 is called
/// first; `None` or a place past the end: last). `order` is the order now;
/// `moving` is in it for a change and not for a new contact. The others
/// keep their order among themselves.
pub fn place_in_order<T: PartialEq + Copy>(order: &[T], moving: T, to: Option<i16>) -> Vec<T> {
    let mut out: Vec<T> = order.iter().copied().filter(|c| *c != moving).collect();
    let at = to
        .and_then(|p| usize::try_from(p - 1).ok())
        .map_or(out.len(), |p| p.min(out.len()));
    out.insert(at, moving);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn error_codes_round_trip() {
        let problems = [
            Problem::Empty,
            Problem::TooLong { max: 2000 },
            Problem::ControlCharacters,
            Problem::NotAChoice,
            Problem::BadDate,
            Problem::ImpossibleDate,
            Problem::FutureDate,
            Problem::TooOld,
            Problem::Letters,
            Problem::BadPhone,
            Problem::NotKana,
            Problem::Malformed,
            Problem::EndsBeforeStart,
            Problem::PeriodTooLong,
            Problem::EndsInPast,
        ];
        for field in Field::ALL {
            for problem in problems {
                let e = FieldError::new(field, problem);
                assert_eq!(FieldError::from_code(&e.code()), Some(e), "{}", e.code());
            }
        }
        assert_eq!(
            FieldError::new(Field::Note, Problem::TooLong { max: 2000 }).code(),
            "note:too_long:2000"
        );
        assert_eq!(FieldError::from_code("patient_id"), None);
        assert_eq!(FieldError::from_code("note:nonsense"), None);
    }

    #[test]
    fn dates_must_exist_and_lie_in_the_past() {
        let today = d(2026, 11, 21);
        let cases = [
            ("1937-04-12", Ok(d(1937, 4, 12))),
            ("1937/4/12", Ok(d(1937, 4, 12))),
            (" 1937.04.12 ", Ok(d(1937, 4, 12))),
            ("昭和12年4月12日", Ok(d(1937, 4, 12))),
            ("昭和元年12月25日", Ok(d(1926, 12, 25))),
            ("令和元年5月1日", Ok(d(2019, 5, 1))),
            ("平成31年4月30日", Ok(d(2019, 4, 30))),
            ("2026-11-21", Ok(today)),
            ("1937-02-30", Err(Problem::ImpossibleDate)),
            ("1937-13-01", Err(Problem::ImpossibleDate)),
            ("1941-02-29", Err(Problem::ImpossibleDate)),
            ("昭和64年2月1日", Err(Problem::ImpossibleDate)),
            ("平成31年5月1日", Err(Problem::ImpossibleDate)),
            ("2026-11-22", Err(Problem::FutureDate)),
            ("1899-12-31", Err(Problem::TooOld)),
            ("", Err(Problem::Empty)),
            ("昨日", Err(Problem::BadDate)),
            ("37-04-12", Err(Problem::BadDate)),
            ("1937-04-12-01", Err(Problem::BadDate)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_past_date(Field::BirthDate, input, today).map_err(|e| e.problem),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn phone_numbers_are_digits_and_separators() {
        let cases = [
            ("090-1234-5678", Ok("090-1234-5678")),
            ("09012345678", Ok("09012345678")),
            ("055 252 0341", Ok("055-252-0341")),
            ("(055)252-0341", Ok("055-252-0341")),
            ("０９０－１２３４－５６７８", Ok("090-1234-5678")),
            ("+81-90-1234-5678", Ok("+81-90-1234-5678")),
            ("090ー1234ー5678", Ok("090-1234-5678")),
            ("090-12ab-5678", Err(Problem::Letters)),
            ("Tel 090", Err(Problem::Letters)),
            ("090-1234-567", Err(Problem::BadPhone)),
            ("090-1234-56789", Err(Problem::BadPhone)),
            ("055-252-03411", Err(Problem::BadPhone)),
            ("0120-123-456", Ok("0120-123-456")),
            ("90-1234-5678", Err(Problem::BadPhone)),
            ("090#1234#5678", Err(Problem::BadPhone)),
            ("", Err(Problem::Empty)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_phone(input).as_deref().map_err(|e| e.problem),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn kana_is_katakana_after_folding_hiragana() {
        let cases = [
            ("ヤマダ", Ok("ヤマダ")),
            ("やまだ", Ok("ヤマダ")),
            ("ヴィクトリア・ロー", Ok("ヴィクトリア・ロー")),
            (" サトウ ", Ok("サトウ")),
            ("山田", Err(Problem::NotKana)),
            ("Yamada", Err(Problem::NotKana)),
            ("", Err(Problem::Empty)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_kana(Field::FamilyNameKana, input)
                    .as_deref()
                    .map_err(|e| e.problem),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn free_text_keeps_rare_kanji_and_emoji_and_refuses_control_characters() {
        let cases = [
            (
                Field::Note,
                "𠮷野さん宅 🐕 は吠えます",
                2000,
                Ok("𠮷野さん宅 🐕 は吠えます"),
            ),
            (Field::Note, "一行目\n二行目", 2000, Ok("一行目\n二行目")),
            (
                Field::Note,
                "bell\u{7}",
                2000,
                Err(Problem::ControlCharacters),
            ),
            (Field::Note, "   ", 2000, Err(Problem::Empty)),
        ];
        for (field, input, max, expected) in cases {
            assert_eq!(
                required_text(field, input, max)
                    .as_deref()
                    .map_err(|e| e.problem),
                expected,
                "{input:?}"
            );
        }
        assert_eq!(
            required_text(Field::Note, &"あ".repeat(10_000), NOTE_MAX_CHARS).map_err(|e| e.code()),
            Err("note:too_long:2000".to_owned())
        );
        assert_eq!(
            required_line(Field::FamilyName, "山田\n花子", 50).map_err(|e| e.problem),
            Err(Problem::ControlCharacters)
        );
        assert_eq!(optional_text(Field::Pets, "  ", 500), Ok(String::new()));
    }

    #[test]
    fn the_wishes_form_is_parsed_whole() {
        let today = d(2026, 11, 21);
        let form = WishesForm {
            resuscitation: "dnar",
            place_of_care: "home",
            place_of_death: "home",
            death_at_home_expected: Some("on"),
            transport: "not_wanted",
            decided_by: "本人・長女・主治医",
            decided_on: "2026-10-01",
            document_on_file: None,
            document_note: "",
            notes: "",
        };
        let wishes = WishesInput::parse(&form, today).unwrap();
        assert_eq!(wishes.resuscitation, Resuscitation::Dnar);
        assert!(wishes.death_at_home_expected);
        assert!(!wishes.document_on_file);
        let cases = [
            (
                WishesForm {
                    resuscitation: "CPR",
                    ..form.clone()
                },
                "resuscitation:not_a_choice",
            ),
            (
                WishesForm {
                    transport: "",
                    ..form.clone()
                },
                "transport:not_a_choice",
            ),
            (
                WishesForm {
                    decided_by: " ",
                    ..form.clone()
                },
                "decided_by:empty",
            ),
            (
                WishesForm {
                    decided_on: "2026-02-30",
                    ..form.clone()
                },
                "decided_on:impossible_date",
            ),
        ];
        for (form, code) in cases {
            assert_eq!(
                WishesInput::parse(&form, today).map_err(|e| e.code()),
                Err(code.to_owned())
            );
        }
    }

    #[test]
    fn a_new_nursing_order_lasts_six_months_at_most_and_is_in_force_by_today() {
        let today = d(2026, 12, 2);
        let form = |issued_on, valid_from, valid_to| OrderRenewalForm {
            issued_on,
            valid_from,
            valid_to,
            on_sudden_change: "38.5℃以上の発熱時は主治医へ連絡",
        };
        // (issued on, from, to, expected: the period or the error code)
        let cases = [
            (
                "2026-12-02",
                "2026-12-02",
                "2027-06-01",
                Ok((d(2026, 12, 2), d(2027, 6, 1))),
            ),
            (
                "2026-12-01",
                "2026-12-02",
                "2026-12-02",
                Ok((d(2026, 12, 2), d(2026, 12, 2))),
            ),
            // Starting later, to follow the order in force.
            (
                "2026-12-02",
                "2027-01-01",
                "2027-06-30",
                Ok((d(2027, 1, 1), d(2027, 6, 30))),
            ),
            // Six months from the 31st of August end on the 27th of February.
            (
                "2026-08-31",
                "2026-08-31",
                "2027-02-27",
                Ok((d(2026, 8, 31), d(2027, 2, 27))),
            ),
            (
                "2026-08-31",
                "2026-08-31",
                "2027-02-28",
                Err("valid_to:period_too_long"),
            ),
            (
                "2026-12-02",
                "2026-12-02",
                "2027-06-02",
                Err("valid_to:period_too_long"),
            ),
            (
                "2026-12-02",
                "2026-12-02",
                "2028-12-01",
                Err("valid_to:period_too_long"),
            ),
            (
                "2026-12-02",
                "2026-12-10",
                "2026-12-09",
                Err("valid_to:ends_before_start"),
            ),
            (
                "2026-06-01",
                "2026-06-01",
                "2026-11-30",
                Err("valid_to:ends_in_past"),
            ),
            (
                "2026-12-02",
                "2026-02-30",
                "2026-06-30",
                Err("valid_from:impossible_date"),
            ),
            (
                "2026-12-02",
                "2026-12-02",
                "2027-02-30",
                Err("valid_to:impossible_date"),
            ),
            (
                "2026-02-30",
                "2026-12-02",
                "2027-05-30",
                Err("issued_on:impossible_date"),
            ),
            (
                "2026-12-03",
                "2026-12-03",
                "2027-05-30",
                Err("issued_on:future_date"),
            ),
            ("", "2026-12-02", "2027-05-30", Err("issued_on:empty")),
            (
                "2026-12-02",
                "来月",
                "2027-05-30",
                Err("valid_from:bad_date"),
            ),
            ("2026-12-02", "2026-12-02", "", Err("valid_to:empty")),
            (
                "令和8年12月2日",
                "令和8年12月2日",
                "令和9年5月31日",
                Ok((d(2026, 12, 2), d(2027, 5, 31))),
            ),
        ];
        for (issued_on, from, to, expected) in cases {
            let got = OrderRenewal::parse(&form(issued_on, from, to), today)
                .map(|o| (o.valid_from, o.valid_to))
                .map_err(|e| e.code());
            assert_eq!(
                got,
                expected.map_err(str::to_owned),
                "{issued_on} {from} {to}"
            );
        }
        let blank = OrderRenewalForm {
            on_sudden_change: " ",
            ..form("2026-12-02", "2026-12-02", "2027-01-31")
        };
        assert_eq!(
            OrderRenewal::parse(&blank, today).map_err(|e| e.code()),
            Err("on_sudden_change:empty".to_owned())
        );
        let bell = OrderRenewalForm {
            on_sudden_change: "主治医へ\u{7}連絡",
            ..form("2026-12-02", "2026-12-02", "2027-01-31")
        };
        assert_eq!(
            OrderRenewal::parse(&bell, today).map_err(|e| e.code()),
            Err("on_sudden_change:control_characters".to_owned())
        );
        assert_eq!(longest_order_period(d(2026, 4, 1)), d(2026, 9, 30));
        assert_eq!(longest_order_period(d(2026, 8, 31)), d(2027, 2, 27));
    }

    #[test]
    fn sections_round_trip() {
        for section in EditSection::ALL {
            assert_eq!(EditSection::parse(section.as_str()), Some(section));
        }
        assert_eq!(EditSection::parse("x"), None);
    }

    #[test]
    fn versions_are_non_negative_integers() {
        assert_eq!(parse_version("3"), Ok(3));
        assert_eq!(parse_version("0"), Ok(0));
        for bad in ["", "-1", "x", "1.5"] {
            assert_eq!(
                parse_version(bad).map_err(|e| e.code()),
                Err("version:malformed".to_owned()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_family_contact_is_parsed_or_refused_by_field() {
        let ok = FamilyContactInput::parse(
            "𠮷田 美香",
            "長女",
            "０９０ー３１４１ー５９２６",
            "2",
            Some("on"),
        )
        .unwrap();
        assert_eq!(ok.name, "𠮷田 美香");
        assert_eq!(ok.phone, "090-3141-5926");
        assert_eq!(ok.priority, Some(2));
        assert!(ok.is_key_person);
        let last =
            FamilyContactInput::parse("高野 恵子", "長女", "055-252-0341", "", None).unwrap();
        assert_eq!((last.priority, last.is_key_person), (None, false));
        let long = "あ".repeat(10_000);
        let cases: &[(&str, &str, &str, &str, Field, Problem)] = &[
            (
                "",
                "長女",
                "090-1111-2222",
                "",
                Field::ContactName,
                Problem::Empty,
            ),
            (
                "美香😀",
                "長女",
                "090-1111-2222",
                "",
                Field::ContactName,
                Problem::Emoji,
            ),
            (
                &long,
                "長女",
                "090-1111-2222",
                "",
                Field::ContactName,
                Problem::TooLong { max: 50 },
            ),
            (
                "美香",
                "",
                "090-1111-2222",
                "",
                Field::Relation,
                Problem::Empty,
            ),
            (
                "美香",
                "長女\n次女",
                "090-1111-2222",
                "",
                Field::Relation,
                Problem::ControlCharacters,
            ),
            (
                "美香",
                "長女",
                "090-abcd-2222",
                "",
                Field::Phone,
                Problem::Letters,
            ),
            (
                "美香",
                "長女",
                "090-1111",
                "",
                Field::Phone,
                Problem::BadPhone,
            ),
            (
                "美香",
                "長女",
                "090-1111-2222",
                "0",
                Field::Priority,
                Problem::NotAChoice,
            ),
            (
                "美香",
                "長女",
                "090-1111-2222",
                "10",
                Field::Priority,
                Problem::NotAChoice,
            ),
            (
                "美香",
                "長女",
                "090-1111-2222",
                "一",
                Field::Priority,
                Problem::NotAChoice,
            ),
        ];
        for (name, relation, phone, priority, field, problem) in cases {
            let e = FamilyContactInput::parse(name, relation, phone, priority, None).unwrap_err();
            assert_eq!(
                (e.field, e.problem),
                (*field, *problem),
                "{name:.20} {relation} {phone} {priority}"
            );
            assert_eq!(
                FieldError::from_code(&e.code()),
                Some(e),
                "the code reads back"
            );
        }
    }

    #[test]
    fn a_contact_is_placed_in_the_calling_order() {
        // (the order now, who moves, to which place, the order after)
        type Case<'a> = (&'a [char], char, Option<i16>, &'a [char]);
        let cases: &[Case<'_>] = &[
            // A new contact: last, first, in between, past the end.
            (&['a', 'b'], 'n', None, &['a', 'b', 'n']),
            (&['a', 'b'], 'n', Some(1), &['n', 'a', 'b']),
            (&['a', 'b'], 'n', Some(2), &['a', 'n', 'b']),
            (&['a', 'b'], 'n', Some(9), &['a', 'b', 'n']),
            (&[], 'n', Some(3), &['n']),
            // A contact moved up, down, kept where it is.
            (&['a', 'b', 'c'], 'c', Some(1), &['c', 'a', 'b']),
            (&['a', 'b', 'c'], 'a', Some(3), &['b', 'c', 'a']),
            (&['a', 'b', 'c'], 'b', Some(2), &['a', 'b', 'c']),
            (&['a', 'b', 'c'], 'b', None, &['a', 'c', 'b']),
        ];
        for (order, moving, to, expected) in cases {
            assert_eq!(
                &place_in_order(order, *moving, *to),
                expected,
                "{order:?} {moving} {to:?}"
            );
        }
    }
}
