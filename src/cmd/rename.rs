//! `rename`: change the name commands use for an account.

use anyhow::Result;

use super::Ctx;
use crate::cli::RenameArgs;
use crate::ops;

/// Runs `rename`.
pub fn run(ctx: &Ctx, args: &RenameArgs) -> Result<()> {
    // Checked before the vault is unlocked, and again where the change is made.
    ops::validate_name(&args.new)?;
    let mut session = ctx.open_for_write()?;
    let outcome = ops::rename(
        &mut session.vault,
        &args.old,
        &args.new,
        super::now_or(None)?,
    )?;
    session.finish(&outcome)
}
