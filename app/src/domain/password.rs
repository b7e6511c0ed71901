//! What a new password must be (OWASP ASVS 2.1): at least 12 characters, at
//! most 256 (argon2 input stays bounded), not containing the login id, not
//! one of the passwords every guesser tries first, and not one character
//! repeated. Composition rules (a digit, a symbol…) are deliberately absent:
//! they make passwords harder to remember, not harder to guess.
//!
//! Pure: the caller checks the current password and stores the hash.

/// The shortest password accepted, in characters.
pub const MIN_LENGTH: usize = 12;
/// The longest, in characters (the sign-in form accepts as much).
pub const MAX_LENGTH: usize = 256;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    ContainsLoginId,
    Common,
    /// Control characters cannot be typed reliably on every phone.
    ControlCharacter,
    SameAsCurrent,
}

impl PasswordProblem {
    /// The name of the refusal as `AppError::Invalid` carries it, which the
    /// error module turns into a translated sentence.
    pub fn field(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "new_password_too_short",
            PasswordProblem::TooLong => "new_password_too_long",
            PasswordProblem::ContainsLoginId => "new_password_contains_login_id",
            PasswordProblem::Common => "new_password_common",
            PasswordProblem::ControlCharacter => "new_password_control",
            PasswordProblem::SameAsCurrent => "new_password_same",
        }
    }
}

/// A short list of the passwords tried first (from the published top lists,
/// plus this product's and this trade's obvious ones). Compared ignoring case;
/// only entries of 12 characters or more matter, shorter ones are refused by
/// length already.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "qwertyuiop12",
    "qwertyuiopasdf",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "iloveyou1234",
    "changeme1234",
    "letmein12345",
    "welcome12345",
    "administrator",
    "administrator1",
    "qwerty123456",
    "abc123456789",
    "abcdefghijkl",
    "111111111111",
    "000000000000",
    "nightcall-demo",
    "nightcall1234",
    "nightcall2026",
    "nightcallnightcall",
    "hospital1234",
    "nurse1234567",
    "doctor123456",
    "kangoshi1234",
    "password-1234",
    "p@ssw0rd1234",
    "p@ssword1234",
];

/// Checks a new password for the account `login_id`; `current` is the
/// password being replaced (a change must change it).
pub fn check_new_password(new: &str, login_id: &str, current: &str) -> Result<(), PasswordProblem> {
    let length = new.chars().count();
    if new.chars().any(char::is_control) {
        return Err(PasswordProblem::ControlCharacter);
    }
    if length < MIN_LENGTH {
        return Err(PasswordProblem::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordProblem::TooLong);
    }
    if new == current {
        return Err(PasswordProblem::SameAsCurrent);
    }
    let lower = new.to_lowercase();
    let login = login_id.trim().to_lowercase();
    if !login.is_empty() && lower.contains(&login) {
        return Err(PasswordProblem::ContainsLoginId);
    }
    let mut chars = lower.chars();
    let first = chars.next();
    if COMMON.contains(&lower.as_str()) || chars.all(|c| Some(c) == first) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_are_long_personal_and_not_common() {
        use PasswordProblem::*;
        // (new password, login id, current password, expected)
        let cases: &[(&str, &str, &str, Result<(), PasswordProblem>)] = &[
            ("correct horse battery", "nurse1", "old", Ok(())),
            ("夜勤明けの珈琲は苦い", "nurse1", "old", Err(TooShort)),
            ("夜勤明けの珈琲はとても苦い", "nurse1", "old", Ok(())),
            ("elevenchars", "nurse1", "old", Err(TooShort)),
            ("twelve-chars", "nurse1", "old", Ok(())),
            ("", "nurse1", "old", Err(TooShort)),
            (&"a1".repeat(129), "nurse1", "old", Err(TooLong)),
            (&"a1".repeat(128), "nurse1", "old", Ok(())),
            // The login id, in any case, anywhere in it.
            ("my-NURSE1-password", "nurse1", "old", Err(ContainsLoginId)),
            ("doctor3doctor3", "Doctor3", "old", Err(ContainsLoginId)),
            // Common passwords, ignoring case.
            ("Password1234", "nurse1", "old", Err(Common)),
            ("NIGHTCALL-DEMO", "nurse1", "old", Err(Common)),
            ("qwerty123456", "nurse1", "old", Err(Common)),
            ("aaaaaaaaaaaaaaaa", "nurse1", "old", Err(Common)),
            ("ーーーーーーーーーーーー", "nurse1", "old", Err(Common)),
            // Control characters.
            ("tab\there-is-long", "nurse1", "old", Err(ControlCharacter)),
            (
                "newline\nis-long-enough",
                "nurse1",
                "old",
                Err(ControlCharacter),
            ),
            // Unchanged.
            (
                "the same old secret",
                "nurse1",
                "the same old secret",
                Err(SameAsCurrent),
            ),
        ];
        for (new, login, current, expected) in cases {
            assert_eq!(
                check_new_password(new, login, current),
                *expected,
                "{new:?} for {login}"
            );
        }
    }

    #[test]
    fn every_listed_common_password_is_long_enough_to_matter() {
        for common in COMMON {
            assert!(common.chars().count() >= MIN_LENGTH, "{common}");
            assert_eq!(
                *common,
                common.to_lowercase(),
                "{common} is listed in lower case"
            );
            assert_eq!(
                check_new_password(common, "x-y-z", "old"),
                Err(PasswordProblem::Common)
            );
        }
    }
}
