//! TOTP (RFC 6238) second factor and recovery codes, on the well-kept
//! `totp-rs` crate; we add what it leaves to the caller: a ±1 step window,
//! refusing a step that was already used, and single-use recovery codes
//! stored only as hashes.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use totp_rs::{Algorithm, Secret, TOTP};

/// The issuer shown in the authenticator app.
pub const ISSUER: &str = "Nightcall";
const STEP_SECONDS: u64 = 30;
/// How many recovery codes an enrolment hands out.
pub const RECOVERY_CODES: usize = 10;

/// A new random 160-bit secret, base32 (what authenticator apps expect).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret_base32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        bytes,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .ok()
}

/// The `otpauth://` URI an authenticator app scans.
pub fn provisioning_uri(secret_base32: &str, account: &str) -> Option<String> {
    totp(secret_base32, account).map(|t| t.get_url())
}

/// The URI as an SVG QR code (no image crates: qrcode renders SVG text).
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
    )
}

/// Checks `code` at `unix_time` against the current step and one on either
/// side (phones drift). Returns the matching step, which the caller stores so
/// the same code cannot be used twice; steps up to `last_step` are refused.
pub fn verify(
    secret_base32: &str,
    code: &str,
    unix_time: u64,
    last_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret_base32, "")?;
    let now_step = (unix_time / STEP_SECONDS) as i64;
    (now_step - 1..=now_step + 1)
        .filter(|step| last_step.is_none_or(|last| *step > last))
        .find(|step| {
            let expected = totp.generate(*step as u64 * STEP_SECONDS);
            constant_time_eq(expected.as_bytes(), code.as_bytes())
        })
}

/// The code for `unix_time` (what the authenticator app shows then).
pub fn code_at(secret_base32: &str, unix_time: u64) -> Option<String> {
    totp(secret_base32, "").map(|t| t.generate(unix_time))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Fresh recovery codes, `xxxx-xxxx` from an alphabet without look-alikes.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 8];
            OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..4], &chars[4..])
        })
        .collect()
}

/// Recovery codes are compared in a normal form: lower case, no spaces or
/// hyphens, so `ABCD EFGH` and `abcd-efgh` are the same code.
pub fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B test secret ("12345678901234567890"), SHA-1.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn rfc_6238_vectors_verify_within_one_step_and_only_once() {
        // At T = 59 s the 8-digit RFC code is 94287082; its last 6 digits
        // are the 6-digit code.
        let cases = [
            ("287082", 59, None, Some(1)),
            ("287082", 59 + 30, None, Some(1)),
            ("287082", 59 + 60, None, None),
            ("287082", 59, Some(1), None),
            ("28708", 59, None, None),
            ("abcdef", 59, None, None),
            (" 287 082 ", 59, None, Some(1)),
        ];
        for (code, t, last, expected) in cases {
            assert_eq!(
                verify(RFC_SECRET, code, t, last),
                expected,
                "{code:?} at {t}, last {last:?}"
            );
        }
    }

    #[test]
    fn secrets_and_recovery_codes_are_random_and_well_formed() {
        let a = new_secret();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_secret());
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 9, "{code}");
            assert_eq!(
                normalize_recovery_code(&code.to_uppercase().replace('-', " ")),
                code.replace('-', "")
            );
        }
        let uri = provisioning_uri(&a, "nurse1").unwrap();
        assert!(uri.starts_with("otpauth://totp/Nightcall:nurse1?"), "{uri}");
        assert!(qr_svg(&uri).unwrap().starts_with("<?xml"));
    }
}
