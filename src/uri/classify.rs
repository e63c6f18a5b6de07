//! What a QR code's text is: an otpauth account, a Google Authenticator export, Microsoft
//! Authenticator's push registration, or something else, described in a few words.

use super::{
    Migration, UriError, check_len, find_ci, parse_migration, parse_otpauth, strip_prefix_ci,
};
use crate::account::Account;

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

/// Sorts out what a QR code's text is: an otpauth account, a Google Authenticator export,
/// Microsoft Authenticator's push registration, or something else (described in a few words,
/// never echoed: it may hold a password).
///
/// Errors are for texts that are otpauth URIs but bad ones, texts with an otpauth URI not at
/// their start, and texts over [`MAX_INPUT`](super::MAX_INPUT).
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
    use crate::uri::testutil::*;
    use proptest::prelude::*;

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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

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
    }
}
