//! `rekey`: switch between passphrase and key-based protection, or change the recipients of a
//! key-based vault. Never leaves the vault without a way in.

use anyhow::{Context, Result, bail};

use super::Ctx;
use crate::cli::RekeyArgs;
use crate::vault;

/// Runs `rekey`.
pub fn run(ctx: &Ctx, args: &RekeyArgs) -> Result<()> {
    // The agent holds the old key: it ends first, so the old passphrase is asked as usual and
    // nothing is ever wrapped under it again.
    crate::agent::client::end(&ctx.vault_path)?;
    let mut session = ctx.open_for_write()?;
    // Again under the lock: an `unlock` that raced the first end holds the old key too.
    crate::agent::client::end(&ctx.vault_path)?;
    let path = session.path().to_owned();
    if args.to_passphrase {
        return to_passphrase(session, args);
    }

    let mut recipients = starting_recipients(ctx, &session, args)?;
    let before = recipients.clone();
    for r in &args.add_recipient {
        vault::parse_recipient(r).map_err(anyhow::Error::msg)?;
        let r = r.trim().to_owned();
        if recipients.contains(&r) {
            eprintln!("note: {r} is already a recipient");
        } else {
            recipients.push(r);
        }
    }
    for r in &args.remove_recipient {
        let r = r.trim();
        let Some(i) = recipients.iter().position(|x| x == r) else {
            bail!(
                "{r:?} is not a recipient of {}; nothing changed (see `authcli rekey --help`)",
                path.display()
            );
        };
        recipients.remove(i);
    }
    if recipients.is_empty() {
        bail!(
            "refusing to remove the last recipient: nothing could open {} any more",
            path.display()
        );
    }
    // Accepted: what was accepted here before, what this command names, and with --trust
    // everything the vault lists.
    let accepted = crate::trust::load(&path)?.unwrap_or_default();
    let named: Vec<String> = args
        .add_recipient
        .iter()
        .map(|r| r.trim().to_owned())
        .collect();
    let trusted: Vec<String> = recipients
        .iter()
        .filter(|r| {
            args.trust || args.to_identity.is_some() || accepted.contains(r) || named.contains(r)
        })
        .cloned()
        .collect();
    if args.to_identity.is_none() && recipients == before {
        if args.trust && trusted != accepted {
            crate::trust::save(&path, &trusted)
                .context("could not record the trusted recipients")?;
            eprintln!(
                "accepted the {} recipient(s) of {} on this computer",
                trusted.len(),
                path.display()
            );
            return Ok(());
        }
        eprintln!("the recipients are unchanged; nothing to do");
        return Ok(());
    }
    if trusted.len() == recipients.len() {
        crate::trust::save(&path, &trusted).context("could not record the trusted recipients")?;
    }
    if let (false, Some(id)) = (session.is_passphrase(), &ctx.identity)
        // Without asking again: a sealed identity is not checked.
        && let Ok(ids) = vault::load_identity_without_asking(id)
        && !ids.recipients().is_empty()
        && !ids.recipients().iter().any(|r| recipients.contains(r))
    {
        eprintln!(
            "warning: the identity {} no longer opens the vault; keep one of the remaining identities safe",
            id.display()
        );
    }
    session.vault.recipients.clone_from(&recipients);
    session.set_passphrase(None);
    session.save()?;
    super::refresh_backup(&path)?;
    for r in &recipients {
        println!("{r}");
    }
    eprintln!(
        "{} is now encrypted to {} recipient(s), printed above",
        path.display(),
        recipients.len()
    );
    Ok(())
}

/// The recipients to start from: the new identity's when switching from a passphrase, else the
/// vault's own.
/// `--to-passphrase`: the vault is then opened by a passphrase, and no recipient is recorded.
fn to_passphrase(mut session: super::Session, args: &RekeyArgs) -> Result<()> {
    let path = session.path().to_owned();
    if session.is_passphrase() {
        bail!(
            "{} is already protected by a passphrase; `authcli passwd` changes it",
            path.display()
        );
    }
    let new = super::new_passphrase(args.new_passphrase_file.as_deref())?;
    session.vault.recipients.clear();
    session.set_passphrase(Some(new));
    session.save()?;
    super::refresh_backup(&path)?;
    // An empty record: a key-based vault later found at this path is not pinned on first use.
    crate::trust::save(&path, &[]).context("could not record the vault as a passphrase vault")?;
    eprintln!(
        "{} is now protected by a passphrase; identity files no longer open it",
        path.display()
    );
    Ok(())
}

fn starting_recipients(
    ctx: &Ctx,
    session: &super::Session,
    args: &RekeyArgs,
) -> Result<Vec<String>> {
    let path = session.path();
    if let Some(id_path) = &args.to_identity {
        if !session.is_passphrase() {
            bail!(
                "{} is already key-based; use --add-recipient and --remove-recipient to change its keys",
                path.display()
            );
        }
        return super::init::identity_recipients(ctx, id_path, args.protect_identity);
    }
    if session.is_passphrase() {
        bail!(
            "{} is protected by a passphrase, and age cannot mix a passphrase with recipients; switch with --to-identity FILE (add --add-recipient for a backup key)",
            path.display()
        );
    }
    Ok(session.vault.recipients.clone())
}
