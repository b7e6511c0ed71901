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

/// Fresh recovery codes: four groups of five characters from an alphabet
/// without look-alikes, 99 bits each (`secrets::new_code`).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| crate::ssr::secrets::new_code(4))
        .collect()
}

/// Recovery codes are compared in a normal form: lower case, no spaces or
/// hyphens, so `ABCDE FGHJK` and `abcde-fghjk` are the same code.
pub fn normalize_recovery_code(code: &str) -> String {
    crate::ssr::secrets::normalize_code(code)
}

/// The account's TOTP secret, opened with the server key.
pub async fn secret_of(
    db: &mut sqlx::PgConnection,
    staff_id: uuid::Uuid,
) -> Result<Option<(String, Option<i64>)>, crate::error::AppError> {
    let row = sqlx::query!(
        "select totp_secret_sealed, totp_last_step from staff where id = $1",
        staff_id
    )
    .fetch_one(db)
    .await
    .map_err(crate::ssr::request::internal("reading the account"))?;
    match row.totp_secret_sealed {
        Some(sealed) => Ok(Some((
            crate::ssr::secrets::open(&sealed, staff_id.as_bytes())?,
            row.totp_last_step,
        ))),
        None => Ok(None),
    }
}

/// Checks `code` for `staff_id`: a code from the app (its step stored
/// only if newer than the last used one, so it works once whatever the
/// concurrency) or an unused recovery code (used up, conditionally).
/// Call under the account's advisory lock, inside a transaction.
pub async fn check_code(
    db: &mut sqlx::PgConnection,
    staff_id: uuid::Uuid,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, crate::error::AppError> {
    use crate::ssr::request;
    let Some((secret, last_step)) = secret_of(db, staff_id).await? else {
        return Ok(false);
    };
    if let Some(step) = verify(&secret, code, now.timestamp() as u64, last_step) {
        return Ok(sqlx::query!(
            "update staff set totp_last_step = $2
              where id = $1 and (totp_last_step is null or totp_last_step < $2)",
            staff_id,
            step
        )
        .execute(&mut *db)
        .await
        .map_err(request::internal("storing the used step"))?
        .rows_affected()
            == 1);
    }
    let normalized = normalize_recovery_code(code);
    if normalized.is_empty() || normalized.len() > 64 {
        return Ok(false);
    }
    let hash = crate::ssr::secrets::code_mac(RECOVERY_PURPOSE, &normalized)?;
    Ok(sqlx::query!(
        "update recovery_codes set used_at = $3
          where staff_id = $1 and code_hash = $2 and used_at is null",
        staff_id,
        hash,
        now
    )
    .execute(&mut *db)
    .await
    .map_err(request::internal("using a recovery code"))?
    .rows_affected()
        == 1)
}

/// The HMAC purpose of recovery codes.
pub const RECOVERY_PURPOSE: &str = "recovery";

/// Replaces the account's recovery codes with fresh ones; returns them
/// (to show once).
pub async fn replace_recovery_codes(
    db: &mut sqlx::PgConnection,
    staff_id: uuid::Uuid,
) -> Result<Vec<String>, crate::error::AppError> {
    use crate::ssr::request;
    let codes = new_recovery_codes();
    let hashes = codes
        .iter()
        .map(|c| crate::ssr::secrets::code_mac(RECOVERY_PURPOSE, &normalize_recovery_code(c)))
        .collect::<Result<Vec<_>, _>>()?;
    sqlx::query!("delete from recovery_codes where staff_id = $1", staff_id)
        .execute(&mut *db)
        .await
        .map_err(request::internal("replacing recovery codes"))?;
    sqlx::query!(
        "insert into recovery_codes (staff_id, code_hash) select $1, unnest($2::bytea[])",
        staff_id,
        &hashes
    )
    .execute(&mut *db)
    .await
    .map_err(request::internal("storing recovery codes"))?;
    Ok(codes)
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
            assert_eq!(code.len(), 23, "{code}");
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
