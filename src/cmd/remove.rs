//! `remove`: confirm on the terminal, delete, save — through the unlock agent when one holds
//! the vault (it names the account for the confirmation, then removes it and writes the file).

use anyhow::{Context, Result, bail};

use super::{Ctx, find};
use crate::account::Account;
use crate::agent::{Change, Outcome};
use crate::cli::RemoveArgs;
use crate::term;
use crate::vault::Vault;

/// Runs `remove`.
pub fn run(ctx: &Ctx, args: &RemoveArgs) -> Result<()> {
    if let Some((name, label)) = super::agent::find(ctx, &args.query)? {
        confirm(args, &label)?;
        // The exact name picks the same account (an exact name wins over substrings).
        let change = Change::Remove { query: name };
        if let Some(outcome) = super::agent::write(ctx, &change)? {
            super::change::report(&outcome);
            return Ok(());
        }
    }
    let mut session = ctx.open_for_write()?;
    let i = find(&session.vault, &args.query)?;
    confirm(args, &label(&session.vault.accounts[i]))?;
    let outcome = apply(&mut session.vault, &args.query)?;
    session.save()?;
    super::change::report(&outcome);
    Ok(())
}

/// `"name" (Issuer: account)`: how messages name the account.
pub fn label(acc: &Account) -> String {
    format!("{:?}{}", acc.name, acc.label_suffix())
}

/// Asks on the terminal unless `--yes`; without a terminal `--yes` is required.
fn confirm(args: &RemoveArgs, label: &str) -> Result<()> {
    if args.yes {
        return Ok(());
    }
    if !term::interactive() {
        bail!("refusing to remove {label} without confirmation: pass --yes (no terminal to ask)");
    }
    let q = format!("Remove {label}? Its codes will be gone from this vault.");
    if !term::confirm(&q, false).context("could not ask on the terminal")? {
        bail!("not removed");
    }
    Ok(())
}

/// Removes the account QUERY picks (confirmed by then): for the vault file and the agent alike.
pub fn apply(vault: &mut Vault, query: &str) -> Result<Outcome> {
    let i = find(vault, query)?;
    let label = label(&vault.accounts[i]);
    vault.accounts.remove(i);
    Ok(Outcome {
        messages: vec![format!("removed {label}")],
        code: None,
        changed: true,
    })
}
