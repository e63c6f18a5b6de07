//! `FreeOTP+` JSON exports (`freeotp-backup.json`): `{"tokenOrder":[…],"tokens":[{"algo",
//! "counter","digits","issuerExt","label","period","secret":[signed bytes],"type"}]}`.
//!
//! `FreeOTP` stores the HOTP counter of the code last shown; the next code uses counter + 1 (as
//! Aegis reads it too).

use serde_json::Value;
use zeroize::Zeroizing;

use super::json::{self, Obj};
use super::{Format, ImportError, Imported, Input, RawOtp, clean_name};
use crate::account::{Account, label};
use crate::otp::Secret;

const FORMAT: Format = Format::FreeOtp;

/// Imports a `FreeOTP+` export.
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let root = json::parse(input.bytes, file, FORMAT)?;
    let list = json::list(&root, Some("tokens"), file, FORMAT)?;
    let mut out = Imported::default();
    for (i, v) in list.iter().enumerate() {
        let mut e = Obj::entry(v, file, i)?;
        let issuer = clean_name(
            e.str_opt("issuerExt")?
                .or(e.str_opt("issuerInt")?)
                .unwrap_or(""),
        );
        let account = clean_name(e.str_opt("label")?.unwrap_or(""));
        e.label = label(&issuer, &account);
        let Some(Value::Array(raw)) = e.get("secret") else {
            return Err(e.err("secret", "expected a list of bytes"));
        };
        let mut bytes = Zeroizing::new(Vec::with_capacity(raw.len()));
        for b in raw {
            let byte = b
                .as_i64()
                .filter(|n| (-128..=255).contains(n))
                .ok_or_else(|| e.err("secret", "expected a list of bytes"))?;
            bytes.push(i8::try_from(byte).map_or_else(
                |_| u8::try_from(byte).expect("checked range"),
                |s| s.to_ne_bytes()[0],
            ));
        }
        let b32 = Secret::from_bytes(bytes.to_vec()).to_base32();
        let counter = e.uint_opt("counter")?.map(|c| c.saturating_add(1));
        let raw = RawOtp {
            kind: e.str_opt("type")?.unwrap_or("TOTP"),
            secret: &b32,
            algorithm: e.str_opt("algo")?,
            digits: e.uint_opt("digits")?,
            period: e.uint_opt("period")?,
            counter,
            fields: ["secret", "algo", "digits", "period", "counter"],
        };
        match raw.build() {
            Ok(otp) => out.accounts.push(Account::new(issuer, account, otp)),
            Err(p) => out.skipped.push(e.problem(p)?),
        }
    }
    Ok(out)
}
