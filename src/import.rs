//! Importing accounts from other authenticators' export files.
//!
//! Every format has its own module with the same shape, an importer: `import(&mut Input) ->
//! Result<Imported, ImportError>`, bytes in, unnamed [`Account`]s out plus the entries that had
//! to be left out ([`Skipped`], with a name and a reason: mOTP, Yandex, MD5, …). Nothing is ever
//! dropped silently. A malformed file (bad JSON, a secret that is not base32, a field of the wrong
//! type) is an [`ImportError`] naming the file, the line or entry, and the field; the caller then
//! writes nothing.
//!
//! This module knows nothing of the vault, the terminal or the CLI: the password of an encrypted
//! export comes through [`Input::password`], a callback the caller supplies. No error and no
//! `Debug` output carries a secret.

pub mod aegis;
pub mod andotp;
pub mod authcli;
pub mod bitwarden;
pub mod freeotp;
mod json;
pub mod proton;
pub mod text;
pub mod twofas;

use std::fmt;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use crate::account::Account;
use crate::otp::{Algorithm, Kind, Otp, ParamError, STEAM_DIGITS, Secret};

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One `otpauth://` (or `steam://`) URI a line.
    Uri,
    /// Google Authenticator `otpauth-migration://` URIs, one a line.
    Migration,
    /// Aegis JSON export, plain or encrypted.
    Aegis,
    /// 2FAS `.2fas` backup, plain or encrypted.
    TwoFas,
    /// Bitwarden JSON or CSV export (unencrypted).
    Bitwarden,
    /// andOTP JSON backup (unencrypted).
    AndOtp,
    /// `FreeOTP+` JSON export.
    FreeOtp,
    /// Proton Authenticator JSON export (unencrypted).
    Proton,
    /// authcli's own `export --format json`.
    Authcli,
}

impl Format {
    /// Every format, in `--format` order.
    pub const ALL: [Format; 9] = [
        Self::Uri,
        Self::Migration,
        Self::Aegis,
        Self::TwoFas,
        Self::Bitwarden,
        Self::AndOtp,
        Self::FreeOtp,
        Self::Proton,
        Self::Authcli,
    ];

    /// The name people know the format by.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Uri => "otpauth URI list",
            Self::Migration => "Google Authenticator export",
            Self::Aegis => "Aegis",
            Self::TwoFas => "2FAS",
            Self::Bitwarden => "Bitwarden",
            Self::AndOtp => "andOTP",
            Self::FreeOtp => "FreeOTP+",
            Self::Proton => "Proton Authenticator",
            Self::Authcli => "authcli JSON",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An entry left out of an import, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// "Issuer: account" (or whatever name the file gives it).
    pub name: String,
    /// Why, in a few words.
    pub reason: String,
}

/// What an importer read from a file.
#[derive(Debug, Default)]
pub struct Imported {
    /// The accounts, in file order. `name` is empty unless the file names them (authcli JSON).
    pub accounts: Vec<Account>,
    /// Entries authcli cannot represent.
    pub skipped: Vec<Skipped>,
    /// Things worth telling the person (missing codes of a batch, ignored logins, …).
    pub notes: Vec<String>,
}

