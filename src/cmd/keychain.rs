//! `keychain store|forget|status`: the vault passphrase in the OS keychain.

use anyhow::{Context, Result, bail};

use super::Ctx;
use crate::cli::KeychainAction;
use crate::keychain::{self, Lookup};
use crate::vault::{self, Key};

/// Runs `keychain ACTION`.
pub fn run(ctx: &Ctx, action: KeychainAction) -> Result<()> {
    match action {
        KeychainAction::Store => store(ctx),
        KeychainAction::Forget => forget(ctx),
        KeychainAction::Status => status(ctx),
    }
}

/// Asks for the passphrase (environment, file or prompt; never the keychain itself), checks
/// that it opens the vault, and stores it.
fn store(ctx: &Ctx) -> Result<()> {
    let path = &ctx.vault_path;
    let bytes = vault::read(path)?;
    if !vault::is_passphrase_vault(path, &bytes)? {
        bail!(
            "{} is key-based (it opens with its identity file): it has no passphrase to keep in the keychain",
            path.display()
        );
    }
    let passphrase = ctx.passphrase_uncached(&format!("Passphrase for {}: ", path.display()))?;
    let plain = vault::decrypt(path, &bytes, &Key::Passphrase(passphrase.clone()))?;
    vault::parse(path, &plain)?;
    keychain::set(&ctx.keychain_path(), &passphrase)
        .with_context(|| format!("could not store the passphrase of {}", path.display()))?;
    eprintln!(
        "stored the passphrase of {} in the OS keychain; commands take it from there now",
        path.display()
    );
    Ok(())
}

fn forget(ctx: &Ctx) -> Result<()> {
    let path = ctx.vault_path.display();
    let removed = keychain::delete(&ctx.keychain_path())
        .with_context(|| format!("could not remove the passphrase of {path}"))?;
    if removed {
        eprintln!("removed the passphrase of {path} from the OS keychain");
    } else {
        eprintln!("the OS keychain holds no passphrase of {path}");
    }
    Ok(())
}

/// One line on stdout: `stored`, `stale`, `not stored`, `locked` or `unavailable`, then why.
/// Never prompts, never checks the passphrase against the vault (no scrypt run).
fn status(ctx: &Ctx) -> Result<()> {
    let key = ctx.keychain_path();
    let path = ctx.vault_path.display();
    let line = if keychain::is_stale(&key) {
        format!(
            "stale: the passphrase in the OS keychain did not open {path}; it is ignored until `authcli keychain store`"
        )
    } else {
        match keychain::get(&key) {
            Lookup::Found(_) => format!("stored: the OS keychain holds the passphrase of {path}"),
            Lookup::Missing => format!("not stored: the OS keychain holds no passphrase of {path}"),
            Lookup::Locked => format!(
                "locked: the OS keychain is locked (it holds an entry for {path}); commands pass over it"
            ),
            Lookup::Unavailable(why) => format!("unavailable: no OS keychain to ask ({why})"),
        }
    };
    crate::output::print_line(&line)
}
