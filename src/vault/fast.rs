//! A fast reader for the TOML that [`super::serialize`] writes, and only for that.
//!
//! `authcli code` spends most of its time reading the vault's plaintext. Through the `toml`
//! crate that is about 30 k instructions per account (a third of them on each `added` date), and
//! every string is copied twice on the way to an [`Account`]. The files authcli writes use a small
//! fixed shape: `key = value` lines, basic strings, decimal integers, one `[[accounts]]` header per
//! account and UTC dates. This reader accepts exactly that shape and builds the [`Vault`] straight
//! from slices of the text, checking each account with the same rules as the `toml` path
//! ([`super::otp_from_fields`]). At the first line it does not expect (a comment, a quoted key, an
//! escape, a hand-edited layout), and at anything invalid, it returns `None`, and the caller
//! reads the whole text with the `toml` crate instead, which also gives every error message. So
//! a text either reads to the [`Vault`] the `toml` path would give, or goes to that path. Unit,
//! property and fuzz tests check that the two agree.

use toml::value::{Date, Datetime, Offset, Time};

use super::{DEFAULT_ALGORITHM, DEFAULT_DIGITS, Fields, NameKeys, VERSION, Vault};
use crate::account::{Account, fields_match, fold_case, same_name};

/// Reads a valid vault in the canonical form, or `None` when `text` is anything else.
pub(super) fn parse(text: &str) -> Option<Vault> {
    let mut accounts: Vec<Account> = Vec::new();
    let recipients = scan(text, |p| {
        accounts.push(p.finish()?);
        Some(())
    })?;
    let mut names = NameKeys::with_capacity_and_hasher(
        accounts.len(),
        std::hash::BuildHasherDefault::default(),
    );
    if !accounts.iter().all(|a| names.insert(fold_case(&a.name))) {
        return None;
    }
    Some(Vault {
        recipients: recipients.into_iter().map(str::to_owned).collect(),
        accounts,
    })
}

/// The account `authcli code QUERY` means, read from a valid vault in the canonical form
/// without building the others: the first whose name is QUERY (ignoring case), else the only
/// one whose name, issuer or account contains it, as `cmd::find` picks. Every account is still
/// checked as [`parse`] checks it. `None` when [`parse`] would not read the text, or when no
/// single account matches (the caller then reads the vault whole and `find` says why).
pub(super) fn pick(text: &str, query: &str) -> Option<Account> {
    let folded = fold_case(query);
    let mut names = NameKeys::default();
    let (mut exact, mut first_hit, mut hits) = (None, None, 0usize);
    scan(text, |p| {
        let name = p.name?;
        p.otp()?; // valid, as `finish` would find it
        if !names.insert(fold_case(name)) {
            return None;
        }
        if exact.is_none() && same_name(name, query) {
            exact = Some(p);
        }
        // Substring matches count only while no exact name has turned up: after one, they
        // cannot change the answer.
        let fields = [
            name,
            p.issuer.unwrap_or_default(),
            p.account.unwrap_or_default(),
        ];
        if exact.is_none() && fields_match(fields, &folded) {
            hits += 1;
            first_hit.get_or_insert(p);
        }
        Some(())
    })?;
    exact.or(first_hit.filter(|_| hits == 1))?.finish()
}

/// Walks the canonical form, handing each account's lines to `each` in order; gives the
/// recipients, or `None` when `text` is anything else (or `each` refuses an account).
fn scan<'a>(
    text: &'a str,
    mut each: impl FnMut(Partial<'a>) -> Option<()>,
) -> Option<Vec<&'a str>> {
    let mut version = None;
    let mut recipients = None;
    let mut current: Option<Partial> = None;
    let mut empty_accounts = false; // `accounts = []`, as an empty vault is written
    for (line, eq) in Lines(text) {
        if line.is_empty() {
            continue;
        }
        if line.as_bytes() == b"[[accounts]]" {
            if empty_accounts {
                return None; // `toml` rejects the table array after an inline one
            }
            if let Some(p) = current.take() {
                each(p)?;
            }
            current = Some(Partial::default());
            continue;
        }
        // `key = value`; the first `=` is the separator, as keys here are bare words.
        let eq = eq?;
        let (key, value) = (
            line[..eq].strip_suffix(' ')?,
            line[eq + 1..].strip_prefix(' ')?,
        );
        match &mut current {
            None => match key.as_bytes() {
                b"version" if version.is_none() => version = Some(integer(value)?),
                b"recipients" if recipients.is_none() => recipients = Some(string_array(value)?),
                b"accounts" if value == "[]" && !empty_accounts => empty_accounts = true,
                _ => return None,
            },
            Some(p) => p.set(key, value)?,
        }
    }
    if let Some(p) = current.take() {
        each(p)?;
    }
    if !(1..=i64::from(VERSION)).contains(&version?) {
        return None; // the `toml` path says which version and why
    }
    Some(recipients.unwrap_or_default())
}

