//! 2FAS Authenticator backups (`.2fas`), unencrypted, schema versions 2 to 4.
//!
//! `{"services":[{"name","secret","otp":{"account","issuer","digits","period","algorithm",
//! "counter","tokenType"}}],"schemaVersion":4,…}`. Schema 2 has no `tokenType` (every entry is
//! TOTP there). Encrypted backups keep their entries in `servicesEncrypted`:
//! `base64(ciphertext+tag):base64(salt):base64(nonce)`, AES-256-GCM under a key derived with
//! PBKDF2-HMAC-SHA256 (10,000 rounds) from the backup password; the plaintext is the
//! `services` list.

use serde_json::Value;
use zeroize::Zeroizing;

use super::json::{self, Obj};
use super::{Format, ImportError, Imported, Input, RawOtp, clean_name};
use crate::account::{Account, label};

const FORMAT: Format = Format::TwoFas;

/// Imports a 2FAS backup (asking for the password when it is encrypted).
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let root = json::parse(input.bytes, file, FORMAT)?;
    if let Some(enc) = root
        .get("servicesEncrypted")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        let plain = decrypt(enc, input)?;
        let services = json::parse(&plain, file, FORMAT)?;
        let list = json::list(&services, None, file, FORMAT)?;
        return entries(list, file);
    }
    let list = json::list(&root, Some("services"), file, FORMAT)?;
    entries(list, file)
}

/// PBKDF2 rounds 2FAS uses.
const ROUNDS: u32 = 10_000;

fn decrypt(enc: &str, input: &mut Input<'_>) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let file = input.file;
    let bad = || {
        json::shape(
            file,
            FORMAT,
            "\"servicesEncrypted\" must be three base64 parts separated by ':'",
        )
    };
    let parts: Vec<&str> = enc.split(':').collect();
    let [ct, salt, nonce] = parts.as_slice() else {
        return Err(bad());
    };
    let b64 = |t: &str| {
        data_encoding::BASE64
            .decode(t.as_bytes())
            .map_err(|_| bad())
    };
    let (ct, salt, nonce) = (b64(ct)?, b64(salt)?, b64(nonce)?);
    if nonce.len() != 12 || ct.len() < 16 {
        return Err(bad());
    }
    super::open_sealed(input, FORMAT, &nonce, &ct, |password, key| {
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &salt, ROUNDS, key);
    })
}

fn entries(list: &[Value], file: &str) -> Result<Imported, ImportError> {
    let mut out = Imported::default();
    for (i, v) in list.iter().enumerate() {
        let mut e = Obj::entry(v, file, i)?;
        let name = clean_name(e.str_opt("name")?.unwrap_or(""));
        let otp = e.obj_opt("otp")?;
        let (issuer, account) = match &otp {
            Some(o) => (
                clean_name(o.str_opt("issuer")?.unwrap_or("")),
                clean_name(o.str_opt("account")?.unwrap_or("")),
            ),
            None => (String::new(), String::new()),
        };
        let issuer = if issuer.is_empty() { name } else { issuer };
        e.label = label(&issuer, &account);
        let secret = e.str_req("secret")?;
        let (kind, algorithm, digits, period, counter) = match &otp {
            Some(o) => (
                o.str_opt("tokenType")?.unwrap_or("TOTP"),
                o.str_opt("algorithm")?,
                o.uint_opt("digits")?,
                o.uint_opt("period")?,
                o.uint_opt("counter")?,
            ),
            None => ("TOTP", None, None, None, None),
        };
        let raw = RawOtp {
            kind,
            secret,
            algorithm,
            digits,
            period,
            counter,
            fields: [
                "secret",
                "otp.algorithm",
                "otp.digits",
                "otp.period",
                "otp.counter",
            ],
        };
        match raw.build() {
            Ok(otp) => out.accounts.push(Account::new(issuer, account, otp)),
            Err(p) => out.skipped.push(e.problem(p)?),
        }
    }
    Ok(out)
}
