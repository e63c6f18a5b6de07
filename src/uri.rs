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
//!
//! Files: [`otpauth`](otpauth) (one account's URI), [`migration`](migration) (Google
//! Authenticator exports), [`classify`](classify) (what a QR code's text is); this file holds
//! the error type and the small helpers they share.

mod classify;
mod migration;
mod otpauth;
#[cfg(test)]
mod testutil;

pub use classify::{Payload, classify};
pub use migration::{Migration, MigrationExport, parse_migration, to_migration};
pub use otpauth::{parse_otpauth, to_otpauth};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str};

use crate::otp::{ParamError, SecretError, UnknownAlgorithm};

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

// ---------------------------------------------------------------------------------------------
// Small helpers shared by the parsers

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
