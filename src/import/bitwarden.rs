//! Bitwarden exports, JSON or CSV (unencrypted): the `login.totp` field (`login_totp` column)
//! of each item, which holds an `otpauth://` or `steam://` URI or a bare base32 secret.
//!
//! Names: a TOTP field without a label (a bare secret, `steam://SECRET`) takes the item's name
//! as the issuer and its user name as the account; a URI without an issuer or an account takes
//! the missing one from the item. A bare secret is a standard TOTP (SHA1, 6 digits, 30 s).
//! Items without a TOTP secret are ignored (they are plain passwords) and counted in a note.
//! CSV is read with the `csv` crate; errors name the line a record starts on.

use serde_json::Value;

use super::json::{self, Obj};
use super::{EntryProblem, Format, ImportError, Imported, Input, clean_name};
use crate::account::{Account, label};
use crate::otp::{Otp, ParamError, Secret};
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

/// One item's TOTP field → an account, or why not. `name` and `user` are the item's.
fn totp_account(totp: &str, name: &str, user: &str) -> Result<Account, EntryProblem> {
    let lower = totp.get(..10).unwrap_or(totp).to_ascii_lowercase();
    if !lower.starts_with("otpauth://") && !lower.starts_with("steam://") {
        let secret = Secret::parse_base32(totp).map_err(|err| EntryProblem::Bad {
            field: "login.totp",
            problem: err.to_string(),
        })?;
        let otp = Otp::totp(secret).expect("standard parameters with a non-empty secret");
        return Ok(Account::new(name, user, otp));
    }
    let mut acc = uri::parse_otpauth(totp).map_err(|err| match err {
        UriError::UnsupportedType(_)
        | UriError::Algorithm(_)
        | UriError::UnsupportedEncoder(_)
        | UriError::Param(ParamError::Digits(_)) => EntryProblem::Skip(err.to_string()),
        err => EntryProblem::Bad {
            field: "login.totp",
            problem: err.to_string(),
        },
    })?;
    // `steam://SECRET` has no label: the parser's stand-in issuer "Steam" gives way to the item.
    let unlabelled = lower.starts_with("steam://");
    if !name.is_empty() && (unlabelled || acc.issuer.is_empty()) {
        name.clone_into(&mut acc.issuer);
    }
    if acc.account.is_empty() {
        user.clone_into(&mut acc.account);
    }
    Ok(acc)
}

/// Imports Bitwarden's CSV export (`folder,favorite,type,name,notes,fields,login_uri,
/// login_username,login_password,login_totp`).
fn import_csv(input: &mut Input<'_>) -> Result<Imported, ImportError> {
    let file = input.file;
    let text = super::utf8_text(input)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(file, &e))?.clone();
    if header.iter().all(str::is_empty) {
        return Err(json::shape(file, FORMAT, "the CSV file is empty"));
    }
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(c_totp), Some(c_name)) = (col("login_totp"), col("name")) else {
        return Err(ImportError::line(
            file,
            1,
            "the CSV header has no \"login_totp\" and \"name\" columns",
        ));
    };
    let c_user = col("login_username");
    let mut out = Imported::default();
    let mut without = 0usize;
    let mut row = csv::StringRecord::new();
    while reader
        .read_record(&mut row)
        .map_err(|e| csv_error(file, &e))?
    {
        let get = |c: usize| row.get(c).unwrap_or("");
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
                let line = row.position().map_or(0, csv::Position::line);
                return Err(ImportError::line(
                    file,
                    usize::try_from(line).unwrap_or(usize::MAX),
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

/// A CSV the `csv` crate refuses, as an error naming the line (never a field's content).
fn csv_error(file: &str, e: &csv::Error) -> ImportError {
    let line = e.position().map_or(1, csv::Position::line);
    let problem = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len} (is a quote not closed?)"),
        _ => String::from("not a valid CSV record"),
    };
    ImportError::line(file, usize::try_from(line).unwrap_or(usize::MAX), problem)
}

#[cfg(test)]
mod tests {
    use age::secrecy::SecretString;

    use super::*;

    fn import_text(text: &str) -> Result<Imported, ImportError> {
        let mut pw = || -> Result<SecretString, String> { Err("none".into()) };
        import(&mut Input {
            bytes: text.as_bytes(),
            file: "bw.csv",
            password: &mut pw,
        })
    }

    const HEADER: &str = "folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n";

    #[test]
    fn csv_quotes_names_and_labels() {
        let text = format!(
            "{HEADER},,login,\"Shop, \"\"EU\"\"\",\"multi\nline note\",,,me@shop,pw,JBSW Y3DP EHPK 3PXP\n\
             ,,login,Valve,,,,gaben,,steam://JRZCL47CMXVOQMNPZR2F7J4RGI\n\
             ,,login,Plain password,,,,bob,hunter2,\n\
             ,,login,Item,,,,,,otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno\n"
        );
        let got = import_text(&text).unwrap();
        let names: Vec<(&str, &str, &str)> = got
            .accounts
            .iter()
            .map(|a| (a.issuer.as_str(), a.account.as_str(), a.otp.kind().as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("Shop, \"EU\"", "me@shop", "totp"),
                ("Valve", "gaben", "steam"),
                ("Deno", "Mason", "totp"),
            ]
        );
        assert_eq!(
            got.notes,
            ["ignored 1 Bitwarden item(s) without a TOTP secret"]
        );
    }

    #[test]
    fn csv_errors_name_the_line_never_the_secret() {
        let text = format!("{HEADER},,login,A,\"two\nlines\",,,,,\n,,login,B,,,,u,,MYSECRET1\n");
        let err = import_text(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "bw.csv: line 4: login_totp of B: u: the secret is not valid base32: character 9 is not A-Z or 2-7"
        );
        let err = import_text(&format!("{HEADER},,login,\"A,,,,,,\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "bw.csv: line 2: 4 fields where the header has 10 (is a quote not closed?)"
        );
        let err = import_text("name,totp\nx,y\n").unwrap_err();
        assert!(
            err.to_string().contains("line 1: the CSV header has no"),
            "{err}"
        );
    }
}