/// Why a file could not be imported. Messages name the file, the line or entry, and the field;
/// never a secret.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Auto-detection found no known format.
    #[error(
        "{file}: not a recognised export (expected otpauth URIs, otpauth-migration URIs, or Aegis, 2FAS, Bitwarden, andOTP, FreeOTP+, Proton Authenticator or authcli JSON); pass --format if it is one of them"
    )]
    Unrecognized {
        /// The file.
        file: String,
    },
    /// Not valid JSON (or not UTF-8).
    #[error("{file}: not a valid {format} file: {what} at line {line}, column {column}")]
    Syntax {
        /// The file.
        file: String,
        /// The format it was read as.
        format: Format,
        /// What the JSON parser reported (never file content).
        what: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The file's overall shape is wrong (no entry list, a newer version, …).
    #[error("{file}: not a valid {format} file: {problem}")]
    Shape {
        /// The file.
        file: String,
        /// The format it was read as.
        format: Format,
        /// What is wrong.
        problem: String,
    },
    /// One entry has a bad field.
    #[error("{file}: entry {entry} ({label}): {field}: {problem}")]
    Field {
        /// The file.
        file: String,
        /// 1-based entry number.
        entry: usize,
        /// "Issuer: account" as far as known.
        label: String,
        /// The field, e.g. `info.secret`.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// One line of a text file is bad.
    #[error("{file}: line {line}: {problem}")]
    Line {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// An encrypted export authcli cannot open.
    #[error("{file}: {problem}")]
    Unsupported {
        /// The file.
        file: String,
        /// What and what to do instead.
        problem: String,
    },
    /// No password could be had for an encrypted export.
    #[error("{file}: {reason}")]
    NoPassword {
        /// The file.
        file: String,
        /// Why (from the caller's password source).
        reason: String,
    },
    /// The password does not open the export.
    #[error("{file}: wrong password for this encrypted {format} export")]
    WrongPassword {
        /// The file.
        file: String,
        /// Its format.
        format: Format,
    },
    /// The encrypted part is damaged.
    #[error("{file}: the encrypted {format} data is damaged ({problem})")]
    Damaged {
        /// The file.
        file: String,
        /// Its format.
        format: Format,
        /// What failed.
        problem: String,
    },
}

/// What an importer reads from.
pub struct Input<'a> {
    /// The file's bytes.
    pub bytes: &'a [u8],
    /// How to name the file in messages (its path, or "standard input").
    pub file: &'a str,
    /// Asked at most once, only for an encrypted export; `Err` carries a reason for the person.
    pub password: &'a mut dyn FnMut() -> Result<SecretString, String>,
}

/// The input as text, without a UTF-8 byte-order mark; invalid UTF-8 is an error naming its line.
pub(crate) fn utf8_text<'a>(input: &Input<'a>) -> Result<&'a str, ImportError> {
    let bytes = input
        .bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(input.bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].split(|&b| b == b'\n').count();
        ImportError::line(input.file, line, "not UTF-8 text")
    })
}

impl ImportError {
    /// A bad line of a text file.
    pub(crate) fn line(file: &str, line: usize, problem: impl Into<String>) -> Self {
        Self::Line {
            file: file.to_owned(),
            line,
            problem: problem.into(),
        }
    }
}

/// Imports `input` as `format`, or as the format [`detect`] finds when `format` is `None`.
pub fn import(input: &mut Input<'_>, format: Option<Format>) -> Result<Imported, ImportError> {
    let format = match format {
        Some(f) => f,
        None => match detect(input.bytes) {
            // Detected text may mix otpauth and migration lines.
            Some(Format::Uri | Format::Migration) => {
                return text::import(input, text::Allow::Both);
            }
            Some(f) => f,
            None => {
                return Err(ImportError::Unrecognized {
                    file: input.file.to_owned(),
                });
            }
        },
    };
    match format {
        Format::Uri => text::import(input, text::Allow::Otpauth),
        Format::Migration => text::import(input, text::Allow::Migration),
        Format::Aegis => aegis::import(input),
        Format::TwoFas => twofas::import(input),
        Format::Bitwarden => bitwarden::import(input),
        Format::AndOtp => andotp::import(input),
        Format::FreeOtp => freeotp::import(input),
        Format::Proton => proton::import(input),
        Format::Authcli => authcli::import(input),
    }
}

/// A password-sealed export payload (2FAS, andOTP): asks for the password, derives a 32-byte
/// key from it with `derive` (each format's PBKDF2), and opens `ct` with AES-256-GCM under
/// `nonce` (12 bytes). A tag that does not verify is a wrong password.
pub(crate) fn open_sealed(
    input: &mut Input<'_>,
    format: Format,
    nonce: &[u8],
    ct: &[u8],
    derive: impl FnOnce(&[u8], &mut [u8; 32]),
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    use aes_gcm::aead::{Aead, KeyInit};
    use age::secrecy::ExposeSecret;
    let file = input.file;
    let password = (input.password)().map_err(|reason| ImportError::NoPassword {
        file: file.to_owned(),
        reason,
    })?;
    let mut key = Zeroizing::new([0u8; 32]);
    derive(password.expose_secret().as_bytes(), &mut key);
    aes_gcm::Aes256Gcm::new_from_slice(key.as_ref())
        .expect("32-byte key")
        .decrypt(aes_gcm::Nonce::from_slice(nonce), ct)
        .map(Zeroizing::new)
        .map_err(|_| ImportError::WrongPassword {
            file: file.to_owned(),
            format,
        })
}

