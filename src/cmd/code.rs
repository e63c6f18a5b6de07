//! `code`: one account → its code alone on stdout.

use anyhow::{Result, bail};

use super::{Ctx, find, now_or};
use crate::cli::CodeArgs;
use crate::output;

/// Runs `code`.
pub fn run(ctx: &Ctx, args: &CodeArgs) -> Result<()> {
    let mut session = ctx.open()?;
    let i = find(&session.vault, &args.query)?;
    let acc = &session.vault.accounts[i];
    let (code, remaining, period) = if acc.otp.kind().is_timed() {
        let period = u64::from(acc.otp.period());
        let mut t = now_or(args.at.as_deref())?;
        if args.next {
            t += period;
        }
        let code = acc.otp.code_at(t);
        // With --next: seconds until that code stops being valid, counted from now.
        let remaining = if args.next {
            code.remaining + period
        } else {
            code.remaining
        };
        (code, Some(remaining), Some(period))
    } else {
        if args.at.is_some() || args.next {
            bail!(
                "{:?} is an HOTP (counter-based) account: --at and --next apply to time-based accounts only",
                acc.name
            );
        }
        // HOTP: save counter+1 before showing the code, so a code is never handed out twice.
        let name = acc.name.clone();
        session.lock_for_write()?;
        let i = session
            .vault
            .position(&name)
            .ok_or_else(|| anyhow::anyhow!("account {name:?} was removed meanwhile"))?;
        let acc = &mut session.vault.accounts[i];
        let code = acc.otp.code_at(0);
        let next = acc
            .otp
            .counter()
            .checked_add(1)
            .ok_or_else(|| anyhow::anyhow!("the HOTP counter of {name:?} is at its maximum"))?;
        acc.otp.set_counter(next);
        session.save()?;
        (code, None, None)
    };
    let acc = &session.vault.accounts[i];
    if args.json {
        let v = serde_json::json!({
            "name": acc.name,
            "issuer": acc.issuer,
            "account": acc.account,
            "code": code.as_str(),
            "remaining": remaining,
            "period": period,
        });
        output::print_json(&v)
    } else {
        output::print_line(code.as_str())
    }
}
