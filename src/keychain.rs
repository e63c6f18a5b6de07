//! A vault's passphrase in the OS keychain: the macOS Keychain, the Windows Credential Manager,
//! or the Secret Service on Linux and the BSDs, through the `keyring` crate.
//!
//! One entry per vault: service `authcli`, user the vault's canonical path (the caller
//! resolves it). Reading ([`get`]) is quiet and bounded: it never asks the keychain to unlock
//! (no dialog), and whatever goes wrong (no D-Bus session, no Secret Service, a locked
//! collection, no entry, a slow answer) is a [`Lookup`] the caller can pass over. Writing and
//! deleting are explicit user actions and may let the OS ask.
//!
//! A stored passphrase that no longer opens its vault (changed on another computer) is marked
//! stale in the local state folder, beside the trusted-recipients records and named like them
//! by a hash of the vault's path; the marker holds the path, never the passphrase or a hash of
//! it. A stale entry is skipped until it is stored again.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// The keychain service name of every entry.
pub const SERVICE: &str = "authcli";

/// How long a read may take before it is given up (a D-Bus activation that hangs, say).
const READ_TIMEOUT: Duration = Duration::from_secs(3);

/// What the keychain holds for a vault, as far as it tells without asking the user.
pub enum Lookup {
    /// The stored passphrase.
    Found(SecretString),
    /// No entry for this vault.
    Missing,
    /// An entry exists but the keychain is locked.
    Locked,
    /// No keychain to ask (why, in one line).
    Unavailable(String),
}

/// A keychain write or delete that failed.
#[derive(Debug, thiserror::Error)]
#[error("the OS keychain: {0}")]
pub struct KeychainError(String);

impl From<keyring::Error> for KeychainError {
    fn from(e: keyring::Error) -> Self {
        // Display only: some variants carry the secret's bytes.
        Self(crate::text::one_line(&e.to_string()))
    }
}

/// The entry's user name: the vault's canonical path.
fn user(vault: &Path) -> Result<&str, KeychainError> {
    vault
        .to_str()
        .ok_or_else(|| KeychainError(format!("{} is not valid UTF-8", vault.display())))
}

fn entry(vault: &Path) -> Result<keyring::Entry, KeychainError> {
    match keyring::Entry::new(SERVICE, user(vault)?) {
        Ok(e) => Ok(e),
        Err(keyring::Error::NoDefaultStore) => Err(match keyring::Entry::store_status() {
            Err(e) => KeychainError(crate::text::one_line(&e.to_string())),
            Ok(()) => KeychainError("no credential store".into()),
        }),
        Err(e) => Err(e.into()),
    }
}

/// The passphrase stored for the vault at canonical path `vault`, without any prompt or dialog,
/// given up after a few seconds.
pub fn get(vault: &Path) -> Lookup {
    let vault = vault.to_owned();
    let (tx, rx) = mpsc::channel();
    // A keychain that does not answer is left behind with its thread; the process goes on.
    let spawned = std::thread::Builder::new()
        .name("keychain".into())
        .spawn(move || {
            let _ = tx.send(read(&vault));
        });
    if let Err(e) = spawned {
        return Lookup::Unavailable(format!("cannot start a thread ({e})"));
    }
    rx.recv_timeout(READ_TIMEOUT)
        .unwrap_or_else(|_| Lookup::Unavailable("no answer in time".into()))
}

/// Secret Service: search first and read only an item that is already unlocked; a locked one
/// is reported, never unlocked (that would pop up a dialog).
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn read(vault: &Path) -> Lookup {
    use secret_service::EncryptionType;
    use secret_service::blocking::SecretService;
    let user = match user(vault) {
        Ok(u) => u,
        Err(e) => return Lookup::Unavailable(e.0),
    };
    let ss = match SecretService::connect(EncryptionType::Dh) {
        Ok(ss) => ss,
        Err(e) => return Lookup::Unavailable(crate::text::one_line(&e.to_string())),
    };
    // The attributes the keyring crate's Secret Service store gives its entries.
    let attributes = std::collections::HashMap::from([("service", SERVICE), ("username", user)]);
    let found = match ss.search_items(attributes) {
        Ok(found) => found,
        Err(e) => return Lookup::Unavailable(crate::text::one_line(&e.to_string())),
    };
    let Some(item) = found.unlocked.first() else {
        return if found.locked.is_empty() {
            Lookup::Missing
        } else {
            Lookup::Locked
        };
    };
    match item.get_secret() {
        Ok(bytes) => from_bytes(&Zeroizing::new(bytes)),
        Err(secret_service::Error::Locked) => Lookup::Locked,
        Err(e) => Lookup::Unavailable(crate::text::one_line(&e.to_string())),
    }
}

/// macOS and Windows: the keyring crate's own read.
#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
fn read(vault: &Path) -> Lookup {
    let entry = match entry(vault) {
        Ok(e) => e,
        Err(e) => return Lookup::Unavailable(e.0),
    };
    match entry.get_secret() {
        Ok(bytes) => from_bytes(&Zeroizing::new(bytes)),
        Err(keyring::Error::NoEntry) => Lookup::Missing,
        Err(keyring::Error::NoStorageAccess(_)) => Lookup::Locked,
        Err(e) => Lookup::Unavailable(KeychainError::from(e).0),
    }
}

fn from_bytes(bytes: &Zeroizing<Vec<u8>>) -> Lookup {
    match std::str::from_utf8(bytes) {
        Ok("") => Lookup::Missing,
        Ok(s) => Lookup::Found(SecretString::from(s.to_owned())),
        Err(_) => Lookup::Unavailable("the stored passphrase is not valid UTF-8".into()),
    }
}

/// Stores (or replaces) the passphrase of the vault at canonical path `vault`, and clears its
/// stale marker.
pub fn set(vault: &Path, passphrase: &SecretString) -> Result<(), KeychainError> {
    entry(vault)?.set_password(passphrase.expose_secret())?;
    let _ = clear_stale(vault);
    Ok(())
}

/// Deletes the vault's entry; `false` when there was none. Clears its stale marker too.
pub fn delete(vault: &Path) -> Result<bool, KeychainError> {
    let _ = clear_stale(vault);
    match entry(vault)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The stale marker of the vault at canonical path `vault`.
fn stale_path(vault: &Path) -> io::Result<PathBuf> {
    crate::trust::state_file("keychain-stale", vault)
}

/// Whether the vault's stored passphrase was found not to open it.
pub fn is_stale(vault: &Path) -> bool {
    stale_path(vault).is_ok_and(|p| p.exists())
}

/// Marks the vault's stored passphrase as one that does not open it.
pub fn mark_stale(vault: &Path) -> io::Result<()> {
    let path = stale_path(vault)?;
    crate::trust::create_private_dir(path.parent().expect("the marker is in a folder"))?;
    std::fs::write(
        &path,
        format!(
            "# the passphrase in the OS keychain does not open {} (authcli keychain store replaces it)\n",
            vault.display()
        ),
    )
}

/// Removes the stale marker, if any.
pub fn clear_stale(vault: &Path) -> io::Result<()> {
    match std::fs::remove_file(stale_path(vault)?) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
