//! `init`: create a passphrase vault, or a key-based one with `--identity`.

use anyhow::{Context, Result, bail};

use super::{Ctx, UnlockError};
use crate::cli::InitArgs;
use crate::term;
use crate::vault::{self, Protection, Vault, VaultError};

/// Runs `init`.
pub fn run(ctx: &Ctx, args: &InitArgs) -> Result<()> {
    create(ctx, &args.recipients)
}

/// Creates a new, empty vault at `ctx.vault_path` (shared with `add`'s offer to create one).
pub fn create(ctx: &Ctx, extra_recipients: &[String]) -> Result<()> {
    let path = &ctx.vault_path;
    let _lock = vault::lock(path)?;
    if path.exists() {
        return Err(VaultError::Exists(path.clone()).into());
    }
    let mut v = Vault::default();
    let protection = if let Some(id_path) = &ctx.identity {
        let mut recipients = if id_path.exists() {
            let ids = vault::load_identity(id_path)?;
            eprintln!("using identity {}", id_path.display());
            ids.recipients()
        } else {
            let r = vault::generate_identity(id_path)?;
            eprintln!(
                "created identity {} — back it up: it is the key to your vault",
                id_path.display()
            );
            vec![r]
        };
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
