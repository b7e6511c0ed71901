//! Input parsed at the boundary: login ids, free text, redirect targets.
//! Anything that fails here never reaches the database.

use serde::{Deserialize, Serialize};

/// Why a piece of text was refused; the UI translates the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum TextError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong { max: usize },
    #[error("control characters")]
    ControlCharacters,
    #[error("bad format")]
    BadFormat,
}

/// A staff login id: 3–64 of `a-z 0-9 . _ -`, starting with a letter or
/// digit (the same rule as the `staff_login_id_format` constraint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginId(String);

impl LoginId {
    pub fn parse(s: &str) -> Result<Self, TextError> {
        let s = s.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(TextError::Empty);
        }
        if s.len() > 64 {
            return Err(TextError::TooLong { max: 64 });
        }
        let mut chars = s.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if s.len() < 3 || !first_ok || !rest_ok {
            return Err(TextError::BadFormat);
        }
        Ok(LoginId(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text such as a reason or a note: trimmed, not empty, at most `max`
/// characters, no control characters except line breaks and tabs. Rare kanji
/// and emoji are ordinary characters and pass unchanged.
pub fn parse_free_text(s: &str, max: usize) -> Result<String, TextError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    if s.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(TextError::ControlCharacters);
    }
    Ok(s.to_owned())
}

/// Where to go after signing in: a path on this site, else `/`. Refuses
/// `//host`, `/\host` and absolute URLs, which browsers treat as other sites.
/// The result is plain ASCII (spaces and non-ASCII percent-encoded): it
/// travels in a `Location` header, which a hydrated page reads as Latin-1,
/// so a search for 「佐藤 花子」 would otherwise come back as mojibake.
pub fn safe_next_path(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if !ok {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(next.len());
    for byte in next.bytes() {
        match byte {
            b'"' | b'<' | b'>' | b'`' | b'{' | b'}' | b'|' | b'^' => {
                out.push_str(&format!("%{byte:02X}"))
            }
            b'!'..=b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Percent-encodes a query parameter value.
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for byte in s.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_ids() {
        let cases = [
            ("nurse1", Ok("nurse1")),
            ("  Doctor.Sakurai ", Ok("doctor.sakurai")),
            ("ab", Err(TextError::BadFormat)),
            ("", Err(TextError::Empty)),
            ("-abc", Err(TextError::BadFormat)),
            ("a b c", Err(TextError::BadFormat)),
            ("看護師", Err(TextError::BadFormat)),
        ];
        for (input, expected) in cases {
            let got = LoginId::parse(input);
            assert_eq!(
                got.as_ref().map(LoginId::as_str).map_err(|e| *e),
                expected,
                "{input:?}"
            );
        }
        assert_eq!(
            LoginId::parse(&"a".repeat(65)),
            Err(TextError::TooLong { max: 64 })
        );
    }

    #[test]
    fn free_text() {
        let cases = [
            ("発熱 38.9℃", Ok("発熱 38.9℃")),
            ("𠮷野家の裏 🏠", Ok("𠮷野家の裏 🏠")),
            ("  two\nlines  ", Ok("two\nlines")),
            ("   ", Err(TextError::Empty)),
            ("bell\u{7}", Err(TextError::ControlCharacters)),
            ("nul\u{0}", Err(TextError::ControlCharacters)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_free_text(input, 20).as_deref().map_err(|e| *e),
                expected,
                "{input:?}"
            );
        }
        assert_eq!(
            parse_free_text(&"あ".repeat(10_000), 2000),
            Err(TextError::TooLong { max: 2000 })
        );
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        let cases = [
            ("/patients/x/night-card", "/patients/x/night-card"),
            ("//evil.example", "/"),
            ("/\\evil.example", "/"),
            ("https://evil.example", "/"),
            ("", "/"),
            ("/ok?x=1", "/ok?x=1"),
            (
                "/?q=佐藤 花子",
                "/?q=%E4%BD%90%E8%97%A4%20%E8%8A%B1%E5%AD%90",
            ),
            ("/?q=%E4%BD%90", "/?q=%E4%BD%90"),
            ("/a\"<b>", "/a%22%3Cb%3E"),
        ];
        for (input, expected) in cases {
            assert_eq!(safe_next_path(input), expected, "{input:?}");
        }
    }
}
