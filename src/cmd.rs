//! Glue between the command line and the domain modules: where the vault is, how to unlock it
//! (passphrase sources, identity files), the clock, and account lookup by QUERY.

pub mod add;
pub mod agent;
pub mod change;
pub mod clipboard;
pub mod code;
pub mod completions;
pub mod export;
pub mod import;
pub mod init;
pub mod list;
pub mod passwd;
pub mod rekey;
pub mod remove;
pub mod rename;
pub mod watch;

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use age::secrecy::SecretString;
use anyhow::{Context, Result};
use zeroize::Zeroizing;

use crate::cli::Cli;
use crate::config::Config;
use crate::term;
use crate::vault::{self, Key, Lock, Protection, Vault, VaultError};

/// An error that exits with code 3: no account, or several, match a query.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

/// An error that exits with code 4: the vault cannot be unlocked (no passphrase source, bad
/// passphrase file). Wrong passphrases and identities are [`VaultError`]s.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UnlockError(pub String);

/// What every command needs to know: where the vault is and how to unlock it.
pub struct Ctx {
    /// The vault file.
    pub vault_path: PathBuf,
    /// `--identity` / `$AUTHCLI_IDENTITY`.
    pub identity: Option<PathBuf>,
    /// `--passphrase-file` / `$AUTHCLI_PASSPHRASE_FILE`.
    pub passphrase_file: Option<PathBuf>,
    /// The passphrase once known, so one process asks at most once.
    passphrase_cache: std::cell::OnceCell<SecretString>,
    /// The configuration file, read when a passphrase vault is opened.
    config: std::cell::OnceCell<Config>,
    /// Set when a passphrase vault was unlocked with its passphrase and `unlock_by_default`
    /// is on: the command then leaves an agent behind ([`agent::start_if_configured`]).
    start_agent: std::cell::Cell<bool>,
}

impl Ctx {
    /// Resolves the vault location: `--vault`, `$AUTHCLI_VAULT`, else the platform data folder.
    pub fn from_cli(cli: &Cli) -> Result<Self> {
        let vault_path = match &cli.vault {
            Some(p) => p.clone(),
            None => vault::default_path()
                .context("cannot find a data folder for the vault; pass --vault PATH")?,
        };
        Ok(Self {
            vault_path,
            identity: cli.identity.clone(),
            passphrase_file: cli.passphrase_file.clone(),
            passphrase_cache: std::cell::OnceCell::new(),
            config: std::cell::OnceCell::new(),
            start_agent: std::cell::Cell::new(false),
        })
    }

    /// The configuration file's settings (read once).
    pub fn config(&self) -> Result<&Config> {
        if let Some(c) = self.config.get() {
            return Ok(c);
        }
        let c = crate::config::load()?;
        Ok(self.config.get_or_init(|| c))
    }

    /// Whether this command unlocked a passphrase vault with its passphrase while
    /// `unlock_by_default` is on.
    pub fn wants_agent(&self) -> bool {
        self.start_agent.get()
    }

    /// Remembers the passphrase (e.g. the one `init` just set) for the rest of this process.
    pub fn remember_passphrase(&self, p: &SecretString) {
        let _ = self.passphrase_cache.set(p.clone());
    }

    /// The vault passphrase: remembered, else from `$AUTHCLI_PASSPHRASE`, the passphrase file,
    /// or a hidden prompt.
    pub fn passphrase(&self, prompt: &str) -> Result<SecretString> {
        if let Some(p) = self.passphrase_cache.get() {
            return Ok(p.clone());
        }
        let p = self.passphrase_uncached(prompt)?;
        self.remember_passphrase(&p);
        Ok(p)
    }

