//! The vault: an age-encrypted TOML file holding every account.
//!
//! This module owns the on-disk format (SPEC §2), encryption (age scrypt or X25519/SSH
//! recipients), identity files, locking and crash-safe writes. It knows nothing of the CLI:
//! callers pass in a [`Key`] to unlock and get typed [`VaultError`]s back.
//!
//! Write path: exclusive lock on `<vault>.lock` → encrypt in memory → temp file in the same
//! folder (0600) → `fsync` → hard-link the old vault to `<vault>.bak` → rename the temp file
//! over the vault → `fsync` the folder.

use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::otp::{Algorithm, Kind, Otp, Secret};
use crate::text::one_line;

mod crypto;
mod file;

pub use crypto::*;
pub use file::*;

/// The vault format version this program writes and understands.
pub const VERSION: u32 = 2;
/// How long a removed account's tombstone is kept, so that a copy of the vault that still holds
/// the account (another computer, a sync conflict) does not bring it back when merged.
pub const TOMBSTONE_DAYS: i64 = 180;
/// scrypt work factor (log2 N) used when writing a passphrase vault: 0.6–1 s on a laptop.
pub const SCRYPT_WORK_FACTOR: u8 = 18;
/// The highest scrypt work factor accepted when opening a vault (16× the writing cost).
pub const SCRYPT_MAX_WORK_FACTOR: u8 = 22;

/// Everything that can go wrong with a vault. Messages never contain secrets.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No file at the path.
    #[error("no vault at {} — run `authcli init` to create one", .0.display())]
    NotFound(PathBuf),
    /// A vault exists where `init` would create one.
    #[error("a vault already exists at {}; refusing to overwrite it", .0.display())]
    Exists(PathBuf),
    /// Reading or writing failed.
    #[error("{action} {}: {err}", .path.display())]
    Io {
        /// What was being done ("could not read vault").
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The OS error (shown in the message, so not a `source`).
        err: io::Error,
    },
    /// The file is not an age file at all.
    #[error("{} is not an authcli vault (not an age-encrypted file)", .0.display())]
    NotAge(PathBuf),
    /// An age file that fails its integrity checks (truncated, bit flips).
    #[error("{} is corrupt or truncated ({detail}); the previous version is kept as {}.bak", .path.display(), .path.display())]
    Corrupt {
        /// The vault.
        path: PathBuf,
        /// What age reported.
        detail: String,
    },
    /// Wrong passphrase.
    #[error("wrong passphrase for {}", .0.display())]
    WrongPassphrase(PathBuf),
    /// None of the identities can open the vault.
    #[error("none of the identities in {identity} can open {} (it is encrypted to other keys)", .path.display())]
    NoMatchingIdentity {
        /// The vault.
        path: PathBuf,
        /// The identity file(s) tried.
        identity: String,
    },
    /// The scrypt work factor is above what we accept.
    #[error("{} uses a scrypt work factor of {required}, above the limit of {SCRYPT_MAX_WORK_FACTOR}; refusing to spend that long", .path.display())]
    ExcessiveWork {
        /// The vault.
        path: PathBuf,
        /// The work factor in its header.
        required: u8,
    },
    /// A passphrase vault, and no passphrase was given.
    #[error("{} is protected by a passphrase and there is no terminal to ask for it; set AUTHCLI_PASSPHRASE_FILE or use --passphrase-file", .0.display())]
    NeedPassphrase(PathBuf),
    /// A key-based vault, and no identity was given.
    #[error("{} is encrypted to age/SSH keys; pass --identity FILE or set AUTHCLI_IDENTITY", .0.display())]
    NeedIdentity(PathBuf),
    /// An identity file that cannot be used.
    #[error("identity {}: {reason}", .path.display())]
    BadIdentity {
        /// The identity file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An age plugin (a hardware key) could not unwrap the vault's key: missing from `PATH`,
    /// no PIN or touch, or its own error.
    #[error("could not open {} with the age plugin: {detail}", .path.display())]
    Plugin {
        /// The vault.
        path: PathBuf,
        /// What the plugin or age said.
        detail: String,
    },
    /// A newer authcli wrote this vault.
    #[error("{} was written by a newer authcli (vault version {version}, this program knows {VERSION}); upgrade authcli — the vault was left untouched", .path.display())]
    NewerVersion {
        /// The vault.
        path: PathBuf,
        /// Its version.
        version: i64,
    },
    /// The decrypted TOML does not match the schema.
    #[error("{} decrypts but its contents are invalid: {detail}", .path.display())]
    Invalid {
        /// The vault.
        path: PathBuf,
        /// Which key or account is wrong, and why.
        detail: String,
    },
    /// Encryption failed (bad recipient list).
    #[error("could not encrypt the vault: {0}")]
    Encrypt(String),
}