/// An account whose lines are still being read; each key at most once.
#[derive(Default, Clone, Copy)]
struct Partial<'a> {
    name: Option<&'a str>,
    issuer: Option<&'a str>,
    account: Option<&'a str>,
    kind: Option<&'a str>,
    secret: Option<&'a str>,
    algorithm: Option<&'a str>,
    digits: Option<i64>,
    period: Option<i64>,
    counter: Option<i64>,
    added: Option<Datetime>,
}

impl<'a> Partial<'a> {
    fn set(&mut self, key: &str, value: &'a str) -> Option<()> {
        fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
            if slot.is_some() {
                return None; // a duplicate key: `toml` reports it
            }
            *slot = Some(value?);
            Some(())
        }
        // Byte-slice patterns compile to a length switch and inline compares, no `memcmp` calls.
        match key.as_bytes() {
            b"name" => once(&mut self.name, string(value)),
            b"issuer" => once(&mut self.issuer, string(value)),
            b"account" => once(&mut self.account, string(value)),
            b"type" => once(&mut self.kind, string(value)),
            b"secret" => once(&mut self.secret, string(value)),
            b"algorithm" => once(&mut self.algorithm, string(value)),
            b"digits" => once(&mut self.digits, integer(value)),
            b"period" => once(&mut self.period, integer(value)),
            b"counter" => once(&mut self.counter, integer(value)),
            b"added" => once(&mut self.added, datetime(value)),
            _ => None,
        }
    }

    /// The account, with the schema's defaults; `None` when a required key is missing or the
    /// account is invalid (the `toml` path then says why).
    fn finish(self) -> Option<Account> {
        let (otp, added) = self.otp()?;
        Some(Account {
            name: self.name?.to_owned(),
            issuer: self.issuer.unwrap_or_default().to_owned(),
            account: self.account.unwrap_or_default().to_owned(),
            otp,
            added,
        })
    }

    /// The code parameters and date, checked; `None` as for [`Self::finish`].
    fn otp(&self) -> Option<(crate::otp::Otp, Option<i64>)> {
        if self.name?.trim().is_empty() {
            return None;
        }
        super::otp_from_fields(&Fields {
            kind: self.kind?,
            secret: self.secret?,
            algorithm: self.algorithm.unwrap_or(DEFAULT_ALGORITHM),
            digits: self.digits.unwrap_or(DEFAULT_DIGITS),
            period: self.period,
            counter: self.counter,
            added: self.added,
        })
        .ok()
    }
}

/// A basic string without escapes or control characters: `"…"` and nothing after it.
fn string(value: &str) -> Option<&str> {
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    // Printable ASCII and tabs, the usual case, byte by byte in one pass; anything else char by
    // char (C1 controls are chars).
    let ascii = |b: u8| b == b'\t' || (matches!(b, b' '..=b'~') && b != b'"' && b != b'\\');
    let plain = |c: char| c != '"' && c != '\\' && (c == '\t' || !c.is_control());
    let ok = inner.bytes().all(ascii) || (!inner.is_ascii() && inner.chars().all(plain));
    ok.then_some(inner)
}

/// The lines of `text` split at `\n`, each with the offset of its first `=`, found in one pass.
/// (`str::split` and `str::find` walk each line twice and cost a tenth of the whole parse;
/// `str::find('\n')` alone, a word at a time, costs more than this loop on lines this short.)
struct Lines<'a>(&'a str);

impl<'a> Iterator for Lines<'a> {
    type Item = (&'a str, Option<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.0;
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        let mut eq = None;
        let mut end = bytes.len();
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                end = i;
                break;
            }
            if b == b'=' && eq.is_none() {
                eq = Some(i);
            }
        }
        // Both split points are ASCII bytes, so they are char boundaries.
        self.0 = rest.get(end + 1..).unwrap_or("");
        Some((&rest[..end], eq))
    }
}

/// `["…", "…"]` on one line, as `toml` writes a short array of strings.
fn string_array(value: &str) -> Option<Vec<&str>> {
    let inner = value.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner.split(", ").map(string).collect()
}

/// A decimal integer as `toml` writes it: optional `-`, no leading zeros, no `_` or `+`.
fn integer(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    value.parse().ok()
}

