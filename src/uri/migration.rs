//! `otpauth-migration://offline?data=…`, Google Authenticator's export: a base64 protobuf
//! payload of accounts, read and written.

use std::fmt::{self, Write as _};

use data_encoding::{Encoding, Specification};
use percent_encoding::{percent_decode_str, utf8_percent_encode};
use zeroize::Zeroizing;

use super::{COMPONENT, DEFAULT_PERIOD, Skipped, UriError, check_len, strip_prefix_ci};
use crate::account::{self, Account};
use crate::otp::{Algorithm, Kind, Otp, Secret};

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

fn base64_lenient() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols
        .push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    spec.check_trailing_bits = false;
    spec.encoding().expect("valid base64 specification")
}

/// Decodes `data=`: percent escapes only; space → `+`; URL-safe `-_` accepted; padding optional.
pub(super) fn decode_data(raw: &str) -> Result<Zeroizing<Vec<u8>>, UriError> {
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

// Our own rather than prost: one small message type, every length checked, and the secret is
// borrowed from the zeroizing payload buffer, never copied into a generated struct.
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
        label: account::label(&issuer_text, &name_text),
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
                    account::label(&acc.issuer, &acc.account)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uri::classify;
    use crate::uri::testutil::*;
    use proptest::prelude::*;

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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

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
