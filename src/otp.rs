//! The OTP engine: TOTP (RFC 6238), HOTP (RFC 4226) and Steam Guard codes.
//!
//! Pure functions of an account's parameters and a unix time or counter; nothing here reads the
//! clock, the terminal or the vault. The HMAC comes from `totp-rs` and nowhere else (built with
//! `build_noncompliant` after our own validation, because its strict builder refuses the 80-bit
//! secrets real services hand out); dynamic truncation for 10 digits and the Steam alphabet are
//! done here, since `totp-rs` panics on 10 digits. Base32 is `data-encoding`'s.
//!
//! ```
//! use authcli::otp::{Algorithm, Kind, Otp, Secret};
//! // RFC 6238 Appendix B, SHA1 seed "12345678901234567890", T = 59 s.
//! let otp = Otp::new(Kind::Totp, Secret::from_bytes(b"12345678901234567890".to_vec()),
//!     Algorithm::Sha1, 8, 30, 0).unwrap();
//! assert_eq!(otp.code_at(59).as_str(), "94287082");
//! ```

use std::fmt;
use std::str::FromStr;

use data_encoding::{Encoding, Specification};
use zeroize::Zeroizing;

/// A shared secret's raw bytes, zeroized on drop. Its `Debug` prints only the length.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

/// Why a base32 secret was refused. Never carries the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Nothing left after removing spaces, dashes and padding.
    #[error("the secret is empty")]
    Empty,
    /// A character outside A–Z and 2–7.
    #[error("the secret is not valid base32: character {position} is not A-Z or 2-7")]
    BadCharacter {
        /// 1-based position in the normalised secret.
        position: usize,
    },
    /// A length no base32 encoding produces (1, 3 or 6 characters past a multiple of 8).
    #[error("the secret is not valid base32: {len} characters is not a possible length")]
    BadLength {
        /// Length of the normalised secret.
        len: usize,
    },
}

/// RFC 4648 base32 without padding, tolerant of non-zero trailing bits.
fn base32_lenient() -> &'static Encoding {
    static ENCODING: std::sync::LazyLock<Encoding> = std::sync::LazyLock::new(|| {
        let mut spec = Specification::new();
        spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        spec.check_trailing_bits = false;
        spec.encoding().expect("valid base32 specification")
    });
    &ENCODING
}

impl Secret {
    /// Wraps raw secret bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Parses a base32 secret as people paste it: any case, with or without `=` padding,
    /// spaces or dashes between groups. Trailing bits need not be zero.
    pub fn parse_base32(text: &str) -> Result<Self, SecretError> {
        let mut norm = Zeroizing::new(String::with_capacity(text.len()));
        norm.extend(
            text.chars()
                .filter(|c| !matches!(c, ' ' | '-' | '=' | '\t' | '\n' | '\r'))
                .map(|c| c.to_ascii_uppercase()),
        );
        if norm.is_empty() {
            return Err(SecretError::Empty);
        }
        if let Some(pos) = norm
            .chars()
            .position(|c| !matches!(c, 'A'..='Z' | '2'..='7'))
        {
            return Err(SecretError::BadCharacter { position: pos + 1 });
        }
        let bad_length = || SecretError::BadLength { len: norm.len() };
        let encoding = base32_lenient();
        let len = encoding.decode_len(norm.len()).map_err(|_| bad_length())?;
        // Straight into an exactly sized zeroizing buffer: no stray copy of the secret.
        let mut out = Zeroizing::new(vec![0; len]);
        let written = encoding
            .decode_mut(norm.as_bytes(), &mut out)
            .map_err(|_| bad_length())?;
        out.truncate(written);
        Ok(Self(out))
    }

    /// Canonical base32: upper case, no padding, no spaces.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(base32_lenient().encode(&self.0))
    }

    /// The raw bytes. Call only where the secret is used (HMAC, export).
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

