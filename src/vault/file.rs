//! The vault file: reading it, the exclusive lock for a read-modify-write, and the crash-safe
//! write (temp file in the same folder, fsync, the old file kept as `.bak`, rename, fsync of
//! the folder).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::VaultError;
/// Reads the vault file's bytes.
pub fn read(path: &Path) -> Result<Vec<u8>, VaultError> {
    fs::read(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            VaultError::NotFound(path.to_owned())
        } else {
            VaultError::Io {
                action: "could not read vault",
                path: path.to_owned(),
                err: e,
            }
        }
    })
}

/// Creates a folder (and parents) with mode 0700 on Unix.
pub fn create_private_dir(dir: &Path) -> Result<(), VaultError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|err| VaultError::Io {
        action: "could not create folder",
        path: dir.to_owned(),
        err,
    })
}

/// `<vault>.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".bak");
    PathBuf::from(s)
}

/// Makes `<vault>.bak` a copy of the current vault. After a passphrase or key change this keeps
/// the old passphrase or key from opening the backup. Call with the [`Lock`] held.
pub fn refresh_backup(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map_or_else(|| "vault".into(), |n| n.to_string_lossy().into_owned());
    let bak_tmp = dir.join(format!(".{file_name}.bak.tmp"));
    let _ = fs::remove_file(&bak_tmp);
    fs::copy(path, &bak_tmp)?;
    sync_file(&bak_tmp)?;
    fs::rename(&bak_tmp, backup_path(path))?;
    sync_dir(&dir);
    Ok(())
}

/// `<vault>.lock`, the file the write lock is taken on.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// An exclusive lock on a vault, held until dropped.
pub struct Lock {
    _file: File,
}

/// Takes the exclusive lock for a read-modify-write of the vault at `path` (blocking).
pub fn lock(path: &Path) -> Result<Lock, VaultError> {
    lock_with(path, true).map(|l| l.expect("a blocking lock is always taken"))
}

/// Takes the exclusive lock if it is free now; `None` while another process holds it.
pub fn try_lock(path: &Path) -> Result<Option<Lock>, VaultError> {
    lock_with(path, false)
}

fn lock_with(path: &Path, wait: bool) -> Result<Option<Lock>, VaultError> {
    let lp = lock_path(path);
    if let Some(dir) = lp.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let io = |err| VaultError::Io {
        action: "could not lock vault",
        path: lp.clone(),
        err,
    };
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let file = opts.open(&lp).map_err(io)?;
    // fs4: flock / LockFileEx, as std's File::lock (Rust 1.89) does, within rust-version.
    if wait {
        fs4::fs_std::FileExt::lock_exclusive(&file).map_err(io)?;
    } else if !fs4::fs_std::FileExt::try_lock_exclusive(&file).map_err(io)? {
        return Ok(None);
    }
    Ok(Some(Lock { _file: file }))
}

/// Writes `bytes` as the new vault at `path`, crash-safely; the old one becomes `<vault>.bak`.
///
/// Call with the [`Lock`] held.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), VaultError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let io = |action: &'static str, p: &Path| {
        let p = p.to_owned();
        move |err: io::Error| VaultError::Io {
            action,
            path: p,
            err: without_path(err),
        }
    };
    let file_name = path
        .file_name()
        .map_or_else(|| "vault".into(), |n| n.to_string_lossy().into_owned());
    remove_stale_temp_files(&dir, &file_name);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io("could not create a temporary file in", &dir))?;
    tmp.write_all(bytes)
        .map_err(io("could not write vault", path))?;
    tmp.as_file()
        .sync_all()
        .map_err(io("could not write vault", path))?;

    // Keep the previous vault as .bak: a hard link costs no copy and is atomic.
    if path.exists() {
        let bak = backup_path(path);
        let bak_tmp = dir.join(format!(".{file_name}.bak.tmp"));
        let _ = fs::remove_file(&bak_tmp);
        if fs::hard_link(path, &bak_tmp).is_err() {
            fs::copy(path, &bak_tmp).map_err(io("could not back up the vault to", &bak_tmp))?;
            sync_file(&bak_tmp).map_err(io("could not back up the vault to", &bak_tmp))?;
        }
        fs::rename(&bak_tmp, &bak).map_err(io("could not back up the vault to", &bak))?;
        // When .bak already was this very file (a writer killed just after linking it), rename
        // is a no-op that leaves the temporary link behind.
        let _ = fs::remove_file(&bak_tmp);
    }
    tmp.persist(path)
        .map_err(|e| io("could not replace vault", path)(e.error))?;
    sync_dir(&dir);
    Ok(())
}