impl VaultError {
    /// Failures to unlock (exit code 4 in the CLI).
    pub fn is_unlock_failure(&self) -> bool {
        matches!(
            self,
            Self::WrongPassphrase(_)
                | Self::NoMatchingIdentity { .. }
                | Self::ExcessiveWork { .. }
                | Self::NeedPassphrase(_)
                | Self::NeedIdentity(_)
                | Self::BadIdentity { .. }
                | Self::Plugin { .. }
        )
    }
}

/// The decrypted vault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vault {
    /// age recipients of a key-based vault (empty for a passphrase vault).
    pub recipients: Vec<String>,
    /// The accounts, in the order they were added.
    pub accounts: Vec<Account>,
    /// Tombstones of removed accounts (kept [`TOMBSTONE_DAYS`]), for merging.
    pub removed: Vec<Tombstone>,
}

/// A removed account: its id and when it was removed (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tombstone {
    /// The removed account's id.
    pub id: String,
    /// When it was removed.
    pub removed: i64,
}

/// A new random account id: 128 bits from the OS, as 32 lower-case hex digits.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).expect("the OS random number generator works");
    data_encoding::HEXLOWER.encode(&bytes)
}

/// The id a version-1 account gets when its vault is read: derived from what makes its codes
/// and its issuer ([`Account::generator_key`]), so two copies of one version-1 vault upgraded
/// on two computers give an account the same id and merge account by account.
fn derived_id(a: &Account) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"authcli v1 account id\0");
    h.update(a.generator_key());
    data_encoding::HEXLOWER.encode(&h.finalize()[..16])
}

/// Whether `id` is an account id: 32 lower-case hex digits.
pub fn is_valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Vault {
    /// The index of the account with this name (case-insensitive).
    pub fn position(&self, name: &str) -> Option<usize> {
        self.accounts
            .iter()
            .position(|a| crate::account::same_name(&a.name, name))
    }

    /// A free name: `base`, else `base-2`, `base-3`, …
    pub fn unique_name(&self, base: &str) -> String {
        self.names().claim(base)
    }

    /// Gives every account without an id a new random one.
    pub fn assign_ids(&mut self) {
        for a in self.accounts.iter_mut().filter(|a| a.id.is_empty()) {
            a.id = new_id();
        }
    }

    /// Drops the tombstones older than [`TOMBSTONE_DAYS`] at `now` (unix seconds).
    pub fn prune_removed(&mut self, now: i64) {
        let cutoff = now.saturating_sub(TOMBSTONE_DAYS * 24 * 60 * 60);
        self.removed.retain(|t| t.removed >= cutoff);
    }

    /// The taken names, for handing out many unique names in one go.
    pub fn names(&self) -> NameSet {
        NameSet(
            self.accounts
                .iter()
                .map(|a| a.name.to_lowercase())
                .collect(),
        )
    }
}

/// Names in use (case-insensitive), for giving many new accounts unique names in O(1) each.
pub struct NameSet(std::collections::HashSet<String>);

