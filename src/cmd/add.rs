//! `add`: URI / QR image / base32 secret → accounts → vault.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::Ctx;
use crate::account::Account;
use crate::cli::{AddArgs, AlgorithmArg};
use crate::ops;
use crate::otp::{Algorithm, Kind, Otp, STEAM_DIGITS, Secret};
use crate::term;
use crate::uri;
use crate::vault::VaultError;

/// Largest image read from stdin.
const MAX_IMAGE_BYTES: usize = 64 * 1024 * 1024;

/// Runs `add`.
pub fn run(ctx: &Ctx, args: &AddArgs) -> Result<()> {
    if let Some(name) = args.name.as_deref().filter(|_| !args.qr.is_empty())
        && looks_like_an_image(name)
    {
        bail!(
            "NAME {name:?} looks like an image file; give each image its own --qr (`--qr a.png --qr b.png`), or choose another name"
        );
    }
    let found = collect(args)?;
    if found.is_empty() {
        bail!("nothing to add");
    }
    if args.name.is_some() && found.len() > 1 {
        bail!(
            "found {} accounts but one NAME was given; run again without NAME to add them all (names come from their issuers)",
            found.len()
        );
    }

    let mut session = match ctx.open_for_write() {
        Err(e)
            if matches!(
                e.downcast_ref::<VaultError>(),
                Some(VaultError::NotFound(_))
            ) =>
        {
            offer_to_create(ctx, e)?;
            ctx.open_for_write()?
        }
        other => other?,
    };
    let outcome = ops::add(
        &mut session.vault,
        args.name.as_deref(),
        found,
        super::now_or(None)?,
    )?;
    session.finish(&outcome)
}

fn offer_to_create(ctx: &Ctx, not_found: anyhow::Error) -> Result<()> {
    if !term::interactive() {
        return Err(not_found);
    }
    let q = format!(
        "No vault at {} yet. Create it now?",
        ctx.vault_path.display()
    );
    if !term::confirm(&q, true).context("could not ask on the terminal")? {
        return Err(not_found);
    }
    super::init::create(ctx, &[], false)
}

/// Everything the sources yield, validated, before the vault is touched.
fn collect(args: &AddArgs) -> Result<Vec<Account>> {
    if let Some(u) = &args.uri {
        if u == "-" {
            return from_stdin_lines();
        }
        let found = from_uri_text(u).context("rejected URI")?;
        if has_secret(u) {
            eprintln!(
                "authcli: warning: the secret was on the command line, where `ps` and your shell history show it; next time use `--uri -` (stdin), `--qr FILE` or `--secret`"
            );
        }
        return Ok(found);
    }
    if !args.qr.is_empty() {
        let mut out = Vec::new();
        for file in &args.qr {
            out.extend(from_qr_file(file)?);
        }
        return Ok(out);
    }
    if args.qr_clipboard {
        return from_clipboard();
    }
    if args.qr_screen {
        return from_screen();
    }
    if args.secret {
        return from_secret(args).map(|a| vec![a]);
    }
    bail!("say where the account comes from: --uri, --qr, --qr-clipboard, --qr-screen or --secret")
}

