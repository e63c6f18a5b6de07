//! andOTP backups (`otp_accounts_*.json`), unencrypted.
//!
//! A JSON list of `{"secret","issuer","label","digits","type","algorithm","period","counter"}`;
//! `type` is TOTP, HOTP, STEAM or MOTP (skipped). Encrypted backups (`.json.aes`) are binary and
//! not read.

use super::json::{self, Obj};
use super::{Format, ImportError, Imported, Input, RawOtp, clean_name};
use crate::account::{Account, label};

const FORMAT: Format = Format::AndOtp;

/// Imports an andOTP backup.
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let root = json::parse(input.bytes, file, FORMAT)?;
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
