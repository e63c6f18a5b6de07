//! The `otpauth://` and `otpauth-migration://` parser and writer, and a classifier for QR texts.
//!
//! Everything here is pure string and byte work: no I/O, no clock, no CLI. Parsing is strict:
//! a present but bad value (digits, period, algorithm, counter, secret, encoder) is a typed
//! [`UriError`] naming the field, never a silent default. No error carries the secret.
//!
//! Decisions worth knowing:
//!
//! - **`+` in otpauth URIs** is a space in the label and in every parameter (form encoding, as
//!   many generators write `ACME+Co`); a real plus sign must be `%2B`. The writer always encodes
//!   spaces as `%20` and `+` as `%2B`, so its output reads the same either way.
//!   `otpauth-migration` `data=` is the opposite: percent-decoded only, and a literal space is
//!   taken as the `+` it was before someone form-decoded it.
//! - **Names**: the label is split on its first `:` after decoding (`Contoso%3Auser` splits too);
//!   the `issuer` parameter wins over the label prefix, and a label that starts with exactly
//!   `issuer:` loses that prefix even when the issuer itself contains `:`. A label equal to the
//!   issuer (`otpauth://totp/GitHub?issuer=GitHub`) means no account name. Issuer and account are
//!   trimmed of surrounding whitespace (`str::trim`); a control character in either is refused
//!   (they end up on terminals). The writer emits `:account` (empty prefix) when there is no
//!   issuer but the account contains `:`, so every trimmed name pair round-trips.
//! - **Steam** is written as `otpauth://steam/…&digits=5&period=30`, the form Aegis writes and
//!   reads; an app that does not know Steam then refuses the code instead of showing wrong
//!   decimal codes. `steam://SECRET`, `otpauth://steam/…` and `otpauth://totp/…&encoder=steam`
//!   are all read.
//! - **Migration export** ([`to_migration`]) cannot carry Steam accounts, periods other than
//!   30 s or 7/9/10 digits: those are returned in [`MigrationExport::unrepresentable`], never
//!   mangled. A migration payload must hold `version`, `batch_size` and `batch_id` (Google
//!   Authenticator and Aegis always write them, last): without them it is taken as truncated.

use std::fmt::{self, Write as _};

use data_encoding::{Encoding, Specification};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::otp::{
    Algorithm, Kind, Otp, ParamError, STEAM_DIGITS, Secret, SecretError, UnknownAlgorithm,
};

/// The longest URI or input line accepted, in bytes; longer ones are refused before parsing.
pub const MAX_INPUT: usize = 64 * 1024;

/// Default TOTP period, and the only one the migration format knows.
const DEFAULT_PERIOD: u32 = 30;

