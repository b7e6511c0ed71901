//! Second factors and fresh proofs, as pure rules (issue 9).
//!
//! - An account *has a factor* when it has an authenticator app (TOTP) or a
//!   passkey. Such an account must complete it after every password
//!   sign-in, whatever its organisation's setting; an organisation that
//!   requires two factors makes every account need one.
//! - A *credential change* (adding or removing a passkey, enrolling or
//!   resetting TOTP, changing the password, new recovery codes) needs a
//!   *fresh proof*: the password with the current factor, or a passkey
//!   assertion, within [`FRESH_PROOF`]. One proof allows one change.
//! - The *first* factor of an account is enrolled only with a one-time
//!   enrolment code an administrator issued (redeemed in this session):
//!   whoever has only the password cannot make a second factor of his own.

use chrono::{DateTime, Duration, Utc};

/// How long a proof stays fresh.
pub const FRESH_PROOF: Duration = Duration::minutes(5);
/// How long an enrolment code may wait for its user.
pub const ENROLMENT_CODE_LIFETIME: Duration = Duration::hours(72);

/// What a session knows about its account's factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Factors {
    pub totp: bool,
    pub passkey: bool,
    /// The organisation requires a second factor of everyone.
    pub org_requires: bool,
}

impl Factors {
    pub fn any(self) -> bool {
        self.totp || self.passkey
    }

    /// Whether a password sign-in must be followed by a second step.
    pub fn second_step_needed(self) -> bool {
        self.any() || self.org_requires
    }
}

/// Whether a session may reach anything beyond the sign-in and enrolment
/// screens.
pub fn fully_signed_in(factors: Factors, second_factor_done: bool) -> bool {
    second_factor_done || !factors.second_step_needed()
}

/// Whether a proof made at `at` still allows a change at `now`.
pub fn proof_is_fresh(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    at.is_some_and(|at| at <= now + Duration::seconds(5) && now - at <= FRESH_PROOF)
}

/// Why a factor may not be enrolled (or managed) now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolRefusal {
    /// The account has a factor and this session has not used it.
    SecondFactorFirst,
    /// The account has no factor yet: an administrator's enrolment code.
    EnrolmentCode,
    /// No fresh proof (password with the factor, or a passkey).
    FreshProof,
}

/// Whether this session may enrol a (further) factor now. `fresh` is
/// whether a fresh proof is held; `code_redeemed` whether an enrolment code
/// was redeemed in this session.
pub fn may_enrol(
    factors: Factors,
    second_factor_done: bool,
    code_redeemed: bool,
    fresh: bool,
) -> Result<(), EnrolRefusal> {
    if factors.any() {
        if !second_factor_done {
            return Err(EnrolRefusal::SecondFactorFirst);
        }
    } else if !code_redeemed {
        return Err(EnrolRefusal::EnrolmentCode);
    }
    if !fresh {
        return Err(EnrolRefusal::FreshProof);
    }
    Ok(())
}

/// What a re-authentication form must carry for this account: the password
/// always; with an authenticator app also its code. A passkey-only account
/// proves itself with the passkey (the password alone would be one factor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofForm {
    PasswordOnly,
    PasswordAndCode,
    PasskeyOnly,
}

pub fn proof_form(factors: Factors) -> ProofForm {
    if factors.totp {
        ProofForm::PasswordAndCode
    } else if factors.passkey {
        ProofForm::PasskeyOnly
    } else {
        ProofForm::PasswordOnly
    }
}

/// `Max-Age` of the session cookie: none (a browser-session cookie) unless
/// the user asked to stay signed in on this device, then the session's
/// absolute lifetime at most.
pub fn cookie_max_age(stay_signed_in: bool, absolute: Duration) -> Option<i64> {
    stay_signed_in.then(|| absolute.num_seconds())
}

/// What the security page tells after a change (a one-view notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityNotice {
    PasskeyAdded,
    PasskeyRemoved,
    TotpEnrolled,
    TotpReset,
    RecoveryCodesRenewed,
    PasswordChanged,
    Reauthenticated,
    EnrolmentCodeAccepted,
    SessionEnded,
    OtherSessionsEnded,
}

impl SecurityNotice {
    pub const ALL: [SecurityNotice; 10] = [
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
        Self::TotpEnrolled,
        Self::TotpReset,
        Self::RecoveryCodesRenewed,
        Self::PasswordChanged,
        Self::Reauthenticated,
        Self::EnrolmentCodeAccepted,
        Self::SessionEnded,
        Self::OtherSessionsEnded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::TotpEnrolled => "totp_enrolled",
            Self::TotpReset => "totp_reset",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
            Self::PasswordChanged => "password_changed",
            Self::Reauthenticated => "reauthenticated",
            Self::EnrolmentCodeAccepted => "enrolment_code_accepted",
            Self::SessionEnded => "session_ended",
            Self::OtherSessionsEnded => "other_sessions_ended",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.code() == code)
    }
}

