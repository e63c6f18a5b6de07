//! An account: the names people know it by, plus the OTP parameters that make its codes.

use serde::{Deserialize, Serialize};

use crate::otp::{Code, Otp};

/// One account in the vault (or parsed from a URI, before it gets a name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Unique (case-insensitive) short name that commands take; empty until the vault names it.
    pub name: String,
    /// The service, e.g. "Microsoft"; may be empty.
    pub issuer: String,
    /// The user at that service, e.g. "nome.cognome@unipi.it"; may be empty.
    pub account: String,
    /// Code parameters and the secret.
    pub otp: Otp,
    /// When it was added, unix seconds.
    pub added: Option<i64>,
}

impl Account {
    /// A new, unnamed account.
    pub fn new(issuer: impl Into<String>, account: impl Into<String>, otp: Otp) -> Self {
        Self {
            name: String::new(),
            issuer: issuer.into(),
            account: account.into(),
            otp,
            added: None,
        }
    }

    /// ` (Issuer: account)` or ` (Issuer)` or ` (account)`, or nothing: after a name in messages.
    pub fn label_suffix(&self) -> String {
        if self.issuer.is_empty() && self.account.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.display_label())
        }
    }

    /// "Issuer: account", "Issuer" or "account": how to show it to a person.
    pub fn display_label(&self) -> String {
        match (self.issuer.is_empty(), self.account.is_empty()) {
            (false, false) => format!("{}: {}", self.issuer, self.account),
            (false, true) => self.issuer.clone(),
            (true, false) => self.account.clone(),
            (true, true) => String::from("(unnamed)"),
        }
    }
}

/// One account's metadata (never its secret), as `list --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Account name.
    pub name: String,
    /// Issuer.
    pub issuer: String,
    /// Account at the issuer.
    pub account: String,
    /// `totp`, `hotp` or `steam`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    /// Code length.
    pub digits: u8,
    /// Seconds per code (timed kinds).
    pub period: Option<u32>,
    /// HOTP counter.
    pub counter: Option<u64>,
    /// The code, when asked for (timed kinds).
    #[serde(default)]
    pub code: Option<String>,
    /// Seconds left, with `code`.
    #[serde(default)]
    pub remaining: Option<u64>,
}

impl Summary {
    /// The metadata of `a`, with `code` when given.
    pub fn of(a: &Account, code: Option<&Code>) -> Self {
        let timed = a.otp.kind().is_timed();
        Self {
            name: a.name.clone(),
            issuer: a.issuer.clone(),
            account: a.account.clone(),
            kind: a.otp.kind().as_str().to_owned(),
            algorithm: a.otp.algorithm().as_str().to_owned(),
            digits: a.otp.digits(),
            period: timed.then(|| a.otp.period()),
            counter: (!timed).then(|| a.otp.counter()),
            code: code.map(|c| c.as_str().to_owned()),
            remaining: code.map(|c| c.remaining),
        }
    }
}

/// The default name for an account: a slug of the issuer, else of the account, else "account".
///
/// Lower case; every run of characters other than a-z and 0-9 becomes one `-`; trimmed.
///
/// ```
/// assert_eq!(authcli::account::slug("Microsoft"), "microsoft");
/// assert_eq!(authcli::account::slug("  Acme Corp. (EU) "), "acme-corp-eu");
/// ```
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// The base for a default name: slug of the issuer, else of the account, else "account".
pub fn default_name_base(acc: &Account) -> String {
    let s = slug(&acc.issuer);
    if !s.is_empty() {
        return s;
    }
    let s = slug(&acc.account);
    if !s.is_empty() {
        return s;
    }
    String::from("account")
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs() {
        assert_eq!(slug("GitHub"), "github");
        assert_eq!(slug("--a__b--"), "a-b");
        assert_eq!(slug("nome.cognome@unipi.it"), "nome-cognome-unipi-it");
        assert_eq!(slug("Ünïcode"), "n-code");
        assert_eq!(slug("!!!"), "");
    }
}