/// The HMAC hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA1, what nearly every service uses.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The name used in otpauth URIs and the vault: `SHA1`, `SHA256`, `SHA512`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }

    fn to_totp_rs(self) -> totp_rs::Algorithm {
        match self {
            Self::Sha1 => totp_rs::Algorithm::SHA1,
            Self::Sha256 => totp_rs::Algorithm::SHA256,
            Self::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An algorithm name that is not SHA1, SHA256 or SHA512.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("algorithm must be SHA1, SHA256 or SHA512, got {0:?}")]
pub struct UnknownAlgorithm(pub String);

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;
    /// Case-insensitive; `SHA-256` style dashes are accepted too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The vault's own spelling first, without the normalising copies.
        match s {
            "SHA1" => return Ok(Self::Sha1),
            "SHA256" => return Ok(Self::Sha256),
            "SHA512" => return Ok(Self::Sha512),
            _ => {}
        }
        match s.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Self::Sha1),
            "SHA256" => Ok(Self::Sha256),
            "SHA512" => Ok(Self::Sha512),
            _ => Err(UnknownAlgorithm(s.chars().take(40).collect())),
        }
    }
}

/// Which kind of one-time password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Kind {
    /// Time-based (RFC 6238).
    #[default]
    Totp,
    /// Counter-based (RFC 4226).
    Hotp,
    /// Steam Guard: TOTP with SHA1, 30 s and 5 characters from Steam's alphabet.
    Steam,
}

impl Kind {
    /// `totp`, `hotp` or `steam`, as in the vault.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::Hotp => "hotp",
            Self::Steam => "steam",
        }
    }

    /// Whether codes depend on time (TOTP and Steam).
    pub const fn is_timed(self) -> bool {
        !matches!(self, Self::Hotp)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "totp" => return Ok(Self::Totp),
            "hotp" => return Ok(Self::Hotp),
            "steam" => return Ok(Self::Steam),
            _ => {}
        }
        match s.to_ascii_lowercase().as_str() {
            "totp" => Ok(Self::Totp),
            "hotp" => Ok(Self::Hotp),
            "steam" => Ok(Self::Steam),
            _ => Err(format!(
                "type must be totp, hotp or steam, got {:?}",
                s.chars().take(40).collect::<String>()
            )),
        }
    }
}

/// Digits a Steam code has.
pub const STEAM_DIGITS: u8 = 5;
/// Steam Guard's code alphabet.
const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// An invalid parameter; the message names the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// Digits outside 6..=10 (or not 5 for Steam).
    #[error("digits must be 6-10, got {0}")]
    Digits(u64),
    /// Steam codes always have 5 characters.
    #[error("digits must be 5 for a steam account, got {0}")]
    SteamDigits(u64),
    /// A zero period.
    #[error("period must be at least 1 second, got {0}")]
    Period(u64),
    /// Steam uses SHA1 only.
    #[error("a steam account uses SHA1, got {0}")]
    SteamAlgorithm(Algorithm),
    /// An empty secret.
    #[error("the secret is empty")]
    EmptySecret,
}

/// The parameters that make codes: what an account is, minus its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Otp {
    kind: Kind,
    secret: Secret,
    algorithm: Algorithm,
    digits: u8,
    period: u32,
    counter: u64,
}

/// A code and, for timed kinds, the seconds it stays valid.
#[derive(Clone, PartialEq, Eq)]
pub struct Code {
    value: Zeroizing<String>,
    /// Seconds until this code expires (0 for HOTP).
    pub remaining: u64,
}

impl Code {
    /// The digits (or Steam characters).
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code(<redacted>, {}s left)", self.remaining)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Otp {
    /// A TOTP with the otpauth defaults: SHA1, 6 digits, 30 s.
    pub fn totp(secret: Secret) -> Result<Self, ParamError> {
        Self::new(Kind::Totp, secret, Algorithm::Sha1, 6, 30, 0)
    }

