//! Operations on an opened vault's accounts, shared by the commands: pick one account by QUERY,
//! add, import, remove, rename, spend an HOTP counter. Each is the one home of its rule (the
//! QUERY rule, the name rule, the duplicate rule); none reads or writes a file, prompts or
//! prints: they change a [`Vault`] in memory and say what they did in an [`Outcome`], and the
//! caller saves the vault when [`Outcome::changed`] is set.

use std::collections::{BTreeMap, HashMap};

use crate::account::{self, Account};
use crate::vault::Vault;

/// No account, or several, match a query (exit code 3 in the CLI).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

/// A change refused: a taken or invalid name, an HOTP counter at its end (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// What an operation did: the lines to show on stderr, and whether the vault must be saved.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Lines for stderr, in order.
    pub messages: Vec<String>,
    /// The vault changed and must be written.
    pub changed: bool,
}

/// Finds one account by QUERY (SPEC §3): an exact name wins (case-insensitive); otherwise the
/// one account whose name, issuer or account contains QUERY, case-insensitively.
pub fn find(vault: &Vault, query: &str) -> Result<usize, QueryError> {
    if let Some(i) = vault.position(query) {
        return Ok(i);
    }
    let q = account::fold_case(query);
    let hits: Vec<usize> = vault
        .accounts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.matches(&q))
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(QueryError(match did_you_mean(vault, &q) {
            Some(s) => format!("no account matches {query:?}; did you mean {s:?}?"),
            None if vault.accounts.is_empty() => format!(
                "no account matches {query:?}: the vault is empty (add one with `authcli add`)"
            ),
            None => format!("no account matches {query:?} (see `authcli list`)"),
        })),
        many => {
            const SHOWN: usize = 8;
            let names: Vec<String> = many
                .iter()
                .take(SHOWN)
                .map(|&i| {
                    let a = &vault.accounts[i];
                    format!("{}{}", a.name, a.label_suffix())
                })
                .collect();
            let more = if many.len() > SHOWN {
                format!(", and {} more", many.len() - SHOWN)
            } else {
                String::new()
            };
            Err(QueryError(format!(
                "{query:?} matches {} accounts: {}{more}; use the exact name",
                many.len(),
                names.join(", ")
            )))
        }
    }
}

