//! Patient identity: ids parsed at the boundary, age and the Japanese era of
//! the birth date (elderly patients and their families say 「昭和12年生まれ」,
//! not 1937).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The id of a patient as it appears in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PatientId(pub Uuid);

/// Why a string is not a patient id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a patient id")]
pub struct InvalidPatientId;

impl PatientId {
    /// Parses the hyphenated UUID form used in URLs. Anything else (braces,
    /// `urn:uuid:`, upper/lower mixtures are accepted by `Uuid`, but length
    /// and characters are checked first) is rejected.
    pub fn parse(s: &str) -> Result<Self, InvalidPatientId> {
        if s.len() != 36 || !s.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(InvalidPatientId);
        }
        Uuid::parse_str(s)
            .map(PatientId)
            .map_err(|_| InvalidPatientId)
    }
}

impl FromStr for PatientId {
    type Err = InvalidPatientId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for PatientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// Sex as recorded on the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
}

impl Sex {
    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "female" => Some(Sex::Female),
            "male" => Some(Sex::Male),
            "other" => Some(Sex::Other),
            _ => None,
        }
    }
}

/// One line of a patient list: enough to tell two patients with the same
/// name apart (kana, date of birth, street).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatientSummary {
    pub id: PatientId,
    pub name: String,
    pub name_kana: String,
    pub birth_date: NaiveDate,
    pub city_street: String,
}

/// Full years of age on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    // `years_since` counts completed years and is None when `today` is
    // before `birth`, which we show as 0 rather than a negative age.
    today.years_since(birth).unwrap_or(0)
}

/// A Japanese era (元号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    pub fn name_ja(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Era::Meiji => "Meiji",
            Era::Taisho => "Taisho",
            Era::Showa => "Showa",
            Era::Heisei => "Heisei",
            Era::Reiwa => "Reiwa",
        }
    }
}

/// A date's era and year within it (1 is 元年).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EraYear {
    pub era: Era,
    pub year: u32,
}

impl EraYear {
    /// `昭和12年`, `令和元年`.
    pub fn to_ja(self) -> String {
        if self.year == 1 {
            format!("{}元年", self.era.name_ja())
        } else {
            format!("{}{}年", self.era.name_ja(), self.year)
        }
    }

    /// `Showa 12`.
    pub fn to_en(self) -> String {
        format!("{} {}", self.era.name_en(), self.year)
    }
}

/// The era of a date, by the day each era began. Dates before Meiji have no
/// era here (no patient was born then).
pub fn era_of(date: NaiveDate) -> Option<EraYear> {
    const STARTS: [(Era, i32, u32, u32); 5] = [
        (Era::Reiwa, 2019, 5, 1),
        (Era::Heisei, 1989, 1, 8),
        (Era::Showa, 1926, 12, 25),
        (Era::Taisho, 1912, 7, 30),
        (Era::Meiji, 1868, 1, 25),
    ];
    STARTS.iter().find_map(|&(era, y, m, d)| {
        let start = NaiveDate::from_ymd_opt(y, m, d)?;
        (date >= start).then(|| EraYear {
            era,
            year: (date.year() - y + 1) as u32,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn patient_ids_are_parsed_strictly() {
        let cases = [
            ("00000000-0000-4000-8000-000100000001", true),
            ("00000000-0000-4000-8000-00010000000", false),
            ("not-an-id", false),
            ("{00000000-0000-4000-8000-000100000001}", false),
            ("00000000000040008000000100000001", false),
            ("00000000-0000-4000-8000-00010000000g", false),
            ("", false),
            ("../../etc/passwd", false),
        ];
        for (input, ok) in cases {
            assert_eq!(PatientId::parse(input).is_ok(), ok, "input {input:?}");
        }
    }

    #[test]
    fn age_counts_completed_years() {
        let cases = [
            (d(1937, 4, 12), d(2026, 4, 11), 88),
            (d(1937, 4, 12), d(2026, 4, 12), 89),
            (d(1940, 2, 29), d(2026, 2, 28), 85),
            (d(1940, 2, 29), d(2026, 3, 1), 86),
            (d(2030, 1, 1), d(2026, 1, 1), 0),
        ];
        for (birth, today, expected) in cases {
            assert_eq!(age_on(birth, today), expected, "born {birth}, on {today}");
        }
    }

    #[test]
    fn eras_begin_on_their_first_day() {
        let cases = [
            (d(1937, 4, 12), Some("昭和12年")),
            (d(1926, 12, 24), Some("大正15年")),
            (d(1926, 12, 25), Some("昭和元年")),
            (d(1989, 1, 7), Some("昭和64年")),
            (d(1989, 1, 8), Some("平成元年")),
            (d(2019, 4, 30), Some("平成31年")),
            (d(2019, 5, 1), Some("令和元年")),
            (d(1912, 7, 30), Some("大正元年")),
            (d(1900, 1, 1), Some("明治33年")),
            (d(1850, 1, 1), None),
        ];
        for (date, expected) in cases {
            assert_eq!(
                era_of(date).map(EraYear::to_ja).as_deref(),
                expected,
                "{date}"
            );
        }
    }
}
