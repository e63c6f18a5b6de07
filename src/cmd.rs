//! Glue between the command line and the domain modules: where the vault is, how to unlock it
//! (passphrase sources, identity files), the clock, and account lookup by QUERY.

pub mod add;
pub mod agent;
pub mod clipboard;
pub mod code;
pub mod completions;
pub mod export;
pub mod import;
pub mod init;
pub mod keychain;
pub mod list;
pub mod merge;
pub mod passwd;
pub mod rekey;
pub mod remove;
pub mod rename;
pub mod watch;

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use age::secrecy::SecretString;
use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

use crate::agent::client::AgentKey;
use crate::cli::Cli;
use crate::config::Config;
use crate::term;
use crate::vault::{self, Key, Lock, Protection, Vault, VaultError};

pub use crate::ops::{QueryError, find};

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
    /// `--identity-passphrase-file` / `$AUTHCLI_IDENTITY_PASSPHRASE_FILE`.
    pub identity_passphrase_file: Option<PathBuf>,
    /// age plugins' questions (PIN, touch), answered on the terminal.
    prompts: term::Prompts,
    /// A sealed identity file's passphrase once known.
    identity_passphrase_cache: std::cell::OnceCell<SecretString>,
    /// Whose recipients record (SPEC §7) applies: the vault's own, or for a copy git hands the
    /// merge driver, the vault the user works with.
    trust_path: PathBuf,
    /// Whether opening the vault mentions conflict copies beside it (not for `merge`).
    conflict_notice: std::cell::Cell<bool>,
    /// The passphrase once known, so one process asks at most once.
    passphrase_cache: std::cell::RefCell<Option<SecretString>>,
    /// Whether the OS keychain was asked already, and whether the remembered passphrase came
    /// from there (so that one that does not open the vault can be passed over).
    keychain_tried: std::cell::Cell<bool>,
    from_keychain: std::cell::Cell<bool>,
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
            trust_path: vault_path.clone(),
            vault_path,
            identity: cli.identity.clone(),
            passphrase_file: cli.passphrase_file.clone(),
            identity_passphrase_file: cli.identity_passphrase_file.clone(),
            prompts: term::Prompts::default(),
            identity_passphrase_cache: std::cell::OnceCell::new(),
            conflict_notice: std::cell::Cell::new(true),
            passphrase_cache: std::cell::RefCell::new(None),
            keychain_tried: std::cell::Cell::new(false),
            from_keychain: std::cell::Cell::new(false),
            config: std::cell::OnceCell::new(),
            start_agent: std::cell::Cell::new(false),
        })
    }

    /// The same unlock sources for another vault file, `path` (git's copy of the vault for its
    /// merge driver), whose writes follow this vault's recipients record.
    #[must_use]
    pub fn for_copy(&self, path: PathBuf) -> Self {
        Self {
            vault_path: path,
            identity: self.identity.clone(),
            passphrase_file: self.passphrase_file.clone(),
            identity_passphrase_file: self.identity_passphrase_file.clone(),
            prompts: self.prompts.clone(),
            identity_passphrase_cache: self.identity_passphrase_cache.clone(),
            trust_path: self.trust_path.clone(),
            conflict_notice: std::cell::Cell::new(false),
            passphrase_cache: std::cell::RefCell::new(None),
            keychain_tried: std::cell::Cell::new(false),
            from_keychain: std::cell::Cell::new(false),
            config: std::cell::OnceCell::new(),
            start_agent: std::cell::Cell::new(false),
        }
    }

    /// Stops opening the vault from mentioning its conflict copies (`merge` deals with them).
    pub fn quiet_conflicts(&self) {
        self.conflict_notice.set(false);
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
        let mut cache = self.passphrase_cache.borrow_mut();
        if cache.is_none() {
            *cache = Some(p.clone());
        }
    }

    /// The vault passphrase: remembered, else from `$AUTHCLI_PASSPHRASE`, the passphrase file,
    /// the OS keychain, or a hidden prompt. (An unlock agent, tried before all of these, holds
    /// the file key rather than handing out a passphrase: see [`Ctx::open`].)
    pub fn passphrase(&self, prompt: &str) -> Result<SecretString> {
        if let Some(p) = self.passphrase_cache.borrow().as_ref() {
            return Ok(p.clone());
        }
        let p = match self.given_passphrase()? {
            Some(p) => p,
            None => match self.keychain_passphrase() {
                Some(p) => {
                    self.from_keychain.set(true);
                    p
                }
                None => self.prompt_passphrase(prompt)?,
            },
        };
        self.remember_passphrase(&p);
        Ok(p)
    }

    /// Asks (or reads) without looking at the remembered passphrase or the keychain: for a
    /// passphrase typed or given on purpose (a new one, one to store).
    pub fn passphrase_uncached(&self, prompt: &str) -> Result<SecretString> {
        match self.given_passphrase()? {
            Some(p) => Ok(p),
            None => self.prompt_passphrase(prompt),
        }
    }

    /// `$AUTHCLI_PASSPHRASE`, else the passphrase file's first line, if either is set.
    fn given_passphrase(&self) -> Result<Option<SecretString>> {
        given_secret("AUTHCLI_PASSPHRASE", self.passphrase_file.as_deref())
    }

    /// A hidden prompt on the terminal, or exit 4 without one.
    fn prompt_passphrase(&self, prompt: &str) -> Result<SecretString> {
        prompt_secret(prompt)?.ok_or_else(|| {
            UnlockError(format!(
                "no terminal to ask for the passphrase of {}; set AUTHCLI_PASSPHRASE_FILE or use --passphrase-file",
                self.vault_path.display()
            ))
            .into()
        })
    }

    /// Where the OS keychain keeps this vault's passphrase: the canonical path of the vault the
    /// user works with (for git's copy, the real vault's).
    pub fn keychain_path(&self) -> PathBuf {
        crate::agent::canonical_vault(&self.trust_path)
            .or_else(|_| std::path::absolute(&self.trust_path))
            .unwrap_or_else(|_| self.trust_path.clone())
    }

    /// The passphrase stored in the OS keychain, once per process, unless it was found stale;
    /// quietly `None` when the keychain is locked, absent or has no entry.
    fn keychain_passphrase(&self) -> Option<SecretString> {
        if self.keychain_tried.replace(true) {
            return None;
        }
        let key = self.keychain_path();
        if crate::keychain::is_stale(&key) {
            return None;
        }
        match crate::keychain::get(&key) {
            crate::keychain::Lookup::Found(p) => Some(p),
            _ => None,
        }
    }

    /// The passphrase from the keychain did not open the vault: said once (a marker in the
    /// state folder silences later runs until `keychain store`), then forgotten for the next
    /// source. Not for git's copy of the vault, which may have another passphrase.
    fn distrust_keychain(&self) {
        self.passphrase_cache.borrow_mut().take();
        self.from_keychain.set(false);
        if self.trust_path != self.vault_path {
            return;
        }
        let path = self.vault_path.display();
        match crate::keychain::mark_stale(&self.keychain_path()) {
            Ok(()) => eprintln!(
                "authcli: warning: the passphrase in the OS keychain does not open {path} (changed elsewhere?); it is ignored from now on, `authcli keychain store` replaces it"
            ),
            Err(e) => eprintln!(
                "authcli: warning: the passphrase in the OS keychain does not open {path} (changed elsewhere?); run `authcli keychain store` or `authcli keychain forget` (cannot record this: {e})"
            ),
        }
    }

    /// The passphrase that opens the vault `bytes`, with the plaintext. A keychain passphrase
    /// that does not is passed over (see [`Ctx::distrust_keychain`]) for the next source.
    fn open_with_passphrase(&self, bytes: &[u8]) -> Result<(SecretString, Zeroizing<Vec<u8>>)> {
        let path = &self.vault_path;
        let prompt = format!("Passphrase for {}: ", path.display());
        let p = self.passphrase(&prompt)?;
        match vault::decrypt(path, bytes, &Key::Passphrase(p.clone())) {
            Ok(plain) => {
                // Proven: `unlock_by_default` need not check it again.
                self.from_keychain.set(false);
                Ok((p, plain))
            }
            Err(VaultError::WrongPassphrase(_)) if self.from_keychain.get() => {
                self.distrust_keychain();
                let p = self.passphrase(&prompt)?;
                let plain = vault::decrypt(path, bytes, &Key::Passphrase(p.clone()))?;
                Ok((p, plain))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Whether the remembered passphrase came from the OS keychain (not yet proven to open the
    /// vault).
    fn keychain_supplied(&self) -> bool {
        self.from_keychain.get()
    }

    /// The passphrase of a sealed identity file: `$AUTHCLI_IDENTITY_PASSPHRASE`, the identity
    /// passphrase file, else a hidden prompt.
    /// Asked once per process (`merge` opens the vault and its copies with one identity).
    pub fn identity_passphrase(&self, id_path: &Path) -> Result<SecretString> {
        if let Some(p) = self.identity_passphrase_cache.get() {
            return Ok(p.clone());
        }
        let p = match given_secret(
            "AUTHCLI_IDENTITY_PASSPHRASE",
            self.identity_passphrase_file.as_deref(),
        )? {
            Some(p) => p,
            None => prompt_secret(&format!("Passphrase for identity {}: ", id_path.display()))?
                .ok_or_else(|| {
                    UnlockError(
                        "no terminal to ask for its passphrase; set AUTHCLI_IDENTITY_PASSPHRASE_FILE or use --identity-passphrase-file".into(),
                    )
                })?,
        };
        Ok(self.identity_passphrase_cache.get_or_init(|| p).clone())
    }

    /// Loads an identity file: a sealed one asks for its passphrase, a plugin's asks on the
    /// terminal through age's callbacks.
    pub fn load_identity(&self, id_path: &Path) -> Result<vault::IdentityFile, VaultError> {
        let ask = || {
            self.identity_passphrase(id_path)
                .map_err(|e| format!("{e:#}"))
        };
        vault::load_identity(id_path, &ask, self.prompts.clone())
    }

    /// A plugin's failure without a terminal to answer it, as one clear line.
    fn explain_plugin(&self, e: VaultError) -> anyhow::Error {
        if matches!(e, VaultError::Plugin { .. }) && self.prompts.unanswered() {
            let id = self.identity.as_deref().unwrap_or(Path::new("?"));
            return UnlockError(format!(
                "the age plugin of identity {} asks for a PIN or a touch, and there is no terminal to answer it; run the command in a terminal, or `authcli unlock` first",
                id.display()
            ))
            .into();
        }
        e.into()
    }

    /// Opens the vault for reading (no lock: writers replace it atomically).
    pub fn open(&self) -> Result<Session> {
        let bytes = vault::read(&self.vault_path)?;
        self.unlock(bytes, None)
    }

    /// Opens the vault for a read-modify-write, holding its exclusive lock until dropped.
    pub fn open_for_write(&self) -> Result<Session> {
        let lock = vault::lock(&self.vault_path)?;
        let bytes = vault::read(&self.vault_path)?;
        self.unlock(bytes, Some(lock))
    }

    /// The one way a vault is opened: a key-based vault with its identity file; a passphrase
    /// vault through its unlock agent when one holds the passphrase, else with the passphrase
    /// from the usual sources. The session remembers the key for writing back: the agent (which
    /// wraps under the passphrase that opened the vault) or the passphrase.
    fn unlock(&self, bytes: Vec<u8>, lock: Option<Lock>) -> Result<Session> {
        let path = &self.vault_path;
        if self.conflict_notice.get() {
            notice_conflict_copies(path);
        }
        let passphrase_vault = vault::is_passphrase_vault(path, &bytes)?;
        // The agent first: it holds the file key (SPEC §6), so no scrypt run, no identity
        // passphrase, no touch of a hardware key.
        let from_agent = if self.passphrase_cache.borrow().is_none() {
            self.through_agent(&bytes)?
        } else {
            None
        };
        let (key, write_key, plain) = if let Some((key, plain)) = from_agent {
            let write_key = if passphrase_vault {
                WriteKey::Agent
            } else {
                WriteKey::Recipients
            };
            (key, write_key, plain)
        } else if passphrase_vault {
            // Before the prompt: a broken config file is one clear error, not a surprise.
            self.config()?;
            let (p, plain) = self.open_with_passphrase(&bytes)?;
            let key = Key::Passphrase(p.clone());
            // Acted on only once the command has succeeded.
            self.start_agent
                .set(self.config.get().is_some_and(|c| c.unlock_by_default));
            (key, WriteKey::Passphrase(p), plain)
        } else {
            let (key, asks) = self.identity_key(path)?;
            let (plain, file_key) = vault::decrypt_keeping_key(path, &bytes, &key)
                .map_err(|e| self.explain_plugin(e))?;
            if let (true, Some(k)) = (asks, file_key) {
                // The vault changed behind a running agent (synced from another computer, say):
                // it holds the new key after this one PIN, touch or passphrase.
                crate::agent::client::keep(path, &k);
            }
            (key, WriteKey::Recipients, plain)
        };
        let vault = vault::parse(path, &plain)?;
        if matches!(write_key, WriteKey::Recipients) {
            // A copy (git's merge driver) is checked against the vault's record, never pinned.
            let pin = self.trust_path == self.vault_path;
            say_trust(&self.trust_path, &vault.recipients, pin);
        } else if self.trust_path == self.vault_path
            && let Err(e) = crate::trust::mark_passphrase(path)
        {
            eprintln!(
                "authcli: warning: cannot record {} as a passphrase vault ({e})",
                path.display()
            );
        }
        Ok(Session {
            vault,
            path: path.clone(),
            trust_path: self.trust_path.clone(),
            key,
            write_key,
            bytes,
            lock,
        })
    }

    /// The identities of `--identity` / `$AUTHCLI_IDENTITY`, for opening the key-based vault
    /// at `path`, and whether they asked the person (sealed, or a plugin).
    fn identity_key(&self, path: &Path) -> Result<(Key, bool)> {
        let Some(id_path) = &self.identity else {
            return Err(VaultError::NeedIdentity(path.to_owned()).into());
        };
        let ids = self.load_identity(id_path)?;
        warn_if_readable_by_others(id_path);
        Ok((
            Key::Identities {
                identities: ids.identities,
                source: id_path.clone(),
            },
            ids.asks,
        ))
    }

    /// Opens another copy of the vault (read only, to merge it): a key-based one with the
    /// identities at hand, whatever its recipients; a passphrase one through this vault's unlock
    /// agent or with this vault's passphrase, and when that one does not open it, with its own,
    /// asked on the terminal.
    pub fn open_copy(&self, path: &Path) -> Result<Vault> {
        let bytes = vault::read(path)?;
        let plain = if vault::is_passphrase_vault(path, &bytes)? {
            let from_agent = AgentKey::for_vault(&self.vault_path).and_then(|agent| {
                vault::decrypt(path, &bytes, &Key::Unwrapper(Box::new(agent))).ok()
            });
            if let Some(plain) = from_agent {
                plain
            } else {
                let p = self.passphrase(&format!("Passphrase for {}: ", path.display()))?;
                match vault::decrypt(path, &bytes, &Key::Passphrase(p)) {
                    Err(e @ VaultError::WrongPassphrase(_)) => {
                        let prompt = format!(
                            "{} has another passphrase. Passphrase for it: ",
                            path.display()
                        );
                        let Some(own) = prompt_secret(&prompt)? else {
                            return Err(e.into());
                        };
                        vault::decrypt(path, &bytes, &Key::Passphrase(own))?
                    }
                    other => other?,
                }
            }
        } else {
            vault::decrypt(path, &bytes, &self.identity_key(path)?.0)
                .map_err(|e| self.explain_plugin(e))?
        };
        Ok(vault::parse(path, &plain)?)
    }

    /// The vault's plaintext through its unlock agent; `None` when no agent answers for it or
    /// its passphrase does not open this file (another passphrase since, say).
    fn through_agent(&self, bytes: &[u8]) -> Result<Option<(Key, Zeroizing<Vec<u8>>)>> {
        let Some(agent) = AgentKey::for_vault(&self.vault_path) else {
            return Ok(None);
        };
        let key = Key::Unwrapper(Box::new(agent));
        match vault::decrypt(&self.vault_path, bytes, &key) {
            Ok(plain) => Ok(Some((key, plain))),
            Err(e) if e.is_unlock_failure() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// One line on stderr when sync tools left conflict copies beside the vault.
fn notice_conflict_copies(path: &Path) {
    let copies = vault::conflict_copies(path);
    if copies.is_empty() {
        return;
    }
    let names: Vec<String> = copies
        .iter()
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let n = copies.len();
    eprintln!(
        "authcli: {n} conflict {} of your vault ({}): run `authcli merge`",
        if n == 1 { "copy" } else { "copies" },
        names.join(", ")
    );
}

/// On every read of a key-based vault, one line when its recipients are new here (pinned now)
/// or include some never accepted on this computer (SPEC §7).
fn say_trust(path: &Path, recipients: &[String], pin: bool) {
    let list = |rs: &[String]| {
        rs.iter()
            .map(|r| crate::trust::short(r))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match crate::trust::check(path, recipients, pin) {
        Ok(crate::trust::Verdict::Trusted) => {}
        Ok(crate::trust::Verdict::Pinned) => eprintln!(
            "authcli: first use of {} here: pinned its recipients {} (a vault that later lists others is not written to them until you run `authcli rekey --trust`)",
            path.display(),
            list(recipients)
        ),
        Ok(crate::trust::Verdict::Unknown(unknown)) => eprintln!(
            "authcli: warning: {} lists recipients you never accepted on this computer: {}; authcli will not write to them (if you added them yourself, `authcli rekey --trust` accepts them)",
            path.display(),
            list(&unknown)
        ),
        Err(e) => eprintln!(
            "authcli: warning: cannot check the trusted recipients of {} ({e}); writes are refused",
            path.display()
        ),
    }
}

/// A write refused because the vault lists recipients not accepted on this computer.
#[derive(Debug, thiserror::Error)]
#[error(
    "{path} lists recipients you never accepted on this computer: {unknown}; nothing was written. If you added them yourself (on another computer, say), run `authcli rekey --trust`"
)]
pub struct UntrustedRecipients {
    /// The vault.
    pub path: String,
    /// The unknown recipients, shortened.
    pub unknown: String,
}

/// Refuses to encrypt `recipients` for the vault at `path` unless every one was accepted here.
pub fn check_trusted(path: &Path, recipients: &[String]) -> Result<()> {
    let accepted = crate::trust::load(path)
        .with_context(|| format!("cannot check the trusted recipients of {}", path.display()))?
        .unwrap_or_default();
    let unknown: Vec<String> = recipients
        .iter()
        .filter(|r| !accepted.contains(r))
        .map(|r| crate::trust::short(r))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(UntrustedRecipients {
        path: path.display().to_string(),
        unknown: unknown.join(", "),
    }
    .into())
}

/// How a session's vault is encrypted when it is written back.
enum WriteKey {
    /// To the recipients listed in the vault.
    Recipients,
    /// Under this passphrase.
    Passphrase(SecretString),
    /// By this vault's unlock agent, under the passphrase it holds: the one that opened the
    /// vault as read under the write lock.
    Agent,
}

/// A secret given for scripts: the environment variable `env`, else the first line of `file`.
fn given_secret(env: &str, file: Option<&Path>) -> Result<Option<SecretString>> {
    if let Some(p) = std::env::var_os(env) {
        let p = p
            .into_string()
            .map_err(|_| UnlockError(format!("{env} is not valid UTF-8")))?;
        return non_empty(&Zeroizing::new(p), env).map(Some);
    }
    file.map(read_passphrase_file).transpose()
}

/// A secret typed at a hidden prompt on the terminal; `None` when there is no terminal.
fn prompt_secret(prompt: &str) -> Result<Option<SecretString>> {
    if !term::interactive() {
        return Ok(None);
    }
    let p = term::prompt_hidden(prompt)
        .map_err(|e| UnlockError(format!("cannot ask for the passphrase ({e})")))?;
    non_empty(&p, "the passphrase").map(Some)
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
    trust_path: PathBuf,
    key: Key,
    write_key: WriteKey,
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
        let protection = match &self.write_key {
            WriteKey::Passphrase(p) => Protection::Passphrase(p.clone()),
            WriteKey::Recipients => {
                check_trusted(&self.trust_path, &self.vault.recipients)?;
                Protection::Recipients(self.vault.recipients.clone())
            }
            WriteKey::Agent => Protection::Wrapper(Box::new(
                AgentKey::for_vault(&self.path).context("the vault's folder is gone")?,
            )),
        };
        self.vault.assign_ids();
        let plain = vault::serialize(&self.vault);
        let (bytes, file_key) = vault::encrypt_keeping_key(plain.as_bytes(), &protection)?;
        vault::write_atomic(&self.path, &bytes)?;
        self.bytes = bytes;
        if let (WriteKey::Recipients, Some(k)) = (&self.write_key, file_key) {
            // A key-based vault's agent holds the new file key, so the next command needs no
            // identity passphrase or touch either (no agent: nothing happens).
            crate::agent::client::keep(&self.path, &k);
        }
        Ok(())
    }

    /// Whether the vault is protected by a passphrase (else by age/SSH recipients).
    pub fn is_passphrase(&self) -> bool {
        !matches!(self.write_key, WriteKey::Recipients)
    }

    /// Changes how the next [`Session::save`] encrypts: `Some` passphrase, or `None` for the
    /// recipients listed in the vault.
    pub fn set_passphrase(&mut self, passphrase: Option<SecretString>) {
        self.write_key = match passphrase {
            Some(p) => WriteKey::Passphrase(p),
            None => WriteKey::Recipients,
        };
    }

    /// The vault file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves the vault if `outcome` changed it, then shows its messages on stderr.
    pub fn finish(&mut self, outcome: &crate::ops::Outcome) -> Result<()> {
        if outcome.changed {
            self.save()?;
        }
        report(outcome);
        Ok(())
    }
}

/// Shows an operation's messages on stderr.
pub fn report(outcome: &crate::ops::Outcome) {
    for line in &outcome.messages {
        eprintln!("{line}");
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

/// Re-encrypts `<vault>.bak` too (a copy of the new vault), so the old key opens nothing.
pub fn refresh_backup(path: &Path) -> Result<()> {
    vault::refresh_backup(path).with_context(|| {
        format!(
            "the vault was re-encrypted, but its backup {} could not be replaced; delete it by hand (it still opens with the old key)",
            vault::backup_path(path).display()
        )
    })
}

/// The new passphrase: `$AUTHCLI_NEW_PASSPHRASE`, the first line of `file`, else asked twice on
/// the terminal.
pub fn new_passphrase(file: Option<&Path>) -> Result<SecretString> {
    if let Some(p) = std::env::var_os("AUTHCLI_NEW_PASSPHRASE") {
        let p = Zeroizing::new(
            p.into_string()
                .map_err(|_| anyhow::anyhow!("AUTHCLI_NEW_PASSPHRASE is not valid UTF-8"))?,
        );
        if p.is_empty() {
            bail!("AUTHCLI_NEW_PASSPHRASE is empty");
        }
        return Ok(SecretString::from(p.to_string()));
    }
    if let Some(f) = file {
        let bytes = Zeroizing::new(std::fs::read(f).map_err(|e| {
            anyhow::anyhow!("could not read new passphrase file {}: {e}", f.display())
        })?);
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            anyhow::anyhow!("new passphrase file {} is not valid UTF-8", f.display())
        })?;
        let first = text.lines().next().unwrap_or("");
        if first.is_empty() {
            bail!(
                "the first line of new passphrase file {} is empty",
                f.display()
            );
        }
        return Ok(SecretString::from(first.to_owned()));
    }
    if !term::interactive() {
        bail!(
            "no terminal to ask for the new passphrase; set AUTHCLI_NEW_PASSPHRASE_FILE or use --new-passphrase-file"
        );
    }
    loop {
        let a = term::prompt_hidden("New passphrase: ")
            .map_err(|e| anyhow::anyhow!("cannot ask for the new passphrase ({e})"))?;
        if a.is_empty() {
            eprintln!("the passphrase is empty; try again");
            continue;
        }
        let b = term::prompt_hidden("Repeat it: ")
            .map_err(|e| anyhow::anyhow!("cannot ask for the new passphrase ({e})"))?;
        if a == b {
            return Ok(SecretString::from(a.to_string()));
        }
        eprintln!("the two passphrases differ; try again");
    }
}