impl NameSet {
    /// A free name — `base`, else `base-2`, `base-3`, … — now marked as taken.
    pub fn claim(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 2u64;
        while !self.0.insert(name.to_lowercase()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }
}

/// How a vault is protected when written.
pub enum Protection {
    /// age scrypt recipient.
    Passphrase(SecretString),
    /// age X25519 / SSH recipients (as stored in the vault).
    Recipients(Vec<String>),
    /// Another holder of a passphrase vault's passphrase, which wraps the file key under it
    /// (the unlock agent).
    Wrapper(Box<dyn age::Recipient>),
}

/// How to unlock a vault.
pub enum Key {
    /// The passphrase of a passphrase vault.
    Passphrase(SecretString),
    /// Identities loaded from a file (`--identity`), with the file name for messages.
    Identities {
        /// Loaded identities.
        identities: Vec<Box<dyn age::Identity>>,
        /// Where they came from.
        source: PathBuf,
    },
    /// Another holder of a passphrase vault's passphrase, which unwraps its file key (the unlock
    /// agent). A vault it does not open fails as with a wrong passphrase.
    Unwrapper(Box<dyn age::Identity>),
}

// ---------------------------------------------------------------------------------------------
// TOML schema

#[derive(Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct FileRepr {
    version: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    recipients: Vec<String>,
    #[serde(default)]
    accounts: Vec<StoredAccount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    removed: Vec<StoredTombstone>,
}

/// One `[[removed]]` table.
#[derive(Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct StoredTombstone {
    id: String,
    removed: toml::value::Datetime,
}

/// One account as the vault stores it (one `[[accounts]]` table): also how accounts travel to
/// and from the unlock agent, so both ends validate them with the vault's own rules. It holds
/// the secret (zeroized on drop); its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredAccount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    name: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    account: String,
    #[serde(rename = "type")]
    kind: String,
    secret: Zeroizing<String>,
    #[serde(default = "default_algorithm")]
    algorithm: String,
    #[serde(default = "default_digits")]
    digits: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counter: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    added: Option<toml::value::Datetime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    modified: Option<toml::value::Datetime>,
}

impl std::fmt::Debug for StoredAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredAccount")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl From<&Account> for StoredAccount {
    fn from(a: &Account) -> Self {
        account_to_repr(a)
    }
}

impl TryFrom<StoredAccount> for Account {
    type Error = String;

    /// Validates as when the vault is read (an empty name is allowed here: accounts on their
    /// way into a vault get their names there).
    fn try_from(a: StoredAccount) -> Result<Self, String> {
        account_from_repr(a)
    }
}

/// What an account without `algorithm` or `digits` has.
const DEFAULT_ALGORITHM: &str = "SHA1";
const DEFAULT_DIGITS: i64 = 6;

fn default_algorithm() -> String {
    String::from(DEFAULT_ALGORITHM)
}
fn default_digits() -> i64 {
    DEFAULT_DIGITS
}

#[derive(Deserialize)]
struct VersionOnly {
    version: Option<toml::Value>,
}

/// Parses decrypted vault TOML. `path` is only used in messages.
pub fn parse(path: &Path, plaintext: &[u8]) -> Result<Vault, VaultError> {
    let text = std::str::from_utf8(plaintext).map_err(|_| VaultError::Invalid {
        path: path.to_owned(),
        detail: "not UTF-8 text".into(),
    })?;
    parse_toml(path, text)
}

