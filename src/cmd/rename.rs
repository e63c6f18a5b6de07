//! `rename`: change the name commands use for an account.

use anyhow::{Result, bail};

use super::{Ctx, find};
use crate::cli::RenameArgs;

/// Runs `rename`.
pub fn run(ctx: &Ctx, args: &RenameArgs) -> Result<()> {
    let new = args.new.as_str();
    if new.trim().is_empty() || new.trim() != new || new.chars().any(char::is_control) {
        bail!(
            "invalid new name {new:?}: it must be non-empty, without surrounding spaces or control characters"
        );
    }
    let mut session = ctx.open_for_write()?;
    let i = find(&session.vault, &args.old)?;
    if let Some(j) = session.vault.position(new)
        && j != i
    {
        bail!(
            "an account named {:?} already exists",
            session.vault.accounts[j].name
        );
    }
    let old = std::mem::replace(&mut session.vault.accounts[i].name, new.to_owned());
    session.save()?;
    eprintln!("renamed {old:?} to {new:?}");
    Ok(())
}
