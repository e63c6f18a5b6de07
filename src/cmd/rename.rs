//! `rename`: change the name commands use for an account (through the unlock agent when one
//! holds the vault).

use anyhow::{Result, bail};

use super::{Ctx, find};
use crate::agent::{Change, Outcome};
use crate::cli::RenameArgs;
use crate::vault::Vault;

/// Runs `rename`.
pub fn run(ctx: &Ctx, args: &RenameArgs) -> Result<()> {
    // Checked before the vault is unlocked, and again where the change is made.
    check_new_name(&args.new)?;
    let change = Change::Rename {
        old: args.old.clone(),
        new: args.new.clone(),
    };
    let outcome = super::change::run(ctx, change, Ctx::open_for_write)?;
    super::change::report(&outcome);
    Ok(())
}

fn check_new_name(new: &str) -> Result<()> {
    if new.trim().is_empty() || new.trim() != new || new.chars().any(char::is_control) {
        bail!(
            "invalid new name {new:?}: it must be non-empty, without surrounding spaces or control characters"
        );
    }
    Ok(())
}

/// Renames the account OLD picks to NEW: for the vault file and the agent alike.
pub fn apply(vault: &mut Vault, old: &str, new: &str) -> Result<Outcome> {
    check_new_name(new)?;
    let i = find(vault, old)?;
    if let Some(j) = vault.position(new)
        && j != i
    {
        bail!(
            "an account named {:?} already exists",
            vault.accounts[j].name
        );
    }
    let old = std::mem::replace(&mut vault.accounts[i].name, new.to_owned());
    Ok(Outcome {
        messages: vec![format!("renamed {old:?} to {new:?}")],
        code: None,
        changed: true,
    })
}