/// Characters percent-encoded in labels, parameters and migration data: all but RFC 3986
/// unreserved ones.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a URI (or migration payload) was refused. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// Longer than [`MAX_INPUT`].
    #[error("input is {len} bytes, over the {MAX_INPUT}-byte limit")]
    TooLong {
        /// Length in bytes.
        len: usize,
    },
    /// Does not start with `otpauth://` or `steam://`.
    #[error("not an otpauth URI")]
    NotOtpauth,
    /// A migration URI handed to the single-account parser.
    #[error("this is a Google Authenticator export (otpauth-migration), not a single otpauth URI")]
    IsMigration,
    /// Does not start with `otpauth-migration://offline`.
    #[error("not an otpauth-migration://offline URI")]
    NotMigration,
    /// Text with an otpauth URI somewhere after its start.
    #[error("the text has {before} characters before \"{scheme}\"; the URI must start the text")]
    NotAtStart {
        /// The scheme found, e.g. `otpauth://`.
        scheme: &'static str,
        /// Characters before it.
        before: usize,
    },
    /// An otpauth type other than totp, hotp or steam.
    #[error("unsupported otpauth type {0:?}")]
    UnsupportedType(String),
    /// No `secret=`.
    #[error("missing secret parameter")]
    MissingSecret,
    /// The secret is not base32 (position and length only, never the text).
    #[error("{}", secret_message(.0))]
    BadSecret(SecretError),
    /// An algorithm other than SHA1, SHA256, SHA512.
    #[error(transparent)]
    Algorithm(#[from] UnknownAlgorithm),
    /// A numeric parameter that is not a whole decimal number.
    #[error("{field} must be a whole number, got {value:?}")]
    NotANumber {
        /// `digits`, `period` or `counter`.
        field: &'static str,
        /// The value (at most 20 characters of it).
        value: String,
    },
    /// A period that does not fit in 32 bits.
    #[error("period must be at most {max} seconds, got {0}", max = u32::MAX)]
    PeriodTooLong(u64),
    /// Digits, period or algorithm out of range for the type.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// An hotp URI without `counter=`.
    #[error("hotp URI needs a counter parameter")]
    MissingCounter,
    /// A known parameter given twice.
    #[error("the {0} parameter appears more than once")]
    Duplicate(&'static str),
    /// `encoder=` with a value other than `steam`.
    #[error("unsupported encoder {0:?} (only \"steam\" is known)")]
    UnsupportedEncoder(String),
    /// `encoder=steam` on an hotp URI.
    #[error("encoder=steam needs a totp URI, not hotp")]
    SteamEncoderOnHotp,
    /// Percent-decoding gave bytes that are not UTF-8.
    #[error("the {0} is not valid UTF-8 after percent-decoding")]
    NotUtf8(&'static str),
    /// A control character (newline, escape, …) in a name.
    #[error("the {0} contains a control character")]
    ControlCharacter(&'static str),
    /// A migration URI without `data=`.
    #[error("missing data parameter")]
    MissingData,
    /// `data=` is not base64.
    #[error("the data parameter is not valid base64")]
    BadBase64,
    /// The protobuf inside `data=` is malformed.
    #[error("the migration data is corrupt at byte {at}: {what}")]
    Corrupt {
        /// Byte offset in the decoded payload.
        at: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// A payload without one of the fields every exporter writes.
    #[error("the migration data has no {0} field (is it truncated?)")]
    Incomplete(&'static str),
    /// `batch_index` not below `batch_size`.
    #[error("the migration data says it is code {} of {size}", i64::from(*.index) + 1)]
    BatchIndex {
        /// `batch_index` (0-based).
        index: i32,
        /// `batch_size`.
        size: i32,
    },
}

fn secret_message(e: &SecretError) -> String {
    let text = e.to_string();
    text.strip_prefix("the ").unwrap_or(&text).to_owned()
}

impl From<SecretError> for UriError {
    fn from(e: SecretError) -> Self {
        Self::BadSecret(e)
    }
}

/// An account left out of a migration payload (or out of an export), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// "Issuer: account" as far as it could be read (control characters removed).
    pub label: String,
    /// Why, in a few words.
    pub reason: String,
}

/// The content of one `otpauth-migration://` code (Google Authenticator export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The accounts that could be read.
    pub accounts: Vec<Account>,
    /// Entries that could not (MD5, unknown enum values, empty secret, …).
    pub skipped: Vec<Skipped>,
    /// Format version (Google writes 1).
    pub version: i32,
    /// How many codes the export has in all.
    pub batch_size: i32,
    /// Which of them this is, from 0.
    pub batch_index: i32,
    /// Shared by all codes of one export; usually negative.
    pub batch_id: i32,
}

/// The result of [`to_migration`]. Its `Debug` shows how many codes, never their text.
#[derive(Default)]
pub struct MigrationExport {
    /// One `otpauth-migration://offline?data=…` URI per code, each zeroized on drop.
    pub codes: Vec<Zeroizing<String>>,
    /// Accounts the format cannot carry (label is the vault name, else issuer/account).
    pub unrepresentable: Vec<Skipped>,
}

impl fmt::Debug for MigrationExport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MigrationExport")
            .field(
                "codes",
                &format_args!("<{} codes redacted>", self.codes.len()),
            )
            .field("unrepresentable", &self.unrepresentable)
            .finish()
    }
}

/// What a QR code's text turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// An `otpauth://` or `steam://` account.
    Otpauth(Account),
    /// A Google Authenticator export.
    Migration(Migration),
    /// Microsoft Authenticator's own push-registration code, not a TOTP code.
    MicrosoftPush,
    /// Something else; a few words on what (never its content).
    Other(String),
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn check_len(text: &str) -> Result<(), UriError> {
    if text.len() > MAX_INPUT {
        return Err(UriError::TooLong { len: text.len() });
    }
    Ok(())
}

/// `text` without `prefix`, compared ASCII case-insensitively.
fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Byte offset of `needle` (ASCII) in `haystack`, compared ASCII case-insensitively.
fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// At most `n` characters of `text`, for echoing a bad (non-secret) value.
fn short(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

/// Form-decodes a component: `+` is a space, then percent escapes.
fn form_decode(field: &'static str, raw: &str) -> Result<String, UriError> {
    let spaced = raw.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| UriError::NotUtf8(field))
}

/// A decoded name: trimmed, without control characters.
fn name_field(field: &'static str, raw: &str) -> Result<String, UriError> {
    let text = form_decode(field, raw)?;
    let text = text.trim();
    if text.chars().any(char::is_control) {
        return Err(UriError::ControlCharacter(field));
    }
    Ok(text.to_owned())
}

fn parse_secret(raw: &str) -> Result<Secret, UriError> {
    // Buffers sized up front and zeroized: no stray copies of the secret are left behind.
    let mut spaced = Zeroizing::new(String::with_capacity(raw.len()));
    spaced.extend(raw.chars().map(|c| if c == '+' { ' ' } else { c }));
    let mut bytes = Zeroizing::new(Vec::with_capacity(spaced.len()));
    bytes.extend(percent_decode_str(&spaced));
    let text = std::str::from_utf8(&bytes).map_err(|_| UriError::NotUtf8("secret"))?;
    Ok(Secret::parse_base32(text)?)
}

/// A whole decimal number: ASCII digits only, no sign.
fn parse_uint(field: &'static str, raw: &str) -> Result<u64, UriError> {
    let text = form_decode(field, raw)?;
    let bad = || UriError::NotANumber {
        field,
        value: short(&text, 20),
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    text.parse().map_err(|_| bad())
}

/// "Issuer: account", "Issuer", "account" or "(unnamed)", without control characters.
fn label_of(issuer: &str, account: &str) -> String {
    let label = match (issuer.is_empty(), account.is_empty()) {
        (false, false) => format!("{issuer}: {account}"),
        (false, true) => issuer.to_owned(),
        (true, false) => account.to_owned(),
        (true, true) => String::from("(unnamed)"),
    };
    label
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// otpauth://

/// The raw (still encoded) values of the known parameters.
#[derive(Default)]
struct Params<'a> {
    secret: Option<&'a str>,
    issuer: Option<&'a str>,
    algorithm: Option<&'a str>,
    digits: Option<&'a str>,
    period: Option<&'a str>,
    counter: Option<&'a str>,
    encoder: Option<&'a str>,
}

impl<'a> Params<'a> {
    fn parse(query: &'a str) -> Result<Self, UriError> {
        let mut p = Self::default();
        for pair in query.split('&').filter(|s| !s.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode_str(&key.replace('+', " "))
                .decode_utf8_lossy()
                .to_ascii_lowercase();
            let (slot, name) = match key.as_str() {
                "secret" => (&mut p.secret, "secret"),
                "issuer" => (&mut p.issuer, "issuer"),
                "algorithm" => (&mut p.algorithm, "algorithm"),
                "digits" => (&mut p.digits, "digits"),
                "period" => (&mut p.period, "period"),
                "counter" => (&mut p.counter, "counter"),
                "encoder" => (&mut p.encoder, "encoder"),
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return Err(UriError::Duplicate(name));
            }
        }
        Ok(p)
    }
}

/// Parses one `otpauth://totp|hotp|steam/LABEL?…` or `steam://SECRET` URI.
///
/// The account comes back unnamed (`name` empty, `added` None). Surrounding whitespace of the
/// whole URI is ignored; issuer and account are trimmed.
///
/// ```
/// use authcli::otp::{Algorithm, Kind};
/// let acc = authcli::uri::parse_otpauth(
///     "otpauth://totp/Contoso%3Anome.cognome%40unipi.it?secret=jbswy3dpehpk3pxp&issuer=Microsoft",
/// )
/// .unwrap();
/// assert_eq!(acc.issuer, "Microsoft");
/// assert_eq!(acc.account, "nome.cognome@unipi.it");
/// assert_eq!(acc.otp.kind(), Kind::Totp);
/// assert_eq!(acc.otp.secret().len(), 10); // 80 bits
/// assert_eq!((acc.otp.algorithm(), acc.otp.digits(), acc.otp.period()), (Algorithm::Sha1, 6, 30));
///
/// let err = authcli::uri::parse_otpauth("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11");
/// assert_eq!(err.unwrap_err().to_string(), "digits must be 6-10, got 11");
/// ```
pub fn parse_otpauth(uri: &str) -> Result<Account, UriError> {
    check_len(uri)?;
    let uri = uri.trim();
    if let Some(rest) = strip_prefix_ci(uri, "steam://") {
        return parse_steam_scheme(rest);
    }
    if strip_prefix_ci(uri, "otpauth-migration:").is_some() {
        return Err(UriError::IsMigration);
    }
    let rest = strip_prefix_ci(uri, "otpauth://").ok_or(UriError::NotOtpauth)?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (type_name, raw_label) = path.split_once('/').unwrap_or((path, ""));
    let kind = match type_name.to_ascii_lowercase().as_str() {
        "totp" => Kind::Totp,
        "hotp" => Kind::Hotp,
        "steam" => Kind::Steam,
        _ => return Err(UriError::UnsupportedType(short(type_name, 40))),
    };
    let params = Params::parse(query)?;
    let kind = apply_encoder(kind, params.encoder)?;
    let otp = build_otp(kind, &params)?;
    let label = name_field("label", raw_label)?;
    let issuer_param = params
        .issuer
        .map(|raw| name_field("issuer", raw))
        .transpose()?
        .filter(|s| !s.is_empty());
    let (issuer, account) = split_label(&label, issuer_param);
    Ok(Account::new(issuer, account, otp))
}

fn parse_steam_scheme(rest: &str) -> Result<Account, UriError> {
    let raw = rest.strip_suffix('/').unwrap_or(rest);
    let secret = parse_secret(raw)?;
    let otp = Otp::new(
        Kind::Steam,
        secret,
        Algorithm::Sha1,
        STEAM_DIGITS,
        DEFAULT_PERIOD,
        0,
    )?;
    Ok(Account::new("Steam", "", otp))
}

fn apply_encoder(kind: Kind, encoder: Option<&str>) -> Result<Kind, UriError> {
    let Some(raw) = encoder else {
        return Ok(kind);
    };
    let value = form_decode("encoder", raw)?;
    if !value.trim().eq_ignore_ascii_case("steam") {
        return Err(UriError::UnsupportedEncoder(short(&value, 40)));
    }
    match kind {
        Kind::Hotp => Err(UriError::SteamEncoderOnHotp),
        Kind::Totp | Kind::Steam => Ok(Kind::Steam),
    }
}

fn build_otp(kind: Kind, p: &Params<'_>) -> Result<Otp, UriError> {
    let secret = parse_secret(p.secret.ok_or(UriError::MissingSecret)?)?;
    let algorithm = match p.algorithm {
        Some(raw) => form_decode("algorithm", raw)?.trim().parse()?,
        None => Algorithm::Sha1,
    };
    let digits = match p.digits {
        None if kind == Kind::Steam => STEAM_DIGITS,
        None => 6,
        Some(raw) => {
            let n = parse_uint("digits", raw)?;
            if kind == Kind::Steam && n != u64::from(STEAM_DIGITS) {
                return Err(ParamError::SteamDigits(n).into());
            }
            if kind != Kind::Steam && !(6..=10).contains(&n) {
                return Err(ParamError::Digits(n).into());
            }
            u8::try_from(n).map_err(|_| ParamError::Digits(n))?
        }
    };
    let period = match p.period {
        None => DEFAULT_PERIOD,
        Some(raw) => {
            let n = parse_uint("period", raw)?;
            if n == 0 {
                return Err(ParamError::Period(0).into());
            }
            u32::try_from(n).map_err(|_| UriError::PeriodTooLong(n))?
        }
    };
    let counter = p
        .counter
        .map(|raw| parse_uint("counter", raw))
        .transpose()?;
    if kind == Kind::Hotp && counter.is_none() {
        return Err(UriError::MissingCounter);
    }
    Ok(Otp::new(
        kind,
        secret,
        algorithm,
        digits,
        period,
        counter.unwrap_or(0),
    )?)
}

/// Splits a decoded, trimmed label into (issuer, account); see the module docs.
fn split_label(label: &str, issuer_param: Option<String>) -> (String, String) {
    if let Some(issuer) = issuer_param {
        if label == issuer {
            return (issuer, String::new());
        }
        let account = label
            .strip_prefix(issuer.as_str())
            .and_then(|rest| rest.strip_prefix(':'))
            .or_else(|| label.split_once(':').map(|(_, rest)| rest))
            .unwrap_or(label)
            .trim()
            .to_owned();
        return (issuer, account);
    }
    match label.split_once(':') {
        Some((prefix, account)) => (prefix.trim().to_owned(), account.trim().to_owned()),
        None => (String::new(), label.to_owned()),
    }
}

/// Writes the canonical otpauth URI of an account (secret included: handle with care).
///
/// `otpauth://totp/Issuer:account?secret=…&issuer=Issuer&algorithm=SHA1&digits=6&period=30`;
/// HOTP writes `counter=` instead of `period=`, Steam `otpauth://steam/…&digits=5&period=30`.
/// The `issuer` parameter is left out when there is no issuer. Names are percent-encoded
/// (spaces as `%20`, `:` inside a name as `%3A`), so [`parse_otpauth`] gives the account back.
///
/// ```
/// use authcli::{account::Account, otp::{Algorithm, Kind, Otp, Secret}};
/// let secret = Secret::parse_base32("JBSWY3DPEHPK3PXP").unwrap();
/// let otp = Otp::totp(secret).unwrap();
/// let acc = Account::new("ACME Co", "john.doe@email.com", otp);
/// let uri = authcli::uri::to_otpauth(&acc);
/// assert_eq!(
///     uri.as_str(),
///     "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=JBSWY3DPEHPK3PXP\
///      &issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
/// );
/// assert_eq!(authcli::uri::parse_otpauth(&uri).unwrap(), acc);
/// ```
pub fn to_otpauth(acc: &Account) -> Zeroizing<String> {
    let otp = &acc.otp;
    let secret = otp.secret().to_base32();
    // Reserve enough up front that the buffer holding the secret is never reallocated (a
    // reallocation would leave a copy of the secret behind in freed memory).
    let capacity = 128 + secret.len() + 3 * (2 * acc.issuer.len() + acc.account.len());
    let mut out = Zeroizing::new(String::with_capacity(capacity));
    out.push_str("otpauth://");
    out.push_str(otp.kind().as_str());
    out.push('/');
    let issuer = utf8_percent_encode(&acc.issuer, COMPONENT);
    let account = utf8_percent_encode(&acc.account, COMPONENT);
    // fmt::Write for String never fails.
    let _ = match (acc.issuer.is_empty(), acc.account.is_empty()) {
        (false, false) => write!(out, "{issuer}:{account}"),
        (false, true) => write!(out, "{issuer}"),
        (true, _) if acc.account.contains(':') => write!(out, ":{account}"),
        (true, _) => write!(out, "{account}"),
    };
    out.push_str("?secret=");
    out.push_str(&secret);
    if !acc.issuer.is_empty() {
        let _ = write!(out, "&issuer={issuer}");
    }
    let _ = write!(
        out,
        "&algorithm={}&digits={}",
        otp.algorithm().as_str(),
        otp.digits()
    );
    let _ = match otp.kind() {
        Kind::Hotp => write!(out, "&counter={}", otp.counter()),
        Kind::Totp | Kind::Steam => write!(out, "&period={}", otp.period()),
    };
    out
}

// ---------------------------------------------------------------------------------------------
// otpauth-migration://

fn base64_lenient() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols
        .push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    spec.check_trailing_bits = false;
    spec.encoding().expect("valid base64 specification")
}

/// Decodes `data=`: percent escapes only; space → `+`; URL-safe `-_` accepted; padding optional.
fn decode_data(raw: &str) -> Result<Zeroizing<Vec<u8>>, UriError> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(raw.len()));
    bytes.extend(percent_decode_str(raw));
    let mut text: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(bytes.len()));
    for &b in bytes.iter() {
        text.push(match b {
            b' ' | b'-' => b'+',
            b'_' => b'/',
            other => other,
        });
    }
    let trimmed_len = text.len() - text.iter().rev().take_while(|&&b| b == b'=').count();
    let decoded = base64_lenient()
        .decode(&text[..trimmed_len])
        .map_err(|_| UriError::BadBase64)?;
    Ok(Zeroizing::new(decoded))
}

