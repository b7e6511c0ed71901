//! The admission of a patient (`/admin/patients/new`), parsed at the
//! boundary: identity, address, coordinates, the care team's seats, the
//! group-care consent and a first family contact.
//!
//! Every refusal names its field and problem and travels as the code inside
//! `AppError::Invalid` (`admit_birth_date:impossible_date`), so the page can
//! word it in Japanese or English. Names keep every character of a
//! registered name, rare kanji outside the BMP included (𠮷); emoji are
//! refused (as for staff names). Kana typed in half-width (ﾔﾏﾀﾞ) are stored
//! in full-width katakana (ヤマダ), as the search expects.
//!
//! What needs the database (that the physicians belong to the chosen
//! team's clinics, that the hospital is a hospital) is checked by the
//! server function inside its transaction; everything else is here.

use super::card_input::{self, Field, Problem};
use super::patient::Sex;
use super::staff::is_emoji;
use chrono::NaiveDate;
use uuid::Uuid;

/// The longest name part, in characters.
pub const NAME_MAX: usize = 50;
/// The longest address line (city, street, building), in characters.
pub const ADDRESS_MAX: usize = 100;
/// The longest landmark note, in characters.
pub const LANDMARK_MAX: usize = 500;

/// A field of the admission form; its name is the form field's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdmitField {
    FamilyName,
    GivenName,
    FamilyNameKana,
    GivenNameKana,
    BirthDate,
    Sex,
    PostalCode,
    Prefecture,
    City,
    Street,
    Building,
    Room,
    Landmark,
    Coordinates,
    AdmittedOn,
    ClinicTeam,
    Attending,
    Secondary,
    NurseStation,
    CareManager,
    DischargingHospital,
    ConsentBy,
    ConsentRelation,
    ConsentOn,
    ConsentScope,
    ContactName,
    ContactRelation,
    ContactPhone,
    /// The day a consent was revoked.
    RevokedOn,
}

impl AdmitField {
    pub const ALL: [AdmitField; 29] = [
        AdmitField::FamilyName,
        AdmitField::GivenName,
        AdmitField::FamilyNameKana,
        AdmitField::GivenNameKana,
        AdmitField::BirthDate,
        AdmitField::Sex,
        AdmitField::PostalCode,
        AdmitField::Prefecture,
        AdmitField::City,
        AdmitField::Street,
        AdmitField::Building,
        AdmitField::Room,
        AdmitField::Landmark,
        AdmitField::Coordinates,
        AdmitField::AdmittedOn,
        AdmitField::ClinicTeam,
        AdmitField::Attending,
        AdmitField::Secondary,
        AdmitField::NurseStation,
        AdmitField::CareManager,
        AdmitField::DischargingHospital,
        AdmitField::ConsentBy,
        AdmitField::ConsentRelation,
        AdmitField::ConsentOn,
        AdmitField::ConsentScope,
        AdmitField::ContactName,
        AdmitField::ContactRelation,
        AdmitField::ContactPhone,
        AdmitField::RevokedOn,
    ];

    /// The form field's name (and the code's part after `admit_`).
    pub fn name(self) -> &'static str {
        match self {
            AdmitField::FamilyName => "family_name",
            AdmitField::GivenName => "given_name",
            AdmitField::FamilyNameKana => "family_name_kana",
            AdmitField::GivenNameKana => "given_name_kana",
            AdmitField::BirthDate => "birth_date",
            AdmitField::Sex => "sex",
            AdmitField::PostalCode => "postal_code",
            AdmitField::Prefecture => "prefecture",
            AdmitField::City => "city",
            AdmitField::Street => "street",
            AdmitField::Building => "building",
            AdmitField::Room => "room",
            AdmitField::Landmark => "landmark",
            AdmitField::Coordinates => "coordinates",
            AdmitField::AdmittedOn => "admitted_on",
            AdmitField::ClinicTeam => "clinic_team_id",
            AdmitField::Attending => "attending_id",
            AdmitField::Secondary => "secondary_id",
            AdmitField::NurseStation => "nurse_station_id",
            AdmitField::CareManager => "care_manager_id",
            AdmitField::DischargingHospital => "discharging_hospital_id",
            AdmitField::ConsentBy => "consent_by",
            AdmitField::ConsentRelation => "consent_relation",
            AdmitField::ConsentOn => "consent_on",
            AdmitField::ConsentScope => "consent_scope",
            AdmitField::ContactName => "contact_name",
            AdmitField::ContactRelation => "contact_relation",
            AdmitField::ContactPhone => "contact_phone",
            AdmitField::RevokedOn => "revoked_on",
        }
    }
}