/// tempfile appends "at path …" to its errors; our messages name the file already.
fn without_path(e: io::Error) -> io::Error {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((msg, _)) => io::Error::new(e.kind(), msg.to_owned()),
        None => e,
    }
}

/// Temporary files of writers that were killed mid-write (`.<vault>.*.tmp`). Only called with the
/// lock held, so no live writer owns one.
fn remove_stale_temp_files(dir: &Path, file_name: &str) {
    let prefix = format!(".{file_name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(".tmp") {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Flushes a file that is already written (a copy) to disk. Windows' `FlushFileBuffers` needs a
/// handle with write access (a read-only one gives "Access denied"); Unix's `fsync` does not.
fn sync_file(path: &Path) -> io::Result<()> {
    OpenOptions::new()
        .read(true)
        .write(cfg!(windows))
        .open(path)?
        .sync_all()
}

fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The default vault path: `$XDG_DATA_HOME/authcli/vault.age` (Linux), Application Support
/// (macOS), `%APPDATA%` (Windows).
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("authcli").join("vault.age"))
}

/// The conflict copies of the vault at `path` that sync tools leave beside it, sorted by name:
/// for `vault.age`,
/// - Syncthing: `vault.sync-conflict-20261205-101500-ABCDEF1.age`;
/// - Dropbox: `vault (conflicted copy 2026-12-05).age`, `vault (Laptop's conflicted copy
///   2026-12-05).age`; Nextcloud and ownCloud: `vault (conflicted copy 2026-12-05 101500).age`;
/// - `OneDrive`: `vault-HOSTNAME.age`; iCloud Drive: `vault 2.age`.
///
/// Only files that start as age files count (a `vault-old.age` of another kind is not one).
/// One `read_dir` of the vault's folder.
pub fn conflict_copies(path: &Path) -> Vec<PathBuf> {
    let (Some(stem), Some(ext)) = (
        path.file_stem().and_then(|s| s.to_str()),
        path.extension().and_then(|s| s.to_str()),
    ) else {
        return Vec::new();
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| is_conflict_name(stem, ext, n))
        })
        .map(|e| e.path())
        .filter(|p| starts_as_age(p))
        .collect();
    out.sort();
    out
}

/// Whether `name` is a sync tool's name for a conflict copy of `<stem>.<ext>`.
pub fn is_conflict_name(stem: &str, ext: &str, name: &str) -> bool {
    let Some(middle) = name
        .strip_prefix(stem)
        .and_then(|n| n.strip_suffix(ext))
        .and_then(|n| n.strip_suffix('.'))
    else {
        return false;
    };
    if let Some(rest) = middle.strip_prefix(".sync-conflict-") {
        // YYYYMMDD-HHMMSS-DEVICE
        let parts: Vec<&str> = rest.splitn(3, '-').collect();
        return parts.len() == 3
            && parts[0].len() == 8
            && parts[1].len() == 6
            && parts[..2]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
            && !parts[2].is_empty();
    }
    if let Some(inner) = middle.strip_prefix(" (").and_then(|m| m.strip_suffix(')')) {
        return inner.contains("conflicted copy ") || inner.contains("Conflicted copy ");
    }
    if let Some(n) = middle.strip_prefix(' ') {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    if let Some(host) = middle.strip_prefix('-') {
        return !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    }
    false
}

fn starts_as_age(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 19];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"age-encryption.org/")
}

#[cfg(test)]
mod tests {
    use super::is_conflict_name;

    #[test]
    fn conflict_copy_names() {
        for yes in [
            "vault.sync-conflict-20261205-101500-ABCDEF1.age",
            "vault (conflicted copy 2026-12-05).age",
            "vault (Laptop's conflicted copy 2026-12-05).age",
            "vault (conflicted copy 2026-12-05 101500).age",
            "vault-DESKTOP-1234.age",
            "vault 2.age",
        ] {
            assert!(is_conflict_name("vault", "age", yes), "{yes}");
        }
        for no in [
            "vault.age",
            "vault.age.bak",
            "vault.age.lock",
            ".vault.age.x1.tmp",
            "vault (copy).age",
            "vault.sync-conflict-2026-101500-A.age",
            "vault-.age",
            "vault 2b.age",
            "other.sync-conflict-20261205-101500-ABCDEF1.age",
            "vault-x.txt",
        ] {
            assert!(!is_conflict_name("vault", "age", no), "{no}");
        }
    }
}
