//! Export formats: accounts → authcli JSON, and texts (otpauth or otpauth-migration URIs) → QR
//! codes drawn with Unicode half blocks or as PNG images.
//!
//! The URI formats themselves live in [`crate::uri`] (`to_otpauth`, `to_migration`). Pure
//! functions: nothing here writes to stdout or files. Every buffer that holds a secret is
//! [`Zeroizing`].
//!
//! The JSON schema (version 1), read back by `import --format json`:
//!
//! ```json
//! {"version": 1, "accounts": [
//!   {"id": "3f2a…", "name": "github", "issuer": "GitHub", "account": "me", "type": "totp",
//!    "secret": "JBSWY3DPEHPK3PXP", "algorithm": "SHA1", "digits": 6, "period": 30,
//!    "counter": null}
//! ]}
//! ```
//!
//! (written pretty-printed, one field a line).
//!
//! `id` is the account's id in the vault (32 hex digits; `import` keeps it when the vault has
//! no account with it). `type` is `totp`, `hotp` or `steam`; `secret` is canonical base32 (upper case, no padding);
//! `period` is null for hotp, `counter` null for totp and steam. Readers must refuse a higher
//! `version`.

use qrcode::types::Color;
use qrcode::{EcLevel, QrCode};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::account::Account;

/// The schema version of [`to_json`].
pub const JSON_VERSION: u32 = 1;

/// Accounts per Google Authenticator export code (what Google's own export uses).
pub const MIGRATION_PER_CODE: usize = 10;

/// Light modules around the code, as the QR standard asks.
const QUIET_ZONE: usize = 4;

/// A text that does not fit in a QR code.
#[derive(Debug, thiserror::Error)]
#[error("the text is too long for a QR code ({len} bytes)")]
pub struct QrTooLong {
    /// Length of the text.
    pub len: usize,
}

/// One account in the JSON export; field order is the file's.
#[derive(Serialize)]
struct JsonAccount<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    id: &'a str,
    name: &'a str,
    issuer: &'a str,
    account: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    secret: Zeroizing<String>,
    algorithm: &'static str,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
}

/// The JSON export document.
#[derive(Serialize)]
struct JsonDoc<'a> {
    version: u32,
    accounts: Vec<JsonAccount<'a>>,
}

/// Counts the bytes written to it, so the real buffer can be sized once.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The JSON export document (see the module docs), pretty-printed, with a final newline.
pub fn to_json(accounts: &[Account]) -> Zeroizing<String> {
    let doc = JsonDoc {
        version: JSON_VERSION,
        accounts: accounts
            .iter()
            .map(|a| {
                let otp = &a.otp;
                let timed = otp.kind().is_timed();
                JsonAccount {
                    id: &a.id,
                    name: &a.name,
                    issuer: &a.issuer,
                    account: &a.account,
                    kind: otp.kind().as_str(),
                    secret: otp.secret().to_base32(),
                    algorithm: otp.algorithm().as_str(),
                    digits: otp.digits(),
                    period: timed.then(|| otp.period()),
                    counter: (!timed).then(|| otp.counter()),
                }
            })
            .collect(),
    };
    // Sized exactly before writing: a growing buffer would leave copies of the secrets behind.
    let mut count = ByteCount(0);
    serde_json::to_writer_pretty(&mut count, &doc).expect("counting does not fail");
    let mut buf = Zeroizing::new(Vec::with_capacity(count.0 + 1));
    serde_json::to_writer_pretty(&mut *buf, &doc).expect("writing into memory does not fail");
    buf.push(b'\n');
    let text = String::from_utf8(std::mem::take(&mut *buf)).expect("serde_json writes UTF-8");
    Zeroizing::new(text)
}

fn encode(text: &str) -> Result<QrCode, QrTooLong> {
    // M: 15 % of the code may be damaged; a good balance for screens and phone cameras.
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| QrTooLong { len: text.len() })
}

/// The side of `text`'s QR code in modules, quiet zone included: the terminal drawing is this
/// many columns wide and half as many lines high.
pub fn qr_size(text: &str) -> Result<usize, QrTooLong> {
    Ok(encode(text)?.width() + 2 * QUIET_ZONE)
}

/// How a terminal QR code is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermStyle {
    /// Black on white with ANSI colours: reads right on dark and light terminals alike.
    Ansi,
    /// No escape codes (`NO_COLOR`): light modules drawn as blocks, which is right on the
    /// usual dark terminal background.
    Plain,
}