/// What is wrong with an admission field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdmitProblem {
    Empty,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    /// A pictograph in a name.
    Emoji,
    NotKana,
    /// Not a date at all.
    BadDate,
    /// The day does not exist (2026-02-30).
    ImpossibleDate,
    FutureDate,
    /// Before 1900.
    TooOld,
    /// Not `123-4567` (seven digits, the hyphen optional).
    BadPostalCode,
    /// Neither `35.66, 138.57` nor a map address holding `@lat,lng`.
    BadCoordinates,
    /// A latitude beyond ±90 or a longitude beyond ±180.
    OutOfRange,
    /// Letters in a phone number.
    Letters,
    BadPhone,
    /// Not one of the offered choices.
    NotAChoice,
    /// The secondary physician is the attending one.
    SameAsAttending,
    /// A date before the patient's birth.
    BeforeBirth,
    /// The attending physician works at none of the chosen team's clinics.
    NotInTeam,
    /// A revocation dated before the consent it revokes.
    BeforeConsent,
}

impl AdmitProblem {
    const SIMPLE: [(AdmitProblem, &'static str); 18] = [
        (AdmitProblem::Empty, "empty"),
        (AdmitProblem::ControlCharacters, "control_characters"),
        (AdmitProblem::Emoji, "emoji"),
        (AdmitProblem::NotKana, "not_kana"),
        (AdmitProblem::BadDate, "bad_date"),
        (AdmitProblem::ImpossibleDate, "impossible_date"),
        (AdmitProblem::FutureDate, "future_date"),
        (AdmitProblem::TooOld, "too_old"),
        (AdmitProblem::BadPostalCode, "bad_postal_code"),
        (AdmitProblem::BadCoordinates, "bad_coordinates"),
        (AdmitProblem::OutOfRange, "out_of_range"),
        (AdmitProblem::Letters, "letters"),
        (AdmitProblem::BadPhone, "bad_phone"),
        (AdmitProblem::NotAChoice, "not_a_choice"),
        (AdmitProblem::SameAsAttending, "same_as_attending"),
        (AdmitProblem::BeforeBirth, "before_birth"),
        (AdmitProblem::NotInTeam, "not_in_team"),
        (AdmitProblem::BeforeConsent, "before_consent"),
    ];
}

/// A field and its problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmitError {
    pub field: AdmitField,
    pub problem: AdmitProblem,
}

impl AdmitError {
    pub fn new(field: AdmitField, problem: AdmitProblem) -> Self {
        AdmitError { field, problem }
    }

    /// `admit_<field>:<problem>`, e.g. `admit_postal_code:bad_postal_code`.
    pub fn code(&self) -> String {
        let problem = match self.problem {
            AdmitProblem::TooLong { max } => format!("too_long:{max}"),
            p => AdmitProblem::SIMPLE
                .iter()
                .find(|(q, _)| *q == p)
                .map(|(_, s)| (*s).to_owned())
                .unwrap_or_default(),
        };
        format!("admit_{}:{problem}", self.field.name())
    }

    /// Reads a code back; `None` for any other `Invalid`.
    pub fn from_code(code: &str) -> Option<Self> {
        let (field, problem) = code.strip_prefix("admit_")?.split_once(':')?;
        let field = AdmitField::ALL.into_iter().find(|f| f.name() == field)?;
        let problem = match AdmitProblem::SIMPLE.iter().find(|(_, s)| *s == problem) {
            Some((p, _)) => *p,
            None => AdmitProblem::TooLong {
                max: problem.strip_prefix("too_long:")?.parse().ok()?,
            },
        };
        Some(AdmitError { field, problem })
    }
}

fn from_card(field: AdmitField, problem: Problem) -> AdmitError {
    let problem = match problem {
        Problem::Empty => AdmitProblem::Empty,
        Problem::TooLong { max } => AdmitProblem::TooLong { max },
        Problem::ControlCharacters => AdmitProblem::ControlCharacters,
        Problem::BadDate => AdmitProblem::BadDate,
        Problem::ImpossibleDate => AdmitProblem::ImpossibleDate,
        Problem::FutureDate => AdmitProblem::FutureDate,
        Problem::TooOld => AdmitProblem::TooOld,
        Problem::Letters => AdmitProblem::Letters,
        Problem::BadPhone => AdmitProblem::BadPhone,
        Problem::NotKana => AdmitProblem::NotKana,
        _ => AdmitProblem::NotAChoice,
    };
    AdmitError::new(field, problem)
}

// ---------------------------------------------------------------------------
// Field parsers
// ---------------------------------------------------------------------------

/// A required single line of at most `max` characters.
fn line(field: AdmitField, s: &str, max: usize) -> Result<String, AdmitError> {
    // The card's parser names its own field; only the problem is kept.
    card_input::required_line(Field::Note, s, max).map_err(|e| from_card(field, e.problem))
}