    /// Validates and builds. Digits 6..=10 (Steam: 5), period ≥ 1 s, a non-empty secret.
    /// `period` is ignored for HOTP and `counter` for timed kinds (pass 30 and 0).
    pub fn new(
        kind: Kind,
        secret: Secret,
        algorithm: Algorithm,
        digits: u8,
        period: u32,
        counter: u64,
    ) -> Result<Self, ParamError> {
        if secret.is_empty() {
            return Err(ParamError::EmptySecret);
        }
        match kind {
            Kind::Steam => {
                if digits != STEAM_DIGITS {
                    return Err(ParamError::SteamDigits(digits.into()));
                }
                if algorithm != Algorithm::Sha1 {
                    return Err(ParamError::SteamAlgorithm(algorithm));
                }
            }
            Kind::Totp | Kind::Hotp => {
                if !(6..=10).contains(&digits) {
                    return Err(ParamError::Digits(digits.into()));
                }
            }
        }
        if kind.is_timed() && period == 0 {
            return Err(ParamError::Period(0));
        }
        let (period, counter) = match kind {
            Kind::Hotp => (30, counter),
            Kind::Totp | Kind::Steam => (period, 0),
        };
        Ok(Self {
            kind,
            secret,
            algorithm,
            digits,
            period,
            counter,
        })
    }

    /// TOTP/HOTP kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }
    /// The shared secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }
    /// HMAC algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
    /// Number of digits (Steam: 5 characters).
    pub fn digits(&self) -> u8 {
        self.digits
    }
    /// Period in seconds (meaningful for timed kinds; 30 for HOTP).
    pub fn period(&self) -> u32 {
        self.period
    }
    /// The next HOTP counter (0 for timed kinds).
    pub fn counter(&self) -> u64 {
        self.counter
    }
    /// Sets the HOTP counter.
    pub fn set_counter(&mut self, counter: u64) {
        self.counter = counter;
    }

    /// Whether both make the same codes (same secret and parameters; the HOTP counter aside).
    pub fn same_generator(&self, other: &Otp) -> bool {
        self.kind == other.kind
            && self.secret == other.secret
            && self.algorithm == other.algorithm
            && self.digits == other.digits
            && (!self.kind.is_timed() || self.period == other.period)
    }

    /// The HMAC over a moving factor (counter or time step), via totp-rs.
    fn hmac(&self, moving_factor: u64) -> Zeroizing<Vec<u8>> {
        // totp-rs divides the time by its step, so step 1 makes `sign` take the factor as is.
        let totp = totp_rs::Builder::new()
            .with_algorithm(self.algorithm.to_totp_rs())
            .with_secret(self.secret.expose())
            .with_digits(6)
            .with_step_duration(1)
            .build_noncompliant();
        Zeroizing::new(totp.sign(moving_factor).as_ref().to_vec())
    }

    /// The code for a moving factor (HOTP counter or TOTP time step).
    fn code_for_factor(&self, factor: u64) -> Zeroizing<String> {
        let mac = self.hmac(factor);
        let offset = usize::from(mac[mac.len() - 1] & 0x0f);
        let bin = u32::from_be_bytes([
            mac[offset],
            mac[offset + 1],
            mac[offset + 2],
            mac[offset + 3],
        ]) & 0x7fff_ffff;
        match self.kind {
            Kind::Steam => {
                let mut v = bin;
                let mut s = String::with_capacity(STEAM_DIGITS as usize);
                for _ in 0..STEAM_DIGITS {
                    s.push(char::from(STEAM_ALPHABET[(v % 26) as usize]));
                    v /= 26;
                }
                Zeroizing::new(s)
            }
            Kind::Totp | Kind::Hotp => {
                let modulo = 10u64.pow(u32::from(self.digits));
                let width = usize::from(self.digits);
                Zeroizing::new(format!("{:0width$}", u64::from(bin) % modulo))
            }
        }
    }

    /// The code at unix time `unix` (timed kinds) or for the stored counter (HOTP).
    pub fn code_at(&self, unix: u64) -> Code {
        match self.kind {
            Kind::Hotp => Code {
                value: self.code_for_factor(self.counter),
                remaining: 0,
            },
            Kind::Totp | Kind::Steam => {
                let period = u64::from(self.period);
                Code {
                    value: self.code_for_factor(unix / period),
                    remaining: period - unix % period,
                }
            }
        }
    }

