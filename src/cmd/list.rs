//! `list`: names, optionally with codes, as a table or JSON.

use anyhow::Result;

use super::{Ctx, now_or};
use crate::cli::ListArgs;
use crate::output;

/// Runs `list`.
pub fn run(ctx: &Ctx, args: &ListArgs) -> Result<()> {
    let session = ctx.open()?;
    let now = if args.codes {
        now_or(args.at.as_deref())?
    } else {
        0
    };
    let q = args.filter.as_deref().map(str::to_lowercase);
    let accounts = session.vault.accounts.iter().filter(|a| match &q {
        None => true,
        Some(q) => {
            a.name.to_lowercase().contains(q)
                || a.issuer.to_lowercase().contains(q)
                || a.account.to_lowercase().contains(q)
        }
    });
    let rows: Vec<output::Row> = accounts
        .map(|a| {
            let code = (args.codes && a.otp.kind().is_timed()).then(|| a.otp.code_at(now));
            output::Row { account: a, code }
        })
        .collect();
    if args.json {
        output::print_json(&output::list_json(&rows, args.codes))
    } else {
        output::print_table(&rows, args.codes)
    }
}