/// A bounds-checked protobuf reader over one message.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf` in the whole payload, for error messages.
    base: usize,
}

const WIRE_VARINT: u64 = 0;
const WIRE_I64: u64 = 1;
const WIRE_LEN: u64 = 2;
const WIRE_I32: u64 = 5;

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8], base: usize) -> Self {
        Self { buf, pos: 0, base }
    }

    fn corrupt(&self, what: &'static str) -> UriError {
        UriError::Corrupt {
            at: self.base + self.pos,
            what,
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn varint(&mut self) -> Result<u64, UriError> {
        let mut value = 0u64;
        for i in 0..10 {
            let Some(&byte) = self.buf.get(self.pos) else {
                return Err(self.corrupt("truncated number"));
            };
            if i == 9 && byte > 1 {
                return Err(self.corrupt("number longer than 64 bits"));
            }
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.corrupt("number longer than 64 bits"))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], UriError> {
        if len > self.buf.len() - self.pos {
            return Err(self.corrupt("field runs past the end"));
        }
        let bytes = &self.buf[self.pos..self.pos + len];
        self.pos += len;
        Ok(bytes)
    }

    /// A length-delimited field's bytes, and their offset in the payload.
    fn bytes(&mut self) -> Result<(&'a [u8], usize), UriError> {
        let len = self.varint()?;
        let len = usize::try_from(len).map_err(|_| self.corrupt("field runs past the end"))?;
        let at = self.base + self.pos;
        Ok((self.take(len)?, at))
    }

    /// The next (field number, wire type).
    fn key(&mut self) -> Result<(u64, u64), UriError> {
        let key = self.varint()?;
        let field = key >> 3;
        if field == 0 || field > u64::from(u32::MAX >> 3) {
            return Err(self.corrupt("invalid field number"));
        }
        Ok((field, key & 7))
    }

    fn skip(&mut self, wire: u64) -> Result<(), UriError> {
        match wire {
            WIRE_VARINT => self.varint().map(drop),
            WIRE_I64 => self.take(8).map(drop),
            WIRE_LEN => self.bytes().map(drop),
            WIRE_I32 => self.take(4).map(drop),
            _ => Err(self.corrupt("unsupported wire type")),
        }
    }

    /// Reads a varint field, checking its wire type.
    fn varint_field(&mut self, wire: u64) -> Result<u64, UriError> {
        if wire != WIRE_VARINT {
            return Err(self.corrupt("wrong wire type for a number field"));
        }
        self.varint()
    }

    fn bytes_field(&mut self, wire: u64) -> Result<(&'a [u8], usize), UriError> {
        if wire != WIRE_LEN {
            return Err(self.corrupt("wrong wire type for a bytes field"));
        }
        self.bytes()
    }

    fn int32_field(&mut self, wire: u64) -> Result<i32, UriError> {
        let raw = self.varint_field(wire)?;
        // int32 is sign-extended to 64 bits on the wire.
        let signed = i64::from_ne_bytes(raw.to_ne_bytes());
        i32::try_from(signed).map_err(|_| self.corrupt("int32 field out of range"))
    }
}

/// One `OtpParameters` entry as read off the wire.
#[derive(Default)]
struct RawEntry<'a> {
    secret: &'a [u8],
    name: &'a [u8],
    issuer: &'a [u8],
    algorithm: u64,
    digits: u64,
    kind: u64,
    counter: u64,
}

fn read_entry(buf: &[u8], base: usize) -> Result<RawEntry<'_>, UriError> {
    let mut r = Reader::new(buf, base);
    let mut e = RawEntry::default();
    while !r.at_end() {
        let (field, wire) = r.key()?;
        match field {
            1 => e.secret = r.bytes_field(wire)?.0,
            2 => e.name = r.bytes_field(wire)?.0,
            3 => e.issuer = r.bytes_field(wire)?.0,
            4 => e.algorithm = r.varint_field(wire)?,
            5 => e.digits = r.varint_field(wire)?,
            6 => e.kind = r.varint_field(wire)?,
            7 => e.counter = r.varint_field(wire)?,
            _ => r.skip(wire)?,
        }
    }
    Ok(e)
}

/// Turns a wire entry into an account, or the reason it is skipped.
fn entry_to_account(e: &RawEntry<'_>) -> Result<Account, Skipped> {
    let issuer_text = String::from_utf8_lossy(e.issuer);
    let name_text = String::from_utf8_lossy(e.name);
    let skip = |reason: String| Skipped {
        label: label_of(issuer_text.trim(), name_text.trim()),
        reason,
    };
    let issuer = std::str::from_utf8(e.issuer)
        .map_err(|_| skip("the issuer is not valid UTF-8".into()))?
        .trim();
    let name = std::str::from_utf8(e.name)
        .map_err(|_| skip("the name is not valid UTF-8".into()))?
        .trim();
    if issuer.chars().chain(name.chars()).any(char::is_control) {
        return Err(skip(
            "the name or issuer contains a control character".into(),
        ));
    }
    let account = if issuer.is_empty() {
        name
    } else if name == issuer {
        ""
    } else {
        name.strip_prefix(issuer)
            .and_then(|rest| rest.strip_prefix(':'))
            .map_or(name, str::trim)
    };
    let algorithm = match e.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err(skip("MD5 is not supported".into())),
        n => return Err(skip(format!("unknown algorithm {n}"))),
    };
    let digits = match e.digits {
        0 | 1 => 6,
        2 => 8,
        n => return Err(skip(format!("unknown digit count {n}"))),
    };
    let kind = match e.kind {
        0 | 2 => Kind::Totp,
        1 => Kind::Hotp,
        n => return Err(skip(format!("unknown type {n}"))),
    };
    let counter = if kind == Kind::Hotp {
        if i64::from_ne_bytes(e.counter.to_ne_bytes()) < 0 {
            return Err(skip("negative counter".into()));
        }
        e.counter
    } else {
        0
    };
    if e.secret.is_empty() {
        return Err(skip("empty secret".into()));
    }
    let secret = Secret::from_bytes(e.secret.to_vec());
    let otp = Otp::new(kind, secret, algorithm, digits, DEFAULT_PERIOD, counter)
        .map_err(|err| skip(err.to_string()))?;
    Ok(Account::new(issuer, account, otp))
}

/// Parses one Google Authenticator export code, `otpauth-migration://offline?data=…`.
///
/// Entries the app cannot use (MD5, unknown enum values, empty secret, bad UTF-8) land in
/// [`Migration::skipped`]; a malformed payload is an error. `batch_size` > 1 means the export
/// has more codes than this one.
pub fn parse_migration(uri: &str) -> Result<Migration, UriError> {
    check_len(uri)?;
    let uri = uri.trim();
    let rest = strip_prefix_ci(uri, "otpauth-migration://").ok_or(UriError::NotMigration)?;
    let (host, query) = rest.split_once('?').unwrap_or((rest, ""));
    let host = host.strip_suffix('/').unwrap_or(host);
    if !host.eq_ignore_ascii_case("offline") {
        return Err(UriError::NotMigration);
    }
    let mut data = None;
    for pair in query.split('&').filter(|s| !s.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key.eq_ignore_ascii_case("data") && data.replace(value).is_some() {
            return Err(UriError::Duplicate("data"));
        }
    }
    let data = data
        .filter(|d| !d.is_empty())
        .ok_or(UriError::MissingData)?;
    let payload = decode_data(data)?;
    decode_payload(&payload)
}

fn decode_payload(payload: &[u8]) -> Result<Migration, UriError> {
    let mut r = Reader::new(payload, 0);
    let mut out = Migration {
        accounts: Vec::new(),
        skipped: Vec::new(),
        version: 0,
        batch_size: 0,
        batch_index: 0,
        batch_id: 0,
    };
    let (mut version, mut batch_size, mut batch_id) = (None, None, None);
    while !r.at_end() {
        let (field, wire) = r.key()?;
        match field {
            1 => {
                let (bytes, at) = r.bytes_field(wire)?;
                match entry_to_account(&read_entry(bytes, at)?) {
                    Ok(acc) => out.accounts.push(acc),
                    Err(skipped) => out.skipped.push(skipped),
                }
            }
            2 => version = Some(r.int32_field(wire)?),
            3 => batch_size = Some(r.int32_field(wire)?),
            4 => out.batch_index = r.int32_field(wire)?,
            5 => batch_id = Some(r.int32_field(wire)?),
            _ => r.skip(wire)?,
        }
    }
    out.version = version.ok_or(UriError::Incomplete("version"))?;
    out.batch_size = batch_size.ok_or(UriError::Incomplete("batch_size"))?;
    out.batch_id = batch_id.ok_or(UriError::Incomplete("batch_id"))?;
    if out.batch_index < 0 || out.batch_index >= out.batch_size {
        return Err(UriError::BatchIndex {
            index: out.batch_index,
            size: out.batch_size,
        });
    }
    Ok(out)
}

