//! `remove`: confirm on the terminal, delete, save.

use anyhow::{Context, Result, bail};

use super::{Ctx, find};
use crate::cli::RemoveArgs;
use crate::term;

/// Runs `remove`.
pub fn run(ctx: &Ctx, args: &RemoveArgs) -> Result<()> {
    let mut session = ctx.open_for_write()?;
    let i = find(&session.vault, &args.query)?;
    let acc = &session.vault.accounts[i];
    let label = format!("{:?}{}", acc.name, acc.label_suffix());
    if !args.yes {
        if !term::interactive() {
            bail!(
                "refusing to remove {label} without confirmation: pass --yes (no terminal to ask)"
            );
        }
        let q = format!("Remove {label}? Its codes will be gone from this vault.");
        if !term::confirm(&q, false).context("could not ask on the terminal")? {
            bail!("not removed");
        }
    }
    session.vault.accounts.remove(i);
    session.save()?;
    eprintln!("removed {label}");
    Ok(())
}
