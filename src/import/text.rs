//! Text exports: one `otpauth://` / `steam://` URI a line (Aegis, andOTP, Ente and most apps
//! can write one), or Google Authenticator `otpauth-migration://` URIs (one per QR code of an
//! export), parsed by [`crate::uri`]. Empty lines and `#` comments are ignored.
//!
//! A URI of a kind authcli cannot represent (mOTP, MD5, 4 digits, …) is skipped by name; any
//! other bad line stops the import with its line number.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;

use super::{ImportError, Imported, Input, Skipped, short};
use crate::otp::ParamError;
use crate::uri::{self, UriError};

/// Which URIs a text import takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allow {
    /// `otpauth://` and `steam://` only (`--format uri`).
    Otpauth,
    /// `otpauth-migration://` only (`--format migration`).
    Migration,
    /// Either, line by line (auto-detected text).
    Both,
}

/// Imports a text file of URIs.
pub fn import(input: &mut Input<'_>, allow: Allow) -> Result<Imported, ImportError> {
    let file = input.file;
    let line_err = |line: usize, problem: String| ImportError::line(file, line, problem);
    let text = super::utf8_text(input)?;
    let mut out = Imported::default();
    // batch_id → (batch_size, indexes seen)
    let mut batches: BTreeMap<i32, (i32, Vec<i32>)> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.len() > uri::MAX_INPUT {
            return Err(line_err(
                n,
                format!("the line is over the {} KiB limit", uri::MAX_INPUT / 1024),
            ));
        }
        let is_migration = line
            .get(..18)
            .is_some_and(|p| p.eq_ignore_ascii_case("otpauth-migration:"));
        match (allow, is_migration) {
            (Allow::Migration | Allow::Both, true) => {
                let m = uri::parse_migration(line).map_err(|e| line_err(n, e.to_string()))?;
                out.accounts.extend(m.accounts);
                out.skipped.extend(m.skipped.into_iter().map(|s| Skipped {
                    name: s.label,
                    reason: s.reason,
                }));
                let entry = batches
                    .entry(m.batch_id)
                    .or_insert((m.batch_size, Vec::new()));
                entry.0 = entry.0.max(m.batch_size);
                entry.1.push(m.batch_index);
            }
            (Allow::Otpauth | Allow::Both, false) => match uri::parse_otpauth(line) {
                Ok(acc) => out.accounts.push(acc),
                Err(e) if unrepresentable(&e) => out.skipped.push(Skipped {
                    name: rough_label(line),
                    reason: e.to_string(),
                }),
                Err(e) => return Err(line_err(n, e.to_string())),
            },
            (Allow::Otpauth, true) => {
                return Err(line_err(
                    n,
                    "a Google Authenticator export (otpauth-migration); use --format migration or auto".into(),
                ));
            }
            (Allow::Migration, false) => {
                return Err(line_err(
                    n,
                    "not an otpauth-migration:// URI; use --format uri or auto".into(),
                ));
            }
        }
    }
    for (id, (size, mut seen)) in batches {
        seen.sort_unstable();
        seen.dedup();
        let missing: Vec<String> = (0..size)
            .filter(|i| !seen.contains(i))
            .map(|i| (i + 1).to_string())
            .collect();
        if !missing.is_empty() {
            out.notes.push(format!(
                "the Google Authenticator export (batch {id}) has {size} codes; code(s) {} are not in {file}: import them too to get every account",
                missing.join(", ")
            ));
        }
    }
    Ok(out)
}

/// Errors that mean "authcli cannot represent this account", not "the file is broken".
fn unrepresentable(e: &UriError) -> bool {
    matches!(
        e,
        UriError::UnsupportedType(_)
            | UriError::Algorithm(_)
            | UriError::UnsupportedEncoder(_)
            | UriError::Param(ParamError::Digits(_) | ParamError::SteamDigits(_))
    )
}

/// The label of a URI authcli cannot parse, for the skipped list (never the query: it holds
/// the secret).
fn rough_label(line: &str) -> String {
    let rest = line.split_once("://").map_or(line, |(_, r)| r);
    let path = rest.split('?').next().unwrap_or("");
    let label = path.split_once('/').map_or("", |(_, l)| l);
    let decoded = percent_decode_str(&label.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned();
    crate::account::label("", &short(decoded.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::SecretString;

    fn run(text: &str, allow: Allow) -> Result<Imported, ImportError> {
        let mut pw = || -> Result<SecretString, String> { Err("none".into()) };
        let mut input = Input {
            bytes: text.as_bytes(),
            file: "f.txt",
            password: &mut pw,
        };
        import(&mut input, allow)
    }

    #[test]
    fn skips_unrepresentable_and_stops_at_bad_lines() {
        let text = "# mine\n\notpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A\notpauth://motp/Phone%20Co:me?secret=JBSWY3DPEHPK3PXP\notpauth://totp/M:d?secret=JBSWY3DPEHPK3PXP&algorithm=MD5\n";
        let r = run(text, Allow::Otpauth).unwrap();
        assert_eq!(r.accounts.len(), 1);
        let names: Vec<_> = r.skipped.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Phone Co:me", "M:d"]);
        let e = run(
            "otpauth://totp/A?secret=JBSWY3DPEHPK3PXP\notpauth://totp/B?secret=SECRET1SECRET\n",
            Allow::Otpauth,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("f.txt: line 2: "), "{e}");
        assert!(!e.contains("SECRET1"), "{e}");
        let e = run("otpauth-migration://offline?data=AA", Allow::Otpauth)
            .unwrap_err()
            .to_string();
        assert!(e.contains("--format migration"), "{e}");
    }

    #[test]
    fn migration_batches_report_missing_codes() {
        use crate::otp::{Otp, Secret};
        let acc = |i: &str| {
            crate::account::Account::new(
                i,
                "me",
                Otp::totp(Secret::parse_base32("JBSWY3DPEHPK3PXP").unwrap()).unwrap(),
            )
        };
        let accounts: Vec<_> = (0..5).map(|i| acc(&format!("I{i}"))).collect();
        let codes = uri::to_migration(&accounts, 2, -5).codes;
        assert_eq!(codes.len(), 3);
        let all = codes
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let r = run(&all, Allow::Migration).unwrap();
        assert_eq!(r.accounts, accounts);
        assert!(r.notes.is_empty());
        let some = format!("{}\n{}\n", &*codes[0], &*codes[2]);
        let r = run(&some, Allow::Migration).unwrap();
        assert_eq!(r.accounts.len(), 3);
        assert_eq!(r.notes.len(), 1);
        assert!(
            r.notes[0].contains("code(s) 2 are not in f.txt"),
            "{}",
            r.notes[0]
        );
    }
}