/// `YYYY-MM-DDTHH:MM:SSZ` with every field in range.
fn datetime(value: &str) -> Option<Datetime> {
    let b = value.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u16> {
        b[range].iter().try_fold(0u16, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u16::from(d - b'0'))
        })
    };
    let small = |range| num(range).and_then(|n| u8::try_from(n).ok());
    let (year, month, day) = (num(0..4)?, small(5..7)?, small(8..10)?);
    let (hour, minute, second) = (small(11..13)?, small(14..16)?, small(17..19)?);
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(Datetime {
        date: Some(Date { year, month, day }),
        time: Some(Time {
            hour,
            minute,
            second: Some(second),
            nanosecond: None,
        }),
        offset: Some(Offset::Z),
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether the fast reader and the `toml` crate agree on `text`: when the fast reader accepts
/// it, `toml` must accept it too and give the same value. For the tests and the fuzz target.
#[doc(hidden)]
pub fn agrees_with_toml(text: &str) -> bool {
    match parse(text) {
        None => true,
        Some(fast) => {
            super::parse_toml(std::path::Path::new("v"), text).is_ok_and(|slow| slow == fast)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "version = 1\nrecipients = [\"age1abc\", \"ssh-ed25519 AAAA x@y\"]\n\n\
        [[accounts]]\nname = \"microsoft\"\nissuer = \"Microsoft\"\naccount = \"nome.cognome@unipi.it\"\n\
        type = \"totp\"\nsecret = \"JBSWY3DPEHPK3PXP\"\nalgorithm = \"SHA1\"\ndigits = 6\nperiod = 30\n\
        added = 2025-11-24T16:00:00Z\n\n[[accounts]]\nname = \"token\"\ntype = \"hotp\"\n\
        secret = \"GEZDGNBV\"\ncounter = 7\n";

    #[test]
    fn reads_the_canonical_form_like_toml() {
        let fast = parse(SAMPLE).expect("canonical form");
        assert!(fast == super::super::parse_toml(std::path::Path::new("v"), SAMPLE).unwrap());
        assert_eq!(fast.accounts.len(), 2);
        assert_eq!(fast.accounts[0].account, "nome.cognome@unipi.it");
        assert_eq!(fast.accounts[0].added, Some(1_764_000_000));
        // The schema's defaults.
        assert_eq!(fast.accounts[1].issuer, "");
        assert_eq!(
            fast.accounts[1].otp.algorithm(),
            crate::otp::Algorithm::Sha1
        );
        assert_eq!(fast.accounts[1].otp.digits(), 6);
        assert_eq!(fast.accounts[1].otp.counter(), 7);
        assert_eq!(fast.recipients.len(), 2);
    }

    #[test]
    fn leaves_everything_else_to_toml() {
        let others = [
            "version = 1\n# a comment\n",
            "version = 1\nversion = 1\n",
            "version = 0x1\n",
            "version = +1\n",
            "version = 01\n",
            "version = 1_0\n",
            "version = 99999999999999999999\n",
            "version=1\n",
            " version = 1\n",
            "version = 1 \n",
            "version = 1\r\n",
            "\"version\" = 1\n",
            "version = 1\nextra = 2\n",
            "recipients = []\n", // no version
            "version = 1\n[accounts]\nname = \"a\"\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\n", // no secret
            "version = 1\n[[accounts]]\nname = \"a\\u0041\"\ntype = \"totp\"\nsecret = \"A\"\n",
            "version = 1\n[[accounts]]\nname = 'a'\ntype = \"totp\"\nsecret = \"A\"\n",
            "version = 1\n[[accounts]]\nname = \"a\" # c\ntype = \"totp\"\nsecret = \"A\"\n",
            "version = 1\n[[accounts]]\nname = \"a\"\nname = \"b\"\ntype = \"totp\"\nsecret = \"A\"\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"A\"\nadded = 2025-02-29T00:00:00Z\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"A\"\nadded = 2025-01-01T00:00:00.5Z\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"A\"\nadded = 2025-01-01T24:00:00Z\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"A\"\nadded = 2025-01-01\n",
            "version = 1\n[[accounts]]\nname = \"a\tb\u{7f}\"\ntype = \"totp\"\nsecret = \"A\"\n",
            "version = 1\nrecipients = [\"a\",\"b\"]\n",
            "version = 1\nrecipients = [\n  \"a\",\n]\n",
            // The canonical shape, but not a valid vault: the `toml` path gives the message.
            "version = 2\n",
            "version = 0\n",
            "version = 1\n[[accounts]]\nname = \" \"\ntype = \"totp\"\nsecret = \"GEZDGNBV\"\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"GEZDGNBV\"\n\
             [[accounts]]\nname = \"A\"\ntype = \"totp\"\nsecret = \"GEZDGNBV\"\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"GEZDGNB1\"\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"GEZDGNBV\"\ndigits = 11\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"GEZDGNBV\"\ncounter = 1\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"hotp\"\nsecret = \"GEZDGNBV\"\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"otp\"\nsecret = \"GEZDGNBV\"\n",
            "version = 1\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"GEZDGNBV\"\nalgorithm = \"MD5\"\n",
        ];
        for text in others {
            assert!(parse(text).is_none(), "fast reader accepted {text:?}");
        }
    }

    #[test]
    fn lines_split_at_newlines_and_find_the_first_equals_sign() {
        let got: Vec<_> = Lines("a = b\n\nname = \"x=y\"\n[[accounts]]\nlast = 1").collect();
        assert_eq!(
            got,
            [
                ("a = b", Some(2)),
                ("", None),
                ("name = \"x=y\"", Some(5)),
                ("[[accounts]]", None),
                ("last = 1", Some(5)),
            ]
        );
        // A final newline ends the last line and adds no empty one; no text, no lines.
        assert_eq!(Lines("x\n").collect::<Vec<_>>(), [("x", None)]);
        assert_eq!(Lines("").count(), 0);
        // The same lines `str::split` gives, but for the empty one after a final newline.
        let text = "version = 1\n\n\u{e9} = \u{e8}\n=\n";
        let split: Vec<&str> = text.split('\n').filter(|l| !l.is_empty()).collect();
        let ours: Vec<&str> = Lines(text)
            .map(|(l, _)| l)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(ours, split);
    }

    #[test]
    fn dates_match_toml_including_leap_days() {
        for d in [
            "2024-02-29T23:59:59Z",
            "2000-02-29T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "2025-12-31T12:30:05Z",
        ] {
            assert_eq!(datetime(d), Some(d.parse::<Datetime>().unwrap()), "{d}");
        }
        for d in [
            "1900-02-29T00:00:00Z",
            "2025-04-31T00:00:00Z",
            "2025-13-01T00:00:00Z",
        ] {
            assert_eq!(datetime(d), None, "{d}");
        }
    }

    proptest::proptest! {
        /// Whatever the text, the fast reader never disagrees with `toml` (it may decline).
        #[test]
        fn never_disagrees_with_toml(
            lines in proptest::collection::vec(proptest::sample::select(vec![
                "version = 1", "version = 2", "version = -0", "version = 0",
                "recipients = [\"age1x\"]", "recipients = []", "[[accounts]]", "", "accounts = []",
                "name = \"a\"", "name = \"A\"", "name = \"\"", "issuer = \"\u{e9}t\u{e9}\"",
                "account = \"x\ty\"", "type = \"totp\"", "type = \"hotp\"", "secret = \"JBSW\"",
                "algorithm = \"SHA256\"", "digits = 8", "period = 60", "counter = 3",
                "counter = -3", "added = 2024-02-29T10:00:00Z", "added = 2023-02-29T10:00:00Z",
                "name = \"a\"b\"", "# c", "[accounts]", "x = 1",
            ]), 0..24)
        ) {
            let text = lines.join("\n");
            proptest::prop_assert!(agrees_with_toml(&text), "disagreement on {text:?}");
        }

        /// `pick` gives the account that reading the whole vault (through `toml`) and `find`
        /// give, or declines; on the canonical form of a valid vault with a single match it
        /// does not decline.
        #[test]
        fn pick_agrees_with_find(
            accounts in proptest::collection::vec((
                proptest::sample::select(vec!["a", "A", "ab", "b", "ba", "k", "\u{212a}", "x y", ""]),
                proptest::sample::select(vec!["", "Acme", "AB", "K"]),
                proptest::sample::select(vec!["", "b@x", "a.b"]),
                proptest::sample::select(vec!["totp", "hotp", "steam"]),
                proptest::sample::select(vec!["JBSWY3DP", "JBSW1", "GEZDGNBV"]),
            ), 0..5),
            query in proptest::sample::select(vec!["a", "A", "b", "ab", "K", "k", "acme", "x", "@", ""]),
        ) {
            use std::fmt::Write as _;
            let mut text = String::from("version = 1\n");
            for (name, issuer, account, kind, secret) in &accounts {
                let extra = match *kind {
                    "hotp" => "counter = 3\n",
                    "steam" => "digits = 5\nperiod = 30\n",
                    _ => "digits = 6\nperiod = 30\n",
                };
                write!(
                    text,
                    "\n[[accounts]]\nname = \"{name}\"\nissuer = \"{issuer}\"\naccount = \"{account}\"\n\
                     type = \"{kind}\"\nsecret = \"{secret}\"\nalgorithm = \"SHA1\"\n{extra}"
                )
                .unwrap();
            }
            let whole = super::super::parse_toml(std::path::Path::new("v"), &text)
                .ok()
                .and_then(|v| crate::cmd::find(&v, query).ok().map(|i| v.accounts[i].clone()));
            let picked = pick(&text, query);
            proptest::prop_assert!(picked.is_none() || picked == whole, "{text:?} {query:?}");
            proptest::prop_assert_eq!(picked.is_some(), whole.is_some(), "{:?} {:?}", text, query);
        }
    }
}
