//! `import`: an export file → accounts → one vault write (or none, with `--dry-run`).

use age::secrecy::SecretString;
use anyhow::{Context, Result};
use zeroize::Zeroizing;

use super::Ctx;
use crate::cli::{ImportArgs, ImportFormat};
use crate::import::{self, Format, Input};
use crate::ops;
use crate::term;

/// Largest export file read.
const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Runs `import`.
pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<()> {
    let (bytes, label) = read_input(args)?;
    let mut password = || import_password(&label);
    let mut input = Input {
        bytes: &bytes,
        file: &label,
        password: &mut password,
    };
    let found = import::import(&mut input, chosen_format(args.format))?;
    for note in &found.notes {
        eprintln!("note: {note}");
    }

    let unsupported = found
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.name, s.reason))
        .collect();
    let mut session = if args.dry_run {
        ctx.open()?
    } else {
        ctx.open_for_write()?
    };
    let outcome = ops::import(
        &mut session.vault,
        found.accounts,
        unsupported,
        args.dry_run,
        super::now_or(None)?,
    );
    session.finish(&outcome)
}

fn read_input(args: &ImportArgs) -> Result<(Zeroizing<Vec<u8>>, String)> {
    let input = if args.file.as_os_str() == "-" {
        (
            super::read_stdin_limited(MAX_FILE_BYTES)?,
            String::from("standard input"),
        )
    } else {
        let meta = std::fs::metadata(&args.file)
            .with_context(|| format!("could not read {}", args.file.display()))?;
        if meta.len() > MAX_FILE_BYTES as u64 {
            anyhow::bail!(
                "{} is larger than {} MiB; refusing it",
                args.file.display(),
                MAX_FILE_BYTES >> 20
            );
        }
        (
            Zeroizing::new(
                std::fs::read(&args.file)
                    .with_context(|| format!("could not read {}", args.file.display()))?,
            ),
            args.file.display().to_string(),
        )
    };
    Ok(input)
}

/// Same generator and same issuer: the account is already there.
fn chosen_format(f: ImportFormat) -> Option<Format> {
    match f {
        ImportFormat::Auto => None,
        ImportFormat::Uri => Some(Format::Uri),
        ImportFormat::Migration => Some(Format::Migration),
        ImportFormat::Aegis => Some(Format::Aegis),
        ImportFormat::TwoFas => Some(Format::TwoFas),
        ImportFormat::Bitwarden => Some(Format::Bitwarden),
        ImportFormat::Andotp => Some(Format::AndOtp),
        ImportFormat::Freeotp => Some(Format::FreeOtp),
        ImportFormat::Proton => Some(Format::Proton),
        ImportFormat::Json => Some(Format::Authcli),
    }
}

/// The password of an encrypted export: `$AUTHCLI_IMPORT_PASSPHRASE`, the first line of
/// `$AUTHCLI_IMPORT_PASSPHRASE_FILE`, else a hidden prompt. Never from argv.
fn import_password(label: &str) -> Result<SecretString, String> {
    if let Some(p) = std::env::var_os("AUTHCLI_IMPORT_PASSPHRASE") {
        let p = Zeroizing::new(
            p.into_string()
                .map_err(|_| String::from("AUTHCLI_IMPORT_PASSPHRASE is not valid UTF-8"))?,
        );
        if p.is_empty() {
            return Err("AUTHCLI_IMPORT_PASSPHRASE is empty".into());
        }
        return Ok(SecretString::from(p.to_string()));
    }
    if let Some(f) = std::env::var_os("AUTHCLI_IMPORT_PASSPHRASE_FILE") {
        let bytes = Zeroizing::new(std::fs::read(&f).map_err(|e| {
            format!(
                "could not read AUTHCLI_IMPORT_PASSPHRASE_FILE {}: {e}",
                std::path::Path::new(&f).display()
            )
        })?);
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| String::from("AUTHCLI_IMPORT_PASSPHRASE_FILE is not UTF-8"))?;
        let first = text.lines().next().unwrap_or("");
        if first.is_empty() {
            return Err("the first line of AUTHCLI_IMPORT_PASSPHRASE_FILE is empty".into());
        }
        return Ok(SecretString::from(first.to_owned()));
    }
    if !term::interactive() {
        return Err("the export is encrypted and there is no terminal to ask for its password; set AUTHCLI_IMPORT_PASSPHRASE or AUTHCLI_IMPORT_PASSPHRASE_FILE".into());
    }
    let p = term::prompt_hidden(&format!("Password of the export {label}: "))
        .map_err(|e| format!("cannot ask for the export's password ({e})"))?;
    if p.is_empty() {
        return Err("the password is empty".into());
    }
    Ok(SecretString::from(p.to_string()))
}
