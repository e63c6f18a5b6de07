//! Merging two copies of one vault account by account: the conflict copies that sync folders
//! make, and git's three-way merges. Pure: no files, no prompts, no output; the caller shows
//! [`Outcome::messages`] and saves when [`Outcome::changed`] is set.
//!
//! Accounts are matched by id ([`Account::id`]). The result is the union of both sides, where
//! - an account changed on both sides keeps the later change ([`Account::last_change`]; equal
//!   times are decided by the accounts' contents, so the merge is commutative), and the merge
//!   says which version it dropped;
//! - a tombstone at or after the account's last change removes it; an account changed after
//!   its removal elsewhere stays;
//! - an HOTP counter takes the higher of the two, always, so no code is issued twice;
//! - a name clash between different accounts gives the one added later `-2` (`-3`, …).
//!
//! With a base (git's common ancestor), an account in the base that a side no longer has was
//! removed on that side, tombstone or not: the side gets a tombstone at the base version's
//! last change, so a change made since on the other side still wins.

use std::collections::HashMap;

use crate::account::Account;
use crate::ops::Outcome;
use crate::vault::{Tombstone, Vault};

/// Merges `theirs` (named `from` in messages) into `ours`, optionally against their common
/// `base`. `ours` keeps its recipients: a merge never changes who the vault is encrypted to.
pub fn merge(ours: &mut Vault, theirs: &Vault, base: Option<&Vault>, from: &str) -> Outcome {
    let before = ours.clone();
    let mut theirs_removed = theirs.removed.clone();
    if let Some(base) = base {
        removals_since(base, &mut ours.removed, &ours.accounts);
        removals_since(base, &mut theirs_removed, &theirs.accounts);
    }
    let mut removed: Vec<Tombstone> = Vec::with_capacity(ours.removed.len());
    let mut when_removed: HashMap<String, usize> = HashMap::new();
    for t in ours.removed.iter().chain(&theirs_removed) {
        if let Some(&i) = when_removed.get(&t.id) {
            removed[i].removed = removed[i].removed.max(t.removed);
        } else {
            when_removed.insert(t.id.clone(), removed.len());
            removed.push(t.clone());
        }
    }
    let tombstone = |id: &str| when_removed.get(id).map(|&i| removed[i].removed);

    let theirs_by_id: HashMap<&str, &Account> =
        theirs.accounts.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut out = Outcome::default();
    let (mut added, mut updated, mut dropped) = (0usize, 0usize, 0usize);
    let mut result: Vec<Account> = Vec::with_capacity(ours.accounts.len());
    for a in std::mem::take(&mut ours.accounts) {
        let merged = match theirs_by_id.get(a.id.as_str()) {
            Some(t) => {
                let (m, message) = pick(a.clone(), t, from);
                out.messages.extend(message);
                if m != a {
                    updated += 1;
                }
                m
            }
            None => a,
        };
        if let Some(at) = tombstone(&merged.id)
            && at >= merged.last_change()
        {
            out.messages.push(format!(
                "removed {}: removed on {} at {}",
                merged.label(),
                side_of_removal(&before.removed, &merged.id, from),
                crate::time::to_datetime(at)
            ));
            dropped += 1;
            continue;
        }
        result.push(merged);
    }
    let ours_ids: std::collections::HashSet<&str> =
        before.accounts.iter().map(|a| a.id.as_str()).collect();
    for t in theirs
        .accounts
        .iter()
        .filter(|t| !ours_ids.contains(t.id.as_str()))
    {
        match tombstone(&t.id) {
            Some(at) if at >= t.last_change() => {}
            at => {
                out.messages.push(match at {
                    Some(at) => format!(
                        "added {} from {from}: it was removed at {}, but changed there since",
                        t.label(),
                        crate::time::to_datetime(at)
                    ),
                    None => format!("added {} from {from}", t.label()),
                });
                added += 1;
                result.push(t.clone());
            }
        }
    }

    let renamed = settle_names(&mut result, &mut out.messages);
    let live: std::collections::HashSet<&str> = result.iter().map(|a| a.id.as_str()).collect();
    removed.retain(|t| !live.contains(t.id.as_str()));
    ours.accounts = result;
    ours.removed = removed;
    out.changed = *ours != before;
    out.messages.push(if out.changed {
        format!(
            "merged {from}: {added} added, {updated} updated, {dropped} removed, {renamed} renamed for a name clash"
        )
    } else {
        format!("merged {from}: nothing new")
    });
    out
}

/// Names: of two accounts with one name, the one added first keeps it and the other gets `-2`:
/// the same whichever side is ours, so merging back the other way agrees. Returns how many
/// were renamed.
fn settle_names(result: &mut [Account], messages: &mut Vec<String>) -> usize {
    let mut names = Vault::default().names();
    let mut renamed = 0usize;
    let mut by_age: Vec<usize> = (0..result.len()).collect();
    by_age
        .sort_by(|&i, &j| (result[i].added, &result[i].id).cmp(&(result[j].added, &result[j].id)));
    for i in by_age {
        let a = &mut result[i];
        let name = names.claim(&a.name);
        if name != a.name {
            messages.push(format!(
                "renamed {} to {name:?}: an account added earlier is named {:?}",
                a.label(),
                a.name
            ));
            a.name = name;
            renamed += 1;
        }
    }
    renamed
}

