//! The vault's encryption, through age alone: a passphrase (scrypt) or age/SSH recipients, or
//! another holder of the passphrase (the unlock agent) as an age identity and recipient; and
//! identity files, read with age's own readers.

use std::fs::{self, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use age_core::format::{FileKey, Stanza};
use zeroize::Zeroizing;

use super::file::create_private_dir;
use super::{Key, Protection, SCRYPT_MAX_WORK_FACTOR, SCRYPT_WORK_FACTOR, VaultError};
use crate::text::one_line;
/// Whether these bytes are an age file encrypted to a passphrase (`true`) or to keys (`false`).
pub fn is_passphrase_vault(path: &Path, bytes: &[u8]) -> Result<bool, VaultError> {
    match age::Decryptor::new_buffered(bytes) {
        Ok(d) => Ok(d.is_scrypt()),
        Err(e) => Err(header_error(path, bytes, &e)),
    }
}

fn header_error(path: &Path, bytes: &[u8], e: &age::DecryptError) -> VaultError {
    if !bytes.starts_with(b"age-encryption.org/") {
        return VaultError::NotAge(path.to_owned());
    }
    VaultError::Corrupt {
        path: path.to_owned(),
        detail: one_line(&e.to_string()),
    }
}

/// Decrypts a vault file's bytes.
pub fn decrypt(path: &Path, bytes: &[u8], key: &Key) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    decrypt_keeping_key(path, bytes, key).map(|(plain, _)| plain)
}

/// Decrypts a vault file's bytes, and with identities, keeps the file key they unwrapped too
/// (for the unlock agent to hold, so that the next command asks nothing).
pub fn decrypt_keeping_key(
    path: &Path,
    bytes: &[u8],
    key: &Key,
) -> Result<(Zeroizing<Vec<u8>>, Option<FileKey>), VaultError> {
    let mut kept = None;
    let decryptor =
        age::Decryptor::new_buffered(bytes).map_err(|e| header_error(path, bytes, &e))?;
    let is_scrypt = decryptor.is_scrypt();
    let reader = match key {
        Key::Passphrase(pass) => {
            if !is_scrypt {
                return Err(VaultError::NeedIdentity(path.to_owned()));
            }
            let mut id = age::scrypt::Identity::new(pass.clone());
            id.set_max_work_factor(SCRYPT_MAX_WORK_FACTOR);
            decryptor.decrypt(std::iter::once(&id as &dyn age::Identity))
        }
        Key::Identities { identities, .. } => {
            if is_scrypt {
                return Err(VaultError::NeedPassphrase(path.to_owned()));
            }
            let caught = Catch {
                inner: identities,
                key: std::cell::RefCell::new(None),
            };
            let reader = decryptor.decrypt(std::iter::once(&caught as &dyn age::Identity));
            kept = caught.key.into_inner();
            reader
        }
        Key::Unwrapper(id) => decryptor.decrypt(std::iter::once(id.as_ref())),
    };
    let mut reader = reader.map_err(|e| match e {
        age::DecryptError::DecryptionFailed if is_scrypt => {
            VaultError::WrongPassphrase(path.to_owned())
        }
        age::DecryptError::NoMatchingKeys => match key {
            Key::Identities { source, .. } => VaultError::NoMatchingIdentity {
                path: path.to_owned(),
                identity: source.display().to_string(),
            },
            Key::Passphrase(_) | Key::Unwrapper(_) => VaultError::WrongPassphrase(path.to_owned()),
        },
        age::DecryptError::ExcessiveWork { required, .. } => VaultError::ExcessiveWork {
            path: path.to_owned(),
            required,
        },
        e @ (age::DecryptError::Plugin(_) | age::DecryptError::PluginResolve(_)) => {
            VaultError::Plugin {
                path: path.to_owned(),
                detail: plugin_error(&e.to_string()),
            }
        }
        other => VaultError::Corrupt {
            path: path.to_owned(),
            detail: one_line(&other.to_string()),
        },
    })?;
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    reader
        .read_to_end(&mut out)
        .map_err(|e| VaultError::Corrupt {
            path: path.to_owned(),
            detail: one_line(&e.to_string()),
        })?;
    Ok((out, kept))
}

