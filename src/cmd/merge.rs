//! `merge`: other copies of the vault (sync conflict copies, another computer's file, git's
//! versions) → [`crate::merge`] → one write of the vault, to its own recipients.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::Ctx;
use crate::cli::MergeArgs;
use crate::merge;
use crate::ops::Outcome;
use crate::vault::{self, Vault};

/// Where `authcli merge` puts the conflict copies it merged, in the vault's folder.
pub const MERGED_DIR: &str = "merged";

/// Runs `merge`.
pub fn run(ctx: &Ctx, args: &MergeArgs) -> Result<()> {
    if let Some(base) = &args.base {
        return git_driver(ctx, base, args);
    }
    ctx.quiet_conflicts();
    let found = args.others.is_empty();
    let others = if found {
        vault::conflict_copies(&ctx.vault_path)
    } else {
        args.others.clone()
    };
    if others.is_empty() {
        eprintln!(
            "no conflict copies beside {}: nothing to merge",
            ctx.vault_path.display()
        );
        return Ok(());
    }
    let mut session = if args.dry_run {
        ctx.open()?
    } else {
        ctx.open_for_write()?
    };
    let mut copies = Vec::with_capacity(others.len());
    for p in &others {
        let copy = open(ctx, p)?;
        // A file found by its name alone (`vault-work.age` fits OneDrive's scheme) is merged
        // only if it shares an account with this vault: another vault is not a conflict copy.
        if found && only_named_like_a_copy(p) && !related(&session.vault, &copy) {
            eprintln!(
                "skipped {}: it shares no account with {}, so it is not a copy of it (`authcli merge {}` merges it anyway)",
                p.display(),
                ctx.vault_path.display(),
                p.display()
            );
            continue;
        }
        copies.push((p.clone(), copy));
    }
    let others: Vec<PathBuf> = copies.iter().map(|(p, _)| p.clone()).collect();
    let mut changed = false;
    for (p, copy) in &copies {
        let out = merge::merge(&mut session.vault, copy, None, &file_name(p));
        changed |= out.changed;
        super::report(&out);
    }
    let now = i64::try_from(super::now_or(None)?).unwrap_or(i64::MAX);
    if args.dry_run {
        eprintln!("dry run: nothing was written");
        return Ok(());
    }
    if changed {
        session.vault.prune_removed(now);
        session.save()?;
    }
    if found && !others.is_empty() {
        let dir = move_aside(&ctx.vault_path, &others)?;
        eprintln!(
            "moved {} merged conflict {} into {}",
            others.len(),
            if others.len() == 1 { "copy" } else { "copies" },
            dir.display()
        );
    }
    Ok(())
}

/// Whether only the name's shape says `p` is a copy (`OneDrive`'s `vault-HOSTNAME.age`, which
/// another vault's name can have too), not the words of Syncthing, Dropbox or Nextcloud.
fn only_named_like_a_copy(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(name.contains(".sync-conflict-") || name.contains("conflicted copy"))
}

/// Whether `copy` is plausibly a copy of `vault`: an account id in common (or a removed one),
/// or either side empty.
fn related(vault: &Vault, copy: &Vault) -> bool {
    if vault.accounts.is_empty() || copy.accounts.is_empty() {
        return true;
    }
    let ids: std::collections::HashSet<&str> = vault
        .accounts
        .iter()
        .map(|a| a.id.as_str())
        .chain(vault.removed.iter().map(|t| t.id.as_str()))
        .collect();
    copy.accounts.iter().any(|a| ids.contains(a.id.as_str()))
}

/// `merge --base BASE OURS THEIRS`, as git's merge driver: the result goes into OURS (git's
/// temporary copy, which it then takes as the merged file).
fn git_driver(ctx: &Ctx, base: &Path, args: &MergeArgs) -> Result<()> {
    let [ours, theirs] = args.others.as_slice() else {
        bail!("--base takes two more files, OURS and THEIRS (git: authcli merge --base %O %A %B)");
    };
    let ours_ctx = ctx.for_copy(ours.clone());
    let mut session = if args.dry_run {
        ours_ctx.open()?
    } else {
        ours_ctx.open_for_write()?
    };
    // git passes an empty base when both branches added the file.
    let base = if std::fs::metadata(base).is_ok_and(|m| m.len() == 0) {
        None
    } else {
        Some(open(&ours_ctx, base)?)
    };
    let theirs_vault = open(&ours_ctx, theirs)?;
    let out: Outcome = merge::merge(
        &mut session.vault,
        &theirs_vault,
        base.as_ref(),
        &file_name(theirs),
    );
    super::report(&out);
    if args.dry_run {
        eprintln!("dry run: nothing was written");
        return Ok(());
    }
    if out.changed {
        session.save()?;
    }
    drop(session);
    // git's copy is a temporary file in the work tree: leave no `.bak` or lock file beside it.
    let _ = std::fs::remove_file(vault::backup_path(ours));
    let _ = std::fs::remove_file(vault::lock_path(ours));
    Ok(())
}

fn open(ctx: &Ctx, path: &Path) -> Result<Vault> {
    ctx.open_copy(path)
        .with_context(|| format!("could not open {} to merge it", path.display()))
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Moves merged conflict copies into `merged/` beside the vault (never over a file there).
fn move_aside(vault_path: &Path, copies: &[PathBuf]) -> Result<PathBuf> {
    let dir = match vault_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.join(MERGED_DIR),
        _ => PathBuf::from(MERGED_DIR),
    };
    vault::create_private_dir(&dir)?;
    for p in copies {
        let name = file_name(p);
        let mut to = dir.join(&name);
        let mut n = 2;
        while to.exists() {
            to = dir.join(format!("{n}-{name}"));
            n += 1;
        }
        std::fs::rename(p, &to)
            .with_context(|| format!("could not move {} into {}", p.display(), dir.display()))?;
    }
    Ok(dir)
}
