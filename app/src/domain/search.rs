//! Finding the patient at 2 a.m.: by name (kanji or kana, partial), by the
//! number that is calling (a family member's phone), or by address.
//!
//! The query is parsed here into what the database compares:
//!
//! * **text** for names, kana and addresses, folded the way the database
//!   folds the stored text (`nc_search_norm` in the migration): hiragana to
//!   katakana (so 「さとう」 finds サトウ), full-width letters and digits to
//!   ASCII, spaces removed (so 「佐藤 花子」 finds 佐藤花子);
//! * **digits** for phone numbers, when the query looks like one: only the
//!   digits count, so `090-1234-5678`, `090 1234 5678` and `09012345678`
//!   are the same number, and `+81 90…` is the domestic `090…`.
//!
//! Text needs at least two characters (the index works on character pairs)
//! and digits at least three (pg_trgm works on triples).

use super::patient::{EraYear, PatientId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// The fewest characters a name or address search needs.
pub const MIN_TEXT_CHARS: usize = 2;
/// The fewest digits a phone search needs.
pub const MIN_DIGITS: usize = 3;
/// The most hits shown; more means "be more specific".
pub const MAX_HITS: usize = 50;

/// Why a query was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum QueryError {
    #[error("empty")]
    Empty,
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("control characters")]
    ControlCharacters,
}

impl QueryError {
    /// The code carried by `AppError::Invalid` (`q:…`).
    pub fn code(self) -> &'static str {
        match self {
            QueryError::Empty => "q:empty",
            QueryError::TooShort => "q:too_short",
            QueryError::TooLong => "q:too_long",
            QueryError::ControlCharacters => "q:control_characters",
        }
    }
}

/// A parsed search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientQuery {
    text: String,
    digits: String,
}

impl PatientQuery {
    pub fn parse(raw: &str) -> Result<Self, QueryError> {
        let raw = raw.trim();
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        if raw.chars().any(char::is_control) {
            return Err(QueryError::ControlCharacters);
        }
        let text = normalize(raw);
        if text.is_empty() {
            return Err(QueryError::Empty);
        }
        let digits = if looks_like_phone(raw) {
            phone_digits(raw)
        } else {
            String::new()
        };
        let text_ok = text.chars().count() >= MIN_TEXT_CHARS;
        let digits_ok = digits.len() >= MIN_DIGITS;
        if !text_ok && !digits_ok {
            return Err(QueryError::TooShort);
        }
        Ok(PatientQuery {
            text: if text_ok { text } else { String::new() },
            digits: if digits_ok { digits } else { String::new() },
        })
    }

    /// The folded text to find in names, kana and addresses ("" for none).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The digits to find in family phone numbers ("" for none).
    pub fn digits(&self) -> &str {
        &self.digits
    }
}

/// Folds text the way `nc_search_norm` does in the database, and drops `|`
/// (the database's field separator, so a query never spans two fields).
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '|')
        .map(fold_char)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn fold_char(c: char) -> char {
    match c {
        // Hiragana ぁ..ゖ to katakana ァ..ヶ: the blocks are 0x60 apart.
        '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        // Full-width digits and Latin letters to ASCII.
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '－' => '-',
        other => other,
    }
}

/// Whether a query is a phone number: digits with the separators people
/// type between them (hyphens of every width, spaces, brackets, a leading
/// plus), and nothing else.
fn looks_like_phone(raw: &str) -> bool {
    let mut has_digit = false;
    for (i, c) in raw.chars().enumerate() {
        match fold_char(c) {
            '0'..='9' => has_digit = true,
            '-' | '‐' | '−' | 'ー' | '―' | '(' | ')' | '（' | '）' => {}
            '+' | '＋' if i == 0 => {}
            c if c.is_whitespace() => {}
            _ => return false,
        }
    }
    has_digit
}

/// The digits of a phone number, as `nc_phone_digits` computes them: a
/// leading `+81` becomes the domestic `0`.
pub fn phone_digits(s: &str) -> String {
    let digits: String = s
        .chars()
        .map(fold_char)
        .filter(char::is_ascii_digit)
        .collect();
    let international = s.trim_start().starts_with(['+', '＋']);
    match digits.strip_prefix("81") {
        Some(rest) if international => format!("0{rest}"),
        _ => digits,
    }
}

/// One search result: enough to tell two patients with the same name apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatientHit {
    pub id: PatientId,
    pub name: String,
    pub name_kana: String,
    pub birth_date: NaiveDate,
    pub birth_era: Option<EraYear>,
    pub age: u32,
    pub address: String,
    /// The visiting-nurse station, which usually tells the caller apart too.
    pub station: Option<String>,
    /// When found by phone: whose number it is (relation and name).
    pub via_contact: Option<String>,
}

/// The answer to a search (or, with an empty query, the whole list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub hits: Vec<PatientHit>,
    /// More patients matched than are shown.
    pub truncated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_folded_like_the_stored_text() {
        let cases = [
            ("佐藤 花子", "佐藤花子"),
            ("佐藤　花子", "佐藤花子"),
            ("さとう", "サトウ"),
            ("サトウ ハナコ", "サトウハナコ"),
            ("ゔぁ", "ヴァ"),
            ("２丁目", "2丁目"),
            ("ＡＢｃ", "abc"),
            ("𠮷野", "𠮷野"),
            ("a|b", "ab"),
            ("ー", "ー"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), expected, "{input:?}");
        }
    }

    #[test]
    fn phone_numbers_are_compared_by_their_digits() {
        let cases = [
            ("090-1234-5678", "09012345678"),
            ("090 1234 5678", "09012345678"),
            ("09012345678", "09012345678"),
            ("０９０－１２３４－５６７８", "09012345678"),
            ("090ー1234ー5678", "09012345678"),
            ("(055) 222-1111", "0552221111"),
            ("+81 90-1234-5678", "09012345678"),
            ("＋８１９０１２３４５６７８", "09012345678"),
            ("81-1234", "811234"),
        ];
        for (input, expected) in cases {
            assert_eq!(phone_digits(input), expected, "{input:?}");
        }
    }

    #[test]
    fn a_query_is_text_digits_or_both() {
        // (input, text, digits)
        let cases = [
            ("佐藤", "佐藤", ""),
            ("はなこ", "ハナコ", ""),
            ("080-4127-9035", "080-4127-9035", "08041279035"),
            ("08041279035", "08041279035", "08041279035"),
            ("1452", "1452", "1452"),
            ("桜町2丁目", "桜町2丁目", ""),
            ("9035", "9035", "9035"),
            ("12", "12", ""),
            ("123", "123", "123"),
        ];
        for (input, text, digits) in cases {
            let q = PatientQuery::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!((q.text(), q.digits()), (text, digits), "{input:?}");
        }
    }

    #[test]
    fn unusable_queries_are_refused() {
        let cases = [
            ("", QueryError::Empty),
            ("   ", QueryError::Empty),
            ("佐", QueryError::TooShort),
            ("1", QueryError::TooShort),
            ("佐\u{7}", QueryError::ControlCharacters),
        ];
        for (input, expected) in cases {
            assert_eq!(PatientQuery::parse(input), Err(expected), "{input:?}");
        }
        assert_eq!(
            PatientQuery::parse(&"あ".repeat(101)),
            Err(QueryError::TooLong)
        );
        assert!(PatientQuery::parse(&"あ".repeat(100)).is_ok());
    }
}