/// Parses one recipient string (`age1…`, `ssh-ed25519 …`, `ssh-rsa …`, or an age plugin's
/// `age1NAME1…`, whose plugin must then be on `PATH`).
pub fn parse_recipient(text: &str) -> Result<Box<dyn age::Recipient + Send>, String> {
    let text = text.trim();
    if text.starts_with("age1") {
        if let Ok(r) = age::x25519::Recipient::from_str(text) {
            return Ok(Box::new(r));
        }
        let r = age::plugin::Recipient::from_str(text)
            .map_err(|e| format!("invalid age recipient {text:?}: {e}"))?;
        // Wrapping a file key for a plugin recipient is a public-key operation: no PIN, no touch.
        return age::plugin::RecipientPluginV1::new(
            r.plugin(),
            std::slice::from_ref(&r),
            &[],
            age::NoCallbacks,
        )
        .map(|p| Box::new(p) as _)
        .map_err(|e| format!("recipient {}…: {}", cut(text), resolve_error(&e)));
    }
    if text.starts_with("ssh-") {
        return age::ssh::Recipient::from_str(text)
            .map(|r| Box::new(r) as _)
            .map_err(|e| format!("invalid SSH recipient {text:?}: {e:?}"));
    }
    Err(format!(
        "invalid recipient {:?}: expected an age1… key or an ssh-ed25519/ssh-rsa public key",
        text.chars().take(60).collect::<String>()
    ))
}

fn cut(text: &str) -> String {
    text.chars().take(24).collect()
}

/// age's message about a plugin as one line, without the Unicode isolation marks its
/// translations put around names.
fn plugin_error(message: &str) -> String {
    one_line(&message.replace(['\u{2068}', '\u{2069}'], ""))
}

/// A plugin that cannot be run, said plainly.
fn resolve_error(e: &age::plugin::ResolveError) -> String {
    match e {
        age::plugin::ResolveError::MissingPlugin { binary_name } => format!(
            "needs the age plugin {binary_name}, which is not on PATH (install it, or fix PATH)"
        ),
        other => plugin_error(&other.to_string()),
    }
}

/// Encrypts plaintext for a [`Protection`].
pub fn encrypt(plaintext: &[u8], protection: &Protection) -> Result<Vec<u8>, VaultError> {
    encrypt_with(plaintext, protection, None)
}

fn encrypt_with(
    plaintext: &[u8],
    protection: &Protection,
    keep: Option<&std::cell::RefCell<Option<FileKey>>>,
) -> Result<Vec<u8>, VaultError> {
    let scrypt;
    let parsed;
    let list: Vec<&dyn age::Recipient> = match protection {
        Protection::Passphrase(pass) => {
            let mut r = age::scrypt::Recipient::new(pass.clone());
            r.set_work_factor(SCRYPT_WORK_FACTOR);
            scrypt = r;
            vec![&scrypt]
        }
        Protection::Recipients(list) => {
            if list.is_empty() {
                return Err(VaultError::Encrypt(
                    "a key-based vault needs at least one recipient".into(),
                ));
            }
            parsed = list
                .iter()
                .map(|r| parse_recipient(r))
                .collect::<Result<Vec<_>, _>>()
                .map_err(VaultError::Encrypt)?;
            parsed
                .iter()
                .map(|r| r.as_ref() as &dyn age::Recipient)
                .collect()
        }
        Protection::Wrapper(r) => vec![r.as_ref()],
    };
    let kept;
    let mut list = list;
    if let Some(key) = keep {
        kept = Keep {
            inner: list[0],
            key,
        };
        list[0] = &kept;
    }
    let encryptor = age::Encryptor::with_recipients(list.into_iter())
        .map_err(|e| VaultError::Encrypt(one_line(&e.to_string())))?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let io_err = |e: io::Error| VaultError::Encrypt(one_line(&e.to_string()));
    let mut w = encryptor.wrap_output(&mut out).map_err(io_err)?;
    w.write_all(plaintext).map_err(io_err)?;
    w.finish().map_err(io_err)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// identities

/// A loaded identity file: the identities, and the recipients they decrypt for.
pub struct IdentityFile {
    /// Identities to decrypt with.
    pub identities: Vec<Box<dyn age::Identity>>,
    recipients: Vec<String>,
    /// Opening with it asks the person: a passphrase-protected file, or a plugin (PIN, touch).
    pub asks: bool,
}

impl IdentityFile {
    /// The recipient strings these identities decrypt for (to encrypt a vault to). A plugin
    /// identity's recipient is known only from its file's `# recipient: age1…` comment, as
    /// plugins write them; none found leaves this empty.
    pub fn recipients(&self) -> Vec<String> {
        self.recipients.clone()
    }
}

/// Loads an identity file: age identities (`AGE-SECRET-KEY-1…`, or a plugin's `AGE-PLUGIN-…`,
/// whose prompts go to `callbacks`), an unencrypted OpenSSH private key (ed25519 or RSA), or
/// either of the first sealed with a passphrase (`age -p`, binary or armored), asked of
/// `passphrase` only then. All through age's own readers.
pub fn load_identity<C: age::Callbacks>(
    path: &Path,
    passphrase: &dyn Fn() -> Result<SecretString, String>,
    callbacks: C,
) -> Result<IdentityFile, VaultError> {
    let bad = |reason: String| VaultError::BadIdentity {
        path: path.to_owned(),
        reason,
    };
    let bytes = Zeroizing::new(fs::read(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            bad("no such file".into())
        } else {
            bad(e.to_string())
        }
    })?);
    let Some(sealed) = sealed(&bytes).map_err(bad)? else {
        return parse_identity(path, &bytes, false, callbacks);
    };
    if !is_passphrase_vault(path, &sealed).map_err(|_| bad("a damaged age file".into()))? {
        return Err(bad(
            "encrypted to keys, not to a passphrase; an identity file can be sealed only with a passphrase (age -p)".into(),
        ));
    }
    let pass = passphrase().map_err(bad)?;
    let text = decrypt(path, &sealed, &Key::Passphrase(pass)).map_err(|e| match e {
        VaultError::WrongPassphrase(_) => bad("wrong passphrase".into()),
        VaultError::Corrupt { detail, .. } => bad(format!("damaged ({detail})")),
        other => other,
    })?;
    parse_identity(path, &text, true, callbacks)
}

