//! `init`: create a passphrase vault, or a key-based one with `--identity`.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::{Ctx, UnlockError};
use crate::cli::InitArgs;
use crate::term;
use crate::vault::{self, Protection, Vault, VaultError};

/// Runs `init`.
pub fn run(ctx: &Ctx, args: &InitArgs) -> Result<()> {
    if args.protect_identity && ctx.identity.is_none() {
        bail!(
            "--protect-identity seals the identity file of a key-based vault: add --identity FILE"
        );
    }
    create(ctx, &args.recipients, args.protect_identity)
}

/// Creates a new, empty vault at `ctx.vault_path` (shared with `add`'s offer to create one).
pub fn create(ctx: &Ctx, extra_recipients: &[String], protect: bool) -> Result<()> {
    let path = &ctx.vault_path;
    let _lock = vault::lock(path)?;
    if path.exists() {
        return Err(VaultError::Exists(path.clone()).into());
    }
    let mut v = Vault::default();
    let protection = if let Some(id_path) = &ctx.identity {
        let mut recipients = identity_recipients(ctx, id_path, protect)?;
        for r in extra_recipients {
            vault::parse_recipient(r).map_err(anyhow::Error::msg)?;
            if !recipients.contains(r) {
                recipients.push(r.trim().to_owned());
            }
        }
        for r in &recipients {
            println!("{r}");
        }
        v.recipients.clone_from(&recipients);
        Protection::Recipients(recipients)
    } else {
        if !extra_recipients.is_empty() {
            bail!(
                "--recipient needs a key-based vault: add --identity FILE (age cannot mix a passphrase with recipients)"
            );
        }
        let p = new_passphrase(ctx)?;
        ctx.remember_passphrase(&p);
        Protection::Passphrase(p)
    };
    let plain = vault::serialize(&v);
    let bytes = vault::encrypt(plain.as_bytes(), &protection)?;
    vault::write_atomic(path, &bytes)
        .with_context(|| format!("could not create vault {}", path.display()))?;
    // The recipients accepted for this vault (none for a passphrase vault: a key-based vault
    // found at this path later is then not pinned on first use).
    crate::trust::save(path, &v.recipients).with_context(|| {
        format!(
            "could not record the recipients of {} as trusted",
            path.display()
        )
    })?;
    eprintln!("created vault {}", path.display());
    Ok(())
}

/// The recipients of the identity at `id_path` for a vault to be encrypted to: an existing
/// identity file's (a plugin's from its `# recipient:` comment), or a new X25519 key's, made
/// there and sealed with a passphrase when `protect`.
pub fn identity_recipients(ctx: &Ctx, id_path: &Path, protect: bool) -> Result<Vec<String>> {
    if id_path.exists() {
        if protect {
            bail!(
                "{} exists; --protect-identity seals only a new identity (seal this one with `age -p`)",
                id_path.display()
            );
        }
        let ids = ctx.load_identity(id_path)?;
        let recipients = ids.recipients();
        if recipients.is_empty() {
            bail!(
                "cannot tell the recipient of the plugin identity in {}; give it with --recipient age1… (the plugin prints it when it makes the identity)",
                id_path.display()
            );
        }
        eprintln!("using identity {}", id_path.display());
        return Ok(recipients);
    }
    let seal = if protect {
        Some(new_identity_passphrase(ctx, id_path)?)
    } else {
        None
    };
    let r = vault::generate_identity(id_path, seal)?;
    eprintln!(
        "created identity {}{} — back it up: it is the key to your vault",
        id_path.display(),
        if protect {
            " (sealed with its passphrase)"
        } else {
            ""
        }
    );
    Ok(vec![r])
}

/// A new passphrase for an identity file: `$AUTHCLI_IDENTITY_PASSPHRASE`, the identity
/// passphrase file, else asked twice.
fn new_identity_passphrase(ctx: &Ctx, id_path: &Path) -> Result<age::secrecy::SecretString> {
    use age::secrecy::ExposeSecret;
    if std::env::var_os("AUTHCLI_IDENTITY_PASSPHRASE").is_some()
        || ctx.identity_passphrase_file.is_some()
    {
        return ctx.identity_passphrase(id_path);
    }
    if !term::interactive() {
        return Err(UnlockError(
            "no terminal to ask for the identity's new passphrase; set AUTHCLI_IDENTITY_PASSPHRASE_FILE or use --identity-passphrase-file".into(),
        )
        .into());
    }
    // A terminal is known to be there (checked above).
    let ask = |prompt: &str| {
        super::prompt_secret(prompt)?
            .ok_or_else(|| anyhow::Error::from(UnlockError("the terminal went away".into())))
    };
    loop {
        let a = ask(&format!(
            "New passphrase for identity {}: ",
            id_path.display()
        ))?;
        let b = ask("Repeat it: ")?;
        if a.expose_secret() == b.expose_secret() {
            return Ok(a);
        }
        eprintln!("the two passphrases differ; try again");
    }
}

fn new_passphrase(ctx: &Ctx) -> Result<age::secrecy::SecretString> {
    use age::secrecy::ExposeSecret;
    if std::env::var_os("AUTHCLI_PASSPHRASE").is_some() || ctx.passphrase_file.is_some() {
        return ctx.passphrase_uncached("");
    }
    if !term::interactive() {
        return Err(UnlockError(
            "no terminal to ask for a new passphrase; set AUTHCLI_PASSPHRASE_FILE, or use --identity FILE for a key-based vault"
                .into(),
        )
        .into());
    }
    loop {
        let a = ctx.passphrase_uncached("New passphrase for the vault: ")?;
        let b = ctx.passphrase_uncached("Repeat it: ")?;
        if a.expose_secret() == b.expose_secret() {
            return Ok(a);
        }
        eprintln!("the two passphrases differ; try again");
    }
}
