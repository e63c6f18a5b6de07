//! `remove`: confirm on the terminal, delete, save.

use anyhow::{Context, Result, bail};

use super::{Ctx, find};
use crate::cli::RemoveArgs;
use crate::ops;
use crate::term;

/// Runs `remove`.
pub fn run(ctx: &Ctx, args: &RemoveArgs) -> Result<()> {
    let mut session = ctx.open_for_write()?;
    let i = find(&session.vault, &args.query)?;
    confirm(args, &session.vault.accounts[i].label())?;
    let outcome = ops::remove(&mut session.vault, &args.query, super::now_or(None)?)?;
    session.finish(&outcome)
}

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