/// One URI (otpauth, steam or otpauth-migration) → accounts.
/// Whether NAME was perhaps meant as one more image for --qr (the old `--qr a.png b.png`).
fn looks_like_an_image(name: &str) -> bool {
    let p = Path::new(name);
    p.is_file()
        || p.extension().is_some_and(|e| {
            ["png", "jpg", "jpeg", "gif", "bmp", "webp"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        })
}

/// Whether a URI given as an argument carries a secret (`secret=` or `data=` of a Google
/// export, or a `steam://` secret).
fn has_secret(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    lower.contains("secret=") || lower.contains("data=") || lower.starts_with("steam://")
}

fn from_uri_text(text: &str) -> Result<Vec<Account>> {
    let text = text.trim();
    if text.len() > uri::MAX_INPUT {
        bail!("input is longer than {} KiB", uri::MAX_INPUT / 1024);
    }
    if text
        .get(..18)
        .is_some_and(|p| p.eq_ignore_ascii_case("otpauth-migration:"))
    {
        let m = uri::parse_migration(text)?;
        return Ok(migration_accounts(m));
    }
    Ok(vec![uri::parse_otpauth(text)?])
}

fn migration_accounts(m: uri::Migration) -> Vec<Account> {
    for s in &m.skipped {
        eprintln!("skipped {}: {}", s.label, s.reason);
    }
    if m.batch_size > 1 {
        let missing: Vec<String> = (0..m.batch_size)
            .filter(|&i| i != m.batch_index)
            .map(|i| (i + 1).to_string())
            .collect();
        eprintln!(
            "this is code {} of {} of a Google Authenticator export; also add code(s) {} to get every account",
            m.batch_index + 1,
            m.batch_size,
            missing.join(", ")
        );
    }
    m.accounts
}

fn from_stdin_lines() -> Result<Vec<Account>> {
    let bytes = super::read_stdin_limited(16 * 1024 * 1024)?;
    let text = std::str::from_utf8(&bytes).context("standard input is not UTF-8 text")?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.extend(
            from_uri_text(line).with_context(|| format!("line {} of standard input", n + 1))?,
        );
    }
    if out.is_empty() {
        bail!("no otpauth URI on standard input");
    }
    Ok(out)
}

fn from_qr_file(file: &Path) -> Result<Vec<Account>> {
    let (bytes, label) = if file.as_os_str() == "-" {
        (
            super::read_stdin_limited(MAX_IMAGE_BYTES)?.to_vec(),
            String::from("standard input"),
        )
    } else {
        // A file larger than any image qr could decode within its memory budget is refused
        // before it is read (a 1 GB file would otherwise be read whole first).
        if let Ok(meta) = std::fs::metadata(file)
            && meta.len() > crate::qr::MAX_FILE_BYTES
        {
            bail!(
                "{} is {} MB, larger than any screenshot authcli reads ({} MB); refusing it",
                file.display(),
                meta.len() / 1_000_000,
                crate::qr::MAX_FILE_BYTES / 1_000_000
            );
        }
        let b = std::fs::read(file).map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::NotFound
                && file.extension().is_none()
                && file.components().count() == 1
            {
                " (if it is the account's NAME, give each image its own --qr: `add --qr FILE NAME`)"
            } else {
                ""
            };
            anyhow::anyhow!("could not read {}: {e}{hint}", file.display())
        })?;
        (b, file.display().to_string())
    };
    let texts = match crate::qr::decode(&bytes) {
        Ok(t) => t,
        Err(crate::qr::QrError::NoCode) => {
            bail!("no QR code found in {label}; try a larger or sharper screenshot")
        }
        Err(e) => return Err(anyhow::Error::new(e).context(label)),
    };
    accounts_from_qr_texts(&texts, &format!("the QR code in {label}"))
}

fn from_clipboard() -> Result<Vec<Account>> {
    match crate::clipboard::read().context("could not read the clipboard")? {
        crate::clipboard::Content::Image {
            width,
            height,
            rgba,
        } => {
            let pixels = u64::from(width) * u64::from(height);
            if pixels > crate::qr::MAX_PIXELS {
                bail!(
                    "the clipboard image is too large: {width}x{height} pixels, the limit is {} pixels",
                    crate::qr::MAX_PIXELS
                );
            }
            let texts = crate::qr::decode_rgba(width, height, &rgba);
            if texts.is_empty() {
                bail!(
                    "no QR code found in the clipboard image ({width}x{height}); try a larger or sharper screenshot"
                );
            }
            accounts_from_qr_texts(&texts, "the QR code in the clipboard image")
        }
        crate::clipboard::Content::Text(text) => {
            let text = text.trim();
            if text.is_empty() {
                bail!("the clipboard is empty");
            }
            if text.len() > uri::MAX_INPUT {
                bail!(
                    "the clipboard text is longer than {} KiB",
                    uri::MAX_INPUT / 1024
                );
            }
            accounts_from_qr_texts(&[text.to_owned()], "the text in the clipboard")
        }
    }
}

