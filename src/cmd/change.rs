//! Changes to the vault (`add`, `remove`, `rename`, `import`, an HOTP `code`): one function,
//! [`apply`], makes them on a vault's accounts — the vault file's, opened under its lock, or the
//! unlock agent's copy, which then writes the file itself. Names, duplicates, refusals and
//! messages are the same either way because they come from the same code.

use anyhow::{Result, anyhow};

use super::{Ctx, Session, now_or};
use crate::account::Account;
use crate::agent::{Change, Outcome};
use crate::vault::{StoredAccount, Vault};

/// Makes `change` on `vault` at unix time `now`. On an error the vault is unchanged.
/// `Outcome::changed` tells whether it must be written.
pub fn apply(vault: &mut Vault, change: Change, now: u64) -> Result<Outcome> {
    match change {
        Change::Add { name, accounts } => {
            super::add::apply(vault, name.as_deref(), accounts_of(accounts)?, now)
        }
        Change::Remove { query } => super::remove::apply(vault, &query),
        Change::Rename { old, new } => super::rename::apply(vault, &old, &new),
        Change::Import {
            accounts,
            unsupported,
            dry_run,
        } => Ok(super::import::apply(
            vault,
            accounts_of(accounts)?,
            unsupported,
            dry_run,
            now,
        )),
        Change::Hotp { name } => super::code::spend_hotp(vault, &name),
    }
}

/// Makes `change`: through this vault's unlock agent when one answers (no passphrase needed;
/// it writes the file), else on the vault file opened with `open` and written back when it
/// changed. Returns what to tell the person.
pub fn run(
    ctx: &Ctx,
    change: Change,
    open: impl FnOnce(&Ctx) -> Result<Session>,
) -> Result<Outcome> {
    if let Some(outcome) = super::agent::write(ctx, &change)? {
        return Ok(outcome);
    }
    let mut session = open(ctx)?;
    let outcome = apply(&mut session.vault, change, now_or(None)?)?;
    if outcome.changed {
        session.save()?;
    }
    Ok(outcome)
}

/// Shows an outcome's messages on stderr.
pub fn report(outcome: &Outcome) {
    for line in &outcome.messages {
        eprintln!("{line}");
    }
}

/// Accounts for a [`Change`] (secrets included).
pub fn stored(accounts: &[Account]) -> Vec<StoredAccount> {
    accounts.iter().map(StoredAccount::from).collect()
}

/// The accounts of a [`Change`], validated as the vault validates its own.
fn accounts_of(list: Vec<StoredAccount>) -> Result<Vec<Account>> {
    list.into_iter()
        .enumerate()
        .map(|(i, a)| Account::try_from(a).map_err(|e| anyhow!("account {}: {e}", i + 1)))
        .collect()
}