    /// The HOTP code for an explicit counter.
    pub fn hotp(&self, counter: u64) -> Code {
        Code {
            value: self.code_for_factor(counter),
            remaining: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totp(seed: &[u8], alg: Algorithm, digits: u8) -> Otp {
        Otp::new(
            Kind::Totp,
            Secret::from_bytes(seed.to_vec()),
            alg,
            digits,
            30,
            0,
        )
        .unwrap()
    }

    /// RFC 6238 Appendix B, every row, all three algorithms (seeds of 20, 32 and 64 bytes).
    #[test]
    fn rfc6238_appendix_b() {
        let sha1 = b"12345678901234567890";
        let sha256 = b"12345678901234567890123456789012";
        let sha512 = b"1234567890123456789012345678901234567890123456789012345678901234";
        let rows: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1_111_111_109, "07081804", "68084774", "25091201"),
            (1_111_111_111, "14050471", "67062674", "99943326"),
            (1_234_567_890, "89005924", "91819424", "93441116"),
            (2_000_000_000, "69279037", "90698825", "38618901"),
            (20_000_000_000, "65353130", "77737706", "47863826"),
        ];
        for (t, c1, c256, c512) in rows {
            assert_eq!(
                totp(sha1, Algorithm::Sha1, 8).code_at(t).as_str(),
                c1,
                "SHA1 T={t}"
            );
            assert_eq!(
                totp(sha256, Algorithm::Sha256, 8).code_at(t).as_str(),
                c256,
                "SHA256 T={t}"
            );
            assert_eq!(
                totp(sha512, Algorithm::Sha512, 8).code_at(t).as_str(),
                c512,
                "SHA512 T={t}"
            );
        }
    }