/// Recognises a format from the content: JSON by its top-level keys, text by its first URI.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    if andotp::looks_encrypted(bytes) {
        return Some(Format::AndOtp);
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let first = bytes[start];
    if first == b'{' || first == b'[' {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            return guess_broken_json(bytes);
        };
        return match &v {
            serde_json::Value::Array(items) => items
                .iter()
                .all(|i| i.get("secret").is_some() && i.get("type").is_some())
                .then_some(Format::AndOtp),
            serde_json::Value::Object(o) => {
                if o.contains_key("header") && o.contains_key("db") {
                    Some(Format::Aegis)
                } else if o.contains_key("services") && o.contains_key("schemaVersion") {
                    Some(Format::TwoFas)
                } else if o.contains_key("items") && o.contains_key("encrypted") {
                    Some(Format::Bitwarden)
                } else if o.contains_key("tokens") && o.contains_key("tokenOrder") {
                    Some(Format::FreeOtp)
                } else if o.contains_key("version") && o.contains_key("entries") {
                    Some(Format::Proton)
                } else if o.contains_key("version") && o.contains_key("accounts") {
                    Some(Format::Authcli)
                } else {
                    None
                }
            }
            _ => None,
        };
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let lower = line.get(..20).unwrap_or(line).to_ascii_lowercase();
    if line.split(',').any(|c| c.trim() == "login_totp") {
        Some(Format::Bitwarden)
    } else if lower.starts_with("otpauth-migration:") {
        Some(Format::Migration)
    } else if lower.starts_with("otpauth://") || lower.starts_with("steam://") {
        Some(Format::Uri)
    } else {
        None
    }
}