/// Every screen, captured in memory and searched one at a time.
fn from_screen() -> Result<Vec<Account>> {
    let mut texts: Vec<String> = Vec::new();
    let mut sizes = Vec::new();
    let screens = crate::screen::for_each(|shot| {
        let (w, h) = shot.grey.dimensions();
        sizes.push(format!("{} {w}x{h}", shot.name));
        for t in crate::qr::decode_grey(&shot.grey) {
            if !texts.contains(&t) {
                texts.push(t);
            }
        }
    })
    .map_err(|e| {
        let hint = match e {
            crate::screen::ScreenError::Unsupported(_) => "; save a screenshot and use --qr FILE",
            _ => "",
        };
        anyhow::anyhow!("could not capture the screen: {e}{hint}")
    })?;
    if texts.is_empty() {
        let what = if screens == 1 {
            "the screen".to_owned()
        } else {
            format!("any of the {screens} screens")
        };
        bail!(
            "no QR code found on {what} ({}); show the setup page's QR code, not covered by other windows, and run this again",
            sizes.join(", ")
        );
    }
    accounts_from_qr_texts(&texts, "the QR code on the screen")
}

/// Turns the strings of the QR codes found in one image into accounts, explaining the rest.
/// `label` names the source in messages ("the QR code in shot.png").
pub fn accounts_from_qr_texts(texts: &[String], label: &str) -> Result<Vec<Account>> {
    let mut out = Vec::new();
    let mut others = Vec::new();
    let mut ms_push = false;
    for t in texts {
        match uri::classify(t) {
            Ok(uri::Payload::Otpauth(a)) => out.push(a),
            Ok(uri::Payload::Migration(m)) => out.extend(migration_accounts(m)),
            Ok(uri::Payload::MicrosoftPush) => ms_push = true,
            Ok(uri::Payload::Other(what)) => others.push(what),
            Err(e) => bail!("{label} is not a usable otpauth code: {e}"),
        }
    }
    if out.is_empty() {
        if ms_push {
            bail!(
                "{label} is for the Microsoft Authenticator app; on the setup page choose \"I want to use a different authenticator app\" to get a code authcli can read"
            );
        }
        bail!(
            "{label} is not an authenticator code: it is {}",
            others.join("; ")
        );
    }
    for what in others {
        eprintln!("note: ignored another QR code, {what}");
    }
    Ok(out)
}

fn from_secret(args: &AddArgs) -> Result<Account> {
    let text = if std::io::stdin().is_terminal() {
        term::prompt_hidden("Secret (base32): ").context("could not read the secret")?
    } else {
        let bytes = super::read_stdin_limited(uri::MAX_INPUT)?;
        let s = std::str::from_utf8(&bytes).context("the secret on standard input is not UTF-8")?;
        zeroize::Zeroizing::new(s.lines().next().unwrap_or("").to_owned())
    };
    let secret = Secret::parse_base32(&text)?;
    let (kind, digits, algorithm) = if args.steam {
        (Kind::Steam, STEAM_DIGITS, Algorithm::Sha1)
    } else if args.hotp {
        (Kind::Hotp, args.digits, alg(args.algorithm))
    } else {
        (Kind::Totp, args.digits, alg(args.algorithm))
    };
    let otp = Otp::new(kind, secret, algorithm, digits, args.period, args.counter)?;
    let issuer = args.issuer.clone().unwrap_or_else(|| {
        if args.steam {
            "Steam".into()
        } else {
            String::new()
        }
    });
    Ok(Account::new(
        issuer,
        args.account.clone().unwrap_or_default(),
        otp,
    ))
}

fn alg(a: AlgorithmArg) -> Algorithm {
    match a {
        AlgorithmArg::Sha1 => Algorithm::Sha1,
        AlgorithmArg::Sha256 => Algorithm::Sha256,
        AlgorithmArg::Sha512 => Algorithm::Sha512,
    }
}
