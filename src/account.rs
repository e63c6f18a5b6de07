//! An account: the names people know it by, plus the OTP parameters that make its codes.

use std::borrow::Cow;

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
    /// Its stable id in the vault (32 lower-case hex digits); empty until a vault gives it one.
    /// How copies of one vault on several computers are merged.
    pub id: String,
    /// When it was last changed (added, renamed, an HOTP code spent), unix seconds.
    pub modified: Option<i64>,
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
            id: String::new(),
            modified: None,
        }
    }

    /// When it last changed: `modified`, else `added`, else never (0). What a merge compares.
    pub fn last_change(&self) -> i64 {
        self.modified.or(self.added).unwrap_or(0)
    }

    /// The duplicate rule: two accounts are the same when they make the same codes (kind,
    /// secret, algorithm, digits, period) for the same issuer (ignoring ASCII case). As a
    /// digest, so a set of them finds duplicates in O(1) and holds no copy of a secret.
    pub fn generator_key(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let otp = &self.otp;
        let mut h = Sha256::new();
        h.update(otp.kind().as_str());
        h.update([0]);
        h.update(otp.algorithm().as_str());
        h.update([0, otp.digits()]);
        let period = if otp.kind().is_timed() {
            otp.period()
        } else {
            0
        };
        h.update(period.to_be_bytes());
        h.update(
            u64::try_from(otp.secret().len())
                .unwrap_or(u64::MAX)
                .to_be_bytes(),
        );
        h.update(otp.secret().expose());
        h.update(self.issuer.to_ascii_lowercase());
        h.finalize().into()
    }

    /// Whether the name, issuer or account contains `query`, ignoring case; `query` must be
    /// lower case already ([`fold_case`]). How `code`, `list` and `watch` filter.
    pub fn matches(&self, query: &str) -> bool {
        fields_match([&self.name, &self.issuer, &self.account], query)
    }

    /// `"name" (Issuer: account)`: how messages name an account of the vault.
    pub fn label(&self) -> String {
        format!("{:?}{}", self.name, self.label_suffix())
    }

    /// ` (Issuer: account)` or ` (Issuer)` or ` (account)`, or nothing: after a name in messages.
    pub fn label_suffix(&self) -> String {
        if self.issuer.is_empty() && self.account.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.display_label())
        }
    }

    /// "Issuer: account", "Issuer" or "account" ([`label`]): how to show it to a person.
    pub fn display_label(&self) -> String {
        label(&self.issuer, &self.account)
    }
}

/// "Issuer: account", "Issuer", "account" or "(unnamed)": the one format of an account's names
/// in messages. Trimmed, without control characters (names may come from files), at most 100
/// characters.
pub fn label(issuer: &str, account: &str) -> String {
    let (issuer, account) = (issuer.trim(), account.trim());
    let text = match (issuer.is_empty(), account.is_empty()) {
        (false, false) => format!("{issuer}: {account}"),
        (false, true) => issuer.to_owned(),
        (true, false) => account.to_owned(),
        (true, true) => String::from("(unnamed)"),
    };
    text.chars().filter(|c| !c.is_control()).take(100).collect()
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

/// `text` in lower case, as names and queries are compared: [`str::to_lowercase`], borrowed
/// when `text` is already lower case in ASCII (as most names are), so no copy is made.
pub fn fold_case(text: &str) -> Cow<'_, str> {
    if text
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// Whether two names are the same ignoring case (their [`str::to_lowercase`] forms are equal),
/// without copies when both are ASCII.
pub fn same_name(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// [`Account::matches`] on an account's name, issuer and account.
pub fn fields_match(fields: [&str; 3], query: &str) -> bool {
    fields
        .into_iter()
        .any(|field| contains_folded(field, query))
}

/// Whether `text` in lower case contains `query` (lower case already), without a copy when
/// both are ASCII.
fn contains_folded(text: &str, query: &str) -> bool {
    if query.is_empty() {
        true
    } else if text.is_ascii() && query.is_ascii() {
        text.as_bytes()
            .windows(query.len())
            .any(|w| w.eq_ignore_ascii_case(query.as_bytes()))
    } else {
        text.to_lowercase().contains(query)
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
    use super::{Account, contains_folded, fold_case, label, same_name, slug};
    use crate::otp::{Otp, Secret};

    /// The copy-free comparisons give what comparing `to_lowercase` copies gives, including
    /// where a non-ASCII letter lower-cases to an ASCII one (the Kelvin sign to `k`) and the
    /// final-sigma rule of `str::to_lowercase`.
    #[test]
    fn case_folding_agrees_with_to_lowercase() {
        let words = [
            "",
            "a",
            "A",
            "abc",
            "aBc",
            "ABC",
            "x-1",
            "k",
            "K",
            "\u{212a}",
            "\u{212a}ey",
            "key",
            "Straße",
            "STRASSE",
            "strasse",
            "ΟΔΟΣ",
            "οδος",
            "οδοσ",
            "οδος ",
            "İ",
            "i̇",
            "é",
            "É",
            "bc",
            "Bc",
            "c",
            "",
        ];
        for a in words {
            assert_eq!(fold_case(a), a.to_lowercase(), "{a:?}");
            for b in words {
                let (la, lb) = (a.to_lowercase(), b.to_lowercase());
                assert_eq!(same_name(a, b), la == lb, "{a:?} vs {b:?}");
                assert_eq!(
                    contains_folded(a, &lb),
                    la.contains(&lb),
                    "{a:?} contains {b:?}"
                );
            }
        }
        assert!(matches!(
            fold_case("service-50"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("GitHub"), "github");
        assert_eq!(slug("--a__b--"), "a-b");
        assert_eq!(slug("nome.cognome@unipi.it"), "nome-cognome-unipi-it");
        assert_eq!(slug("Ünïcode"), "n-code");
        assert_eq!(slug("!!!"), "");
    }

    #[test]
    fn labels() {
        assert_eq!(
            label(" Microsoft ", "me@unipi.it"),
            "Microsoft: me@unipi.it"
        );
        assert_eq!(label("GitHub", ""), "GitHub");
        assert_eq!(label("", "me"), "me");
        assert_eq!(label(" ", "\t"), "(unnamed)");
        assert_eq!(label("Ev\u{1b}[2Jil", "x"), "Ev[2Jil: x");
        assert_eq!(label(&"a".repeat(150), "").len(), 100);
        let otp = Otp::totp(Secret::from_bytes(vec![1; 10])).unwrap();
        let mut acc = Account::new("Microsoft", "me", otp);
        acc.name = "work".into();
        assert_eq!(acc.label(), "\"work\" (Microsoft: me)");
        acc.issuer.clear();
        acc.account.clear();
        assert_eq!(acc.label(), "\"work\"");
    }
}