/// The device of a session in words a person recognises, from its
/// User-Agent: the browser and the system, or `None` for each part that is
/// not recognised (the page says "unknown").
pub fn describe_user_agent(ua: &str) -> (Option<&'static str>, Option<&'static str>) {
    // Order matters: Edge and Chrome on iOS say "Safari" too, Chrome says
    // "Safari", Edge says "Chrome".
    let browser = if ua.contains("Edg/") || ua.contains("EdgiOS") || ua.contains("EdgA/") {
        Some("Edge")
    } else if ua.contains("Firefox/") || ua.contains("FxiOS") {
        Some("Firefox")
    } else if ua.contains("SamsungBrowser") {
        Some("Samsung Internet")
    } else if ua.contains("Chrome/") || ua.contains("CriOS") || ua.contains("Chromium/") {
        Some("Chrome")
    } else if ua.contains("Safari/") && ua.contains("Version/") {
        Some("Safari")
    } else {
        None
    };
    let system = if ua.contains("iPhone") {
        Some("iPhone")
    } else if ua.contains("iPad") {
        Some("iPad")
    } else if ua.contains("Android") {
        Some("Android")
    } else if ua.contains("Windows") {
        Some("Windows")
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        Some("Mac")
    } else if ua.contains("CrOS") {
        Some("ChromeOS")
    } else if ua.contains("Linux") {
        Some("Linux")
    } else {
        None
    };
    (browser, system)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(totp: bool, passkey: bool, org_requires: bool) -> Factors {
        Factors {
            totp,
            passkey,
            org_requires,
        }
    }

    #[test]
    fn a_passkey_or_an_app_means_a_second_step_whatever_the_organisation() {
        // (totp, passkey, org requires, second factor done, fully signed in)
        let cases = [
            (false, false, false, false, true),
            (false, false, true, false, false),
            (false, false, true, true, true),
            (true, false, false, false, false),
            (false, true, false, false, false),
            (false, true, false, true, true),
            (true, true, true, false, false),
            (true, true, true, true, true),
        ];
        for (totp, passkey, org, done, expected) in cases {
            assert_eq!(
                fully_signed_in(f(totp, passkey, org), done),
                expected,
                "totp {totp} passkey {passkey} org {org} done {done}"
            );
        }
    }

    #[test]
    fn a_proof_is_fresh_for_five_minutes() {
        let now = Utc::now();
        let cases = [
            (None, false),
            (Some(now), true),
            (Some(now - Duration::minutes(4)), true),
            (Some(now - Duration::minutes(5)), true),
            (
                Some(now - Duration::minutes(5) - Duration::seconds(1)),
                false,
            ),
            (Some(now + Duration::hours(1)), false),
        ];
        for (at, fresh) in cases {
            assert_eq!(proof_is_fresh(at, now), fresh, "{at:?}");
        }
    }

    #[test]
    fn enrolment_needs_a_factor_or_a_code_and_a_fresh_proof() {
        use EnrolRefusal as R;
        // (factors, second factor done, code redeemed, fresh, verdict)
        let cases = [
            (
                f(false, false, false),
                true,
                false,
                true,
                Err(R::EnrolmentCode),
            ),
            (
                f(false, false, true),
                false,
                false,
                true,
                Err(R::EnrolmentCode),
            ),
            (
                f(false, false, true),
                false,
                true,
                false,
                Err(R::FreshProof),
            ),
            (f(false, false, true), false, true, true, Ok(())),
            (f(false, false, false), true, true, true, Ok(())),
            (
                f(false, true, false),
                false,
                true,
                true,
                Err(R::SecondFactorFirst),
            ),
            (
                f(true, false, false),
                false,
                false,
                true,
                Err(R::SecondFactorFirst),
            ),
            (
                f(true, false, false),
                true,
                false,
                false,
                Err(R::FreshProof),
            ),
            (f(true, false, false), true, false, true, Ok(())),
            (f(false, true, true), true, false, true, Ok(())),
        ];
        for (factors, done, code, fresh, verdict) in cases {
            assert_eq!(
                may_enrol(factors, done, code, fresh),
                verdict,
                "{factors:?} done {done} code {code} fresh {fresh}"
            );
        }
    }

    #[test]
    fn the_proof_asked_for_fits_the_account() {
        let cases = [
            (f(false, false, false), ProofForm::PasswordOnly),
            (f(true, false, false), ProofForm::PasswordAndCode),
            (f(true, true, false), ProofForm::PasswordAndCode),
            (f(false, true, true), ProofForm::PasskeyOnly),
        ];
        for (factors, form) in cases {
            assert_eq!(proof_form(factors), form, "{factors:?}");
        }
    }

    #[test]
    fn the_session_cookie_persists_only_when_asked() {
        let absolute = Duration::hours(16);
        assert_eq!(cookie_max_age(false, absolute), None);
        assert_eq!(cookie_max_age(true, absolute), Some(16 * 3600));
    }

    #[test]
    fn notices_round_trip_through_their_codes() {
        for notice in SecurityNotice::ALL {
            assert_eq!(SecurityNotice::parse(notice.code()), Some(notice));
        }
        assert_eq!(SecurityNotice::parse("forged"), None);
    }

    #[test]
    fn devices_are_named_from_their_user_agent() {
        let cases = [
            ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
             (Some("Chrome"), Some("Android"))),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
             (Some("Safari"), Some("iPhone"))),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1",
             (Some("Chrome"), Some("iPhone"))),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
             (Some("Edge"), Some("Windows"))),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0",
             (Some("Firefox"), Some("Mac"))),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
             (Some("Chrome"), Some("Linux"))),
            ("curl/8.5.0", (None, None)),
            ("", (None, None)),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe_user_agent(ua), expected, "{ua}");
        }
    }
}
