//! `list`: names, optionally with codes, as a table or JSON — from the unlock agent when one
//! answers for this vault, else from the vault file.

use anyhow::Result;

use super::{Ctx, now_or};
use crate::account::Summary;
use crate::cli::ListArgs;
use crate::output;
use crate::vault::Vault;

/// Runs `list`.
pub fn run(ctx: &Ctx, args: &ListArgs) -> Result<()> {
    let codes_at = if args.codes {
        Some(now_or(args.at.as_deref())?)
    } else {
        None
    };
    let rows = summaries(&ctx.open()?.vault, args.filter.as_deref(), codes_at);
    if args.json {
        output::print_json(&output::list_json(&rows, args.codes))
    } else {
        output::print_table(&rows, args.codes)
    }
}

/// The accounts whose name, issuer or account contain `filter` (case-insensitive), with their
/// codes at `codes_at` when given (timed accounts only: listing never spends an HOTP counter).
pub fn summaries(vault: &Vault, filter: Option<&str>, codes_at: Option<u64>) -> Vec<Summary> {
    let q = filter.map(crate::account::fold_case);
    vault
        .accounts
        .iter()
        .filter(|a| q.as_ref().is_none_or(|q| a.matches(q)))
        .map(|a| {
            let code = codes_at
                .filter(|_| a.otp.kind().is_timed())
                .map(|t| a.otp.code_at(t));
            Summary::of(a, code.as_ref())
        })
        .collect()
}
