//! authcli's own JSON export (`export --format json`), schema version 1:
//!
//! ```json
//! {"version": 1, "accounts": [{"id": "3f2a…", "name": "github", "issuer": "GitHub", "account": "me",
//!   "type": "totp", "secret": "JBSWY3DPEHPK3PXP", "algorithm": "SHA1", "digits": 6,
//!   "period": 30, "counter": null}]}
//! ```
//!
//! `type` is totp, hotp or steam; `period` is null for hotp and `counter` null for the others.
//! A file with a higher `version` is refused rather than half read.

use serde_json::Value;

use super::json::{self, Obj};
use super::{Format, ImportError, Imported, Input, RawOtp, clean_name};
use crate::account::{Account, label};

const FORMAT: Format = Format::Authcli;

/// The schema version written by `export --format json` and read here.
pub const VERSION: u64 = 1;

/// Imports an authcli JSON export; accounts keep their names.
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let root = json::parse(input.bytes, file, FORMAT)?;
    match root.get("version").map(Value::as_u64) {
        Some(Some(VERSION)) => {}
        Some(Some(v)) if v > VERSION => {
            return Err(json::shape(
                file,
                FORMAT,
                format!(
                    "it was written by a newer authcli (version {v}; this one reads {VERSION})"
                ),
            ));
        }
        _ => {
            return Err(json::shape(
                file,
                FORMAT,
                format!("\"version\" must be {VERSION}"),
            ));
        }
    }
    let list = json::list(&root, Some("accounts"), file, FORMAT)?;
    let mut out = Imported::default();
    for (i, v) in list.iter().enumerate() {
        let mut e = Obj::entry(v, file, i)?;
        let id = e.str_opt("id")?.unwrap_or("").to_owned();
        let name = clean_name(e.str_opt("name")?.unwrap_or(""));
        let issuer = clean_name(e.str_opt("issuer")?.unwrap_or(""));
        let account = clean_name(e.str_opt("account")?.unwrap_or(""));
        e.label = if name.is_empty() {
            label(&issuer, &account)
        } else {
            name.clone()
        };
        let raw = RawOtp {
            kind: e.str_req("type")?,
            secret: e.str_req("secret")?,
            algorithm: e.str_opt("algorithm")?,
            digits: e.uint_opt("digits")?,
            period: e.uint_opt("period")?,
            counter: e.uint_opt("counter")?,
            fields: ["secret", "algorithm", "digits", "period", "counter"],
        };
        match raw.build() {
            Ok(otp) => {
                let mut acc = Account::new(issuer, account, otp);
                acc.name = name;
                // Kept by the import when it is a valid id the vault does not have.
                acc.id = id;
                out.accounts.push(acc);
            }
            Err(p) => out.skipped.push(e.problem(p)?),
        }
    }
    Ok(out)
}
