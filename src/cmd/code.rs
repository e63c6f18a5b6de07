//! `code`: one account → its code alone on stdout (or on the clipboard with `--copy`). An HOTP
//! account's counter is saved as counter + 1 before its code is shown.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Result, bail};

use super::{Ctx, QueryError, find, now_or};
use crate::account::Account;
use crate::cli::CodeArgs;
use crate::{clipboard, ops, output};

/// Runs `code`.
pub fn run(ctx: &Ctx, args: &CodeArgs) -> Result<()> {
    if args.copy {
        // Before anything is computed (or an HOTP counter spent): is there a clipboard at all?
        super::clipboard::hold_seconds()?;
        clipboard::check_display()?;
    }
    let mut session = ctx.open()?;
    let i = find(&session.vault, &args.query)?;
    if session.vault.accounts[i].otp.kind().is_timed() {
        return timed(args, &session.vault.accounts[i]);
    }
    let (name, id) = {
        let a = &session.vault.accounts[i];
        (a.name.clone(), a.id.clone())
    };
    refuse_time_flags(args, &name)?;
    // HOTP: save counter+1 before showing the code, so a code is never handed out twice. The
    // vault is read again under the lock; the account is the same one (by id), even if it was
    // renamed meanwhile.
    session.lock_for_write()?;
    let i = session
        .vault
        .accounts
        .iter()
        .position(|a| a.id == id && (!id.is_empty() || a.name == name))
        .ok_or_else(|| QueryError(format!("account {name:?} was removed meanwhile")))?;
    let code = ops::spend_hotp(&mut session.vault, i)?;
    session.save()?;
    emit(args, &session.vault.accounts[i], code.as_str(), None)
}

fn timed(args: &CodeArgs, acc: &Account) -> Result<()> {
    let period = u64::from(acc.otp.period());
    let mut t = now_or(args.at.as_deref())?;
    if let Some(min_left) = args.wait_fresh {
        if min_left > period {
            bail!(
                "--wait-fresh {min_left} is longer than the {period} s period of {:?}",
                acc.name
            );
        }
        t = wait_fresh(t, period, min_left, args.at.is_none())?;
    }
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
    emit(args, acc, code.as_str(), Some((remaining, period)))
}

/// `--at`, `--next` and `--wait-fresh` are for time-based accounts.
fn refuse_time_flags(args: &CodeArgs, name: &str) -> Result<()> {
    if args.at.is_some() || args.next || args.wait_fresh.is_some() {
        bail!(
            "{name:?} is an HOTP (counter-based) account: --at, --next and --wait-fresh apply to time-based accounts only"
        );
    }
    Ok(())
}

/// The code on stdout, as `--json`, or on the clipboard. `timing`: seconds left and the period
/// (`null` in the JSON for an HOTP code).
fn emit(args: &CodeArgs, acc: &Account, code: &str, timing: Option<(u64, u64)>) -> Result<()> {
    let json = || {
        serde_json::json!({
            "name": acc.name,
            "issuer": acc.issuer,
            "account": acc.account,
            "code": code,
            "remaining": timing.map(|t| t.0),
            "period": timing.map(|t| t.1),
        })
    };
    if args.copy {
        let secs = super::clipboard::copy(code)?;
        eprintln!("copied; clears in {secs} s");
        Ok(())
    } else if args.json {
        output::print_json(&json())
    } else {
        output::print_line(code)
    }
}

/// `--wait-fresh`: the time whose code to give at `t` — `t` itself when at least `min_left`
/// seconds of its period remain, else the start of the next period.
pub fn fresh_time(t: u64, period: u64, min_left: u64) -> u64 {
    let remaining = period - t % period;
    if remaining < min_left {
        t + remaining
    } else {
        t
    }
}

/// Applies `--wait-fresh` at `t`: with `sleep` (a real clock) waits for the next period when
/// needed and returns the time after the wait; without (`--at`) returns that time at once.
fn wait_fresh(t: u64, period: u64, min_left: u64, sleep: bool) -> Result<u64> {
    let target = fresh_time(t, period, min_left);
    if target == t || !sleep {
        return Ok(target);
    }
    eprintln!(
        "waiting {} s for a fresh code (fewer than {min_left} s left)",
        target - t
    );
    // Sleep to just past the period boundary, measured in milliseconds, then re-read the clock.
    let until = Duration::from_secs(target) + Duration::from_millis(50);
    while let Some(left) = until.checked_sub(SystemTime::now().duration_since(UNIX_EPOCH)?) {
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left);
    }
    Ok(now_or(None)?.max(target))
}

#[cfg(test)]
mod tests {
    use super::fresh_time;

    #[test]
    fn fresh_time_waits_only_when_too_little_is_left() {
        // 30 s period: at 60 the whole period (30 s) is left; at 85 only 5 s.
        assert_eq!(fresh_time(60, 30, 5), 60);
        assert_eq!(fresh_time(84, 30, 5), 84); // 6 s left
        assert_eq!(fresh_time(85, 30, 5), 85); // exactly 5 s left: fresh enough
        assert_eq!(fresh_time(86, 30, 5), 90); // 4 s left: wait for 90
        assert_eq!(fresh_time(89, 30, 5), 90);
        // SECS 0 never waits; SECS = period waits except at a boundary.
        assert_eq!(fresh_time(89, 30, 0), 89);
        assert_eq!(fresh_time(90, 30, 30), 90);
        assert_eq!(fresh_time(91, 30, 30), 120);
        // Other periods.
        assert_eq!(fresh_time(14, 15, 2), 15);
        assert_eq!(fresh_time(100, 60, 25), 120); // 20 s left
        assert_eq!(fresh_time(95, 60, 25), 95); // 25 s left
    }
}