// Protobuf writing.

fn put_varint(buf: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        buf.push(u8::try_from(value & 0x7f).unwrap_or(0) | 0x80);
        value >>= 7;
    }
    buf.push(u8::try_from(value).unwrap_or(0));
}

fn put_key(buf: &mut Vec<u8>, field: u64, wire: u64) {
    put_varint(buf, (field << 3) | wire);
}

fn put_bytes(buf: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    put_key(buf, field, WIRE_LEN);
    put_varint(buf, bytes.len() as u64);
    buf.extend_from_slice(bytes);
}

fn put_int32(buf: &mut Vec<u8>, field: u64, value: i32) {
    put_key(buf, field, WIRE_VARINT);
    put_varint(buf, u64::from_ne_bytes(i64::from(value).to_ne_bytes()));
}

/// Why an account cannot go into a migration export, if it cannot.
fn unrepresentable(acc: &Account) -> Option<String> {
    let otp = &acc.otp;
    if otp.kind() == Kind::Steam {
        return Some("Google Authenticator exports have no Steam type".into());
    }
    if !matches!(otp.digits(), 6 | 8) {
        return Some(format!(
            "Google Authenticator exports carry 6 or 8 digits, not {}",
            otp.digits()
        ));
    }
    if otp.kind() == Kind::Totp && otp.period() != DEFAULT_PERIOD {
        return Some(format!(
            "Google Authenticator exports carry only 30-second periods, not {} s",
            otp.period()
        ));
    }
    if otp.kind() == Kind::Hotp && i64::try_from(otp.counter()).is_err() {
        return Some("the counter is too large for a Google Authenticator export".into());
    }
    None
}

/// One `OtpParameters` message, laid out as Google writes it.
fn encode_entry(acc: &Account) -> Zeroizing<Vec<u8>> {
    let otp = &acc.otp;
    let name = match (acc.issuer.is_empty(), acc.account.is_empty()) {
        (true, _) => acc.account.clone(),
        (false, true) => acc.issuer.clone(),
        (false, false) => format!("{}:{}", acc.issuer, acc.account),
    };
    let capacity = otp.secret().len() + name.len() + acc.issuer.len() + 48;
    let mut buf = Zeroizing::new(Vec::with_capacity(capacity));
    put_bytes(&mut buf, 1, otp.secret().expose());
    put_bytes(&mut buf, 2, name.as_bytes());
    if !acc.issuer.is_empty() {
        put_bytes(&mut buf, 3, acc.issuer.as_bytes());
    }
    let algorithm = match otp.algorithm() {
        Algorithm::Sha1 => 1,
        Algorithm::Sha256 => 2,
        Algorithm::Sha512 => 3,
    };
    put_key(&mut buf, 4, WIRE_VARINT);
    put_varint(&mut buf, algorithm);
    put_key(&mut buf, 5, WIRE_VARINT);
    put_varint(&mut buf, if otp.digits() == 8 { 2 } else { 1 });
    put_key(&mut buf, 6, WIRE_VARINT);
    if otp.kind() == Kind::Hotp {
        put_varint(&mut buf, 1);
        put_key(&mut buf, 7, WIRE_VARINT);
        put_varint(&mut buf, otp.counter());
    } else {
        put_varint(&mut buf, 2);
    }
    buf
}