/// An optional single line: blank is "".
fn optional_line(field: AdmitField, s: &str, max: usize) -> Result<String, AdmitError> {
    if s.trim().is_empty() {
        return Ok(String::new());
    }
    line(field, s, max)
}

/// A person's name part: a single line, no emoji, characters kept exactly.
pub fn parse_name(field: AdmitField, s: &str) -> Result<String, AdmitError> {
    let parsed = line(field, s, NAME_MAX)?;
    if parsed.chars().any(is_emoji) {
        return Err(AdmitError::new(field, AdmitProblem::Emoji));
    }
    Ok(parsed)
}

/// Half-width katakana (ｱ–ﾝ, with ﾞ and ﾟ) turned into full-width
/// katakana; anything else unchanged.
pub fn widen_kana(s: &str) -> String {
    // U+FF66 ｦ … U+FF9D ﾝ, in order.
    const WIDE: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    let wide: Vec<char> = WIDE.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    for c in s.chars() {
        match c as u32 {
            0xFF66..=0xFF9D => out.push(wide[(c as u32 - 0xFF66) as usize]),
            0xFF65 => out.push('・'),
            // ﾞ (voiced) and ﾟ (semi-voiced) join the kana before them.
            0xFF9E | 0xFF9F => {
                let semi = c as u32 == 0xFF9F;
                let joined = out.last().and_then(|&prev| {
                    if prev == 'ウ' && !semi {
                        return Some('ヴ');
                    }
                    let voiceable = if semi {
                        "ハヒフヘホ"
                    } else {
                        "カキクケコサシスセソタチツテトハヒフヘホ"
                    };
                    voiceable
                        .contains(prev)
                        .then(|| char::from_u32(prev as u32 + if semi { 2 } else { 1 }))
                        .flatten()
                });
                match joined {
                    Some(j) => {
                        out.pop();
                        out.push(j);
                    }
                    None => out.push(if semi { '゜' } else { '゛' }),
                }
            }
            _ => out.push(c),
        }
    }
    out.into_iter().collect()
}

/// Kana of a name: katakana, hiragana or half-width katakana, stored in
/// full-width katakana.
pub fn parse_kana(field: AdmitField, s: &str) -> Result<String, AdmitError> {
    card_input::parse_kana(Field::FamilyNameKana, &widen_kana(s))
        .map_err(|e| from_card(field, e.problem))
}

/// A date that exists, after 1900, today or earlier.
pub fn parse_past_date(
    field: AdmitField,
    s: &str,
    today: NaiveDate,
) -> Result<NaiveDate, AdmitError> {
    card_input::parse_past_date(Field::BirthDate, s, today).map_err(|e| from_card(field, e.problem))
}

/// The day a consent given on `consented_on` is revoked: a real date,
/// today or earlier, not before the consent.
pub fn parse_revocation(
    s: &str,
    consented_on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, AdmitError> {
    let on = parse_past_date(AdmitField::RevokedOn, s, today)?;
    if on < consented_on {
        return Err(AdmitError::new(
            AdmitField::RevokedOn,
            AdmitProblem::BeforeConsent,
        ));
    }
    Ok(on)
}

/// A postal code: seven digits, `123-4567` or `1234567`, full-width digits
/// and a leading 〒 allowed; stored as `123-4567`.
pub fn parse_postal_code(s: &str) -> Result<String, AdmitError> {
    let field = AdmitField::PostalCode;
    let s = s.trim().trim_start_matches('〒').trim();
    if s.is_empty() {
        return Err(AdmitError::new(field, AdmitProblem::Empty));
    }
    let folded: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '－' | 'ー' | '‐' | '−' => '-',
            other => other,
        })
        .collect();
    let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
    let shaped = match folded.len() {
        7 => folded.chars().all(|c| c.is_ascii_digit()),
        8 => folded.as_bytes()[3] == b'-' && digits.len() == 7,
        _ => false,
    };
    if !shaped {
        return Err(AdmitError::new(field, AdmitProblem::BadPostalCode));
    }
    Ok(format!("{}-{}", &digits[..3], &digits[3..]))
}