    /// Asks (or reads) without looking at the remembered passphrase.
    pub fn passphrase_uncached(&self, prompt: &str) -> Result<SecretString> {
        if let Some(p) = std::env::var_os("AUTHCLI_PASSPHRASE") {
            let p = p
                .into_string()
                .map_err(|_| UnlockError("AUTHCLI_PASSPHRASE is not valid UTF-8".into()))?;
            return non_empty(&Zeroizing::new(p), "AUTHCLI_PASSPHRASE");
        }
        if let Some(file) = &self.passphrase_file {
            return read_passphrase_file(file);
        }
        if !term::interactive() {
            return Err(UnlockError(format!(
                "no terminal to ask for the passphrase of {}; set AUTHCLI_PASSPHRASE_FILE or use --passphrase-file",
                self.vault_path.display()
            ))
            .into());
        }
        let p = term::prompt_hidden(prompt).map_err(|e| {
            UnlockError(format!(
                "cannot ask for the passphrase ({e}); set AUTHCLI_PASSPHRASE_FILE or use --passphrase-file"
            ))
        })?;
        non_empty(&p, "the passphrase")
    }

    /// Opens the vault for reading (no lock: writers replace it atomically).
    pub fn open(&self) -> Result<Session> {
        self.open_plain()?.read()
    }

    /// Opens the vault for reading as far as its plaintext; [`Unlocked::read`] reads the
    /// accounts. For `code`, which may need only one of them ([`vault::pick`]).
    pub fn open_plain(&self) -> Result<Unlocked> {
        let bytes = vault::read(&self.vault_path)?;
        self.unlock_bytes(bytes, None)
    }

    /// Opens the vault for a read-modify-write, holding its exclusive lock until dropped.
    pub fn open_for_write(&self) -> Result<Session> {
        let lock = vault::lock(&self.vault_path)?;
        let bytes = vault::read(&self.vault_path)?;
        self.unlock_bytes(bytes, Some(lock))?.read()
    }

    fn unlock_bytes(&self, bytes: Vec<u8>, lock: Option<Lock>) -> Result<Unlocked> {
        let path = &self.vault_path;
        let is_passphrase = vault::is_passphrase_vault(path, &bytes)?;
        let (key, passphrase) = if is_passphrase {
            // Before the prompt: a broken config file is one clear error, not a surprise later.
            self.config()?;
            let p = self.passphrase(&format!("Passphrase for {}: ", path.display()))?;
            (Key::Passphrase(p.clone()), Some(p))
        } else {
            let Some(id_path) = &self.identity else {
                return Err(VaultError::NeedIdentity(path.clone()).into());
            };
            let ids = vault::load_identity(id_path)?;
            warn_if_readable_by_others(id_path);
            (
                Key::Identities {
                    identities: ids.identities,
                    source: id_path.clone(),
                },
                None,
            )
        };
        let plain = vault::decrypt(path, &bytes, &key)?;
        if is_passphrase {
            // Acted on only once the command has succeeded.
            self.start_agent
                .set(self.config.get().is_some_and(|c| c.unlock_by_default));
        }
        Ok(Unlocked {
            plain,
            path: path.clone(),
            passphrase,
            key,
            bytes,
            lock,
        })
    }
}

/// A vault decrypted but not yet read.
pub struct Unlocked {
    /// The decrypted TOML.
    pub plain: Zeroizing<Vec<u8>>,
    path: PathBuf,
    passphrase: Option<SecretString>,
    key: Key,
    bytes: Vec<u8>,
    lock: Option<Lock>,
}

impl Unlocked {
    /// Reads the accounts: the session every command works in.
    pub fn read(self) -> Result<Session> {
        Ok(Session {
            vault: vault::parse(&self.path, &self.plain)?,
            path: self.path,
            passphrase: self.passphrase,
            key: self.key,
            bytes: self.bytes,
            lock: self.lock,
        })
    }
}

fn non_empty(p: &Zeroizing<String>, what: &str) -> Result<SecretString> {
    if p.is_empty() {
        return Err(UnlockError(format!("{what} is empty")).into());
    }
    Ok(SecretString::from(p.to_string()))
}