/// [`load_identity`] without asking anything: a sealed identity file fails, a plugin's
/// questions go unanswered.
pub fn load_identity_without_asking(path: &Path) -> Result<IdentityFile, VaultError> {
    load_identity(
        path,
        &|| Err("sealed with a passphrase".into()),
        age::NoCallbacks,
    )
}

/// The age file in an identity file sealed with a passphrase (armor removed); `None` for a
/// plain identity file.
fn sealed(bytes: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, String> {
    if bytes.starts_with(b"age-encryption.org/") {
        return Ok(Some(Zeroizing::new(bytes.to_vec())));
    }
    if !bytes
        .trim_ascii_start()
        .starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
    {
        return Ok(None);
    }
    let mut out = Zeroizing::new(Vec::new());
    age::armor::ArmoredReader::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| format!("damaged armor ({})", one_line(&e.to_string())))?;
    Ok(Some(out))
}

fn parse_identity<C: age::Callbacks>(
    path: &Path,
    bytes: &[u8],
    sealed: bool,
    callbacks: C,
) -> Result<IdentityFile, VaultError> {
    let bad = |reason: String| VaultError::BadIdentity {
        path: path.to_owned(),
        reason,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| bad("not a text file".into()))?;
    if text.contains("AGE-SECRET-KEY-") || text.contains("AGE-PLUGIN-") {
        // age's message names a line number, never the line.
        let file = age::IdentityFile::from_buffer(text.as_bytes())
            .map_err(|e| bad(e.to_string().replace("identity file contains ", "")))?;
        let mut recipients = Vec::new();
        let mut plugins = false;
        for line in text.lines().map(str::trim) {
            if let Ok(id) = age::x25519::Identity::from_str(line) {
                recipients.push(id.to_public().to_string());
            } else if line.starts_with("AGE-PLUGIN-") {
                plugins = true;
            }
        }
        if plugins {
            for r in commented_recipients(text) {
                if !recipients.contains(&r) {
                    recipients.push(r);
                }
            }
        }
        let identities = file
            .with_callbacks(callbacks)
            .into_identities()
            .map_err(|e| match e {
                age::DecryptError::PluginResolve(r) => bad(resolve_error(&r)),
                other => bad(plugin_error(&other.to_string())),
            })?
            .into_iter()
            .map(|i| i as Box<dyn age::Identity>)
            .collect();
        return Ok(IdentityFile {
            identities,
            recipients,
            asks: sealed || plugins,
        });
    }
    if text.contains("PRIVATE KEY-----") {
        let id = age::ssh::Identity::from_buffer(
            BufReader::new(text.as_bytes()),
            Some(path.display().to_string()),
        )
        .map_err(|e| bad(format!("not a usable SSH private key ({e})")))?;
        let recipient = match &id {
            age::ssh::Identity::Unencrypted(_) => age::ssh::Recipient::try_from(id.clone())
                .map_err(|e| bad(format!("cannot derive its public key: {e:?}")))?
                .to_string(),
            age::ssh::Identity::Encrypted(_) => {
                return Err(bad(
                    "passphrase-protected SSH keys are not supported; use an unencrypted key or an age identity".into(),
                ));
            }
            age::ssh::Identity::Unsupported(k) => {
                return Err(bad(format!("unsupported SSH key type ({k:?})")));
            }
        };
        return Ok(IdentityFile {
            identities: vec![Box::new(id)],
            recipients: vec![recipient],
            asks: sealed,
        });
    }
    Err(bad("not an age identity file or OpenSSH private key".into()))
}

