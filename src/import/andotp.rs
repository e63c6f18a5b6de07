//! andOTP backups: plain (`otp_accounts_*.json`) and password-encrypted (`.json.aes`).
//!
//! A JSON list of `{"secret","issuer","label","digits","type","algorithm","period","counter"}`;
//! `type` is TOTP, HOTP, STEAM or MOTP (skipped). An encrypted backup is that JSON sealed with
//! AES-256-GCM under a key derived with PBKDF2-HMAC-SHA1 from the password: 4 bytes of
//! iterations (big-endian), a 12-byte salt, a 12-byte nonce, then the ciphertext and its tag.

use zeroize::Zeroizing;

use super::json::{self, Obj};
use super::{Format, ImportError, Imported, Input, RawOtp, clean_name};
use crate::account::{Account, label};

const FORMAT: Format = Format::AndOtp;

/// The PBKDF2 iterations an encrypted backup may ask for (andOTP picks 140,000 to 160,000).
const ITERATIONS: std::ops::RangeInclusive<u32> = 1_000..=10_000_000;
const HEADER: usize = 4 + 12 + 12;

/// Whether `bytes` look like an encrypted andOTP backup: binary, with a plausible iteration
/// count in front and room for a header and a tag.
pub fn looks_encrypted(bytes: &[u8]) -> bool {
    bytes.len() >= HEADER + 16
        && std::str::from_utf8(&bytes[..bytes.len().min(64)]).is_err()
        && ITERATIONS.contains(&u32::from_be_bytes([
            bytes[0], bytes[1], bytes[2], bytes[3],
        ]))
}

/// Opens an encrypted backup (one that [`looks_encrypted`]) with the password the user gives.
fn decrypt(input: &mut Input<'_>) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let bytes = input.bytes;
    let iterations = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let (salt, nonce, ct) = (&bytes[4..16], &bytes[16..HEADER], &bytes[HEADER..]);
    super::open_sealed(input, FORMAT, nonce, ct, |password, key| {
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, key);
    })
}

/// Imports an andOTP backup, plain or encrypted.
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let plain;
    let bytes = if looks_encrypted(input.bytes) {
        plain = decrypt(input)?;
        &plain[..]
    } else {
        input.bytes
    };
    let root = json::parse(bytes, file, FORMAT)?;
    let list = json::list(&root, None, file, FORMAT)?;
    let mut out = Imported::default();
    for (i, v) in list.iter().enumerate() {
        let mut e = Obj::entry(v, file, i)?;
        let issuer = clean_name(e.str_opt("issuer")?.unwrap_or(""));
        let account = clean_name(e.str_opt("label")?.unwrap_or(""));
        e.label = label(&issuer, &account);
        let raw = RawOtp {
            kind: e.str_opt("type")?.unwrap_or("TOTP"),
            secret: e.str_req("secret")?,
            algorithm: e.str_opt("algorithm")?,
            digits: e.uint_opt("digits")?,
            period: e.uint_opt("period")?,
            counter: e.uint_opt("counter")?,
            fields: ["secret", "algorithm", "digits", "period", "counter"],
        };
        match raw.build() {
            Ok(otp) => out.accounts.push(Account::new(issuer, account, otp)),
            Err(p) => out.skipped.push(e.problem(p)?),
        }
    }
    Ok(out)
}
