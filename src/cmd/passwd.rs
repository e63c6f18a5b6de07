//! `passwd`: change the passphrase of a passphrase vault.

use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

use super::Ctx;
use crate::cli::PasswdArgs;
use crate::term;
use crate::vault;

/// Runs `passwd`.
pub fn run(ctx: &Ctx, args: &PasswdArgs) -> Result<()> {
    // The agent holds the old key: it ends first, so the old passphrase is asked as usual and
    // nothing is ever wrapped under it again.
    super::agent::end_agent(ctx)?;
    let mut session = ctx.open_for_write()?;
    if !session.is_passphrase() {
        bail!(
            "{} is key-based (it has no passphrase); `authcli rekey --to-passphrase` switches it to one",
            session.path().display()
        );
    }
    let old = ctx.passphrase("")?;
    let new = new_passphrase(args.new_passphrase_file.as_deref())?;
    if new.expose_secret() == old.expose_secret() {
        bail!("the new passphrase is the same as the old one; nothing changed");
    }
    session.set_passphrase(Some(new));
    session.save()?;
    refresh_backup(session.path())?;
    eprintln!(
        "changed the passphrase of {} (the backup {} too)",
        session.path().display(),
        vault::backup_path(session.path()).display()
    );
    Ok(())
}

/// Re-encrypts `<vault>.bak` too (a copy of the new vault), so the old key opens nothing.
pub fn refresh_backup(path: &Path) -> Result<()> {
    vault::refresh_backup(path).with_context(|| {
        format!(
            "the vault was re-encrypted, but its backup {} could not be replaced; delete it by hand (it still opens with the old key)",
            vault::backup_path(path).display()
        )
    })
}

/// The new passphrase: `$AUTHCLI_NEW_PASSPHRASE`, the first line of `file`, else asked twice on
/// the terminal.
pub fn new_passphrase(file: Option<&Path>) -> Result<SecretString> {
    if let Some(p) = std::env::var_os("AUTHCLI_NEW_PASSPHRASE") {
        let p = Zeroizing::new(
            p.into_string()
                .map_err(|_| anyhow::anyhow!("AUTHCLI_NEW_PASSPHRASE is not valid UTF-8"))?,
        );
        if p.is_empty() {
            bail!("AUTHCLI_NEW_PASSPHRASE is empty");
        }
        return Ok(SecretString::from(p.to_string()));
    }
    if let Some(f) = file {
        let bytes = Zeroizing::new(std::fs::read(f).map_err(|e| {
            anyhow::anyhow!("could not read new passphrase file {}: {e}", f.display())
        })?);
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            anyhow::anyhow!("new passphrase file {} is not valid UTF-8", f.display())
        })?;
        let first = text.lines().next().unwrap_or("");
        if first.is_empty() {
            bail!(
                "the first line of new passphrase file {} is empty",
                f.display()
            );
        }
        return Ok(SecretString::from(first.to_owned()));
    }
    if !term::interactive() {
        bail!(
            "no terminal to ask for the new passphrase; set AUTHCLI_NEW_PASSPHRASE_FILE or use --new-passphrase-file"
        );
    }
    loop {
        let a = term::prompt_hidden("New passphrase: ")
            .map_err(|e| anyhow::anyhow!("cannot ask for the new passphrase ({e})"))?;
        if a.is_empty() {
            eprintln!("the passphrase is empty; try again");
            continue;
        }
        let b = term::prompt_hidden("Repeat it: ")
            .map_err(|e| anyhow::anyhow!("cannot ask for the new passphrase ({e})"))?;
        if a == b {
            return Ok(SecretString::from(a.to_string()));
        }
        eprintln!("the two passphrases differ; try again");
    }
}