/// The format of a file that looks like JSON but does not parse, from its keys, so that the
/// error names the JSON problem rather than "not recognised".
fn guess_broken_json(bytes: &[u8]) -> Option<Format> {
    let has = |key: &[u8]| bytes.windows(key.len()).any(|w| w == key);
    if has(b"\"header\"") && has(b"\"db\"") {
        Some(Format::Aegis)
    } else if has(b"\"schemaVersion\"") || has(b"\"services\"") {
        Some(Format::TwoFas)
    } else if has(b"\"items\"") {
        Some(Format::Bitwarden)
    } else if has(b"\"tokenOrder\"") {
        Some(Format::FreeOtp)
    } else if has(b"\"entries\"") {
        Some(Format::Proton)
    } else if has(b"\"accounts\"") {
        Some(Format::Authcli)
    } else if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') && has(b"\"secret\"") {
        Some(Format::AndOtp)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Shared by the JSON importers

/// Why one entry could not become an account.
pub(crate) enum EntryProblem {
    /// authcli cannot represent it: skip it, say why.
    Skip(String),
    /// The file is malformed at this field.
    Bad {
        /// The field (relative to the entry), e.g. `secret`.
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
}

/// The OTP fields of one entry, as a JSON export spells them.
pub(crate) struct RawOtp<'a> {
    /// "totp", "HOTP", "steam", "motp", …
    pub kind: &'a str,
    /// Base32 text.
    pub secret: &'a str,
    /// "SHA1", "sha256", "MD5", … (None: SHA1).
    pub algorithm: Option<&'a str>,
    /// Code length (None: 6, Steam 5).
    pub digits: Option<u64>,
    /// Seconds (None: 30).
    pub period: Option<u64>,
    /// HOTP counter (None: 0).
    pub counter: Option<u64>,
    /// Field names, for messages: (secret, algorithm, digits, period, counter).
    pub fields: [&'static str; 5],
}

impl RawOtp<'_> {
    /// Validates into an [`Otp`], or says whether to skip the entry or reject the file.
    pub(crate) fn build(&self) -> Result<Otp, EntryProblem> {
        let [f_secret, f_alg, f_digits, f_period, _] = self.fields;
        let kind = match self.kind.to_ascii_lowercase().as_str() {
            "totp" => Kind::Totp,
            "hotp" => Kind::Hotp,
            "steam" => Kind::Steam,
            "motp" => return Err(EntryProblem::Skip("mOTP is not supported".into())),
            "yandex" => return Err(EntryProblem::Skip("Yandex OTP is not supported".into())),
            other => {
                return Err(EntryProblem::Skip(format!(
                    "type {:?} is not supported",
                    short(other)
                )));
            }
        };
        let algorithm = match self.algorithm {
            None | Some("") => Algorithm::Sha1,
            Some(a) if a.eq_ignore_ascii_case("md5") => {
                return Err(EntryProblem::Skip("MD5 is not supported".into()));
            }
            Some(a) => a.parse::<Algorithm>().map_err(|_| {
                EntryProblem::Skip(format!("algorithm {:?} is not supported", short(a)))
            })?,
        };
        let secret = Secret::parse_base32(self.secret).map_err(|e| EntryProblem::Bad {
            field: f_secret,
            problem: e.to_string(),
        })?;
        let digits = if kind == Kind::Steam {
            STEAM_DIGITS
        } else {
            match self.digits {
                None => 6,
                Some(d) => u8::try_from(d)
                    .ok()
                    .filter(|d| (6..=10).contains(d))
                    .ok_or_else(|| {
                        EntryProblem::Skip(format!("{d} digits is not supported (6-10 are)"))
                    })?,
            }
        };
        let period = match self.period {
            None => 30,
            Some(0) => {
                return Err(EntryProblem::Bad {
                    field: f_period,
                    problem: "period must be at least 1 second".into(),
                });
            }
            Some(p) => u32::try_from(p).map_err(|_| EntryProblem::Bad {
                field: f_period,
                problem: format!("period {p} is too long"),
            })?,
        };
        let algorithm = if kind == Kind::Steam {
            Algorithm::Sha1
        } else {
            algorithm
        };
        Otp::new(
            kind,
            secret,
            algorithm,
            digits,
            period,
            self.counter.unwrap_or(0),
        )
        .map_err(|e| match e {
            ParamError::Digits(_) | ParamError::SteamDigits(_) => EntryProblem::Bad {
                field: f_digits,
                problem: e.to_string(),
            },
            ParamError::SteamAlgorithm(_) => EntryProblem::Bad {
                field: f_alg,
                problem: e.to_string(),
            },
            ParamError::Period(_) => EntryProblem::Bad {
                field: f_period,
                problem: e.to_string(),
            },
            ParamError::EmptySecret => EntryProblem::Bad {
                field: f_secret,
                problem: e.to_string(),
            },
        })
    }
}

/// At most 40 characters of a (non-secret) value, for messages.
pub(crate) fn short(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// A name for the vault: trimmed, without control characters.
pub(crate) fn clean_name(text: &str) -> String {
    text.trim().chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        // An encrypted andOTP backup: 145,776 iterations, then binary salt, nonce, ciphertext.
        let mut enc = vec![0x00, 0x02, 0x39, 0x70];
        enc.extend((0u8..60).map(|i| i.wrapping_mul(37) | 0x80));
        assert_eq!(detect(&enc), Some(Format::AndOtp));
        // A PNG is not one (its first four bytes are no plausible iteration count).
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0xffu8; 60]);
        assert_eq!(detect(&png), None);
        assert_eq!(detect(b"otpauth://totp/x?secret=A"), Some(Format::Uri));
        assert_eq!(
            detect(b"\n# comment\n  otpauth-migration://offline?data=x"),
            Some(Format::Migration)
        );
        assert_eq!(detect(b"steam://ABC"), Some(Format::Uri));
        assert_eq!(
            detect(br#"{"version":1,"header":{},"db":{}}"#),
            Some(Format::Aegis)
        );
        assert_eq!(
            detect(br#"{"services":[],"schemaVersion":4}"#),
            Some(Format::TwoFas)
        );
        assert_eq!(
            detect(br#"{"encrypted":false,"items":[]}"#),
            Some(Format::Bitwarden)
        );
        assert_eq!(
            detect(br#"[{"secret":"A","type":"TOTP"}]"#),
            Some(Format::AndOtp)
        );
        assert_eq!(
            detect(br#"{"version":1,"accounts":[]}"#),
            Some(Format::Authcli)
        );
        assert_eq!(
            detect(br#"{"tokenOrder":[],"tokens":[]}"#),
            Some(Format::FreeOtp)
        );
        assert_eq!(
            detect(br#"{"version":1,"entries":[]}"#),
            Some(Format::Proton)
        );
        assert_eq!(
            detect(b"folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n"),
            Some(Format::Bitwarden)
        );
        assert_eq!(detect(b"hello"), None);
        assert_eq!(detect(b"{nope"), None);
        assert_eq!(
            detect(br#"{"schemaVersion":4,"services":[{"#),
            Some(Format::TwoFas)
        );
        assert_eq!(detect(b""), None);
        assert_eq!(detect(&[0xff, 0x00, 0x12]), None);
    }

    #[test]
    fn debug_output_hides_secrets() {
        let mut pw = || -> Result<SecretString, String> { Err("none".into()) };
        let text = b"otpauth://totp/A:b?secret=MYSECRETTOPSECRE&issuer=A\n";
        let mut input = Input {
            bytes: text,
            file: "f",
            password: &mut pw,
        };
        let found = import(&mut input, None).unwrap();
        let debug = format!("{found:?}");
        assert!(debug.contains("redacted"), "{debug}");
        assert!(!debug.contains("MYSECRET"), "{debug}");
    }
}