/// The `age1…` recipients named in an identity file's comments (`# recipient: age1…`,
/// `#    Recipient: age1…`, `# public key: age1…`), as plugins and age-keygen write them.
fn commented_recipients(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('#'))
        .filter_map(|c| {
            let (label, value) = c.split_once(':')?;
            let label = label.trim().to_ascii_lowercase();
            let value = value.trim();
            ((label == "recipient" || label == "public key") && value.starts_with("age1"))
                .then(|| value.to_owned())
        })
        .collect()
}

/// Identities that keep a copy of the file key they unwrap.
struct Catch<'a> {
    inner: &'a [Box<dyn age::Identity>],
    key: std::cell::RefCell<Option<FileKey>>,
}

impl age::Identity for Catch<'_> {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        self.unwrap_stanzas(std::slice::from_ref(stanza))
    }

    fn unwrap_stanzas(&self, stanzas: &[Stanza]) -> Option<Result<FileKey, age::DecryptError>> {
        let found = self.inner.iter().find_map(|i| i.unwrap_stanzas(stanzas))?;
        Some(found.inspect(|k| *self.key.borrow_mut() = Some(copy_key(k))))
    }
}

fn copy_key(k: &FileKey) -> FileKey {
    FileKey::init_with_mut(|out| out.copy_from_slice(k.expose_secret()))
}

/// Encrypts for a [`Protection`] and returns the new file key too (for the unlock agent to
/// hold, so that the file just written opens without asking the person again).
pub fn encrypt_keeping_key(
    plaintext: &[u8],
    protection: &Protection,
) -> Result<(Vec<u8>, Option<FileKey>), VaultError> {
    let key = std::cell::RefCell::new(None);
    let bytes = encrypt_with(plaintext, protection, Some(&key))?;
    Ok((bytes, key.into_inner()))
}

/// A recipient that keeps a copy of the file key it wraps.
struct Keep<'a> {
    inner: &'a dyn age::Recipient,
    key: &'a std::cell::RefCell<Option<FileKey>>,
}

impl age::Recipient for Keep<'_> {
    fn wrap_file_key(
        &self,
        file_key: &FileKey,
    ) -> Result<(Vec<Stanza>, std::collections::HashSet<String>), age::EncryptError> {
        *self.key.borrow_mut() = Some(copy_key(file_key));
        self.inner.wrap_file_key(file_key)
    }
}

/// Generates a new X25519 identity into `path` (0600, must not exist), sealed with `seal` as
/// `age -p` would when given; returns its recipient.
pub fn generate_identity(path: &Path, seal: Option<SecretString>) -> Result<String, VaultError> {
    let id = age::x25519::Identity::generate();
    let recipient = id.to_public().to_string();
    let content = Zeroizing::new(format!(
        "# created by authcli: the key that opens your vault — keep it private and backed up\n# public key: {recipient}\n{}\n",
        id.to_string().expose_secret()
    ));
    let bytes = match seal {
        Some(p) => Zeroizing::new(encrypt(content.as_bytes(), &Protection::Passphrase(p))?),
        None => Zeroizing::new(content.as_bytes().to_vec()),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let io = |err| VaultError::Io {
        action: "could not create identity file",
        path: path.to_owned(),
        err,
    };
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(&bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    Ok(recipient)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_recipients_come_from_the_comments_plugins_write() {
        let text = "# created: 2026-12-05T10:00:00Z\n\
                    #    Recipient: age1yubikey1qexample\n\
                    # public key: age1se1qother\n\
                    # note: age1notarecipient\n\
                    AGE-PLUGIN-YUBIKEY-1XYZ\n";
        assert_eq!(
            commented_recipients(text),
            ["age1yubikey1qexample", "age1se1qother"]
        );
    }

    #[test]
    fn sealed_identity_files_are_told_apart_from_plain_ones() {
        let pass = SecretString::from("p".to_owned());
        let plain = b"AGE-SECRET-KEY-1...\n";
        assert!(sealed(plain).unwrap().is_none());
        let binary = encrypt(plain, &Protection::Passphrase(pass)).unwrap();
        assert_eq!(&sealed(&binary).unwrap().unwrap()[..], &binary[..]);
        let mut armored = Vec::new();
        let mut w =
            age::armor::ArmoredWriter::wrap_output(&mut armored, age::armor::Format::AsciiArmor)
                .unwrap();
        w.write_all(&binary).unwrap();
        w.finish().unwrap();
        assert_eq!(&sealed(&armored).unwrap().unwrap()[..], &binary[..]);
        let mut broken = armored.clone();
        broken.truncate(60);
        assert!(sealed(&broken).is_err());
    }
}