/// Draws `text` as a QR code with Unicode half blocks, two modules a character cell, with a
/// quiet zone; one line per two module rows, each ending in `\n`.
pub fn qr_terminal(text: &str, style: TermStyle) -> Result<Zeroizing<String>, QrTooLong> {
    let code = encode(text)?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    // Dark module at (x, y) in quiet-zone coordinates.
    let dark = |x: usize, y: usize| {
        x >= QUIET_ZONE
            && y >= QUIET_ZONE
            && x < QUIET_ZONE + width
            && y < QUIET_ZONE + width
            && colors[(y - QUIET_ZONE) * width + (x - QUIET_ZONE)] == Color::Dark
    };
    let mut out = Zeroizing::new(String::with_capacity((size / 2 + 1) * (size * 3 + 20)));
    for y in (0..size).step_by(2) {
        if style == TermStyle::Ansi {
            out.push_str("\x1b[30;107m");
        }
        for x in 0..size {
            let (top, bottom) = (dark(x, y), y + 1 < size && dark(x, y + 1));
            // Ansi draws the dark modules; Plain draws the light ones.
            let (top, bottom) = match style {
                TermStyle::Ansi => (top, bottom),
                TermStyle::Plain => (!top, y + 1 < size && !bottom),
            };
            out.push(match (top, bottom) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        if style == TermStyle::Ansi {
            out.push_str("\x1b[0m");
        }
        out.push('\n');
    }
    Ok(out)
}

/// `text` as a QR code in a PNG image (black on white, at least 400 px, 4-module quiet zone).
pub fn qr_png(text: &str) -> Result<Zeroizing<Vec<u8>>, QrTooLong> {
    let code = encode(text)?;
    let img = code
        .render::<image::Luma<u8>>()
        .quiet_zone(true)
        .min_dimensions(400, 400)
        .build();
    let mut buf = Zeroizing::new(Vec::new());
    img.write_to(
        &mut std::io::Cursor::new(&mut *buf),
        image::ImageFormat::Png,
    )
    .expect("encoding a PNG into memory does not fail");
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Algorithm, Kind, Otp, Secret};

    fn acc(kind: Kind, issuer: &str, account: &str) -> Account {
        let digits = if kind == Kind::Steam { 5 } else { 6 };
        let otp = Otp::new(
            kind,
            Secret::parse_base32("JBSWY3DPEHPK3PXP").unwrap(),
            Algorithm::Sha1,
            digits,
            30,
            7,
        )
        .unwrap();
        let mut a = Account::new(issuer, account, otp);
        a.name = crate::account::slug(issuer);
        a
    }

    #[test]
    fn json_shape() {
        let mut accounts = vec![
            acc(Kind::Totp, "Git\"Hub", "me"),
            acc(Kind::Hotp, "Token", ""),
        ];
        accounts[0].id = "0123456789abcdef0123456789abcdef".into();
        let text = to_json(&accounts);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["accounts"][0]["id"], "0123456789abcdef0123456789abcdef");
        assert!(v["accounts"][1].get("id").is_none(), "no id: no key");
        assert_eq!(v["accounts"][0]["issuer"], "Git\"Hub");
        assert_eq!(v["accounts"][0]["secret"], "JBSWY3DPEHPK3PXP");
        assert_eq!(v["accounts"][0]["period"], 30);
        assert!(v["accounts"][0]["counter"].is_null());
        assert_eq!(v["accounts"][1]["type"], "hotp");
        assert_eq!(v["accounts"][1]["counter"], 7);
        assert!(v["accounts"][1]["period"].is_null());
        let empty: serde_json::Value = serde_json::from_str(&to_json(&[])).unwrap();
        assert_eq!(empty["accounts"].as_array().unwrap().len(), 0);
        // Fields in the documented order; one document ending in a newline.
        let order: Vec<usize> = [
            "id",
            "name",
            "issuer",
            "account",
            "type",
            "secret",
            "algorithm",
            "digits",
            "period",
            "counter",
        ]
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap())
        .collect();
        assert!(order.is_sorted(), "{order:?}");
        assert!(text.ends_with("]\n}\n"), "{:?}", &text[text.len() - 10..]);
    }

    #[test]
    fn terminal_qr_is_square_and_styled() {
        let text = "otpauth://totp/A?secret=JBSWY3DPEHPK3PXP";
        let ansi = qr_terminal(text, TermStyle::Ansi).unwrap();
        let plain = qr_terminal(text, TermStyle::Plain).unwrap();
        let lines: Vec<&str> = plain.lines().collect();
        let width = lines[0].chars().count();
        assert_eq!(lines.len(), width.div_ceil(2));
        assert!(lines.iter().all(|l| l.chars().count() == width));
        // The quiet zone is light: blocks in Plain, spaces in Ansi.
        assert!(lines[0].chars().all(|c| c == '█'));
        assert!(
            ansi.lines()
                .all(|l| l.starts_with("\x1b[30;107m") && l.ends_with("\x1b[0m"))
        );
        assert!(qr_terminal(&"x".repeat(5000), TermStyle::Plain).is_err());
        // Reading the half blocks back gives the code's modules.
        let code = encode(text).unwrap();
        let (w, colors) = (code.width(), code.to_colors());
        for y in 0..w + 2 * QUIET_ZONE {
            for x in 0..w + 2 * QUIET_ZONE {
                let c = lines[y / 2].chars().nth(x).unwrap();
                let light = if y % 2 == 0 {
                    matches!(c, '█' | '▀')
                } else {
                    matches!(c, '█' | '▄')
                };
                let inside = (QUIET_ZONE..QUIET_ZONE + w).contains(&x)
                    && (QUIET_ZONE..QUIET_ZONE + w).contains(&y);
                let want_dark =
                    inside && colors[(y - QUIET_ZONE) * w + (x - QUIET_ZONE)] == Color::Dark;
                assert_eq!(!light, want_dark, "module ({x}, {y})");
            }
        }
        assert_eq!(qr_size(text).unwrap(), width);
        let png = qr_png(text).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }
}