fn read_passphrase_file(file: &Path) -> Result<SecretString> {
    let bytes = Zeroizing::new(std::fs::read(file).map_err(|e| {
        UnlockError(format!(
            "could not read passphrase file {}: {e}",
            file.display()
        ))
    })?);
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        UnlockError(format!(
            "passphrase file {} is not valid UTF-8",
            file.display()
        ))
    })?;
    let first = text.lines().next().unwrap_or("");
    non_empty(
        &Zeroizing::new(first.to_owned()),
        &format!("the first line of passphrase file {}", file.display()),
    )
}

/// Like ssh: a private key that others can read deserves a warning.
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            eprintln!(
                "authcli: warning: identity {} is readable by other users (mode {:o}); run chmod 600 on it",
                path.display(),
                m.permissions().mode() & 0o777
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// An opened vault: the accounts plus what is needed to write it back.
pub struct Session {
    /// The decrypted accounts.
    pub vault: Vault,
    path: PathBuf,
    passphrase: Option<SecretString>,
    key: Key,
    bytes: Vec<u8>,
    lock: Option<Lock>,
}

impl Session {
    /// Takes the write lock after a read-only open; re-reads the vault if it changed meanwhile.
    pub fn lock_for_write(&mut self) -> Result<()> {
        if self.lock.is_some() {
            return Ok(());
        }
        let lock = vault::lock(&self.path)?;
        let bytes = vault::read(&self.path)?;
        if bytes != self.bytes {
            let plain = vault::decrypt(&self.path, &bytes, &self.key)?;
            self.vault = vault::parse(&self.path, &plain)?;
            self.bytes = bytes;
        }
        self.lock = Some(lock);
        Ok(())
    }

    /// Encrypts and writes the vault back (crash-safe; the old one becomes `.bak`).
    pub fn save(&mut self) -> Result<()> {
        assert!(self.lock.is_some(), "save needs the write lock");
        let protection = match &self.passphrase {
            Some(p) => Protection::Passphrase(p.clone()),
            None => Protection::Recipients(self.vault.recipients.clone()),
        };
        let plain = vault::serialize(&self.vault);
        let bytes = vault::encrypt(plain.as_bytes(), &protection)?;
        vault::write_atomic(&self.path, &bytes)?;
        self.bytes = bytes;
        Ok(())
    }

    /// Whether the vault is protected by a passphrase (else by age/SSH recipients).
    pub fn is_passphrase(&self) -> bool {
        self.passphrase.is_some()
    }

    /// Changes how the next [`Session::save`] encrypts: `Some` passphrase, or `None` for the
    /// recipients listed in the vault.
    pub fn set_passphrase(&mut self, passphrase: Option<SecretString>) {
        self.passphrase = passphrase;
    }

    /// The vault file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Seconds since the epoch now, or the `--at` time.
pub fn now_or(at: Option<&str>) -> Result<u64> {
    match at {
        Some(t) => crate::time::parse_time(t).map_err(anyhow::Error::msg),
        None => Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .context("the system clock is before 1970")?
            .as_secs()),
    }
}

/// Finds one account by QUERY (SPEC §3): an exact name wins; otherwise the one account whose
/// name, issuer or account contains QUERY, case-insensitively.
pub fn find(vault: &Vault, query: &str) -> Result<usize, QueryError> {
    if let Some(i) = vault.position(query) {
        return Ok(i);
    }
    let q = crate::account::fold_case(query);
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
            None if vault.accounts.is_empty() => {
                format!(
                    "no account matches {query:?}: the vault is empty (add one with `authcli add`)"
                )
            }
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

/// Reads all of stdin, refusing more than `limit` bytes.
pub fn read_stdin_limited(limit: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(Vec::new());
    let limit_u64 = u64::try_from(limit).unwrap_or(u64::MAX);
    io::stdin()
        .take(limit_u64 + 1)
        .read_to_end(&mut buf)
        .context("could not read standard input")?;
    if buf.len() > limit {
        anyhow::bail!(
            "standard input is larger than {} KiB; refusing it",
            limit / 1024
        );
    }
    Ok(buf)
}
