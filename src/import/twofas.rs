//! 2FAS Authenticator backups (`.2fas`), unencrypted, schema versions 2 to 4.
//!
//! `{"services":[{"name","secret","otp":{"account","issuer","digits","period","algorithm",
//! "counter","tokenType"}}],"schemaVersion":4,…}`. Schema 2 has no `tokenType` (every entry is
//! TOTP there). Encrypted backups keep their entries in `servicesEncrypted` and are refused with
//! a hint.

use serde_json::Value;

use super::json::{self, Obj};
use super::{Format, ImportError, Imported, Input, RawOtp, clean_name, label};
use crate::account::Account;

const FORMAT: Format = Format::TwoFas;

/// Imports a 2FAS backup.
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let root = json::parse(input.bytes, file, FORMAT)?;
    if root
        .get("servicesEncrypted")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
    {
        return Err(ImportError::Unsupported {
            file: file.to_owned(),
            problem: "this 2FAS backup is encrypted; authcli reads unencrypted 2FAS backups only: in 2FAS, export again without a password".into(),
        });
    }
    let list = json::list(&root, Some("services"), file, FORMAT)?;
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