/// Optional coordinates, as typed (`35.66, 138.57`) or as a pasted map
/// address holding `@35.66,138.57` (Google Maps). Blank is `None`: the route
/// link then uses the written address.
pub fn parse_coordinates(s: &str) -> Result<Option<(f64, f64)>, AdmitError> {
    let field = AdmitField::Coordinates;
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = AdmitError::new(field, AdmitProblem::BadCoordinates);
    let pair = match s.find('@') {
        Some(at) => {
            let rest = &s[at + 1..];
            let mut parts = rest.splitn(3, ',');
            let lat = parts.next().ok_or(bad)?;
            let lng = parts.next().ok_or(bad)?;
            // `138.57,15z/data=…`: the longitude ends at the next comma or
            // slash.
            let lng = lng.split(['/', '?', '&']).next().unwrap_or(lng);
            (lat.to_owned(), lng.to_owned())
        }
        None => {
            let folded: String = s.replace(['，', '、'], ",");
            let mut parts = folded.split(',');
            let (lat, lng) = (parts.next().ok_or(bad)?, parts.next().ok_or(bad)?);
            if parts.next().is_some() {
                return Err(bad);
            }
            (lat.to_owned(), lng.to_owned())
        }
    };
    let num = |t: &str| -> Result<f64, AdmitError> {
        let t = t.trim();
        let ok = !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+');
        t.parse::<f64>()
            .ok()
            .filter(|v| ok && v.is_finite())
            .ok_or(bad)
    };
    let (lat, lng) = (num(&pair.0)?, num(&pair.1)?);
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
        return Err(AdmitError::new(field, AdmitProblem::OutOfRange));
    }
    Ok(Some((lat, lng)))
}

/// A required id chosen from a list.
pub fn parse_id(field: AdmitField, s: &str) -> Result<Uuid, AdmitError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AdmitError::new(field, AdmitProblem::Empty));
    }
    Uuid::parse_str(s).map_err(|_| AdmitError::new(field, AdmitProblem::NotAChoice))
}

/// An optional id chosen from a list: blank is `None`.
pub fn parse_optional_id(field: AdmitField, s: &str) -> Result<Option<Uuid>, AdmitError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    parse_id(field, s).map(Some)
}

/// A phone number in the form the caller-number search matches (the
/// card's phone rule: digits grouped with hyphens, `+81` folded by search).
pub fn parse_phone(field: AdmitField, s: &str) -> Result<String, AdmitError> {
    card_input::parse_phone(s).map_err(|e| from_card(field, e.problem))
}

// ---------------------------------------------------------------------------
// The whole form
// ---------------------------------------------------------------------------

/// What the group-care consent covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentScope {
    ReadCard,
    ReadAndHouseCall,
}

impl ConsentScope {
    pub fn as_db(self) -> &'static str {
        match self {
            ConsentScope::ReadCard => "read_card",
            ConsentScope::ReadAndHouseCall => "read_and_house_call",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "read_card" => Some(ConsentScope::ReadCard),
            "read_and_house_call" => Some(ConsentScope::ReadAndHouseCall),
            _ => None,
        }
    }
}

/// The raw admission form, as posted.
#[derive(Debug, Clone, Default)]
pub struct AdmissionForm<'a> {
    pub family_name: &'a str,
    pub given_name: &'a str,
    pub family_name_kana: &'a str,
    pub given_name_kana: &'a str,
    pub birth_date: &'a str,
    pub sex: &'a str,
    pub postal_code: &'a str,
    pub prefecture: &'a str,
    pub city: &'a str,
    pub street: &'a str,
    pub building: &'a str,
    pub room: &'a str,
    pub landmark: &'a str,
    pub coordinates: &'a str,
    pub admitted_on: &'a str,
    pub clinic_team_id: &'a str,
    pub attending_id: &'a str,
    pub secondary_id: &'a str,
    pub nurse_station_id: &'a str,
    pub care_manager_id: &'a str,
    pub discharging_hospital_id: &'a str,
    pub consent_by: &'a str,
    pub consent_relation: &'a str,
    pub consent_on: &'a str,
    pub consent_scope: &'a str,
    /// The 「同意書（紙）あり」 checkbox: present when ticked.
    pub consent_paper: Option<&'a str>,
    pub contact_name: &'a str,
    pub contact_relation: &'a str,
    pub contact_phone: &'a str,
    /// The key-person checkbox of the first contact.
    pub contact_key_person: Option<&'a str>,
}

