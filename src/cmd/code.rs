//! `code`: one account → its code alone on stdout (or on the clipboard with `--copy`). When an
//! unlock agent answers for this vault, the code comes from it; an HOTP counter is then saved
//! by the agent, which writes the vault file.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Result, anyhow, bail};

use super::{Ctx, find, now_or};
use crate::account::Account;
use crate::agent::{Body, Change, CodeReply, HotpCode, Op, Outcome};
use crate::cli::CodeArgs;
use crate::vault::{self, Vault};
use crate::{clipboard, output};

/// Runs `code`.
pub fn run(ctx: &Ctx, args: &CodeArgs) -> Result<()> {
    if args.copy {
        // Before anything is computed (or an HOTP counter spent): is there a clipboard at all?
        super::clipboard::hold_seconds()?;
        clipboard::check_display()?;
    }
    match from_agent(ctx, args)? {
        Some(Served::Timed(c)) => {
            let json = || {
                serde_json::json!({
                    "name": c.name,
                    "issuer": c.issuer,
                    "account": c.account,
                    "code": c.code,
                    "remaining": c.remaining,
                    "period": c.period,
                })
            };
            return emit(args, &c.code, json);
        }
        Some(Served::Hotp(h)) => return emit(args, &h.code, || hotp_json(&h)),
        None => {}
    }
    let unlocked = ctx.open_plain()?;
    // The usual case: a time-based account, read without building the rest of the vault.
    if let Some(acc) = vault::pick(&unlocked.plain, &args.query).filter(|a| a.otp.kind().is_timed())
    {
        return timed(args, &acc);
    }
    let mut session = unlocked.read()?;
    let i = find(&session.vault, &args.query)?;
    let acc = &session.vault.accounts[i];
    if !acc.otp.kind().is_timed() {
        refuse_time_flags(args, &acc.name)?;
        // HOTP: save counter+1 before showing the code, so a code is never handed out twice.
        let name = acc.name.clone();
        session.lock_for_write()?;
        let outcome = super::change::apply(&mut session.vault, Change::Hotp { name }, 0)?;
        session.save()?;
        let h = outcome.code.expect("an HOTP change gives its code");
        return emit(args, &h.code, || hotp_json(&h));
    }
    timed(args, acc)
}

/// The code of a time-based account, as asked for.
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
    let json = || {
        serde_json::json!({
            "name": acc.name,
            "issuer": acc.issuer,
            "account": acc.account,
            "code": code.as_str(),
            "remaining": remaining,
            "period": period,
        })
    };
    emit(args, code.as_str(), json)
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

/// What `code --json` prints for an HOTP code (no period, nothing remaining).
fn hotp_json(h: &HotpCode) -> serde_json::Value {
    serde_json::json!({
        "name": h.name,
        "issuer": h.issuer,
        "account": h.account,
        "code": h.code,
        "remaining": null,
        "period": null,
    })
}

/// Spends the HOTP code of the account named `name`: the code for the stored counter, with
/// counter + 1 left in the vault (for the vault file and the agent alike).
pub fn spend_hotp(vault: &mut Vault, name: &str) -> Result<Outcome> {
    let i = vault
        .position(name)
        .ok_or_else(|| anyhow!("account {name:?} was removed meanwhile"))?;
    let acc = &mut vault.accounts[i];
    if acc.otp.kind().is_timed() {
        bail!("{name:?} is not an HOTP (counter-based) account");
    }
    let code = acc.otp.code_at(0);
    let next = acc
        .otp
        .counter()
        .checked_add(1)
        .ok_or_else(|| anyhow!("the HOTP counter of {name:?} is at its maximum"))?;
    acc.otp.set_counter(next);
    Ok(Outcome {
        messages: Vec::new(),
        code: Some(HotpCode {
            name: acc.name.clone(),
            issuer: acc.issuer.clone(),
            account: acc.account.clone(),
            code: code.as_str().to_owned(),
        }),
        changed: true,
    })
}

/// Puts the code where it was asked for: the clipboard, JSON, or a bare line. The JSON is built
/// only when asked for.
fn emit(args: &CodeArgs, code: &str, json: impl FnOnce() -> serde_json::Value) -> Result<()> {
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

/// A code the unlock agent gave.
enum Served {
    /// TOTP/Steam, with `--wait-fresh` and `--next` applied.
    Timed(CodeReply),
    /// HOTP: the agent saved counter + 1 in the vault file.
    Hotp(HotpCode),
}

/// The code from the unlock agent; `None` when no agent answers: then the vault file is used.
fn from_agent(ctx: &Ctx, args: &CodeArgs) -> Result<Option<Served>> {
    enum Answer {
        Timed(CodeReply),
        Hotp(String),
    }
    let ask = |at: u64| -> Result<Option<Answer>> {
        let op = Op::Code {
            query: args.query.clone(),
            at,
        };
        Ok(match super::agent::ask(ctx, op)? {
            Some(Body::Code(c)) => Some(Answer::Timed(c)),
            Some(Body::Hotp { name }) => Some(Answer::Hotp(name)),
            _ => None,
        })
    };
    let timed = |a: Option<Answer>| match a {
        Some(Answer::Timed(c)) => Some(c),
        _ => None,
    };
    let mut t = now_or(args.at.as_deref())?;
    let mut c = match ask(t)? {
        None => return Ok(None),
        Some(Answer::Timed(c)) => c,
        Some(Answer::Hotp(name)) => {
            refuse_time_flags(args, &name)?;
            let change = Change::Hotp { name };
            return Ok(super::agent::write(ctx, &change)?
                .and_then(|o| o.code)
                .map(Served::Hotp));
        }
    };
    if let Some(min_left) = args.wait_fresh {
        if min_left > c.period {
            bail!(
                "--wait-fresh {min_left} is longer than the {} s period of {:?}",
                c.period,
                c.name
            );
        }
        let fresh = wait_fresh(t, c.period, min_left, args.at.is_none())?;
        if fresh != t {
            t = fresh;
            let Some(again) = timed(ask(t)?) else {
                return Ok(None);
            };
            c = again;
        }
    }
    if args.next {
        let Some(mut n) = timed(ask(t + c.period)?) else {
            return Ok(None);
        };
        // Seconds until that code stops being valid, counted from now.
        n.remaining += c.period;
        c = n;
    }
    Ok(Some(Served::Timed(c)))
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