/// Tombstones for the accounts of `base` that `side` no longer has and left no tombstone for.
fn removals_since(base: &Vault, removed: &mut Vec<Tombstone>, side: &[Account]) {
    for b in &base.accounts {
        if !side.iter().any(|a| a.id == b.id) && !removed.iter().any(|t| t.id == b.id) {
            removed.push(Tombstone {
                id: b.id.clone(),
                removed: b.last_change(),
            });
        }
    }
}

fn side_of_removal(ours_removed: &[Tombstone], id: &str, from: &str) -> String {
    if ours_removed.iter().any(|t| t.id == id) {
        String::from("this vault")
    } else {
        from.to_owned()
    }
}

/// The version of one account to keep, and a message when the two differ: which version was
/// dropped, or the counter taken.
fn pick(ours: Account, theirs: &Account, from: &str) -> (Account, Option<String>) {
    if ours == *theirs {
        return (ours, None);
    }
    let counter = ours.otp.counter().max(theirs.otp.counter());
    let both_hotp = !ours.otp.kind().is_timed() && !theirs.otp.kind().is_timed();
    let only_counter = {
        let mut t = theirs.clone();
        t.otp.set_counter(ours.otp.counter());
        t == ours
    };
    let theirs_newer = order_key(theirs) > order_key(&ours);
    let mut kept = if theirs_newer {
        theirs.clone()
    } else {
        ours.clone()
    };
    if both_hotp {
        kept.otp.set_counter(counter);
    }
    let message = if only_counter && kept == ours {
        None
    } else if only_counter {
        Some(format!(
            "HOTP counter of {}: {} → {counter} (the higher, from {from})",
            ours.label(),
            ours.otp.counter()
        ))
    } else if theirs_newer {
        Some(format!(
            "updated {}: took the version from {from} ({}, changed {}); dropped this vault's ({}, changed {})",
            kept.label(),
            describe(theirs),
            crate::time::to_datetime(theirs.last_change()),
            describe(&ours),
            crate::time::to_datetime(ours.last_change())
        ))
    } else {
        Some(format!(
            "kept this vault's version of {} (changed {}); dropped the one from {from} ({}, changed {}){}",
            kept.label(),
            crate::time::to_datetime(ours.last_change()),
            describe(theirs),
            crate::time::to_datetime(theirs.last_change()),
            if both_hotp && counter != ours.otp.counter() {
                format!("; HOTP counter {} → {counter}", ours.otp.counter())
            } else {
                String::new()
            }
        ))
    };
    (kept, message)
}

/// How messages show one version of an account: its name and labels.
fn describe(a: &Account) -> String {
    format!("named {:?}{}", a.name, a.label_suffix())
}