impl AdmissionForm<'_> {
    /// What was typed, field by field (none of it secret), for the form
    /// to come back filled in after a refusal; a ticked box as `on`.
    pub fn typed(&self) -> Vec<(&'static str, &str)> {
        use AdmitField as F;
        let tick = |b: Option<&str>| {
            if card_input::parse_checkbox(b) {
                "on"
            } else {
                ""
            }
        };
        vec![
            (F::FamilyName.name(), self.family_name),
            (F::GivenName.name(), self.given_name),
            (F::FamilyNameKana.name(), self.family_name_kana),
            (F::GivenNameKana.name(), self.given_name_kana),
            (F::BirthDate.name(), self.birth_date),
            (F::Sex.name(), self.sex),
            (F::PostalCode.name(), self.postal_code),
            (F::Prefecture.name(), self.prefecture),
            (F::City.name(), self.city),
            (F::Street.name(), self.street),
            (F::Building.name(), self.building),
            (F::Room.name(), self.room),
            (F::Landmark.name(), self.landmark),
            (F::Coordinates.name(), self.coordinates),
            (F::AdmittedOn.name(), self.admitted_on),
            (F::ClinicTeam.name(), self.clinic_team_id),
            (F::Attending.name(), self.attending_id),
            (F::Secondary.name(), self.secondary_id),
            (F::NurseStation.name(), self.nurse_station_id),
            (F::CareManager.name(), self.care_manager_id),
            (F::DischargingHospital.name(), self.discharging_hospital_id),
            (F::ConsentBy.name(), self.consent_by),
            (F::ConsentRelation.name(), self.consent_relation),
            (F::ConsentOn.name(), self.consent_on),
            (F::ConsentScope.name(), self.consent_scope),
            ("consent_paper", tick(self.consent_paper)),
            (F::ContactName.name(), self.contact_name),
            (F::ContactRelation.name(), self.contact_relation),
            (F::ContactPhone.name(), self.contact_phone),
            ("contact_key_person", tick(self.contact_key_person)),
        ]
    }
}

/// The group-care consent, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentInput {
    pub by_name: String,
    pub relation: String,
    pub on: NaiveDate,
    pub scope: ConsentScope,
    pub paper: bool,
}

/// A family contact, ready to store (priority 1 at admission).
#[derive(Debug, Clone, PartialEq)]
pub struct ContactInput {
    pub name: String,
    pub relation: String,
    /// As the caller-number search matches it (`090-1234-5678`).
    pub phone: String,
    pub is_key_person: bool,
}

/// An admission, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub postal_code: String,
    pub prefecture: String,
    pub city: String,
    pub street: String,
    pub building: String,
    pub room: String,
    pub landmark: String,
    pub coordinates: Option<(f64, f64)>,
    pub admitted_on: NaiveDate,
    pub clinic_team_id: Uuid,
    pub attending_id: Uuid,
    pub secondary_id: Option<Uuid>,
    pub nurse_station_id: Uuid,
    pub care_manager_id: Option<Uuid>,
    pub discharging_hospital_id: Option<Uuid>,
    pub consent: ConsentInput,
    pub contact: Option<ContactInput>,
}

