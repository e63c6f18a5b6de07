//! The vault's encryption, through age alone: a passphrase (scrypt) or age/SSH recipients, or
//! another holder of the passphrase (the unlock agent) as an age identity and recipient; and
//! identity files, read with age's own readers.

use std::fs::{self, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
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
            decryptor.decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        }
        Key::Unwrapper(id) => {
            if !is_scrypt {
                return Err(VaultError::NeedIdentity(path.to_owned()));
            }
            decryptor.decrypt(std::iter::once(id.as_ref()))
        }
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
    Ok(out)
}

/// Parses one recipient string (`age1…`, `ssh-ed25519 …`, `ssh-rsa …`).
pub fn parse_recipient(text: &str) -> Result<Box<dyn age::Recipient + Send>, String> {
    let text = text.trim();
    if text.starts_with("age1") {
        return age::x25519::Recipient::from_str(text)
            .map(|r| Box::new(r) as _)
            .map_err(|e| format!("invalid age recipient {text:?}: {e}"));
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

/// Encrypts plaintext for a [`Protection`].
pub fn encrypt(plaintext: &[u8], protection: &Protection) -> Result<Vec<u8>, VaultError> {
    let encryptor = match protection {
        Protection::Passphrase(pass) => {
            let mut r = age::scrypt::Recipient::new(pass.clone());
            r.set_work_factor(SCRYPT_WORK_FACTOR);
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        }
        Protection::Recipients(list) => {
            if list.is_empty() {
                return Err(VaultError::Encrypt(
                    "a key-based vault needs at least one recipient".into(),
                ));
            }
            let parsed = list
                .iter()
                .map(|r| parse_recipient(r))
                .collect::<Result<Vec<_>, _>>()
                .map_err(VaultError::Encrypt)?;
            age::Encryptor::with_recipients(
                parsed.iter().map(|r| r.as_ref() as &dyn age::Recipient),
            )
        }
        Protection::Wrapper(r) => age::Encryptor::with_recipients(std::iter::once(r.as_ref())),
    }
    .map_err(|e| VaultError::Encrypt(one_line(&e.to_string())))?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let io_err = |e: io::Error| VaultError::Encrypt(e.to_string());
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
}

impl IdentityFile {
    /// The recipient strings these identities decrypt for (to encrypt a vault to).
    pub fn recipients(&self) -> Vec<String> {
        self.recipients.clone()
    }
}

/// Loads an age identity file (`AGE-SECRET-KEY-1…` lines) or an unencrypted OpenSSH private key
/// (ed25519 or RSA), with age's own readers.
pub fn load_identity(path: &Path) -> Result<IdentityFile, VaultError> {
    let bad = |reason: String| VaultError::BadIdentity {
        path: path.to_owned(),
        reason,
    };
    let text = Zeroizing::new(fs::read(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            bad("no such file".into())
        } else {
            bad(e.to_string())
        }
    })?);
    let text = std::str::from_utf8(&text).map_err(|_| bad("not a text file".into()))?;
    if text.contains("AGE-SECRET-KEY-") {
        // age's message names a line number, never the line.
        let file = age::IdentityFile::from_buffer(text.as_bytes())
            .map_err(|e| bad(e.to_string().replace("identity file contains ", "")))?;
        let mut recipients = Vec::new();
        file.write_recipients_file(&mut recipients)
            .map_err(|e| bad(e.to_string()))?;
        let recipients = String::from_utf8_lossy(&recipients)
            .lines()
            .map(str::to_owned)
            .collect();
        let identities = file
            .into_identities()
            .map_err(|e| bad(e.to_string()))?
            .into_iter()
            .map(|i| i as Box<dyn age::Identity>)
            .collect();
        return Ok(IdentityFile {
            identities,
            recipients,
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
        });
    }
    Err(bad("not an age identity file or OpenSSH private key".into()))
}

/// Generates a new X25519 identity into `path` (0600, must not exist); returns its recipient.
pub fn generate_identity(path: &Path) -> Result<String, VaultError> {
    let id = age::x25519::Identity::generate();
    let recipient = id.to_public().to_string();
    let content = Zeroizing::new(format!(
        "# created by authcli: the key that opens your vault — keep it private and backed up\n# public key: {recipient}\n{}\n",
        id.to_string().expose_secret()
    ));
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
    f.write_all(content.as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)?;
    Ok(recipient)
}