fn parse_toml(path: &Path, text: &str) -> Result<Vault, VaultError> {
    let invalid = |detail: String| VaultError::Invalid {
        path: path.to_owned(),
        detail,
    };
    let repr: FileRepr = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            // A newer version may add keys: report the version, not the unknown key.
            if let Ok(VersionOnly {
                version: Some(toml::Value::Integer(v)),
            }) = toml::from_str::<VersionOnly>(text)
                && v > i64::from(VERSION)
            {
                return Err(VaultError::NewerVersion {
                    path: path.to_owned(),
                    version: v,
                });
            }
            return Err(invalid(one_line(e.message())));
        }
    };
    if repr.version > i64::from(VERSION) {
        return Err(VaultError::NewerVersion {
            path: path.to_owned(),
            version: repr.version,
        });
    }
    if repr.version < 1 {
        return Err(invalid(format!(
            "version must be 1 or {VERSION}, got {}",
            repr.version
        )));
    }
    let v1 = repr.version == 1;
    let mut vault = Vault {
        recipients: repr.recipients,
        accounts: Vec::with_capacity(repr.accounts.len()),
        removed: Vec::with_capacity(repr.removed.len()),
    };
    let mut ids = std::collections::HashSet::with_capacity(repr.accounts.len());
    let mut names = NameKeys::with_capacity_and_hasher(
        repr.accounts.len(),
        std::hash::BuildHasherDefault::default(),
    );
    for (i, a) in repr.accounts.into_iter().enumerate() {
        if !names.insert(crate::account::fold_case(&a.name).into_owned().into()) {
            return Err(invalid(format!("two accounts are named {:?}", a.name)));
        }
        let name = a.name.clone();
        if name.trim().is_empty() {
            return Err(invalid(format!(
                "account {} ({name:?}): name is empty",
                i + 1
            )));
        }
        let bad = |e: String| invalid(format!("account {} ({name:?}): {e}", i + 1));
        if v1 && (a.id.is_some() || a.modified.is_some()) {
            return Err(bad("id and modified are keys of vault version 2".into()));
        }
        let mut acc = account_from_repr(a).map_err(bad)?;
        if v1 {
            // Upgraded: written as version 2 at the next write.
            acc.id = derived_id(&acc);
            acc.modified = acc.added;
            if ids.contains(&acc.id) {
                acc.id = new_id();
            }
        } else if acc.id.is_empty() {
            return Err(bad("id is missing".into()));
        }
        if !ids.insert(acc.id.clone()) {
            return Err(bad(format!("id {} is used twice", acc.id)));
        }
        vault.accounts.push(acc);
    }
    if v1 && !repr.removed.is_empty() {
        return Err(invalid("[[removed]] is a table of vault version 2".into()));
    }
    for t in repr.removed {
        if !is_valid_id(&t.id) {
            return Err(invalid(format!(
                "removed id {:?} is not 32 hexadecimal digits",
                one_line(&t.id)
            )));
        }
        let removed = crate::time::from_datetime(&t.removed).ok_or_else(|| {
            invalid(format!(
                "removed must be a full date-time with offset, got {}",
                t.removed
            ))
        })?;
        vault.removed.push(Tombstone { id: t.id, removed });
    }
    Ok(vault)
}

/// The accounts' names as the vault compares them, [`fold_case`](crate::account::fold_case)d,
/// to find a second use of one: `insert` is `false` for a name already there, ignoring case. A
/// name with no upper-case ASCII letter is its own key, so the usual vault needs no lower-cased
/// copies; the hasher has fixed keys, so no random seed is fetched from the OS.
type NameKeys<'a> = std::collections::HashSet<
    std::borrow::Cow<'a, str>,
    std::hash::BuildHasherDefault<std::hash::DefaultHasher>,
>;

