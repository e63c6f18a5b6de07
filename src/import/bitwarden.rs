//! Bitwarden exports, JSON or CSV (unencrypted): the `login.totp` field (`login_totp` column)
//! of each item, which holds an `otpauth://` or `steam://` URI or a bare base32 secret. A bare
//! secret becomes a standard TOTP (SHA1, 6 digits, 30 s) named after the item and its user
//! name; a URI without names takes them from the item too. Items without a TOTP secret are
//! ignored (they are plain passwords) and counted in a note.

use serde_json::Value;

use super::json::{self, Obj};
use super::{EntryProblem, Format, ImportError, Imported, Input, clean_name, label};
use crate::account::Account;
use crate::otp::{Algorithm, Kind, Otp, ParamError, Secret};
use crate::uri::{self, UriError};

const FORMAT: Format = Format::Bitwarden;

/// Imports a Bitwarden export (CSV when it does not start like JSON).
pub fn import(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let first = input.bytes.iter().find(|b| !b.is_ascii_whitespace());
    if !matches!(first, Some(b'{' | b'[')) {
        return import_csv(input);
    }
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
        let result = totp_account(totp, &name, &user);
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

/// One item's TOTP field → an account, or why not.
fn totp_account(totp: &str, name: &str, user: &str) -> Result<Account, EntryProblem> {
    let lower = totp.get(..10).unwrap_or(totp).to_ascii_lowercase();
    if lower.starts_with("otpauth://") || lower.starts_with("steam://") {
        match uri::parse_otpauth(totp) {
            Ok(mut acc) => {
                if acc.issuer.is_empty() {
                    name.clone_into(&mut acc.issuer);
                }
                if acc.account.is_empty() {
                    user.clone_into(&mut acc.account);
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
                Account::new(name, user, otp)
            })
    }
}

/// Imports Bitwarden's CSV export (`folder,favorite,type,name,notes,fields,login_uri,
/// login_username,login_password,login_totp`).
fn import_csv(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let line_err = |line: usize, problem: String| ImportError::line(file, line, problem);
    let text = super::utf8_text(input)?;
    let records =
        csv_records(text).map_err(|line| line_err(line, "a quoted field is not closed".into()))?;
    let mut rows = records.iter();
    let Some((_, header)) = rows.next() else {
        return Err(json::shape(file, FORMAT, "the CSV file is empty"));
    };
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(c_totp), Some(c_name)) = (col("login_totp"), col("name")) else {
        return Err(line_err(
            1,
            "the CSV header has no \"login_totp\" and \"name\" columns".into(),
        ));
    };
    let c_user = col("login_username");
    let mut out = Imported::default();
    let mut without = 0usize;
    for (line, row) in rows {
        let get = |c: usize| row.get(c).map_or("", String::as_str);
        let totp = get(c_totp).trim();
        if totp.is_empty() {
            without += 1;
            continue;
        }
        let name = clean_name(get(c_name));
        let user = clean_name(c_user.map_or("", get));
        match totp_account(totp, &name, &user) {
            Ok(acc) => out.accounts.push(acc),
            Err(EntryProblem::Skip(reason)) => out.skipped.push(super::Skipped {
                name: label(&name, &user),
                reason,
            }),
            Err(EntryProblem::Bad { problem, .. }) => {
                return Err(line_err(
                    *line,
                    format!("login_totp of {}: {problem}", label(&name, &user)),
                ));
            }
        }
    }
    if without > 0 {
        out.notes.push(format!(
            "ignored {without} Bitwarden item(s) without a TOTP secret"
        ));
    }
    Ok(out)
}

/// RFC 4180 records: (line the record starts on, fields). `Err(line)` for an unclosed quote.
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                if fields.len() > 1 || !fields[0].is_empty() {
                    records.push((start, std::mem::take(&mut fields)));
                }
                fields.clear();
                line += 1;
                start = line;
            }
            (_, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
        }
    }
    if quoted {
        return Err(start);
    }
    fields.push(field);
    if fields.len() > 1 || !fields[0].is_empty() {
        records.push((start, fields));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::csv_records;

    #[test]
    fn csv() {
        let r = csv_records("a,b\r\n\"x, \"\"y\"\"\",\"multi\nline\"\n\nlast,").unwrap();
        assert_eq!(r[0], (1, vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(
            r[1],
            (2, vec!["x, \"y\"".to_owned(), "multi\nline".to_owned()])
        );
        assert_eq!(r[2], (5, vec!["last".to_owned(), String::new()]));
        assert_eq!(csv_records("a\n\"open,b"), Err(2));
    }
}
