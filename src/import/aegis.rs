//! Aegis Authenticator exports (`aegis-export-*.json`), plain and encrypted.
//!
//! Layout: `{"version":1,"header":{"slots":…,"params":…},"db":…}`. Plain exports have
//! `slots: null` and `db` as an object; encrypted ones have `db` as base64 of the AES-256-GCM
//! encrypted db JSON (nonce and tag in `header.params`), under a random master key that each
//! password slot (`type` 1) holds encrypted with a key derived by scrypt (`n`, `r`, `p`, `salt`)
//! from the password. Entry types `totp`, `hotp` and `steam` are imported; `motp` and `yandex`
//! are skipped by name.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use age::secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use zeroize::Zeroizing;

use super::json::{self, Obj};
use super::{Format, ImportError, Imported, Input, RawOtp, clean_name};
use crate::account::{Account, label};

const FORMAT: Format = Format::Aegis;

/// The largest scrypt memory accepted for a slot (128·r·n bytes): 1 GiB.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;

/// Imports an Aegis export.
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let root = json::parse(input.bytes, file, FORMAT)?;
    let Value::Object(top) = &root else {
        return Err(json::shape(file, FORMAT, "expected an object at the top"));
    };
    if let Some(v) = top.get("version").and_then(Value::as_u64)
        && v > 1
    {
        return Err(json::shape(
            file,
            FORMAT,
            format!("export version {v} is newer than the version 1 authcli knows"),
        ));
    }
    let header = top
        .get("header")
        .ok_or_else(|| json::shape(file, FORMAT, "no \"header\""))?;
    let db = top
        .get("db")
        .ok_or_else(|| json::shape(file, FORMAT, "no \"db\""))?;
    let slots = header.get("slots").filter(|s| !s.is_null());
    match (slots, db) {
        (None, Value::Object(_)) => entries(db, file),
        (Some(slots), Value::String(ct)) => {
            let plain = decrypt(header, slots, ct, input)?;
            let db = json::parse(&plain, file, FORMAT)?;
            entries(&db, file)
        }
        (None, _) => Err(json::shape(
            file,
            FORMAT,
            "\"db\" must be an object in a plain export",
        )),
        (Some(_), _) => Err(json::shape(
            file,
            FORMAT,
            "\"db\" must be base64 text in an encrypted export",
        )),
    }
}

fn entries(db: &Value, file: &str) -> Result<Imported, ImportError> {
    if let Some(v) = db.get("version").and_then(Value::as_u64)
        && v > 3
    {
        return Err(json::shape(
            file,
            FORMAT,
            format!("database version {v} is newer than the versions 1-3 authcli knows"),
        ));
    }
    let list = json::list(db, Some("entries"), file, FORMAT)?;
    let mut out = Imported::default();
    for (i, v) in list.iter().enumerate() {
        let mut e = Obj::entry(v, file, i)?;
        let issuer = clean_name(e.str_opt("issuer")?.unwrap_or(""));
        let account = clean_name(e.str_opt("name")?.unwrap_or(""));
        e.label = label(&issuer, &account);
        let kind = e.str_req("type")?;
        let info = e.obj_req("info")?;
        let raw = RawOtp {
            kind,
            secret: info.str_opt("secret")?.unwrap_or(""),
            algorithm: info.str_opt("algo")?,
            digits: info.uint_opt("digits")?,
            period: info.uint_opt("period")?,
            counter: info.uint_opt("counter")?,
            fields: [
                "info.secret",
                "info.algo",
                "info.digits",
                "info.period",
                "info.counter",
            ],
        };
        match raw.build() {
            Ok(otp) => out.accounts.push(Account::new(issuer, account, otp)),
            Err(p) => out.skipped.push(e.problem(p)?),
        }
    }
    Ok(out)
}

fn hex(file: &str, what: &str, text: Option<&Value>, len: usize) -> Result<Vec<u8>, ImportError> {
    let bad = || json::shape(file, FORMAT, format!("{what} must be {len} bytes of hex"));
    let text = text.and_then(Value::as_str).ok_or_else(bad)?;
    let bytes = data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.as_bytes())
        .map_err(|_| bad())?;
    if bytes.len() != len {
        return Err(bad());
    }
    Ok(bytes)
}

/// The bytes of the password as Aegis feeds them to scrypt: UTF-8, plus the zero padding that
/// Aegis versions before 1.1 added by mistake (tried for slots not marked `repaired`).
fn password_variants(password: &SecretString, repaired: bool) -> Vec<Zeroizing<Vec<u8>>> {
    let utf8 = Zeroizing::new(password.expose_secret().as_bytes().to_vec());
    let mut out = vec![utf8.clone()];
    if !repaired {
        // Java's CharsetEncoder allocates floor(chars × 1.1) bytes, doubling (+1) until the
        // text fits, and the old code used the whole buffer.
        let units = password.expose_secret().encode_utf16().count();
        let mut cap = units * 11 / 10;
        while cap < utf8.len() {
            cap = 2 * cap + 1;
        }
        if cap > utf8.len() {
            let mut padded = utf8.clone();
            padded.resize(cap, 0);
            out.push(padded);
        }
    }
    out
}