impl Admission {
    /// The database spelling of the sex.
    pub fn sex_str(&self) -> &'static str {
        match self.sex {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
        }
    }

    /// Parses the whole form; the first refusal, in the form's order.
    pub fn parse(f: &AdmissionForm<'_>, today: NaiveDate) -> Result<Self, AdmitError> {
        use AdmitField as F;
        let birth_date = parse_past_date(F::BirthDate, f.birth_date, today)?;
        let sex =
            Sex::from_db(f.sex.trim()).ok_or(AdmitError::new(F::Sex, AdmitProblem::NotAChoice));
        let identity = (
            parse_name(F::FamilyName, f.family_name)?,
            parse_name(F::GivenName, f.given_name)?,
            parse_kana(F::FamilyNameKana, f.family_name_kana)?,
            parse_kana(F::GivenNameKana, f.given_name_kana)?,
        );
        let sex = sex?;
        let admitted_on = parse_past_date(F::AdmittedOn, f.admitted_on, today)?;
        if admitted_on < birth_date {
            return Err(AdmitError::new(F::AdmittedOn, AdmitProblem::BeforeBirth));
        }
        let attending_id = parse_id(F::Attending, f.attending_id)?;
        let secondary_id = parse_optional_id(F::Secondary, f.secondary_id)?;
        if secondary_id == Some(attending_id) {
            return Err(AdmitError::new(F::Secondary, AdmitProblem::SameAsAttending));
        }
        let consent_on = parse_past_date(F::ConsentOn, f.consent_on, today)?;
        let consent = ConsentInput {
            by_name: parse_name(F::ConsentBy, f.consent_by)?,
            relation: line(F::ConsentRelation, f.consent_relation, 20)?,
            on: consent_on,
            scope: ConsentScope::from_db(f.consent_scope.trim())
                .ok_or(AdmitError::new(F::ConsentScope, AdmitProblem::NotAChoice))?,
            paper: card_input::parse_checkbox(f.consent_paper),
        };
        let contact_given = [f.contact_name, f.contact_relation, f.contact_phone]
            .iter()
            .any(|s| !s.trim().is_empty());
        let contact = if contact_given {
            Some(ContactInput {
                name: parse_name(F::ContactName, f.contact_name)?,
                relation: line(F::ContactRelation, f.contact_relation, 20)?,
                phone: parse_phone(F::ContactPhone, f.contact_phone)?,
                is_key_person: card_input::parse_checkbox(f.contact_key_person),
            })
        } else {
            None
        };
        Ok(Admission {
            family_name: identity.0,
            given_name: identity.1,
            family_name_kana: identity.2,
            given_name_kana: identity.3,
            birth_date,
            sex,
            postal_code: parse_postal_code(f.postal_code)?,
            prefecture: line(F::Prefecture, f.prefecture, 10)?,
            city: line(F::City, f.city, ADDRESS_MAX)?,
            street: line(F::Street, f.street, ADDRESS_MAX)?,
            building: optional_line(F::Building, f.building, ADDRESS_MAX)?,
            room: optional_line(F::Room, f.room, 20)?,
            landmark: if f.landmark.trim().is_empty() {
                String::new()
            } else {
                card_input::required_text(Field::Landmark, f.landmark, LANDMARK_MAX)
                    .map_err(|e| from_card(F::Landmark, e.problem))?
            },
            coordinates: parse_coordinates(f.coordinates)?,
            admitted_on,
            clinic_team_id: parse_id(F::ClinicTeam, f.clinic_team_id)?,
            attending_id,
            secondary_id,
            nurse_station_id: parse_id(F::NurseStation, f.nurse_station_id)?,
            care_manager_id: parse_optional_id(F::CareManager, f.care_manager_id)?,
            discharging_hospital_id: parse_optional_id(
                F::DischargingHospital,
                f.discharging_hospital_id,
            )?,
            consent,
            contact,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AdmitField as F;
    use AdmitProblem as P;

    const TEAM: &str = "00000000-0000-4000-8000-000000000001";
    const DOC: &str = "00000000-0000-4000-8000-000000000002";
    const DOC2: &str = "00000000-0000-4000-8000-000000000003";
    const STATION: &str = "00000000-0000-4000-8000-000000000004";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn form() -> AdmissionForm<'static> {
        AdmissionForm {
            family_name: "吉田",
            given_name: "ハナ",
            family_name_kana: "ヨシダ",
            given_name_kana: "ハナ",
            birth_date: "1938-05-03",
            sex: "female",
            postal_code: "400-0031",
            prefecture: "山梨県",
            city: "甲府市",
            street: "丸の内1-1-1",
            building: "",
            room: "",
            landmark: "",
            coordinates: "",
            admitted_on: "2026-12-01",
            clinic_team_id: TEAM,
            attending_id: DOC,
            secondary_id: DOC2,
            nurse_station_id: STATION,
            care_manager_id: "",
            discharging_hospital_id: "",
            consent_by: "吉田 一郎",
            consent_relation: "長男",
            consent_on: "2026-11-30",
            consent_scope: "read_and_house_call",
            consent_paper: Some("on"),
            contact_name: "吉田 美香",
            contact_relation: "長女",
            contact_phone: "090-1111-2222",
            contact_key_person: Some("on"),
        }
    }

    fn refusal(f: AdmissionForm<'_>) -> AdmitError {
        Admission::parse(&f, today()).expect_err("the form should be refused")
    }

    #[test]
    fn a_complete_form_parses() {
        let a = Admission::parse(&form(), today()).unwrap();
        assert_eq!(a.family_name, "吉田");
        assert_eq!(a.postal_code, "400-0031");
        assert_eq!(a.coordinates, None);
        assert_eq!(a.secondary_id, Some(Uuid::parse_str(DOC2).unwrap()));
        assert_eq!(a.care_manager_id, None);
        assert_eq!(a.consent.scope, ConsentScope::ReadAndHouseCall);
        assert!(a.consent.paper);
        let c = a.contact.unwrap();
        assert_eq!(c.phone, "090-1111-2222");
        assert!(c.is_key_person);
    }

    #[test]
    fn the_refusals_name_field_and_problem() {
        let long = "あ".repeat(10_000);
        let cases: Vec<(AdmissionForm<'_>, AdmitField, AdmitProblem)> = vec![
            (
                AdmissionForm {
                    birth_date: "2026-02-30",
                    ..form()
                },
                F::BirthDate,
                P::ImpossibleDate,
            ),
            (
                AdmissionForm {
                    birth_date: "2027-01-01",
                    ..form()
                },
                F::BirthDate,
                P::FutureDate,
            ),
            (
                AdmissionForm {
                    birth_date: "昨日",
                    ..form()
                },
                F::BirthDate,
                P::BadDate,
            ),
            (
                AdmissionForm {
                    birth_date: "1899-12-31",
                    ..form()
                },
                F::BirthDate,
                P::TooOld,
            ),
            (
                AdmissionForm {
                    admitted_on: "2026-02-30",
                    ..form()
                },
                F::AdmittedOn,
                P::ImpossibleDate,
            ),
            (
                AdmissionForm {
                    admitted_on: "1930-01-01",
                    ..form()
                },
                F::AdmittedOn,
                P::BeforeBirth,
            ),
            (
                AdmissionForm {
                    consent_on: "2027-01-01",
                    ..form()
                },
                F::ConsentOn,
                P::FutureDate,
            ),
            (
                AdmissionForm {
                    family_name: "",
                    ..form()
                },
                F::FamilyName,
                P::Empty,
            ),
            (
                AdmissionForm {
                    family_name: "吉田😀",
                    ..form()
                },
                F::FamilyName,
                P::Emoji,
            ),
            (
                AdmissionForm {
                    given_name: "ハナ❤\u{FE0F}",
                    ..form()
                },
                F::GivenName,
                P::Emoji,
            ),
            (
                AdmissionForm {
                    family_name: &long,
                    ..form()
                },
                F::FamilyName,
                P::TooLong { max: NAME_MAX },
            ),
            (
                AdmissionForm {
                    street: &long,
                    ..form()
                },
                F::Street,
                P::TooLong { max: ADDRESS_MAX },
            ),
            (
                AdmissionForm {
                    landmark: &long,
                    ..form()
                },
                F::Landmark,
                P::TooLong { max: LANDMARK_MAX },
            ),
            (
                AdmissionForm {
                    family_name: "吉\n田",
                    ..form()
                },
                F::FamilyName,
                P::ControlCharacters,
            ),
            (
                AdmissionForm {
                    family_name_kana: "Yoshida",
                    ..form()
                },
                F::FamilyNameKana,
                P::NotKana,
            ),
            (AdmissionForm { sex: "f", ..form() }, F::Sex, P::NotAChoice),
            (
                AdmissionForm {
                    postal_code: "400-003",
                    ..form()
                },
                F::PostalCode,
                P::BadPostalCode,
            ),
            (
                AdmissionForm {
                    postal_code: "40-00031",
                    ..form()
                },
                F::PostalCode,
                P::BadPostalCode,
            ),
            (
                AdmissionForm {
                    postal_code: "abc-defg",
                    ..form()
                },
                F::PostalCode,
                P::BadPostalCode,
            ),
            (
                AdmissionForm {
                    postal_code: "",
                    ..form()
                },
                F::PostalCode,
                P::Empty,
            ),
            (
                AdmissionForm {
                    coordinates: "95.0, 138.57",
                    ..form()
                },
                F::Coordinates,
                P::OutOfRange,
            ),
            (
                AdmissionForm {
                    coordinates: "35.66, 190",
                    ..form()
                },
                F::Coordinates,
                P::OutOfRange,
            ),
            (
                AdmissionForm {
                    coordinates: "甲府駅の北",
                    ..form()
                },
                F::Coordinates,
                P::BadCoordinates,
            ),
            (
                AdmissionForm {
                    coordinates: "35.66",
                    ..form()
                },
                F::Coordinates,
                P::BadCoordinates,
            ),
            (
                AdmissionForm {
                    coordinates: "NaN, inf",
                    ..form()
                },
                F::Coordinates,
                P::BadCoordinates,
            ),
            (
                AdmissionForm {
                    attending_id: "",
                    ..form()
                },
                F::Attending,
                P::Empty,
            ),
            (
                AdmissionForm {
                    attending_id: "doctor",
                    ..form()
                },
                F::Attending,
                P::NotAChoice,
            ),
            (
                AdmissionForm {
                    secondary_id: DOC,
                    ..form()
                },
                F::Secondary,
                P::SameAsAttending,
            ),
            (
                AdmissionForm {
                    nurse_station_id: "1",
                    ..form()
                },
                F::NurseStation,
                P::NotAChoice,
            ),
            (
                AdmissionForm {
                    clinic_team_id: "",
                    ..form()
                },
                F::ClinicTeam,
                P::Empty,
            ),
            (
                AdmissionForm {
                    consent_scope: "everything",
                    ..form()
                },
                F::ConsentScope,
                P::NotAChoice,
            ),
            (
                AdmissionForm {
                    consent_by: "",
                    ..form()
                },
                F::ConsentBy,
                P::Empty,
            ),
            (
                AdmissionForm {
                    contact_phone: "090-ABCD-2222",
                    ..form()
                },
                F::ContactPhone,
                P::Letters,
            ),
            (
                AdmissionForm {
                    contact_phone: "090-1111-222",
                    ..form()
                },
                F::ContactPhone,
                P::BadPhone,
            ),
            (
                AdmissionForm {
                    contact_phone: "",
                    ..form()
                },
                F::ContactPhone,
                P::Empty,
            ),
            (
                AdmissionForm {
                    contact_name: "",
                    ..form()
                },
                F::ContactName,
                P::Empty,
            ),
        ];
        for (f, field, problem) in cases {
            let got = refusal(f);
            assert_eq!(got, AdmitError::new(field, problem), "{got:?}");
            // Every refusal reads back from its code.
            assert_eq!(AdmitError::from_code(&got.code()), Some(got));
        }
    }

    #[test]
    fn rare_kanji_are_stored_exactly() {
        let a = Admission::parse(
            &AdmissionForm {
                family_name: "𠮷田",
                given_name: "髙﨑",
                ..form()
            },
            today(),
        )
        .unwrap();
        assert_eq!(a.family_name, "𠮷田");
        assert_eq!(a.given_name, "髙﨑");
    }

    #[test]
    fn half_width_and_hiragana_kana_become_katakana() {
        let a = Admission::parse(
            &AdmissionForm {
                family_name_kana: "ﾖｼﾀﾞ",
                given_name_kana: "はな",
                ..form()
            },
            today(),
        )
        .unwrap();
        assert_eq!(a.family_name_kana, "ヨシダ");
        assert_eq!(a.given_name_kana, "ハナ");
        assert_eq!(widen_kana("ﾊﾟﾋﾟｰ ｳﾞｨ･ｶﾞ"), "パピー ヴィ・ガ");
        assert_eq!(widen_kana("ﾞｱﾟ"), "゛ア゜");
    }

    #[test]
    fn postal_codes_in_the_forms_people_write() {
        for s in [
            "400-0031",
            "4000031",
            "〒400-0031",
            "４００－００３１",
            "400ー0031",
        ] {
            assert_eq!(parse_postal_code(s).as_deref(), Ok("400-0031"), "{s}");
        }
    }

    #[test]
    fn coordinates_typed_or_from_a_map_address() {
        assert_eq!(parse_coordinates(""), Ok(None));
        assert_eq!(
            parse_coordinates("35.66, 138.57"),
            Ok(Some((35.66, 138.57)))
        );
        assert_eq!(
            parse_coordinates("35.66，138.57"),
            Ok(Some((35.66, 138.57)))
        );
        assert_eq!(
            parse_coordinates(
                "https://www.google.com/maps/place/x/@35.6621,138.5682,17z/data=!3m1"
            ),
            Ok(Some((35.6621, 138.5682)))
        );
        assert_eq!(
            parse_coordinates("https://www.google.com/maps/@-33.9,151.2"),
            Ok(Some((-33.9, 151.2)))
        );
    }

    #[test]
    fn no_contact_when_the_group_is_left_blank() {
        let a = Admission::parse(
            &AdmissionForm {
                contact_name: " ",
                contact_relation: "",
                contact_phone: "",
                secondary_id: "",
                ..form()
            },
            today(),
        )
        .unwrap();
        assert_eq!(a.contact, None);
        assert_eq!(a.secondary_id, None);
    }

    #[test]
    fn a_phone_is_stored_as_the_search_matches_it() {
        let a = Admission::parse(
            &AdmissionForm {
                contact_phone: "０９０ １１１１ ２２２２",
                ..form()
            },
            today(),
        )
        .unwrap();
        let phone = a.contact.unwrap().phone;
        assert_eq!(super::super::search::phone_digits(&phone), "09011112222");
    }

    #[test]
    fn codes_of_other_forms_are_not_read_as_admission_codes() {
        assert_eq!(AdmitError::from_code("staff_phone:letters"), None);
        assert_eq!(AdmitError::from_code("admit_nothing:empty"), None);
        assert_eq!(
            AdmitError::from_code("admit_street:too_long:100"),
            Some(AdmitError::new(F::Street, P::TooLong { max: 100 }))
        );
    }

    #[test]
    fn a_revocation_is_dated_between_the_consent_and_today() {
        let consented = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let ok = [
            ("2026-04-01", (2026, 4, 1)),
            ("2026-12-02", (2026, 12, 2)),
            ("令和8年6月1日", (2026, 6, 1)),
        ];
        for (typed, (y, m, d)) in ok {
            assert_eq!(
                parse_revocation(typed, consented, today()),
                Ok(NaiveDate::from_ymd_opt(y, m, d).unwrap()),
                "{typed}"
            );
        }
        let refused = [
            ("2026-03-31", P::BeforeConsent),
            ("2026-12-03", P::FutureDate),
            ("2026-02-30", P::ImpossibleDate),
            ("", P::Empty),
            ("きのう", P::BadDate),
        ];
        for (typed, problem) in refused {
            assert_eq!(
                parse_revocation(typed, consented, today()),
                Err(AdmitError::new(F::RevokedOn, problem)),
                "{typed}"
            );
        }
    }
}
