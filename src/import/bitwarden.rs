//! Bitwarden JSON exports (unencrypted): the `login.totp` field of each item, which holds an
//! `otpauth://` or `steam://` URI or a bare base32 secret. A bare secret becomes a standard
//! TOTP (SHA1, 6 digits, 30 s) named after the item and its user name. Items without `totp`
//! are ignored (they are plain passwords) and counted in a note.

use serde_json::Value;

use super::json::{self, Obj};
use super::{EntryProblem, Format, ImportError, Imported, Input, clean_name, label};
use crate::account::Account;
use crate::otp::{Algorithm, Kind, Otp, ParamError, Secret};
use crate::uri::{self, UriError};

const FORMAT: Format = Format::Bitwarden;

/// Imports a Bitwarden export.
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let root = json::parse(input.bytes, file, FORMAT)?;
    if root.get("encrypted").and_then(Value::as_bool) == Some(true) {
        return Err(ImportError::Unsupported {
            file: file.to_owned(),
            problem: "this Bitwarden export is encrypted; export again as \".json\" (not \".json (Encrypted)\")".into(),
        });
    }
    let list = json::list(&root, Some("items"), file, FORMAT)?;
    let mut out = Imported::default();
    let mut without = 0usize;
    for (i, v) in list.iter().enumerate() {
        let mut e = Obj::entry(v, file, i)?;
        let name = clean_name(e.str_opt("name")?.unwrap_or(""));
        let Some(login) = e.obj_opt("login")? else {
            without += 1;
            continue;
        };
        let user = clean_name(login.str_opt("username")?.unwrap_or(""));
        e.label = label(&name, &user);
        let totp = login.str_opt("totp")?.map_or("", str::trim);
        if totp.is_empty() {
            without += 1;
            continue;
        }
        let lower = totp.get(..10).unwrap_or(totp).to_ascii_lowercase();
        let result = if lower.starts_with("otpauth://") || lower.starts_with("steam://") {
            match uri::parse_otpauth(totp) {
                Ok(mut acc) => {
                    if acc.issuer.is_empty() {
                        acc.issuer.clone_from(&name);
                    }
                    if acc.account.is_empty() {
                        acc.account.clone_from(&user);
                    }
                    Ok(acc)
                }
                Err(
                    err @ (UriError::UnsupportedType(_)
                    | UriError::Algorithm(_)
                    | UriError::UnsupportedEncoder(_)
                    | UriError::Param(ParamError::Digits(_))),
                ) => Err(EntryProblem::Skip(err.to_string())),
                Err(err) => Err(EntryProblem::Bad {
                    field: "login.totp",
                    problem: err.to_string(),
                }),
            }
        } else {
            Secret::parse_base32(totp)
                .map_err(|err| EntryProblem::Bad {
                    field: "login.totp",
                    problem: err.to_string(),
                })
                .map(|s| {
                    let otp = Otp::new(Kind::Totp, s, Algorithm::Sha1, 6, 30, 0)
                        .expect("standard parameters with a non-empty secret");
                    Account::new(name.clone(), user.clone(), otp)
                })
        };
        match result {
            Ok(acc) => out.accounts.push(acc),
            Err(p) => out.skipped.push(e.problem(p)?),
        }
    }
    if without > 0 {
        out.notes.push(format!(
            "ignored {without} Bitwarden item(s) without a TOTP secret"
        ));
    }
    Ok(out)
}