/// Later change first; equal times are ordered by content, the same whichever side is ours.
#[allow(clippy::type_complexity)]
fn order_key(
    a: &Account,
) -> (
    i64,
    Option<i64>,
    Option<i64>,
    &str,
    &str,
    &str,
    &str,
    &str,
    u8,
    u32,
    &[u8],
) {
    let otp = &a.otp;
    (
        a.last_change(),
        a.modified,
        a.added,
        &a.name,
        &a.issuer,
        &a.account,
        otp.kind().as_str(),
        otp.algorithm().as_str(),
        otp.digits(),
        otp.period(),
        otp.secret().expose(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Algorithm, Kind, Otp, Secret};
    use proptest::prelude::*;

    fn hotp(id: u8, name: &str, counter: u64, modified: i64) -> Account {
        let otp = Otp::new(
            Kind::Hotp,
            Secret::from_bytes(vec![id; 10]),
            Algorithm::Sha1,
            6,
            30,
            counter,
        )
        .unwrap();
        let mut a = Account::new("Issuer", "me", otp);
        a.name = name.into();
        a.id = format!("{id:032x}");
        a.added = Some(0);
        a.modified = Some(modified);
        a
    }

    fn vault(accounts: Vec<Account>, removed: Vec<(u8, i64)>) -> Vault {
        Vault {
            recipients: vec![],
            accounts,
            removed: removed
                .into_iter()
                .map(|(id, removed)| Tombstone {
                    id: format!("{id:032x}"),
                    removed,
                })
                .collect(),
        }
    }

    fn names(v: &Vault) -> Vec<&str> {
        v.accounts.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn union_newer_change_higher_counter_tombstones_and_clashes() {
        let mut ours = vault(
            vec![
                hotp(1, "one", 5, 10),
                hotp(2, "renamed-here", 1, 20),
                hotp(3, "three", 0, 0),
                hotp(4, "x", 0, 0),
            ],
            vec![(6, 50)],
        );
        let theirs = vault(
            vec![
                hotp(1, "one", 9, 10),
                hotp(2, "two", 7, 0),
                hotp(5, "x", 0, 30),
                hotp(6, "six", 0, 40),
            ],
            vec![(3, 100)],
        );
        let out = merge(&mut ours, &theirs, None, "copy");
        assert!(out.changed);
        assert_eq!(names(&ours), ["one", "renamed-here", "x", "x-2"]);
        // Added at the same time, so the lower id keeps the name.
        assert_eq!(ours.accounts[0].otp.counter(), 9);
        assert_eq!(ours.accounts[1].otp.counter(), 7);
        assert_eq!(ours.removed.len(), 2, "{:?}", ours.removed);
        let text = out.messages.join("\n");
        assert!(text.contains("HOTP counter of \"one\""), "{text}");
        assert!(text.contains("removed \"three\""), "{text}");
        assert!(
            text.contains("renamed \"x\" (Issuer: me) to \"x-2\""),
            "{text}"
        );
        assert!(
            text.ends_with(
                "merged copy: 1 added, 2 updated, 1 removed, 1 renamed for a name clash"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_change_after_the_removal_keeps_the_account() {
        let mut ours = vault(vec![hotp(1, "one", 0, 200)], vec![]);
        let theirs = vault(vec![], vec![(1, 100)]);
        let out = merge(&mut ours, &theirs, None, "copy");
        assert_eq!(names(&ours), ["one"]);
        assert!(ours.removed.is_empty());
        assert!(!out.changed);
    }

    #[test]
    fn the_base_tells_removals_without_tombstones() {
        let base = vault(vec![hotp(1, "one", 0, 10), hotp(2, "two", 0, 10)], vec![]);
        // Ours removed "one" (no tombstone: a version-1 vault), theirs renamed "two" later and
        // dropped nothing.
        let mut ours = vault(vec![hotp(2, "two", 0, 10)], vec![]);
        let theirs = vault(vec![hotp(1, "one", 0, 10), hotp(2, "deux", 0, 20)], vec![]);
        merge(&mut ours, &theirs, Some(&base), "theirs");
        assert_eq!(names(&ours), ["deux"]);
        // Without the base, "one" comes back.
        let mut ours = vault(vec![hotp(2, "two", 0, 10)], vec![]);
        merge(&mut ours, &theirs, None, "theirs");
        assert_eq!(names(&ours), ["deux", "one"]);
    }

    /// Two copies that went their own ways from a shared pool of accounts.
    fn side() -> impl Strategy<Value = Vault> {
        proptest::collection::vec((0..3u8, 0..3usize, 0..20u64, 0..4i64, 0..6i64), 6).prop_map(
            |pool| {
                let mut v = Vault::default();
                for (id, (state, name, counter, modified, removed)) in (1u8..).zip(pool) {
                    match state {
                        0 => {}
                        1 => {
                            let name = v.unique_name(["a", "b", "c"][name]);
                            v.accounts.push(hotp(id, &name, counter, modified));
                        }
                        _ => v.removed.push(Tombstone {
                            id: format!("{id:032x}"),
                            removed,
                        }),
                    }
                }
                v
            },
        )
    }

    /// The accounts, in id order.
    fn contents(v: &Vault) -> Vec<Account> {
        let mut out: Vec<Account> = v.accounts.clone();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    proptest! {
        #[test]
        fn commutative(a in side(), b in side()) {
            let (mut ab, mut ba) = (a.clone(), b.clone());
            merge(&mut ab, &b, None, "b");
            merge(&mut ba, &a, None, "a");
            prop_assert_eq!(contents(&ab), contents(&ba));
            let tombs = |v: &Vault| {
                let mut t: Vec<(String, i64)> = v.removed.iter().map(|t| (t.id.clone(), t.removed)).collect();
                t.sort();
                t
            };
            prop_assert_eq!(tombs(&ab), tombs(&ba));
        }

        #[test]
        fn idempotent(a in side()) {
            let mut aa = a.clone();
            let out = merge(&mut aa, &a, None, "a");
            prop_assert!(!out.changed);
            prop_assert_eq!(aa, a);
        }

        #[test]
        fn never_lowers_a_counter(a in side(), b in side(), base in side()) {
            let mut m = a.clone();
            merge(&mut m, &b, Some(&base), "b");
            for acc in &m.accounts {
                for side in [&a, &b] {
                    if let Some(x) = side.accounts.iter().find(|x| x.id == acc.id) {
                        prop_assert!(acc.otp.counter() >= x.otp.counter());
                    }
                }
            }
            let mut names: Vec<String> = m.accounts.iter().map(|a| a.name.to_lowercase()).collect();
            names.sort();
            names.dedup();
            prop_assert_eq!(names.len(), m.accounts.len(), "names stay unique");
        }
    }
}