fn decrypt(
    header: &Value,
    slots: &Value,
    db_b64: &str,
    input: &mut Input<'_>,
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let file = input.file;
    let Value::Array(slots) = slots else {
        return Err(json::shape(file, FORMAT, "\"header.slots\" must be a list"));
    };
    let password_slots: Vec<&Value> = slots
        .iter()
        .filter(|s| s.get("type").and_then(Value::as_u64) == Some(1))
        .collect();
    if password_slots.is_empty() {
        return Err(ImportError::Unsupported {
            file: file.to_owned(),
            problem: "this encrypted Aegis export has no password slot (only biometric or raw keys); export it again with a password".into(),
        });
    }
    let params = header
        .get("params")
        .ok_or_else(|| json::shape(file, FORMAT, "no \"header.params\""))?;
    let db_nonce = hex(file, "header.params.nonce", params.get("nonce"), 12)?;
    let db_tag = hex(file, "header.params.tag", params.get("tag"), 16)?;
    let mut db_ct = data_encoding::BASE64
        .decode(db_b64.as_bytes())
        .map_err(|_| json::shape(file, FORMAT, "\"db\" is not valid base64"))?;
    db_ct.extend_from_slice(&db_tag);

    let password = (input.password)().map_err(|reason| ImportError::NoPassword {
        file: file.to_owned(),
        reason,
    })?;
    let mut master = None;
    'slots: for (n, slot) in password_slots.iter().enumerate() {
        let what = |f: &str| format!("header.slots[{n}].{f}");
        let salt = hex(file, &what("salt"), slot.get("salt"), 32)?;
        let key_ct = hex(file, &what("key"), slot.get("key"), 32)?;
        let kp = slot.get("key_params");
        let nonce = hex(
            file,
            &what("key_params.nonce"),
            kp.and_then(|k| k.get("nonce")),
            12,
        )?;
        let tag = hex(
            file,
            &what("key_params.tag"),
            kp.and_then(|k| k.get("tag")),
            16,
        )?;
        let params = scrypt_params(file, slot, &what)?;
        let repaired = slot.get("repaired").and_then(Value::as_bool) == Some(true);
        let mut ct = key_ct;
        ct.extend_from_slice(&tag);
        for pw in password_variants(&password, repaired) {
            let mut key = Zeroizing::new([0u8; 32]);
            scrypt::scrypt(&pw, &salt, &params, key.as_mut())
                .expect("32 bytes is a valid scrypt output length");
            let cipher = Aes256Gcm::new_from_slice(key.as_ref()).expect("32-byte key");
            if let Ok(k) = cipher.decrypt(Nonce::from_slice(&nonce), ct.as_ref()) {
                master = Some(Zeroizing::new(k));
                break 'slots;
            }
        }
    }
    let master = master.ok_or_else(|| ImportError::WrongPassword {
        file: file.to_owned(),
        format: FORMAT,
    })?;
    let damaged = |problem: &str| ImportError::Damaged {
        file: file.to_owned(),
        format: FORMAT,
        problem: problem.to_owned(),
    };
    let cipher = Aes256Gcm::new_from_slice(&master)
        .map_err(|_| damaged("the master key is not 32 bytes"))?;
    let plain = cipher
        .decrypt(Nonce::from_slice(&db_nonce), db_ct.as_ref())
        .map_err(|_| damaged("the database does not match its authentication tag"))?;
    Ok(Zeroizing::new(plain))
}

fn scrypt_params(
    file: &str,
    slot: &Value,
    what: &dyn Fn(&str) -> String,
) -> Result<scrypt::Params, ImportError> {
    let num = |f: &str| {
        slot.get(f)
            .and_then(Value::as_u64)
            .ok_or_else(|| json::shape(file, FORMAT, format!("{} must be a number", what(f))))
    };
    let (n, r, p) = (num("n")?, num("r")?, num("p")?);
    let bad = |problem: String| json::shape(file, FORMAT, problem);
    if n < 2 || !n.is_power_of_two() {
        return Err(bad(format!("{} must be a power of two", what("n"))));
    }
    if r == 0
        || p == 0
        || r > 64
        || p > 16
        || 128u64.saturating_mul(r).saturating_mul(n) > MAX_SCRYPT_MEMORY
    {
        return Err(bad(format!(
            "scrypt parameters n={n}, r={r}, p={p} are out of the range authcli accepts"
        )));
    }
    let log_n = u8::try_from(n.trailing_zeros()).expect("below 64");
    scrypt::Params::new(
        log_n,
        u32::try_from(r).expect("checked"),
        u32::try_from(p).expect("checked"),
        32,
    )
    .map_err(|_| bad(format!("invalid scrypt parameters in {}", what("n"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_password_padding() {
        let p = |s: &str| SecretString::from(s.to_owned());
        assert_eq!(password_variants(&p("test"), false).len(), 1);
        let v = password_variants(&p("0123456789"), false);
        assert_eq!(v.len(), 2);
        assert_eq!(&v[1][..], b"0123456789\0");
        assert_eq!(password_variants(&p("0123456789"), true).len(), 1);
        // Non-ASCII: 3 UTF-16 units, 6 UTF-8 bytes → 3 → 7 bytes.
        let v = password_variants(&p("äöü"), false);
        assert_eq!(v[1].len(), 7);
    }
}