/// The accounts QUERY… pick, in the order of the queries without repeats; all of them when
/// none is given.
pub fn pick(vault: &Vault, queries: &[String]) -> Result<Vec<usize>, QueryError> {
    if queries.is_empty() {
        return Ok((0..vault.accounts.len()).collect());
    }
    let mut picked: Vec<usize> = Vec::new();
    for q in queries {
        let i = find(vault, q)?;
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    Ok(picked)
}

fn did_you_mean(vault: &Vault, q: &str) -> Option<String> {
    vault
        .accounts
        .iter()
        .flat_map(|a| {
            [&a.name, &a.issuer]
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(move |s| (strsim::jaro_winkler(&s.to_lowercase(), q), a.name.clone()))
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// The one rule for a name that a user gives (`add NAME`, `rename OLD NEW`): not empty, no
/// surrounding spaces, no control characters.
pub fn validate_name(name: &str) -> Result<(), Refused> {
    if name.trim().is_empty() {
        return Err(Refused("the account name is empty".into()));
    }
    if name.trim() != name {
        return Err(Refused(format!(
            "the account name {name:?} starts or ends with spaces"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Refused(
            "the account name contains control characters".into(),
        ));
    }
    Ok(())
}

/// Adds accounts found in a URI, QR code or `--secret` under NAME (one account) or names from
/// their issuers. An account already in the vault is skipped with a message.
pub fn add(
    vault: &mut Vault,
    name: Option<&str>,
    found: Vec<Account>,
    now: u64,
) -> Result<Outcome, Refused> {
    if let Some(name) = name {
        validate_name(name)?;
        if let Some(i) = vault.position(name) {
            return Err(Refused(format!(
                "an account named {:?} already exists ({}); choose another name or `authcli rename` it",
                vault.accounts[i].name,
                vault.accounts[i].display_label()
            )));
        }
    }
    let mut out = Outcome::default();
    let mut names = vault.names();
    let known: HashMap<[u8; 32], usize> = vault
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.generator_key(), i))
        .collect();
    let mut added = Vec::new();
    for mut acc in found {
        if let Some(&i) = known.get(&acc.generator_key()) {
            out.messages.push(format!(
                "skipped {}: already in the vault as {:?}",
                acc.display_label(),
                vault.accounts[i].name
            ));
            continue;
        }
        acc.name = match name {
            Some(n) => n.to_owned(),
            None => names.claim(&account::default_name_base(&acc)),
        };
        acc.added = Some(i64::try_from(now).unwrap_or(i64::MAX));
        acc.modified = acc.added;
        acc.id = crate::vault::new_id();
        added.push(vault.accounts.len());
        vault.accounts.push(acc);
    }
    if added.is_empty() {
        out.messages.push("nothing new to add".into());
        return Ok(out);
    }
    out.changed = true;
    for i in added {
        let acc = &vault.accounts[i];
        out.messages.push(if acc.otp.kind().is_timed() {
            let code = acc.otp.code_at(now);
            format!(
                "added {:?}{}; current code {} ({} s left)",
                acc.name,
                acc.label_suffix(),
                code.as_str(),
                code.remaining
            )
        } else {
            format!(
                "added {:?}{}; HOTP counter {}: run `authcli code {}` when you need a code",
                acc.name,
                acc.label_suffix(),
                acc.otp.counter(),
                acc.name
            )
        });
    }
    Ok(out)
}

/// Imports accounts read from an export file: duplicates (of the vault or earlier in the file)
/// are skipped, names are the file's or from the issuer, made unique. `unsupported` lists the
/// file's entries authcli cannot represent (`"label: why"`). With `dry_run` the vault is left
/// as it was. Linear in the number of accounts: one name set and one duplicate set.
pub fn import(
    vault: &mut Vault,
    accounts: Vec<Account>,
    unsupported: Vec<String>,
    dry_run: bool,
    now: u64,
) -> Outcome {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let mut skipped: Vec<String> = Vec::new();
    let mut why: BTreeMap<&'static str, usize> = BTreeMap::new();
    for s in unsupported {
        skipped.push(s);
        *why.entry("not supported").or_default() += 1;
    }
    let before = vault.accounts.len();
    let mut seen: HashMap<[u8; 32], usize> = vault
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.generator_key(), i))
        .collect();
    let mut names = vault.names();
    let mut ids: std::collections::HashSet<String> = vault
        .accounts
        .iter()
        .map(|a| a.id.clone())
        .chain(vault.removed.iter().map(|t| t.id.clone()))
        .collect();
    for mut acc in accounts {
        let key = acc.generator_key();
        if let Some(&i) = seen.get(&key) {
            let existing = &vault.accounts[i].name;
            if i < before {
                skipped.push(format!(
                    "{}: already in the vault as {existing:?}",
                    acc.display_label()
                ));
                *why.entry("already in the vault").or_default() += 1;
            } else {
                skipped.push(format!(
                    "{}: same secret and issuer as {existing:?}, earlier in the file",
                    acc.display_label()
                ));
                *why.entry("repeated in the file").or_default() += 1;
            }
            continue;
        }
        let wanted = if acc.name.is_empty() || acc.name.chars().any(char::is_control) {
            account::default_name_base(&acc)
        } else {
            acc.name.clone()
        };
        acc.name = names.claim(&wanted);
        acc.added = Some(now);
        acc.modified = Some(now);
        // An exported id is kept unless the vault has (or removed) an account with it.
        if !crate::vault::is_valid_id(&acc.id) || !ids.insert(acc.id.clone()) {
            acc.id = crate::vault::new_id();
            ids.insert(acc.id.clone());
        }
        seen.insert(key, vault.accounts.len());
        vault.accounts.push(acc);
    }
    let added = vault.accounts.len() - before;
    let mut out = Outcome::default();
    for s in &skipped {
        out.messages.push(format!("skipped {s}"));
    }
    let verb = if dry_run { "would import" } else { "imported" };
    for a in &vault.accounts[before..] {
        out.messages.push(format!(
            "{verb} {:?}{} [{}]",
            a.name,
            a.label_suffix(),
            a.otp.kind()
        ));
    }
    let detail = if why.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = why.iter().map(|(k, n)| format!("{n} {k}")).collect();
        format!(" ({})", parts.join(", "))
    };
    out.messages.push(format!(
        "{verb} {added}, skipped {}{detail}{}",
        skipped.len(),
        if dry_run { "; nothing was changed" } else { "" }
    ));
    if dry_run {
        vault.accounts.truncate(before);
    } else {
        out.changed = added > 0;
    }
    out
}

/// Removes the account QUERY picks, leaving a tombstone (so that merging a copy of the vault
/// that still has it does not bring it back); tombstones older than
/// [`TOMBSTONE_DAYS`](crate::vault::TOMBSTONE_DAYS) go.
pub fn remove(vault: &mut Vault, query: &str, now: u64) -> Result<Outcome, QueryError> {
    let i = find(vault, query)?;
    let label = vault.accounts[i].label();
    let gone = vault.accounts.remove(i);
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    vault.prune_removed(now);
    vault.removed.push(crate::vault::Tombstone {
        id: gone.id,
        removed: now,
    });
    Ok(Outcome {
        messages: vec![format!("removed {label}")],
        changed: true,
    })
}

/// Renames the account OLD picks to NEW.
pub fn rename(vault: &mut Vault, old: &str, new: &str, now: u64) -> anyhow::Result<Outcome> {
    validate_name(new)?;
    let i = find(vault, old)?;
    if let Some(j) = vault.position(new)
        && j != i
    {
        return Err(Refused(format!(
            "an account named {:?} already exists",
            vault.accounts[j].name
        ))
        .into());
    }
    let old = std::mem::replace(&mut vault.accounts[i].name, new.to_owned());
    vault.accounts[i].modified = Some(i64::try_from(now).unwrap_or(i64::MAX));
    Ok(Outcome {
        messages: vec![format!("renamed {old:?} to {new:?}")],
        changed: true,
    })
}

/// Spends the HOTP code of account `i`: returns the code for the stored counter and leaves
/// counter + 1 in the vault, to be saved before the code is shown, so that no code is ever
/// handed out twice.
///
/// A spent code does not count as a change of the account (`modified` stays): a merge takes
/// the higher counter of two copies whatever their times, and a code spent on one computer must
/// not make a merge drop a rename made on the other.
pub fn spend_hotp(vault: &mut Vault, i: usize) -> Result<crate::otp::Code, Refused> {
    let acc = &mut vault.accounts[i];
    if acc.otp.kind().is_timed() {
        return Err(Refused(format!(
            "{:?} is not an HOTP (counter-based) account",
            acc.name
        )));
    }
    let code = acc.otp.code_at(0);
    let next = acc.otp.counter().checked_add(1).ok_or_else(|| {
        Refused(format!(
            "the HOTP counter of {:?} is at its maximum",
            acc.name
        ))
    })?;
    acc.otp.set_counter(next);
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Otp, Secret};

    fn acc(issuer: &str, secret: &str) -> Account {
        Account::new(
            issuer,
            "me",
            Otp::totp(Secret::parse_base32(secret).unwrap()).unwrap(),
        )
    }

    #[test]
    fn import_skips_duplicates_in_vault_and_file_and_names_uniquely() {
        let mut v = Vault::default();
        let out = add(&mut v, None, vec![acc("GitHub", "JBSWY3DPEHPK3PXP")], 0).unwrap();
        assert!(out.changed);
        let out = import(
            &mut v,
            vec![
                acc("github", "JBSWY3DPEHPK3PXP"),
                acc("GitHub", "GEZDGNBVGY3TQOJQ"),
                acc("GitHub", "GEZDGNBVGY3TQOJQ"),
                acc("Other", "JBSWY3DPEHPK3PXP"),
            ],
            vec![],
            false,
            0,
        );
        let names: Vec<&str> = v.accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["github", "github-2", "other"]);
        assert!(
            out.messages
                .iter()
                .any(|m| m.contains("already in the vault"))
        );
        assert!(
            out.messages
                .iter()
                .any(|m| m.contains("earlier in the file"))
        );
        assert_eq!(
            out.messages.last().unwrap(),
            "imported 2, skipped 2 (1 already in the vault, 1 repeated in the file)"
        );
    }

    #[test]
    fn dry_run_leaves_the_vault() {
        let mut v = Vault::default();
        let out = import(&mut v, vec![acc("A", "JBSWY3DPEHPK3PXP")], vec![], true, 0);
        assert!(v.accounts.is_empty());
        assert!(!out.changed);
    }

    #[test]
    fn names_follow_one_rule() {
        for bad in ["", " ", " a", "a ", "a\nb"] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
        let mut v = Vault::default();
        add(&mut v, Some("work"), vec![acc("A", "JBSWY3DPEHPK3PXP")], 0).unwrap();
        assert!(add(&mut v, Some("WORK"), vec![acc("B", "GEZDGNBVGY3TQOJQ")], 0).is_err());
        assert!(rename(&mut v, "work", " x", 5).is_err());
        rename(&mut v, "work", "Work", 5).unwrap();
        assert_eq!(v.accounts[0].name, "Work");
        assert_eq!(v.accounts[0].modified, Some(5));
    }

    #[test]
    fn changes_stamp_ids_times_and_tombstones() {
        let mut v = Vault::default();
        add(&mut v, None, vec![acc("A", "JBSWY3DPEHPK3PXP")], 10).unwrap();
        let id = v.accounts[0].id.clone();
        assert!(crate::vault::is_valid_id(&id));
        assert_eq!(v.accounts[0].modified, Some(10));
        // An imported id is kept, unless the vault has it already.
        let mut b = acc("B", "GEZDGNBVGY3TQOJQ");
        b.id = "0123456789abcdef0123456789abcdef".into();
        let mut c = acc("C", "GEZDGNBVGY3TQOJQ");
        c.id = id.clone();
        import(&mut v, vec![b, c], vec![], false, 20);
        assert_eq!(v.accounts[1].id, "0123456789abcdef0123456789abcdef");
        assert!(crate::vault::is_valid_id(&v.accounts[2].id));
        assert_ne!(v.accounts[2].id, id);
        remove(&mut v, "a", 30).unwrap();
        assert_eq!(v.removed, [crate::vault::Tombstone { id, removed: 30 }]);
    }
}
