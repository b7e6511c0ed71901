//! The server key (`NIGHTCALL_SECRET_KEY`, 32 bytes) and what is made with
//! it: TOTP secrets sealed at rest with AES-256-GCM, and recovery and
//! enrolment codes stored as HMAC-SHA256. A copy of the database alone
//! then yields neither a working authenticator secret nor a code to try
//! offline (the codes have 99 bits, the key 256).
//!
//! Two keys are derived from the one configured, each for one use, so a
//! MAC can never be mistaken for a ciphertext key. The key is installed
//! once per process (`install`) by the server's start-up, read from the
//! environment or from the data folder (`server::secret_key`).

use crate::error::AppError;
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::OnceLock;

/// The decoded key, 32 bytes.
pub type SecretKey = [u8; 32];

static KEY: OnceLock<SecretKey> = OnceLock::new();

/// Installs the process's key; a second call with another key is refused
/// (`false`): sealed values would not open any more.
pub fn install(key: SecretKey) -> bool {
    *KEY.get_or_init(|| key) == key
}

/// Parses a configured key: 64 hex digits or base64 of 32 bytes.
pub fn parse_key(text: &str) -> Option<SecretKey> {
    use base64::Engine;
    let text = text.trim();
    let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text))
            .ok()?
    };
    bytes.try_into().ok()
}

/// A fresh random key, as 64 hex digits (what `.data/secret.key` holds).
pub fn new_key_hex() -> String {
    use argon2::password_hash::rand_core::RngCore;
    let mut key = [0u8; 32];
    argon2::password_hash::rand_core::OsRng.fill_bytes(&mut key);
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn key() -> Result<&'static SecretKey, AppError> {
    KEY.get().ok_or_else(|| {
        tracing::error!("no server key installed (NIGHTCALL_SECRET_KEY)");
        AppError::Internal
    })
}

fn derive(label: &[u8]) -> Result<[u8; 32], AppError> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key()?).map_err(|_| AppError::Internal)?;
    mac.update(b"nightcall key derivation v1\0");
    mac.update(label);
    Ok(mac.finalize().into_bytes().into())
}

/// HMAC-SHA256 of a code (already normalised) for one purpose
/// (`recovery`, `enrolment`): what the tables keep instead of the code.
pub fn code_mac(purpose: &str, code: &str) -> Result<Vec<u8>, AppError> {
    let subkey = derive(b"codes")?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&subkey).map_err(|_| AppError::Internal)?;
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(code.as_bytes());
    Ok(mac.finalize().into_bytes().to_vec())
}

/// Seals `plain` for the row named by `context` (the staff id): nonce
/// (12 bytes) then ciphertext and tag. The context is authenticated, so a
/// sealed secret copied to another account's row does not open.
pub fn seal(plain: &str, context: &[u8]) -> Result<Vec<u8>, AppError> {
    let cipher =
        Aes256Gcm::new_from_slice(&derive(b"totp-secrets")?).map_err(|_| AppError::Internal)?;
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plain.as_bytes(),
                aad: context,
            },
        )
        .map_err(|_| AppError::Internal)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens what [`seal`] made for the same context; a wrong key, context or
/// a changed byte is an internal error (logged).
pub fn open(sealed: &[u8], context: &[u8]) -> Result<String, AppError> {
    if sealed.len() < 12 + 16 {
        tracing::error!("a sealed secret too short to open");
        return Err(AppError::Internal);
    }
    let cipher =
        Aes256Gcm::new_from_slice(&derive(b"totp-secrets")?).map_err(|_| AppError::Internal)?;
    let (nonce, body) = sealed.split_at(12);
    let plain = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: context,
            },
        )
        .map_err(|_| {
            tracing::error!("a sealed secret does not open (another NIGHTCALL_SECRET_KEY?)");
            AppError::Internal
        })?;
    String::from_utf8(plain).map_err(|_| AppError::Internal)
}

/// The alphabet of codes people type: no 0/o, 1/l/i look-alikes (31).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A random code of `groups` groups of five characters (`abcde-fghjk-…`),
/// log2(31) ≈ 4.95 bits each: four groups are 99 bits. Rejection sampling,
/// so every character is equally likely.
pub fn new_code(groups: usize) -> String {
    use argon2::password_hash::rand_core::RngCore;
    let limit = 256 - 256 % ALPHABET.len();
    let mut chars = Vec::with_capacity(groups * 5);
    while chars.len() < groups * 5 {
        let mut byte = [0u8; 1];
        argon2::password_hash::rand_core::OsRng.fill_bytes(&mut byte);
        if usize::from(byte[0]) < limit {
            chars.push(ALPHABET[usize::from(byte[0]) % ALPHABET.len()] as char);
        }
    }
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Codes are compared in a normal form: lower case, letters and digits
/// only, so `ABCDE FGHJK` and `abcde-fghjk` are the same code.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_from_hex_or_base64_of_32_bytes() {
        let hex = "00".repeat(31) + "ff";
        let cases = [
            (hex.as_str(), true),
            ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", true),
            ("too short", false),
            ("", false),
            (&"zz".repeat(32), false),
        ];
        for (text, ok) in cases {
            assert_eq!(parse_key(text).is_some(), ok, "{text}");
        }
        assert_eq!(parse_key(&hex).unwrap()[31], 0xff);
        assert!(parse_key(&new_key_hex()).is_some());
    }

    #[test]
    fn sealed_secrets_open_only_for_their_row_and_codes_are_long() {
        install([7u8; 32]);
        let sealed = seal("JBSWY3DPEHPK3PXP", b"staff-a").unwrap();
        assert_eq!(open(&sealed, b"staff-a").unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(open(&sealed, b"staff-b").is_err(), "another row");
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(open(&tampered, b"staff-a").is_err(), "a changed byte");
        assert_ne!(
            seal("x", b"a").unwrap(),
            seal("x", b"a").unwrap(),
            "fresh nonces"
        );

        let code = new_code(4);
        assert_eq!(code.len(), 23, "{code}");
        assert!(normalize_code(&code).len() as f64 * (ALPHABET.len() as f64).log2() >= 80.0);
        assert_ne!(code, new_code(4));
        assert_eq!(
            normalize_code(&code.to_uppercase().replace('-', " ")),
            code.replace('-', "")
        );
        let a = code_mac("recovery", "abc").unwrap();
        assert_eq!(a.len(), 32);
        assert_eq!(a, code_mac("recovery", "abc").unwrap());
        assert_ne!(a, code_mac("enrolment", "abc").unwrap(), "one purpose each");
    }
}