/// Encodes accounts as Google Authenticator export codes, `per_code` accounts per code (at
/// least 1; Google uses about 10), all sharing `batch_id`, with `version` 1, `batch_size` and
/// `batch_index` set as Google's own export does.
///
/// Steam accounts, periods other than 30 s and 7, 9 or 10 digits cannot be represented: they
/// are listed in [`MigrationExport::unrepresentable`] and left out of the codes.
pub fn to_migration(accounts: &[Account], per_code: usize, batch_id: i32) -> MigrationExport {
    let mut out = MigrationExport::default();
    let mut fit = Vec::new();
    for acc in accounts {
        match unrepresentable(acc) {
            None => fit.push(acc),
            Some(reason) => out.unrepresentable.push(Skipped {
                label: if acc.name.is_empty() {
                    label_of(&acc.issuer, &acc.account)
                } else {
                    acc.name.clone()
                },
                reason,
            }),
        }
    }
    let chunks: Vec<&[&Account]> = fit.chunks(per_code.max(1)).collect();
    let batch_size = i32::try_from(chunks.len()).unwrap_or(i32::MAX);
    for (index, chunk) in chunks.iter().enumerate() {
        let entries: Vec<Zeroizing<Vec<u8>>> = chunk.iter().map(|a| encode_entry(a)).collect();
        let capacity = entries.iter().map(|e| e.len() + 4).sum::<usize>() + 40;
        let mut payload = Zeroizing::new(Vec::with_capacity(capacity));
        for entry in &entries {
            put_bytes(&mut payload, 1, entry);
        }
        put_int32(&mut payload, 2, 1);
        put_int32(&mut payload, 3, batch_size);
        put_int32(&mut payload, 4, i32::try_from(index).unwrap_or(i32::MAX));
        put_int32(&mut payload, 5, batch_id);
        let b64 = Zeroizing::new(data_encoding::BASE64.encode(&payload));
        let mut uri = Zeroizing::new(String::with_capacity(40 + 3 * b64.len()));
        uri.push_str("otpauth-migration://offline?data=");
        let _ = write!(uri, "{}", utf8_percent_encode(&b64, COMPONENT));
        out.codes.push(uri);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// QR text classification

/// Sorts out what a QR code's text is: an otpauth account, a Google Authenticator export,
/// Microsoft Authenticator's push registration, or something else (described in a few words,
/// never echoed: it may hold a password).
///
/// Errors are for texts that are otpauth URIs but bad ones, texts with an otpauth URI not at
/// their start, and texts over [`MAX_INPUT`].
pub fn classify(text: &str) -> Result<Payload, UriError> {
    check_len(text)?;
    let text = text.trim();
    let starts = |prefix: &str| strip_prefix_ci(text, prefix).is_some();
    if starts("otpauth-migration:") {
        return parse_migration(text).map(Payload::Migration);
    }
    if starts("otpauth:") || starts("steam://") {
        return parse_otpauth(text).map(Payload::Otpauth);
    }
    if starts("phonefactor://")
        || (starts("https://login.microsoftonline.com/")
            && (find_ci(text, "activateaccount").is_some()
                || find_ci(text, "authenticatorapp").is_some()))
    {
        return Ok(Payload::MicrosoftPush);
    }
    for scheme in ["otpauth-migration://", "otpauth://"] {
        if let Some(at) = find_ci(text, scheme) {
            return Err(UriError::NotAtStart {
                scheme,
                before: text[..at].chars().count(),
            });
        }
    }
    Ok(Payload::Other(describe(text)))
}

/// A few words on what a non-otpauth text is.
fn describe(text: &str) -> String {
    const PREFIXES: &[(&str, &str)] = &[
        ("wifi:", "a Wi-Fi network configuration"),
        ("begin:vcard", "a contact card (vCard)"),
        ("mecard:", "a contact card (MeCard)"),
        ("begin:vevent", "a calendar event"),
        ("begin:vcalendar", "a calendar event"),
        ("mailto:", "an e-mail address"),
        ("matmsg:", "an e-mail message"),
        ("tel:", "a phone number"),
        ("sms:", "a text message (SMS) link"),
        ("smsto:", "a text message (SMS) link"),
        ("mmsto:", "a text message (MMS) link"),
        ("geo:", "a map location"),
        ("bitcoin:", "a Bitcoin payment request"),
        ("market:", "an app store link"),
        ("itms-apps:", "an app store link"),
    ];
    if let Some((_, what)) = PREFIXES
        .iter()
        .find(|(p, _)| strip_prefix_ci(text, p).is_some())
    {
        return (*what).to_owned();
    }
    if let Some(rest) =
        strip_prefix_ci(text, "https://").or_else(|| strip_prefix_ci(text, "http://"))
    {
        return web_link(rest);
    }
    if strip_prefix_ci(text, "www.").is_some() {
        return web_link(text);
    }
    if is_email(text) {
        return "an e-mail address".into();
    }
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if text.starts_with('+')
        && digits >= 7
        && text[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'(' | b')'))
    {
        return "a phone number".into();
    }
    if !text.is_empty() && digits == text.len() {
        return format!("a number ({digits} digits)");
    }
    if let Some(scheme) = uri_scheme(text) {
        return format!("a link of type \"{scheme}\"");
    }
    match text.chars().count() {
        0 => "empty text".into(),
        1 => "plain text (1 character)".into(),
        n => format!("plain text ({n} characters)"),
    }
}

/// "a web link to HOST" for the part after `scheme://`.
fn web_link(rest: &str) -> String {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if host_port.starts_with('[') {
        host_port.split_inclusive(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host: String = host
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'))
        .take(80)
        .collect::<String>()
        .to_lowercase();
    if host.is_empty() {
        "a web link".into()
    } else {
        format!("a web link to {host}")
    }
}

fn is_email(text: &str) -> bool {
    let Some((user, domain)) = text.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !text
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '/' | ':' | '?'))
}

/// The scheme of `scheme:rest` when it looks like one (2–30 letters, digits, `+.-`).
fn uri_scheme(text: &str) -> Option<String> {
    let (scheme, _) = text.split_once(':')?;
    let ok = (2..=30).contains(&scheme.len())
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    ok.then(|| scheme.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const S16: &str = "JBSWY3DPEHPK3PXP";

    fn totp(
        issuer: &str,
        account: &str,
        secret: &str,
        alg: Algorithm,
        digits: u8,
        period: u32,
    ) -> Account {
        let otp = Otp::new(
            Kind::Totp,
            Secret::parse_base32(secret).unwrap(),
            alg,
            digits,
            period,
            0,
        )
        .unwrap();
        Account::new(issuer, account, otp)
    }

    fn with_kind(kind: Kind, issuer: &str, account: &str, digits: u8, counter: u64) -> Account {
        let otp = Otp::new(
            kind,
            Secret::parse_base32(S16).unwrap(),
            Algorithm::Sha1,
            digits,
            30,
            counter,
        )
        .unwrap();
        Account::new(issuer, account, otp)
    }

    fn err(uri: &str) -> String {
        parse_otpauth(uri).unwrap_err().to_string()
    }

    #[test]
    fn microsoft_entra_label_prefix_differs_from_issuer() {
        let a = parse_otpauth(
            "otpauth://totp/Contoso%3Anome.cognome%40unipi.it?secret=pq5cl2rmwvlcwmhf&issuer=Microsoft",
        )
        .unwrap();
        assert_eq!(a.issuer, "Microsoft");
        assert_eq!(a.account, "nome.cognome@unipi.it");
        assert_eq!(a.otp.secret().len(), 10);
        assert_eq!(a.otp.secret().to_base32().as_str(), "PQ5CL2RMWVLCWMHF");
        assert_eq!(
            (
                a.otp.kind(),
                a.otp.algorithm(),
                a.otp.digits(),
                a.otp.period()
            ),
            (Kind::Totp, Algorithm::Sha1, 6, 30)
        );
        assert_eq!((a.name.as_str(), a.added), ("", None));
    }

    #[test]
    fn github_and_google_style_uris() {
        let gh =
            parse_otpauth("otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub")
                .unwrap();
        assert_eq!(gh, totp("GitHub", "octocat", S16, Algorithm::Sha1, 6, 30));
        // Google's Key Uri Format examples.
        let g = parse_otpauth(
            "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
        )
        .unwrap();
        assert_eq!(
            g,
            totp("Example", "alice@google.com", S16, Algorithm::Sha1, 6, 30)
        );
        let acme = parse_otpauth(
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ\
             &issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
        )
        .unwrap();
        assert_eq!(
            acme,
            totp(
                "ACME Co",
                "john.doe@email.com",
                "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ",
                Algorithm::Sha1,
                6,
                30
            )
        );
        let google = parse_otpauth(
            "otpauth://totp/Google%3Aalice%40gmail.com?secret=jbsw+y3dp+ehpk+3pxp&issuer=Google",
        )
        .unwrap();
        assert_eq!(
            google,
            totp("Google", "alice@gmail.com", S16, Algorithm::Sha1, 6, 30)
        );
        // No issuer anywhere; label only.
        let plain =
            parse_otpauth("otpauth://totp/alice@example.com?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(
            plain,
            totp("", "alice@example.com", S16, Algorithm::Sha1, 6, 30)
        );
    }

    #[test]
    fn plus_and_percent_twenty_are_spaces_in_names() {
        for uri in [
            "otpauth://totp/ACME+Co:john+doe?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Co",
            "otpauth://totp/ACME%20Co:john%20doe?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co",
            "otpauth://totp/ACME%20Co%3A%20john%20doe?secret=JBSWY3DPEHPK3PXP",
            "  OTPAUTH://TOTP/ACME Co: john doe ?secret=JBSWY3DPEHPK3PXP  ",
        ] {
            assert_eq!(
                parse_otpauth(uri).unwrap(),
                totp("ACME Co", "john doe", S16, Algorithm::Sha1, 6, 30),
                "{uri}"
            );
        }
        let plus = parse_otpauth("otpauth://totp/a%2Bb:c%2Bd?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(
            (plus.issuer.as_str(), plus.account.as_str()),
            ("a+b", "c+d")
        );
    }

    #[test]
    fn label_rules() {
        let p = |uri: &str| {
            let a = parse_otpauth(uri).unwrap();
            (a.issuer, a.account)
        };
        let s = |i: &str, a: &str| (i.to_owned(), a.to_owned());
        assert_eq!(
            p("otpauth://totp/GitHub?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"),
            s("GitHub", "")
        );
        assert_eq!(
            p("otpauth://totp/?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"),
            s("GitHub", "")
        );
        assert_eq!(p("otpauth://totp?secret=JBSWY3DPEHPK3PXP"), s("", ""));
        assert_eq!(
            p("otpauth://totp/Old:bob?secret=JBSWY3DPEHPK3PXP&issuer=New"),
            s("New", "bob")
        );
        assert_eq!(
            p("otpauth://totp/A%3AB:c:d?secret=JBSWY3DPEHPK3PXP&issuer=A%3AB"),
            s("A:B", "c:d")
        );
        assert_eq!(
            p("otpauth://totp/:a:b?secret=JBSWY3DPEHPK3PXP"),
            s("", "a:b")
        );
        assert_eq!(
            p("otpauth://totp/Iss:?secret=JBSWY3DPEHPK3PXP"),
            s("Iss", "")
        );
        assert_eq!(
            p("otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP&issuer=%20%20"),
            s("", "bob")
        );
        assert_eq!(
            p("otpauth://totp/%E6%97%A5%E6%9C%AC:%C3%A9?secret=JBSWY3DPEHPK3PXP"),
            s("日本", "é")
        );
    }

    #[test]
    fn secret_forms_and_parameters() {
        let want = totp("", "x", S16, Algorithm::Sha1, 6, 30);
        for secret in [
            "jbswy3dpehpk3pxp",
            "JBSWY3DPEHPK3PXP====",
            "JBSW%20Y3DP%20EHPK%203PXP",
            "JBSW-Y3DP-EHPK-3PXP",
            "JbSw+Y3dP+eHpK+3pXp",
            "JBSWY3DPEHPK3PXP%3D%3D%3D%3D",
        ] {
            let uri = format!("otpauth://totp/x?secret={secret}");
            assert_eq!(parse_otpauth(&uri).unwrap(), want, "{secret}");
        }
        let a = parse_otpauth(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=sha256&digits=8&period=60&image=https%3A%2F%2Fx%2Fy.png&color=red&color=blue",
        )
        .unwrap();
        assert_eq!(a, totp("", "x", S16, Algorithm::Sha256, 8, 60));
        let a =
            parse_otpauth("otpauth://totp/x?SECRET=JBSWY3DPEHPK3PXP&Algorithm=SHA512&digits=10")
                .unwrap();
        assert_eq!(a, totp("", "x", S16, Algorithm::Sha512, 10, 30));
        let h = parse_otpauth(
            "otpauth://HOTP/Svc:me?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615&period=30",
        )
        .unwrap();
        assert_eq!(h, with_kind(Kind::Hotp, "Svc", "me", 6, u64::MAX));
    }

    #[test]
    fn steam_forms() {
        let bare = parse_otpauth("steam://JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(bare, with_kind(Kind::Steam, "Steam", "", 5, 0));
        assert_eq!(parse_otpauth("STEAM://jbswy3dpehpk3pxp/").unwrap(), bare);
        let aegis = parse_otpauth("otpauth://steam/Steam:gaben?period=30&digits=5&algorithm=SHA1&secret=JBSWY3DPEHPK3PXP&issuer=Steam").unwrap();
        assert_eq!(aegis, with_kind(Kind::Steam, "Steam", "gaben", 5, 0));
        let kp = parse_otpauth("otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&period=30&digits=5&issuer=Steam&encoder=steam").unwrap();
        assert_eq!(kp, aegis);
        let no_digits = parse_otpauth(
            "otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam&encoder=Steam",
        )
        .unwrap();
        assert_eq!(no_digits, aegis);
        assert_eq!(
            to_otpauth(&aegis).as_str(),
            "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam&algorithm=SHA1&digits=5&period=30"
        );
        // The issuer alone does not make a Steam account.
        assert_eq!(
            parse_otpauth("otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam")
                .unwrap()
                .otp
                .kind(),
            Kind::Totp
        );
    }

    #[test]
    fn every_structural_error_names_the_problem() {
        let long = format!(
            "otpauth://totp/x?secret={S16}&image={}",
            "a".repeat(MAX_INPUT)
        );
        let cases: &[(&str, &str)] = &[
            ("https://example.com/x", "not an otpauth URI"),
            (
                "otpauth:totp/x?secret=JBSWY3DPEHPK3PXP",
                "not an otpauth URI",
            ),
            ("", "not an otpauth URI"),
            (
                "otpauth-migration://offline?data=AA",
                "this is a Google Authenticator export (otpauth-migration), not a single otpauth URI",
            ),
            (
                "otpauth://xotp/x?secret=JBSWY3DPEHPK3PXP",
                "unsupported otpauth type \"xotp\"",
            ),
            ("otpauth://totp/x?issuer=a", "missing secret parameter"),
            ("otpauth://totp/x", "missing secret parameter"),
            ("otpauth://totp/x?secret=", "secret is empty"),
            (
                "otpauth://totp/x?secret=JBSW1Y3DPEHPK3PXP",
                "secret is not valid base32: character 5 is not A-Z or 2-7",
            ),
            (
                "otpauth://totp/x?secret=JBS",
                "secret is not valid base32: 3 characters is not a possible length",
            ),
            (
                "otpauth://totp/x?secret=JBSW%FF",
                "the secret is not valid UTF-8 after percent-decoding",
            ),
            (
                "otpauth://totp/x%FF?secret=JBSWY3DPEHPK3PXP",
                "the label is not valid UTF-8 after percent-decoding",
            ),
            (
                "otpauth://totp/x%0Ay?secret=JBSWY3DPEHPK3PXP",
                "the label contains a control character",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=a%1B%5B31m",
                "the issuer contains a control character",
            ),
            (&long, "input is 65583 bytes, over the 65536-byte limit"),
        ];
        for (uri, want) in cases {
            assert_eq!(err(uri), *want, "{}", short(uri, 80));
            assert!(!want.starts_with(char::is_uppercase) && !want.contains('\n'));
        }
        // Exactly at the limit is parsed.
        let pad = MAX_INPUT - "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&image=".len();
        let at_limit = format!("otpauth://totp/x?secret={S16}&image={}", "a".repeat(pad));
        assert_eq!(at_limit.len(), MAX_INPUT);
        assert!(parse_otpauth(&at_limit).is_ok());
        assert!(matches!(
            parse_migration(&long),
            Err(UriError::TooLong { .. })
        ));
        assert!(matches!(classify(&long), Err(UriError::TooLong { .. })));
    }

    #[test]
    fn every_parameter_error_names_the_field() {
        let cases: &[(&str, &str)] = &[
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
                "algorithm must be SHA1, SHA256 or SHA512, got \"MD5\"",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=",
                "algorithm must be SHA1, SHA256 or SHA512, got \"\"",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11",
                "digits must be 6-10, got 11",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=5",
                "digits must be 6-10, got 5",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=300",
                "digits must be 6-10, got 300",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=six",
                "digits must be a whole number, got \"six\"",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=",
                "digits must be a whole number, got \"\"",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=%2B6",
                "digits must be a whole number, got \"+6\"",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=99999999999999999999",
                "digits must be a whole number, got \"99999999999999999999\"",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0",
                "period must be at least 1 second, got 0",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=4294967296",
                "period must be at most 4294967295 seconds, got 4294967296",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=1.5",
                "period must be a whole number, got \"1.5\"",
            ),
            (
                "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP",
                "hotp URI needs a counter parameter",
            ),
            (
                "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=-1",
                "counter must be a whole number, got \"-1\"",
            ),
            (
                "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551616",
                "counter must be a whole number, got \"18446744073709551616\"",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=6&digits=8",
                "the digits parameter appears more than once",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&Secret=JBSWY3DPEHPK3PXP",
                "the secret parameter appears more than once",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&encoder=yandex",
                "unsupported encoder \"yandex\" (only \"steam\" is known)",
            ),
            (
                "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1&encoder=steam",
                "encoder=steam needs a totp URI, not hotp",
            ),
            (
                "otpauth://steam/x?secret=JBSWY3DPEHPK3PXP&digits=6",
                "digits must be 5 for a steam account, got 6",
            ),
            (
                "otpauth://steam/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256",
                "a steam account uses SHA1, got SHA256",
            ),
            ("steam://", "secret is empty"),
        ];
        for (uri, want) in cases {
            assert_eq!(err(uri), *want, "{}", short(uri, 80));
            assert!(!want.starts_with(char::is_uppercase) && !want.contains('\n'));
        }
    }

    /// A recognisable secret in many bad URIs: never in an error's Display or Debug.
    #[test]
    fn secret_never_in_errors() {
        const SECRET: &str = "SECRETSECRETSECRETSECRET";
        let bad = [
            "otpauth://totp/x?secret=SECRETSECRETSECRETSECRET1",
            "otpauth://totp/x?secret=SECRETSECRETSECRETSECRET%FF",
            "otpauth://totp/x?secret=secretsecretsecretsecret0",
            "otpauth://totp/x?secret=SECRETSECRETSECRETSECRET&secret=SECRETSECRETSECRETSECRET",
            "otpauth://totp/x?secret=SECRETSECRETSECRETSECRETS",
            "otpauth://totp/x?secret=SECRETSECRETSECRETSECRET&digits=4",
            "otpauth://totp/x?secret=SECRETSECRETSECRETSECRET&digits=x",
            "otpauth://totp/x?secret=SECRETSECRETSECRETSECRET&period=0",
            "otpauth://totp/x?secret=SECRETSECRETSECRETSECRET&algorithm=md5",
            "otpauth://hotp/x?secret=SECRETSECRETSECRETSECRET",
            "otpauth://steam/x?secret=SECRETSECRETSECRETSECRET&digits=6",
            "otpauth://totp/x%FF?secret=SECRETSECRETSECRETSECRET",
            "otpauth://xotp/x?secret=SECRETSECRETSECRETSECRET",
            "steam://SECRETSECRETSECRETSECRET1",
            "steam://SECRETSECRETSECRETSECRET?x",
            "otpauth://totp/x?secret=SECRETSECRETSECRETSECRET&encoder=x",
            "QR:otpauth://totp/x?secret=SECRETSECRETSECRETSECRET",
        ];
        for uri in bad {
            for e in [parse_otpauth(uri).err(), classify(uri).err()]
                .into_iter()
                .flatten()
            {
                let shown = format!("{e} {e:?}").to_ascii_uppercase();
                assert!(!shown.contains("SECRETSEC"), "{uri}: {shown}");
            }
        }
        // And a migration whose payload is corrupt right after a secret.
        let acc = totp("", "x", SECRET, Algorithm::Sha1, 6, 30);
        let code = to_migration(&[acc], 1, 1).codes.remove(0);
        let payload = decode_data(&code["otpauth-migration://offline?data=".len()..]).unwrap();
        for len in 0..payload.len() {
            let uri = format!(
                "otpauth-migration://offline?data={}",
                data_encoding::BASE64.encode(&payload[..len])
            );
            let e = parse_migration(&uri).unwrap_err();
            assert!(!format!("{e} {e:?}").contains("SECRETSEC"));
        }
    }

    #[test]
    fn writer_is_canonical() {
        let a = totp(
            "Micro:soft",
            "a/b?c&d#e%f+g h",
            S16,
            Algorithm::Sha256,
            8,
            60,
        );
        assert_eq!(
            to_otpauth(&a).as_str(),
            "otpauth://totp/Micro%3Asoft:a%2Fb%3Fc%26d%23e%25f%2Bg%20h?secret=JBSWY3DPEHPK3PXP\
             &issuer=Micro%3Asoft&algorithm=SHA256&digits=8&period=60"
        );
        assert_eq!(parse_otpauth(&to_otpauth(&a)).unwrap(), a);
        let h = with_kind(Kind::Hotp, "", "ü:x", 6, 7);
        assert_eq!(
            to_otpauth(&h).as_str(),
            "otpauth://hotp/:%C3%BC%3Ax?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&counter=7"
        );
        assert_eq!(parse_otpauth(&to_otpauth(&h)).unwrap(), h);
        let only_issuer = with_kind(Kind::Totp, "GitHub", "", 6, 0);
        assert_eq!(
            to_otpauth(&only_issuer).as_str(),
            "otpauth://totp/GitHub?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(
            parse_otpauth(&to_otpauth(&only_issuer)).unwrap(),
            only_issuer
        );
    }

    // --- otpauth-migration -------------------------------------------------------------------

    const RPI_SECRET: &str = "7KSQL2JTUDIS5EF65KLMRQIIGY";

    fn names(m: &Migration) -> Vec<(String, String, Kind, u64)> {
        m.accounts
            .iter()
            .map(|a| {
                (
                    a.issuer.clone(),
                    a.account.clone(),
                    a.otp.kind(),
                    a.otp.counter(),
                )
            })
            .collect()
    }

    /// Public vectors from `scito/extract_otp_secrets` `example_export.txt` (GPL-3.0 test data),
    /// checked against its `example_output.json`.
    #[test]
    fn google_example_export() {
        let one = parse_migration(
            "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B",
        )
        .unwrap();
        assert_eq!(
            one.accounts,
            vec![totp(
                "raspberrypi",
                "pi@raspberrypi",
                RPI_SECRET,
                Algorithm::Sha1,
                6,
                30
            )]
        );
        assert!(one.skipped.is_empty());
        assert_eq!((one.version, one.batch_size, one.batch_index), (1, 1, 0));
        assert!(one.batch_id < 0);

        let two = parse_migration(
            "otpauth-migration://offline?data=CigKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpIAEoATACCjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACiQ7OOa%2Bf%2F%2F%2F%2F8B",
        )
        .unwrap();
        assert_eq!(
            names(&two),
            vec![
                (String::new(), "pi@raspberrypi".into(), Kind::Totp, 0),
                ("raspberrypi".into(), "pi@raspberrypi".into(), Kind::Totp, 0),
            ]
        );

        let hotp = parse_migration(
            "otpauth-migration://offline?data=CiUKEPqlBekzoNEukL7qlsjBCDYSCWhvdHAgZGVtbyABKAEwATgEEAEYASAAKNuv15j6%2F%2F%2F%2F%2FwE%3D",
        )
        .unwrap();
        let mut want = with_kind(Kind::Hotp, "", "hotp demo", 6, 4);
        want.otp = Otp::new(
            Kind::Hotp,
            Secret::parse_base32(RPI_SECRET).unwrap(),
            Algorithm::Sha1,
            6,
            30,
            4,
        )
        .unwrap();
        assert_eq!(hotp.accounts, vec![want]);

        let utf8 = parse_migration(
            "otpauth-migration://offline?data=CjYKEPqlBekzoNEukL7qlsjBCDYSHGVuY29kaW5nOiDCv8Okw4TDqcOJPyAoZGVtbykgASgBMAIQARgBIAAorfCurv%2F%2F%2F%2F%2F%2FAQ%3D%3D",
        )
        .unwrap();
        assert_eq!(
            utf8.accounts,
            vec![totp(
                "",
                "encoding: ¿äÄéÉ? (demo)",
                RPI_SECRET,
                Algorithm::Sha1,
                6,
                30
            )]
        );
    }

    /// `scito/extract_otp_secrets` `tests/data/test_plus_problem_export.txt`: raw `+` and `/`.
    const PLUS_PROBLEM: &str = "otpauth-migration://offline?data=ClEKFAciUeGF4aS6IDCvMv99ySZ1ekKsEiVTZXJlbml0eUxhYnM6dGVzdDFAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIKUQoUkIY8/fbrHZWTb4CBln18lvqt0HcSJVNlcmVuaXR5TGFiczp0ZXN0MkBzZXJlbml0eWxhYnMuY28udWsaDFNlcmVuaXR5TGFicyABKAEwAgpRChScf+1/Ua4d4gCY0W/7fj9VBkM9PBIlU2VyZW5pdHlMYWJzOnRlc3QzQHNlcmVuaXR5bGFicy5jby51axoMU2VyZW5pdHlMYWJzIAEoATACClEKFG6Qu0ryTSFA/l5rmvTIXtNeb5LtEiVTZXJlbml0eUxhYnM6dGVzdDRAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIQARgBIAAogtTa1vz/////AQ==";

    #[test]
    fn google_plus_problem_export() {
        let want: Vec<_> = (1..=4)
            .map(|i| {
                (
                    "SerenityLabs".to_owned(),
                    format!("test{i}@serenitylabs.co.uk"),
                    Kind::Totp,
                    0,
                )
            })
            .collect();
        let m = parse_migration(PLUS_PROBLEM).unwrap();
        assert_eq!(names(&m), want);
        assert!(m.accounts.iter().all(|a| a.otp.secret().len() == 20));
        // The same text after someone form-decoded it (`+` became space), or unpadded.
        let spaced = PLUS_PROBLEM.replace('+', " ");
        assert_eq!(parse_migration(&spaced).unwrap(), m);
        assert_eq!(
            parse_migration(PLUS_PROBLEM.trim_end_matches('=')).unwrap(),
            m
        );
    }

    #[test]
    fn google_malformed_exports() {
        // scito/extract_otp_secrets test_export_wrong_data.txt and test_export_wrong_prefix.txt.
        let e = parse_migration("otpauth-migration://offline?data=XXXX").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("the migration data is corrupt at byte "),
            "{e}"
        );
        let prefixed = "QR-Code:otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B";
        assert_eq!(
            parse_migration(prefixed).unwrap_err(),
            UriError::NotMigration
        );
        assert_eq!(
            classify(prefixed).unwrap_err().to_string(),
            "the text has 8 characters before \"otpauth-migration://\"; the URI must start the text"
        );
        let cases = [
            ("otpauth-migration://offline", "missing data parameter"),
            (
                "otpauth-migration://offline?data=",
                "missing data parameter",
            ),
            (
                "otpauth-migration://online?data=AAAA",
                "not an otpauth-migration://offline URI",
            ),
            (
                "otpauth-migration://offline?data=AA&data=AA",
                "the data parameter appears more than once",
            ),
            (
                "otpauth-migration://offline?data=A",
                "the data parameter is not valid base64",
            ),
            (
                "otpauth-migration://offline?data=AA*A",
                "the data parameter is not valid base64",
            ),
            (
                "otpauth-migration://offline?data=EAE",
                "the migration data has no batch_size field (is it truncated?)",
            ),
            (
                "otpauth-migration://offline?data=GAE",
                "the migration data has no version field (is it truncated?)",
            ),
            (
                "otpauth-migration://offline?data=EAEYAQ",
                "the migration data has no batch_id field (is it truncated?)",
            ),
            (
                "otpauth-migration://offline?data=EAEYASACKAE",
                "the migration data says it is code 3 of 1",
            ),
            (
                "otpauth-migration://offline?data=Cg",
                "the migration data is corrupt at byte 1: truncated number",
            ),
            (
                "otpauth-migration://offline?data=CgU",
                "the migration data is corrupt at byte 2: field runs past the end",
            ),
            (
                "otpauth-migration://offline?data=CAE",
                "the migration data is corrupt at byte 1: wrong wire type for a bytes field",
            ),
            (
                "otpauth-migration://offline?data=Nw",
                "the migration data is corrupt at byte 1: unsupported wire type",
            ),
            (
                "otpauth-migration://offline?data=AA",
                "the migration data is corrupt at byte 1: invalid field number",
            ),
            (
                "otpauth-migration://offline?data=EP///////////wM=",
                "the migration data is corrupt at byte 10: number longer than 64 bits",
            ),
            (
                "otpauth-migration://offline?data=EICAgIAQ",
                "the migration data is corrupt at byte 6: int32 field out of range",
            ),
        ];
        for (uri, want) in cases {
            assert_eq!(parse_migration(uri).unwrap_err().to_string(), want, "{uri}");
        }
    }

    /// Builds a payload by hand, for entries `to_migration` never writes.
    fn raw_payload(entries: &[Vec<u8>]) -> String {
        let mut p = Vec::new();
        for e in entries {
            put_bytes(&mut p, 1, e);
        }
        put_int32(&mut p, 2, 1);
        put_int32(&mut p, 3, 1);
        put_int32(&mut p, 5, -7);
        format!(
            "otpauth-migration://offline?data={}",
            data_encoding::BASE64_NOPAD.encode(&p)
        )
    }

    fn raw_entry(
        name: &[u8],
        issuer: &[u8],
        alg: u64,
        digits: u64,
        kind: u64,
        counter: Option<i64>,
    ) -> Vec<u8> {
        let mut e = Vec::new();
        put_bytes(&mut e, 1, b"0123456789");
        put_bytes(&mut e, 2, name);
        put_bytes(&mut e, 3, issuer);
        for (field, v) in [(4, alg), (5, digits), (6, kind)] {
            put_key(&mut e, field, WIRE_VARINT);
            put_varint(&mut e, v);
        }
        if let Some(c) = counter {
            put_key(&mut e, 7, WIRE_VARINT);
            put_varint(&mut e, u64::from_ne_bytes(c.to_ne_bytes()));
        }
        // Unknown fields of every wire type are skipped.
        put_key(&mut e, 9, WIRE_I64);
        e.extend_from_slice(&[0; 8]);
        put_key(&mut e, 10, WIRE_I32);
        e.extend_from_slice(&[0; 4]);
        put_bytes(&mut e, 11, b"zz");
        put_key(&mut e, 12, WIRE_VARINT);
        put_varint(&mut e, 300);
        e
    }

    #[test]
    fn migration_entries_skipped_with_reasons() {
        let uri = raw_payload(&[
            raw_entry(b"Acme:bob", b"Acme", 0, 0, 0, None),
            raw_entry(b"md5", b"", 4, 1, 2, None),
            raw_entry(b"alg", b"", 9, 1, 2, None),
            raw_entry(b"dig", b"", 1, 3, 2, None),
            raw_entry(b"typ", b"", 1, 1, 3, None),
            raw_entry(b"neg", b"", 1, 1, 1, Some(-1)),
            raw_entry(b"\xff", b"", 1, 1, 2, None),
            raw_entry(b"ctl\x1b", b"", 1, 1, 2, None),
            raw_entry(b"Acme", b"Acme", 3, 2, 1, Some(i64::MAX)),
            {
                let mut e = Vec::new();
                put_bytes(&mut e, 2, b"nosecret");
                e
            },
        ]);
        let m = parse_migration(&uri).unwrap();
        assert_eq!(m.batch_id, -7);
        let kept: Vec<_> = m
            .accounts
            .iter()
            .map(|a| {
                (
                    a.issuer.as_str(),
                    a.account.as_str(),
                    a.otp.digits(),
                    a.otp.algorithm(),
                )
            })
            .collect();
        assert_eq!(
            kept,
            vec![
                ("Acme", "bob", 6, Algorithm::Sha1),
                ("Acme", "", 8, Algorithm::Sha512)
            ]
        );
        assert_eq!(
            m.accounts[1].otp.counter(),
            u64::try_from(i64::MAX).unwrap()
        );
        let skipped: Vec<_> = m
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.label, s.reason))
            .collect();
        assert_eq!(
            skipped,
            vec![
                "md5: MD5 is not supported",
                "alg: unknown algorithm 9",
                "dig: unknown digit count 3",
                "typ: unknown type 3",
                "neg: negative counter",
                "\u{fffd}: the name is not valid UTF-8",
                "ctl: the name or issuer contains a control character",
                "nosecret: empty secret",
            ]
        );
    }

    fn sample_accounts() -> Vec<Account> {
        vec![
            totp(
                "Microsoft",
                "nome.cognome@unipi.it",
                "PQ5CL2RMWVLCWMHF",
                Algorithm::Sha1,
                6,
                30,
            ),
            totp("", "a:b c", S16, Algorithm::Sha256, 8, 30),
            with_kind(Kind::Hotp, "Iss:uer", "x", 6, 42),
            totp("日本", "", S16, Algorithm::Sha512, 6, 30),
        ]
    }

    #[test]
    fn migration_round_trip_and_batches() {
        let accounts = sample_accounts();
        let out = to_migration(&accounts, 3, -123_456);
        assert!(out.unrepresentable.is_empty());
        assert_eq!(out.codes.len(), 2);
        let mut back = Vec::new();
        for (i, code) in out.codes.iter().enumerate() {
            assert!(code.starts_with("otpauth-migration://offline?data="));
            let m = parse_migration(code).unwrap();
            assert_eq!(
                (m.version, m.batch_size, m.batch_index, m.batch_id),
                (1, 2, i32::try_from(i).unwrap(), -123_456)
            );
            back.extend(m.accounts);
        }
        assert_eq!(back, accounts);
        // Google's own layout: name "Issuer:account", explicit enums, then the batch fields.
        let one = to_migration(&accounts[..1], 10, -1).codes.remove(0);
        let payload = decode_data(&one["otpauth-migration://offline?data=".len()..]).unwrap();
        assert_eq!(&payload[..4], &[0x0a, 0x3e, 0x0a, 0x0a]);
        assert!(
            payload
                .windows(31)
                .any(|w| w == b"Microsoft:nome.cognome@unipi.it")
        );
        assert!(payload.ends_with(&[
            0x10, 1, 0x18, 1, 0x20, 0, 0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            1
        ]));
        assert!(to_migration(&[], 10, 1).codes.is_empty());
        let debug = format!("{:?}", to_migration(&accounts, 10, 1));
        assert_eq!(
            debug,
            "MigrationExport { codes: <1 codes redacted>, unrepresentable: [] }"
        );
        assert_eq!(to_migration(&accounts, 0, 1).codes.len(), 4);
    }

    #[test]
    fn migration_reports_unrepresentable_accounts() {
        let mut named = totp("X", "y", S16, Algorithm::Sha1, 6, 30);
        named.name = "my-x".into();
        let otp60 = Otp::new(
            Kind::Totp,
            Secret::parse_base32(S16).unwrap(),
            Algorithm::Sha1,
            6,
            60,
            0,
        )
        .unwrap();
        named.otp = otp60;
        let accounts = vec![
            with_kind(Kind::Steam, "Steam", "gaben", 5, 0),
            totp("A", "b", S16, Algorithm::Sha1, 7, 30),
            named,
            with_kind(Kind::Hotp, "", "big", 6, u64::MAX),
            totp("ok", "", S16, Algorithm::Sha1, 8, 30),
        ];
        let out = to_migration(&accounts, 10, 5);
        let why: Vec<_> = out
            .unrepresentable
            .iter()
            .map(|s| format!("{}: {}", s.label, s.reason))
            .collect();
        assert_eq!(
            why,
            vec![
                "Steam: gaben: Google Authenticator exports have no Steam type",
                "A: b: Google Authenticator exports carry 6 or 8 digits, not 7",
                "my-x: Google Authenticator exports carry only 30-second periods, not 60 s",
                "big: the counter is too large for a Google Authenticator export",
            ]
        );
        assert_eq!(out.codes.len(), 1);
        assert_eq!(
            parse_migration(&out.codes[0]).unwrap().accounts,
            vec![accounts[4].clone()]
        );
    }

    /// Every truncation of a payload, in bytes or in base64 characters, is an error.
    #[test]
    fn truncated_migration_data_always_errors() {
        let mut payloads =
            vec![PLUS_PROBLEM["otpauth-migration://offline?data=".len()..].to_owned()];
        for code in to_migration(&sample_accounts(), 10, -9).codes {
            payloads.push(code["otpauth-migration://offline?data=".len()..].to_owned());
        }
        for data in payloads {
            let bytes = decode_data(&data).unwrap();
            for len in 0..bytes.len() {
                let uri = format!(
                    "otpauth-migration://offline?data={}",
                    data_encoding::BASE64.encode(&bytes[..len])
                );
                assert!(
                    parse_migration(&uri).is_err(),
                    "{len} of {} bytes",
                    bytes.len()
                );
            }
            let text = data.trim_end_matches(['=', '%', '3', 'D']);
            for len in 0..text.len() - 1 {
                let uri = format!("otpauth-migration://offline?data={}", &text[..len]);
                assert!(parse_migration(&uri).is_err(), "{len} characters");
            }
        }
    }

    // --- classify ----------------------------------------------------------------------------

    #[test]
    fn classify_qr_texts() {
        assert!(matches!(
            classify("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"),
            Ok(Payload::Otpauth(_))
        ));
        assert!(matches!(
            classify("steam://JBSWY3DPEHPK3PXP"),
            Ok(Payload::Otpauth(_))
        ));
        assert!(
            matches!(classify(PLUS_PROBLEM), Ok(Payload::Migration(m)) if m.accounts.len() == 4)
        );
        assert_eq!(
            classify("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=4")
                .unwrap_err()
                .to_string(),
            "digits must be 6-10, got 4"
        );
        assert_eq!(classify("phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fmobileappcommunicator.auth.microsoft.com%2Factivate%2F123%2FWEU").unwrap(), Payload::MicrosoftPush);
        assert_eq!(
            classify("https://login.microsoftonline.com/authenticatorApp/activateAccount?code=123456789&url=https%3A%2F%2Fx").unwrap(),
            Payload::MicrosoftPush
        );
        let other = |t: &str| match classify(t).unwrap() {
            Payload::Other(s) => s,
            p => panic!("{p:?}"),
        };
        assert_eq!(
            other("https://user:hunter2@Example.com:8443/setup?token=abc"),
            "a web link to example.com"
        );
        assert_eq!(other("http://example.org"), "a web link to example.org");
        assert_eq!(other("www.example.net/x"), "a web link to www.example.net");
        assert_eq!(
            other("WIFI:S:home;T:WPA;P:hunter2;;"),
            "a Wi-Fi network configuration"
        );
        assert_eq!(
            other("BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nEND:VCARD"),
            "a contact card (vCard)"
        );
        assert_eq!(other("MECARD:N:Bob;;"), "a contact card (MeCard)");
        assert_eq!(other("mailto:bob@example.com"), "an e-mail address");
        assert_eq!(other("bob@example.com"), "an e-mail address");
        assert_eq!(other("tel:+390501234567"), "a phone number");
        assert_eq!(other("+39 050 123 4567"), "a phone number");
        assert_eq!(other("SMSTO:123:hi"), "a text message (SMS) link");
        assert_eq!(other("geo:43.7,10.4"), "a map location");
        assert_eq!(other("bitcoin:1abc?amount=1"), "a Bitcoin payment request");
        assert_eq!(other("1234567890123"), "a number (13 digits)");
        assert_eq!(other("ftp://example.com/file"), "a link of type \"ftp\"");
        assert_eq!(other("hello world!"), "plain text (12 characters)");
        assert_eq!(other("é"), "plain text (1 character)");
        assert_eq!(other("  "), "empty text");
        assert_eq!(
            classify("see otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").unwrap_err(),
            UriError::NotAtStart {
                scheme: "otpauth://",
                before: 4
            }
        );
    }

    // --- property tests ----------------------------------------------------------------------

    /// Names as the parser leaves them: trimmed, no control characters, any of `:%+/?&#=`,
    /// spaces and non-ASCII inside.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            1 => Just(String::new()),
            4 => "[a-zA-Z0-9 :%+/?&#=@.~_,;'()\\[\\]éÄ日本🔑\u{a0}-]{0,16}".prop_map(|s| s.trim().to_owned()),
        ]
    }

    fn algorithm() -> impl Strategy<Value = Algorithm> {
        prop_oneof![
            Just(Algorithm::Sha1),
            Just(Algorithm::Sha256),
            Just(Algorithm::Sha512)
        ]
    }

    fn secret() -> impl Strategy<Value = Secret> {
        proptest::collection::vec(any::<u8>(), 1..=64).prop_map(Secret::from_bytes)
    }

    fn any_account() -> impl Strategy<Value = Account> {
        let otp =
            prop_oneof![
                (secret(), algorithm(), 6u8..=10, 1u32..=u32::MAX)
                    .prop_map(|(s, a, d, p)| Otp::new(Kind::Totp, s, a, d, p, 0).unwrap()),
                (secret(), algorithm(), 6u8..=10, any::<u64>()).prop_map(|(s, a, d, c)| Otp::new(
                    Kind::Hotp,
                    s,
                    a,
                    d,
                    30,
                    c
                )
                .unwrap()),
                (secret(), 1u32..=u32::MAX).prop_map(|(s, p)| Otp::new(
                    Kind::Steam,
                    s,
                    Algorithm::Sha1,
                    5,
                    p,
                    0
                )
                .unwrap()),
            ];
        (name(), name(), otp).prop_map(|(i, a, otp)| Account::new(i, a, otp))
    }

    fn representable_account() -> impl Strategy<Value = Account> {
        let digits = prop_oneof![Just(6u8), Just(8u8)];
        let otp = (
            secret(),
            algorithm(),
            digits,
            proptest::option::of(0..=u64::try_from(i64::MAX).unwrap()),
        )
            .prop_map(|(s, a, d, c)| match c {
                Some(c) => Otp::new(Kind::Hotp, s, a, d, 30, c).unwrap(),
                None => Otp::new(Kind::Totp, s, a, d, 30, 0).unwrap(),
            });
        (name(), name(), otp).prop_map(|(i, a, otp)| Account::new(i, a, otp))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn otpauth_round_trip(acc in any_account()) {
            let uri = to_otpauth(&acc);
            prop_assert_eq!(parse_otpauth(&uri).unwrap(), acc.clone());
            prop_assert_eq!(classify(&uri).unwrap(), Payload::Otpauth(acc));
        }

        #[test]
        fn migration_round_trip(
            accounts in proptest::collection::vec(representable_account(), 0..12),
            per_code in 1usize..5,
            batch_id in any::<i32>(),
        ) {
            let out = to_migration(&accounts, per_code, batch_id);
            prop_assert!(out.unrepresentable.is_empty());
            prop_assert_eq!(out.codes.len(), accounts.len().div_ceil(per_code));
            let mut back = Vec::new();
            for (i, code) in out.codes.iter().enumerate() {
                let m = parse_migration(code).unwrap();
                prop_assert!(m.skipped.is_empty());
                prop_assert_eq!((m.version, m.batch_index, m.batch_id), (1, i32::try_from(i).unwrap(), batch_id));
                prop_assert_eq!(usize::try_from(m.batch_size).unwrap(), out.codes.len());
                back.extend(m.accounts);
            }
            prop_assert_eq!(back, accounts);
        }

        #[test]
        fn parsers_never_panic_on_text(text in any::<String>(), tail in "[a-zA-Z0-9%+=&:/?. -]{0,60}") {
            let _ = parse_otpauth(&text);
            let _ = parse_migration(&text);
            let _ = classify(&text);
            for prefix in ["otpauth://totp/", "otpauth://hotp/x?", "otpauth://steam/?secret=", "steam://", "otpauth-migration://offline?data="] {
                let _ = classify(&format!("{prefix}{text}"));
                let _ = classify(&format!("{prefix}{tail}"));
            }
        }

        #[test]
        fn migration_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let uri = format!("otpauth-migration://offline?data={}", data_encoding::BASE64.encode(&bytes));
            let _ = parse_migration(&uri);
        }

        #[test]
        fn migration_never_panics_on_mutations(
            accounts in proptest::collection::vec(representable_account(), 1..4),
            edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
        ) {
            let code = to_migration(&accounts, 10, 1).codes.remove(0);
            let mut bytes = decode_data(&code["otpauth-migration://offline?data=".len()..]).unwrap().to_vec();
            for (at, byte, op) in edits {
                let i = at.index(bytes.len() + 1);
                match op {
                    0 if i < bytes.len() => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    _ if i < bytes.len() => { bytes.remove(i); }
                    _ => {}
                }
            }
            let uri = format!("otpauth-migration://offline?data={}", data_encoding::BASE64.encode(&bytes));
            let _ = parse_migration(&uri);
        }
    }
}