/// Validates a stored account: the one set of rules for the vault and for accounts in
/// authcli's JSON export.
fn account_from_repr(a: StoredAccount) -> Result<Account, String> {
    let id = a.id.unwrap_or_default();
    if !id.is_empty() && !is_valid_id(&id) {
        return Err(format!(
            "id {:?} is not 32 lower-case hexadecimal digits",
            one_line(&id)
        ));
    }
    let kind = Kind::from_str(&a.kind)?;
    let secret = Secret::parse_base32(&a.secret).map_err(|e| e.to_string())?;
    let algorithm = Algorithm::from_str(&a.algorithm).map_err(|e| e.to_string())?;
    let digits =
        u8::try_from(a.digits).map_err(|_| format!("digits must be 6-10, got {}", a.digits))?;
    let period = match (kind, a.period) {
        (Kind::Hotp, Some(_)) => return Err("period is for totp accounts, not hotp".into()),
        (_, None) => 30,
        (_, Some(p)) => {
            u32::try_from(p).map_err(|_| format!("period must be 1-{}, got {p}", u32::MAX))?
        }
    };
    let counter = match (kind, a.counter) {
        (Kind::Hotp, Some(c)) => {
            u64::try_from(c).map_err(|_| format!("counter must not be negative, got {c}"))?
        }
        (Kind::Hotp, None) => return Err("an hotp account needs a counter".into()),
        (_, Some(_)) => return Err("counter is for hotp accounts only".into()),
        (_, None) => 0,
    };
    let otp =
        Otp::new(kind, secret, algorithm, digits, period, counter).map_err(|e| e.to_string())?;
    let instant = |key: &str, dt: Option<toml::value::Datetime>| match dt {
        None => Ok(None),
        Some(dt) => crate::time::from_datetime(&dt)
            .map(Some)
            .ok_or_else(|| format!("{key} must be a full date-time with offset, got {dt}")),
    };
    Ok(Account {
        name: a.name,
        issuer: a.issuer,
        account: a.account,
        otp,
        added: instant("added", a.added)?,
        id,
        modified: instant("modified", a.modified)?,
    })
}

fn account_to_repr(a: &Account) -> StoredAccount {
    let kind = a.otp.kind();
    StoredAccount {
        id: (!a.id.is_empty()).then(|| a.id.clone()),
        name: a.name.clone(),
        issuer: a.issuer.clone(),
        account: a.account.clone(),
        kind: kind.as_str().to_owned(),
        secret: a.otp.secret().to_base32(),
        algorithm: a.otp.algorithm().as_str().to_owned(),
        digits: i64::from(a.otp.digits()),
        period: kind.is_timed().then(|| i64::from(a.otp.period())),
        counter: (!kind.is_timed()).then(|| i64::try_from(a.otp.counter()).unwrap_or(i64::MAX)),
        added: a.added.map(crate::time::to_datetime),
        modified: a.modified.map(crate::time::to_datetime),
    }
}

