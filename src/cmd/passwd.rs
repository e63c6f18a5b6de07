//! `passwd`: change the passphrase of a passphrase vault.

use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{Result, bail};

use super::Ctx;
use crate::cli::PasswdArgs;
use crate::keychain::{self, Lookup};
use crate::vault;

/// Runs `passwd`.
pub fn run(ctx: &Ctx, args: &PasswdArgs) -> Result<()> {
    // The agent holds the old key: it ends first, so the old passphrase is asked as usual and
    // nothing is ever wrapped under it again.
    crate::agent::client::end(&ctx.vault_path)?;
    let mut session = ctx.open_for_write()?;
    // Again under the lock: an `unlock` that raced the first end holds the old key too.
    crate::agent::client::end(&ctx.vault_path)?;
    if !session.is_passphrase() {
        bail!(
            "{} is key-based (it has no passphrase); `authcli rekey --to-passphrase` switches it to one",
            session.path().display()
        );
    }
    let old = ctx.passphrase("")?;
    let new = super::new_passphrase(args.new_passphrase_file.as_deref())?;
    if new.expose_secret() == old.expose_secret() {
        bail!("the new passphrase is the same as the old one; nothing changed");
    }
    session.set_passphrase(Some(new.clone()));
    session.save()?;
    super::refresh_backup(session.path())?;
    eprintln!(
        "changed the passphrase of {} (the backup {} too)",
        session.path().display(),
        vault::backup_path(session.path()).display()
    );
    update_keychain(ctx, &new);
    Ok(())
}

/// An entry in the OS keychain for this vault gets the new passphrase, so it does not go stale
/// on this computer. Only one it can read without a prompt; a locked one is reported.
fn update_keychain(ctx: &Ctx, new: &SecretString) {
    let key = ctx.keychain_path();
    match keychain::get(&key) {
        Lookup::Found(_) => match keychain::set(&key, new) {
            Ok(()) => eprintln!("updated the passphrase in the OS keychain too"),
            Err(e) => eprintln!(
                "authcli: warning: could not update the passphrase in the OS keychain ({e}); run `authcli keychain store`"
            ),
        },
        Lookup::Locked => eprintln!(
            "authcli: warning: the OS keychain is locked, so its passphrase for this vault is now out of date; run `authcli keychain store` once it is unlocked"
        ),
        Lookup::Missing | Lookup::Unavailable(_) => {}
    }
}
