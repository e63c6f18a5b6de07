//! `import`: an export file → accounts → one vault write (or none, with `--dry-run`).

use std::collections::BTreeMap;

use age::secrecy::SecretString;
use anyhow::{Context, Result};
use zeroize::Zeroizing;

use super::Ctx;
use crate::account::{self, Account};
use crate::agent::{Change, Outcome};
use crate::cli::{ImportArgs, ImportFormat};
use crate::import::{self, Format, Input};
use crate::term;
use crate::vault::Vault;

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

    let change = Change::Import {
        accounts: super::change::stored(&found.accounts),
        unsupported: found
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.name, s.reason))
            .collect(),
        dry_run: args.dry_run,
    };
    drop(found);
    let open = if args.dry_run {
        Ctx::open
    } else {
        Ctx::open_for_write
    };
    let outcome = super::change::run(ctx, change, open)?;
    super::change::report(&outcome);
    Ok(())
}

/// Adds what an export file holds to `vault`: accounts already there, or repeated in the file,
/// are skipped; a taken name gets `-2`, `-3`…; `unsupported` entries (`"label: why"`) are
/// counted as skipped. Returns the report `import` prints, for the vault file and the agent
/// alike; with `dry_run` the vault is left as it was.
pub fn apply(
    vault: &mut Vault,
    accounts: Vec<Account>,
    unsupported: Vec<String>,
    dry_run: bool,
    now: u64,
) -> Outcome {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let mut skipped: Vec<String> = Vec::new();
    let mut why: BTreeMap<&'static str, usize> = BTreeMap::new();
    for s in unsupported {
        skipped.push(s);
        *why.entry("not supported").or_default() += 1;
    }
    let mut added = Vec::new();
    let before = vault.accounts.len();
    for mut acc in accounts {
        if let Some(i) = vault.accounts.iter().position(|e| same(e, &acc)) {
            let existing = &vault.accounts[i].name;
            if i < before {
                skipped.push(format!(
                    "{}: already in the vault as {existing:?}",
                    acc.display_label()
                ));
                *why.entry("already in the vault").or_default() += 1;
            } else {
                skipped.push(format!(
                    "{}: same secret and issuer as {existing:?}, earlier in the file",
                    acc.display_label()
                ));
                *why.entry("repeated in the file").or_default() += 1;
            }
            continue;
        }
        let wanted = if acc.name.is_empty() || acc.name.chars().any(char::is_control) {
            account::default_name_base(&acc)
        } else {
            acc.name.clone()
        };
        acc.name = vault.unique_name(&wanted);
        acc.added = Some(now);
        added.push(vault.accounts.len());
        vault.accounts.push(acc);
    }
    let mut out = Outcome::default();
    for s in &skipped {
        out.messages.push(format!("skipped {s}"));
    }
    let verb = if dry_run { "would import" } else { "imported" };
    for &i in &added {
        let a = &vault.accounts[i];
        out.messages.push(format!(
            "{verb} {:?}{} [{}]",
            a.name,
            a.label_suffix(),
            a.otp.kind()
        ));
    }
    let detail = if why.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = why.iter().map(|(k, n)| format!("{n} {k}")).collect();
        format!(" ({})", parts.join(", "))
    };
    out.messages.push(format!(
        "{verb} {}, skipped {}{detail}{}",
        added.len(),
        skipped.len(),
        if dry_run { "; nothing was changed" } else { "" }
    ));
    if dry_run {
        vault.accounts.truncate(before);
    } else {
        out.changed = !added.is_empty();
    }
    out
}

/// The file's bytes and how to name it in messages.
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
fn same(a: &Account, b: &Account) -> bool {
    a.otp.same_generator(&b.otp) && a.issuer.eq_ignore_ascii_case(&b.issuer)
}

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