/// Serialises a vault to TOML (the plaintext inside the age file). Every account must have an
/// id ([`Vault::assign_ids`]).
pub fn serialize(vault: &Vault) -> Zeroizing<String> {
    let repr = FileRepr {
        version: i64::from(VERSION),
        recipients: vault.recipients.clone(),
        accounts: vault.accounts.iter().map(account_to_repr).collect(),
        removed: vault
            .removed
            .iter()
            .map(|t| StoredTombstone {
                id: t.id.clone(),
                removed: crate::time::to_datetime(t.removed),
            })
            .collect(),
    };
    Zeroizing::new(toml::to_string(&repr).expect("the vault schema always serialises"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::io::Write;

    fn sample() -> Vault {
        let otp = Otp::totp(Secret::parse_base32("JBSWY3DPEHPK3PXP").unwrap()).unwrap();
        let mut a = Account::new("Microsoft", "nome.cognome@unipi.it", otp);
        a.name = "microsoft".into();
        a.added = Some(1_764_000_000);
        let hotp = Otp::new(
            Kind::Hotp,
            Secret::parse_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap(),
            Algorithm::Sha256,
            8,
            30,
            7,
        )
        .unwrap();
        let mut b = Account::new("", "hw-token", hotp);
        b.name = "token".into();
        b.modified = Some(1_764_000_100);
        let mut v = Vault {
            recipients: vec![],
            accounts: vec![a, b],
            removed: vec![Tombstone {
                id: "0123456789abcdef0123456789abcdef".into(),
                removed: 1_764_000_200,
            }],
        };
        v.assign_ids();
        v
    }

    #[test]
    fn toml_round_trip_and_shape() {
        let v = sample();
        let text = serialize(&v);
        assert!(text.starts_with("version = 2\n"), "{}", *text);
        assert!(text.contains(&format!("id = \"{}\"", v.accounts[0].id)));
        assert!(
            text.contains("modified = 2025-11-24T16:01:40Z"),
            "{}",
            *text
        );
        assert!(text.contains("[[removed]]\nid = \"0123456789abcdef0123456789abcdef\"\nremoved = 2025-11-24T16:03:20Z"), "{}", *text);
        assert!(text.contains("[[accounts]]"));
        assert!(text.contains("type = \"totp\""));
        assert!(text.contains("secret = \"JBSWY3DPEHPK3PXP\""));
        assert!(text.contains("added = 2025-11-24T16:00:00Z"), "{}", *text);
        assert!(text.contains("counter = 7"));
        let back = parse(Path::new("v"), text.as_bytes()).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn refuses_unknown_keys_newer_versions_and_duplicates() {
        let p = Path::new("v.age");
        let e = parse(p, b"version = 1\ncolour = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("colour"), "{e}");
        let e = parse(p, b"version = 3\nnew_thing = 1\n").unwrap_err();
        assert!(
            matches!(e, VaultError::NewerVersion { version: 3, .. }),
            "{e}"
        );
        let dup = "version = 1\n[[accounts]]\nname='a'\ntype='totp'\nsecret='JBSWY3DPEHPK3PXP'\n[[accounts]]\nname='A'\ntype='totp'\nsecret='JBSWY3DPEHPK3PXP'\n";
        let e = parse(p, dup.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("two accounts are named"), "{e}");
        let bad = "version = 1\n[[accounts]]\nname='a'\ntype='totp'\nsecret='JBSWY3DPEHPK3PXP'\ndigits=12\n";
        let e = parse(p, bad.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("digits must be 6-10, got 12"), "{e}");
        assert!(!e.contains("JBSWY3DPEHPK3PXP"), "{e}");
    }

    /// A version-1 vault reads as before; its accounts get ids derived from their secrets (the
    /// same on every computer) and `modified` from `added`, written as version 2.
    #[test]
    fn version_1_is_upgraded() {
        let p = Path::new("v.age");
        let v1 = "version = 1\n[[accounts]]\nname='a'\ntype='totp'\nsecret='JBSWY3DPEHPK3PXP'\nadded = 2025-11-24T16:00:00Z\n[[accounts]]\nname='b'\ntype='totp'\nsecret='GEZDGNBVGY3TQOJQ'\n";
        let v = parse(p, v1.as_bytes()).unwrap();
        let again = parse(p, v1.as_bytes()).unwrap();
        assert_eq!(v, again);
        assert!(is_valid_id(&v.accounts[0].id));
        assert_ne!(v.accounts[0].id, v.accounts[1].id);
        assert_eq!(v.accounts[0].modified, Some(1_764_000_000));
        assert_eq!(v.accounts[1].modified, None);
        let text = serialize(&v);
        assert!(text.starts_with("version = 2\n"), "{}", *text);
        assert_eq!(parse(p, text.as_bytes()).unwrap(), v);
        // Version 2 needs ids; version 1 has none.
        let e = parse(p, v1.replace("version = 1", "version = 2").as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("id is missing"), "{e}");
        let e = parse(p, b"version = 1\n[[removed]]\nid='0123456789abcdef0123456789abcdef'\nremoved=2025-11-24T16:00:00Z\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("version 2"), "{e}");
        let e = parse(p, b"version = 2\n[[accounts]]\nid='XYZ'\nname='a'\ntype='totp'\nsecret='JBSWY3DPEHPK3PXP'\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("hexadecimal"), "{e}");
    }

    #[test]
    fn tombstones_are_pruned_after_180_days() {
        let mut v = sample();
        v.prune_removed(1_764_000_200 + TOMBSTONE_DAYS * 86_400);
        assert_eq!(v.removed.len(), 1);
        v.prune_removed(1_764_000_201 + TOMBSTONE_DAYS * 86_400);
        assert!(v.removed.is_empty());
    }

    #[test]
    fn key_based_encrypt_decrypt() {
        let id = age::x25519::Identity::generate();
        let prot = Protection::Recipients(vec![id.to_public().to_string()]);
        let ct = encrypt(b"version = 1\n", &prot).unwrap();
        assert!(!is_passphrase_vault(Path::new("v"), &ct).unwrap());
        let key = Key::Identities {
            identities: vec![Box::new(id)],
            source: "k".into(),
        };
        assert_eq!(
            &decrypt(Path::new("v"), &ct, &key).unwrap()[..],
            b"version = 1\n"
        );
        let other = Key::Identities {
            identities: vec![Box::new(age::x25519::Identity::generate())],
            source: "k2".into(),
        };
        assert!(matches!(
            decrypt(Path::new("v"), &ct, &other),
            Err(VaultError::NoMatchingIdentity { .. })
        ));
        assert!(matches!(
            decrypt(Path::new("v"), b"hello", &key),
            Err(VaultError::NotAge(_))
        ));
    }

    #[test]
    fn header_sniff_tells_passphrase_from_key_vaults() {
        let dir = tempfile::tempdir().unwrap();
        let pass = dir.path().join("p.age");
        let mut r = age::scrypt::Recipient::new(SecretString::from("pw".to_owned()));
        r.set_work_factor(2);
        let ct =
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
        let mut out = Vec::new();
        let mut w = ct.wrap_output(&mut out).unwrap();
        w.write_all(b"version = 1\n").unwrap();
        w.finish().unwrap();
        fs::write(&pass, &out).unwrap();
        assert!(is_passphrase_vault(&pass, &out).unwrap());
        let key = dir.path().join("k.age");
        let id = age::x25519::Identity::generate();
        let ct = encrypt(
            b"version = 1\n",
            &Protection::Recipients(vec![id.to_public().to_string()]),
        )
        .unwrap();
        assert!(!is_passphrase_vault(&key, &ct).unwrap());
    }

    #[test]
    fn unique_names() {
        let v = sample();
        assert_eq!(v.unique_name("microsoft"), "microsoft-2");
        assert_eq!(v.unique_name("Token"), "Token-2");
        assert_eq!(v.unique_name("github"), "github");
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        fn account() -> impl Strategy<Value = Account> {
            (
                "[a-z][a-z0-9 ._:@-]{0,20}",
                "\\PC{0,20}",
                "\\PC{0,20}",
                proptest::collection::vec(any::<u8>(), 1..64),
                0..3u8,
                0..3u8,
                6..=10u8,
                1..=300u32,
                any::<u32>(),
                proptest::option::of(0..4_102_444_800i64),
                proptest::option::of(0..4_102_444_800i64),
            )
                .prop_map(
                    |(
                        name,
                        issuer,
                        account,
                        secret,
                        kind,
                        alg,
                        digits,
                        period,
                        counter,
                        added,
                        modified,
                    )| {
                        let kind = [Kind::Totp, Kind::Hotp, Kind::Steam][usize::from(kind)];
                        let (alg, digits) = if kind == Kind::Steam {
                            (Algorithm::Sha1, 5)
                        } else {
                            (
                                [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512]
                                    [usize::from(alg)],
                                digits,
                            )
                        };
                        let otp = Otp::new(
                            kind,
                            Secret::from_bytes(secret),
                            alg,
                            digits,
                            period,
                            u64::from(counter),
                        )
                        .unwrap();
                        Account {
                            name,
                            issuer,
                            account,
                            otp,
                            added,
                            id: new_id(),
                            modified,
                        }
                    },
                )
        }

        proptest! {
            /// serialize → parse is the identity for any vault.
            #[test]
            fn toml_round_trip(accounts in proptest::collection::vec(account(), 0..8)) {
                let mut v = Vault { recipients: vec!["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into()], accounts: vec![], removed: vec![] };
                for mut a in accounts {
                    a.name = v.unique_name(&a.name);
                    v.accounts.push(a);
                }
                let text = serialize(&v);
                prop_assert_eq!(parse(Path::new("v"), text.as_bytes()).unwrap(), v);
            }

            /// The loader never panics, whatever the plaintext.
            #[test]
            fn parse_never_panics(text in "\\PC{0,200}") {
                let _ = parse(Path::new("v"), text.as_bytes());
            }
        }
    }
}