    /// RFC 4226 Appendix D: HOTP values for counters 0..=9.
    #[test]
    fn rfc4226_appendix_d() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        let otp = Otp::new(
            Kind::Hotp,
            Secret::from_bytes(b"12345678901234567890".to_vec()),
            Algorithm::Sha1,
            6,
            30,
            0,
        )
        .unwrap();
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(
                otp.hotp(counter as u64).as_str(),
                *code,
                "counter {counter}"
            );
        }
    }

    /// RFC 4226 Appendix D lists the truncated decimal values too; 10 digits shows them whole.
    #[test]
    fn ten_digits_is_the_whole_truncated_value() {
        let otp = Otp::new(
            Kind::Hotp,
            Secret::from_bytes(b"12345678901234567890".to_vec()),
            Algorithm::Sha1,
            10,
            30,
            0,
        )
        .unwrap();
        // Appendix D "Truncated" decimal column: 1284755224, 1094287082.
        assert_eq!(otp.hotp(0).as_str(), "1284755224");
        assert_eq!(otp.hotp(1).as_str(), "1094287082");
    }

    #[test]
    fn remaining_counts_down_within_the_period() {
        let otp = totp(b"12345678901234567890", Algorithm::Sha1, 6);
        assert_eq!(otp.code_at(0).remaining, 30);
        assert_eq!(otp.code_at(29).remaining, 1);
        assert_eq!(otp.code_at(30).remaining, 30);
    }

    #[test]
    fn steam_codes_use_the_steam_alphabet() {
        let otp = Otp::new(
            Kind::Steam,
            Secret::from_bytes(b"12345678901234567890".to_vec()),
            Algorithm::Sha1,
            5,
            30,
            0,
        )
        .unwrap();
        let code = otp.code_at(59);
        assert_eq!(code.as_str().len(), 5);
        assert!(code.as_str().bytes().all(|b| STEAM_ALPHABET.contains(&b)));
        // 0x7fff_ffff-masked value at T=59 is 1094287082 (RFC 6238 row 1, 10 digits);
        // Steam takes it base 26, least significant first.
        let mut v = 1_094_287_082u32;
        let mut want = String::new();
        for _ in 0..5 {
            want.push(char::from(STEAM_ALPHABET[(v % 26) as usize]));
            v /= 26;
        }
        assert_eq!(code.as_str(), want);
    }

    #[test]
    fn validation_names_the_rule() {
        let s = || Secret::from_bytes(vec![1; 10]);
        assert_eq!(
            Otp::new(Kind::Totp, s(), Algorithm::Sha1, 11, 30, 0)
                .unwrap_err()
                .to_string(),
            "digits must be 6-10, got 11"
        );
        assert!(Otp::new(Kind::Totp, s(), Algorithm::Sha1, 6, 0, 0).is_err());
        assert!(Otp::new(Kind::Steam, s(), Algorithm::Sha1, 6, 30, 0).is_err());
        assert!(
            Otp::new(
                Kind::Totp,
                Secret::from_bytes(vec![]),
                Algorithm::Sha1,
                6,
                30,
                0
            )
            .is_err()
        );
    }

    /// RFC 4648 section 10 test vectors (the padded forms, as the RFC prints them).
    #[test]
    fn base32_rfc4648_vectors() {
        for (text, bytes) in [
            ("MY======", "f"),
            ("MZXQ====", "fo"),
            ("MZXW6===", "foo"),
            ("MZXW6YQ=", "foob"),
            ("MZXW6YTB", "fooba"),
            ("MZXW6YTBOI======", "foobar"),
        ] {
            let secret = Secret::parse_base32(text).unwrap();
            assert_eq!(secret.expose(), bytes.as_bytes(), "{text}");
            assert_eq!(secret.to_base32().as_str(), text.trim_end_matches('='));
        }
    }

    #[test]
    fn base32_is_lenient_on_case_padding_and_spaces() {
        let a = Secret::parse_base32("JBSWY3DPEHPK3PXP").unwrap();
        for variant in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "JBSW-Y3DP-EHPK-3PXP",
            "JBSWY3DPEHPK3PXP====",
        ] {
            assert_eq!(Secret::parse_base32(variant).unwrap(), a, "{variant}");
        }
        assert_eq!(a.expose(), b"Hello!\xde\xad\xbe\xef");
        assert_eq!(a.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
        assert!(matches!(
            Secret::parse_base32("JBSW1"),
            Err(SecretError::BadCharacter { position: 5 })
        ));
        assert!(matches!(
            Secret::parse_base32("ABC"),
            Err(SecretError::BadLength { len: 3 })
        ));
        assert_eq!(Secret::parse_base32(" = "), Err(SecretError::Empty));
    }

    proptest::proptest! {
        /// Every length base32 can produce decodes (to `len * 5 / 8` bytes); 1, 3 and 6
        /// characters past a multiple of 8 are refused by length.
        #[test]
        fn base32_lengths(text in "[A-Z2-7]{1,80}") {
            let len = text.len();
            match Secret::parse_base32(&text) {
                Ok(s) => proptest::prop_assert_eq!(s.len(), len * 5 / 8),
                Err(e) => {
                    proptest::prop_assert!(matches!(len % 8, 1 | 3 | 6));
                    proptest::prop_assert_eq!(e, SecretError::BadLength { len });
                }
            }
        }

        /// Encode, then decode: the same bytes, 80-bit (10-byte) secrets included.
        #[test]
        fn base32_round_trips(bytes in proptest::collection::vec(proptest::num::u8::ANY, 1..64)) {
            let s = Secret::from_bytes(bytes.clone());
            let back = Secret::parse_base32(&s.to_base32()).unwrap();
            proptest::prop_assert_eq!(back.expose().to_vec(), bytes);
        }
    }

    #[test]
    fn debug_never_shows_a_code() {
        let otp = totp(b"12345678901234567890", Algorithm::Sha1, 8);
        let d = format!("{:?}", otp.code_at(59));
        assert!(!d.contains("94287082"), "{d}");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::parse_base32("JBSWY3DPEHPK3PXP").unwrap();
        let d = format!("{:?}", totp(s.expose(), Algorithm::Sha1, 6));
        assert!(!d.contains("Hello"), "{d}");
        assert!(!d.contains("72, 101"), "{d}");
    }
}
