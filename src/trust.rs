//! Which recipients a key-based vault may be encrypted to, recorded on this computer, outside
//! the vault (SPEC §7).
//!
//! age does not prove who wrote a file: anyone who can write the vault (a sync folder, a
//! restored backup, a shared disk) and knows the user's public key can forge a vault that
//! lists the user plus themselves, and every later write would then be readable by them. So
//! the recipients are trusted only as recorded here, when `init` or `rekey` set them on this
//! computer, or on first use of a vault that has no record yet (as ssh pins a host key). A
//! write to any other recipient is refused; `authcli rekey --trust` accepts the vault's list.
//!
//! The record is one small text file per vault, in the local state folder
//! (`$XDG_STATE_HOME/authcli/trusted/`, else `~/.local/state/…`; on macOS and Windows the
//! local, non-roaming application data folder), named by a hash of the vault's canonical path.
//! Passphrase vaults need none of this: only someone who holds the passphrase can write one
//! that opens.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// What the record says of the recipients a vault lists.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every listed recipient was accepted on this computer.
    Trusted,
    /// No record yet: these were just pinned.
    Pinned,
    /// The vault lists recipients never accepted here.
    Unknown(Vec<String>),
}

/// The file of per-vault state `kind` (a folder of authcli's local state folder) for the vault
/// at `vault`, named by a hash of its absolute path.
pub fn state_file(kind: &str, vault: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(vault)?;
    let digest = Sha256::digest(absolute.as_os_str().as_encoded_bytes());
    let name = format!("{}.txt", data_encoding::HEXLOWER.encode(&digest[..12]));
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("authcli").join(kind).join(name))
        .ok_or_else(|| io::Error::other("no local state folder"))
}

/// Creates `dir` and its parents, private to the user (0700 on Unix).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// The record of the vault at `vault`: named by the vault's absolute path as written, not by
/// where a symlink points, so that a link swapped in beside the vault cannot lead to a fresh,
/// unrecorded name.
pub fn record_path(vault: &Path) -> io::Result<PathBuf> {
    state_file("trusted", vault)
}

/// The recipients accepted for `vault`; `None` when it has no record.
pub fn load(vault: &Path) -> io::Result<Option<Vec<String>>> {
    let path = record_path(vault)?;
    match fs::read_to_string(&path) {
        Ok(text) => Ok(Some(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect(),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("could not read {}: {e}", path.display()),
        )),
    }
}

/// Records `recipients` as the accepted set for `vault` (replacing the old record).
pub fn save(vault: &Path, recipients: &[String]) -> io::Result<()> {
    let path = record_path(vault)?;
    let dir = path.parent().expect("the record is in a folder");
    create_private_dir(dir)?;
    let mut text = format!(
        "# recipients accepted for the vault {} (authcli rekey --trust changes this)\n",
        std::path::absolute(vault)
            .unwrap_or_else(|_| vault.to_owned())
            .display()
    );
    for r in recipients {
        text.push_str(r);
        text.push('\n');
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// Records that the vault at `vault` is a passphrase vault (an empty list), unless it has a
/// record: a key-based vault later found at that path is then not pinned on first use, its
/// recipients are unknown until `rekey --trust`.
pub fn mark_passphrase(vault: &Path) -> io::Result<()> {
    if load(vault)?.is_none() {
        save(vault, &[])?;
    }
    Ok(())
}

/// Checks the recipients a key-based vault lists against its record; with no record yet and
/// `pin`, pins them (trust on first use), unless the vault is a symlink (which someone who can
/// write the folder can point anywhere): then, as without `pin`, they are unknown until
/// `rekey --trust`.
pub fn check(vault: &Path, listed: &[String], pin: bool) -> io::Result<Verdict> {
    let Some(accepted) = load(vault)? else {
        if !pin || fs::symlink_metadata(vault).is_ok_and(|m| m.file_type().is_symlink()) {
            return Ok(Verdict::Unknown(listed.to_vec()));
        }
        save(vault, listed)?;
        return Ok(Verdict::Pinned);
    };
    let unknown: Vec<String> = listed
        .iter()
        .filter(|r| !accepted.contains(r))
        .cloned()
        .collect();
    Ok(if unknown.is_empty() {
        Verdict::Trusted
    } else {
        Verdict::Unknown(unknown)
    })
}

/// Recipients shortened for a message: `age1abcdefgh…wxyz`, `ssh-ed25519 AAAAC3Nz…xyz`.
pub fn short(r: &str) -> String {
    let chars: Vec<char> = r.chars().collect();
    if chars.len() <= 24 {
        return r.to_owned();
    }
    let head: String = chars[..14].iter().collect();
    let tail: String = chars[chars.len() - 6..].iter().collect();
    format!("{head}…{tail}")
}
