//! `otpauth://totp|hotp|steam/…` and `steam://SECRET`: one account's URI, read and written.

use std::fmt::Write as _;

use percent_encoding::{percent_decode_str, utf8_percent_encode};
use zeroize::Zeroizing;

use super::{COMPONENT, DEFAULT_PERIOD, UriError, check_len, form_decode, short, strip_prefix_ci};
use crate::account::Account;
use crate::otp::{Algorithm, Kind, Otp, ParamError, STEAM_DIGITS, Secret};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uri::migration::decode_data;
    use crate::uri::testutil::*;
    use crate::uri::{MAX_INPUT, Payload, classify, parse_migration, to_migration};
    use proptest::prelude::*;

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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn otpauth_round_trip(acc in any_account()) {
            let uri = to_otpauth(&acc);
            prop_assert_eq!(parse_otpauth(&uri).unwrap(), acc.clone());
            prop_assert_eq!(classify(&uri).unwrap(), Payload::Otpauth(acc));
        }
    }
}
