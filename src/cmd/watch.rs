//! `watch`: the live view of every code, on the vault opened read-only (it never spends HOTP
//! counters), with the real clock and the clipboard.

use std::io::IsTerminal;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};

use super::Ctx;
use crate::cli::WatchArgs;
use crate::watch;

/// Runs `watch`.
pub fn run(ctx: &Ctx, args: &WatchArgs) -> Result<()> {
    if !std::io::stdout().is_terminal() {
        bail!("watch needs a terminal; for scripts use `authcli list --codes` or `authcli code`");
    }
    let accounts = ctx.open()?.vault.accounts;
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let clock = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    };
    let mut copy = |code: &str| super::clipboard::copy(code).map_err(|e| format!("{e:#}"));
    watch::run(&accounts, args.filter.as_deref(), colour, &clock, &mut copy)
        .context("terminal error in watch")
}
