//! How the agent process protects what it holds: the passphrase and file keys in one small
//! buffer locked in RAM and zeroized on drop ([`KeyStore`], after rbw's `locked.rs`), the
//! process kept from core dumps and `ptrace` by other processes of the user (Linux:
//! not dumpable), and SIGHUP/SIGTERM/SIGINT turned into a clean exit ([`exit_on_signals`]).
//!
//! Only this buffer is locked, not the whole process: it fits the usual 8 MiB
//! `RLIMIT_MEMLOCK` of a normal user, where locking everything (scrypt alone needs 256 MiB)
//! does not. scrypt itself works on a transient copy of the passphrase (age takes a
//! `SecretString`), zeroized when it returns.

use age_core::format::FileKey;
use age_core::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroize;

/// The longest passphrase the agent holds, in bytes.
pub const MAX_PASSPHRASE: usize = 1024;
/// How many file keys it remembers (the oldest is forgotten first).
pub const KEY_SLOTS: usize = 64;
const KEY_BYTES: usize = 16;
const SIZE: usize = MAX_PASSPHRASE + KEY_SLOTS * KEY_BYTES;

/// A stanza's fingerprint: SHA-256 over its tag, arguments and body.
pub type StanzaDigest = [u8; 32];

/// The passphrase and the remembered file keys, in one locked, zeroized buffer. The digests
/// that index the keys are not secret and live outside it.
pub struct KeyStore {
    buf: Box<[u8; SIZE]>,
    passphrase_len: usize,
    digests: Vec<StanzaDigest>,
    next: usize,
    memory: String,
    _guard: Option<region::LockGuard>,
}

impl KeyStore {
    /// Holds `passphrase` (at most [`MAX_PASSPHRASE`] bytes) in a new locked buffer; `None`
    /// for a key-based vault's agent, which holds file keys only.
    pub fn new(passphrase: Option<&SecretString>) -> Result<Self, String> {
        let pass = passphrase.map_or(&[][..], |p| p.expose_secret().as_bytes());
        if pass.len() > MAX_PASSPHRASE {
            return Err(format!(
                "the passphrase is longer than {MAX_PASSPHRASE} bytes; the agent cannot hold it"
            ));
        }
        let mut buf = Box::new([0u8; SIZE]);
        let (guard, memory) = match region::lock(buf.as_ptr(), SIZE) {
            Ok(g) => (Some(g), String::from("memory locked")),
            Err(e) => (None, format!("memory not locked ({e})")),
        };
        buf[..pass.len()].copy_from_slice(pass);
        Ok(Self {
            buf,
            passphrase_len: pass.len(),
            digests: Vec::with_capacity(KEY_SLOTS),
            next: 0,
            memory,
            _guard: guard,
        })
    }

    /// The passphrase, as age takes it (a transient copy, zeroized when dropped); `None` when
    /// the agent holds file keys only.
    pub fn passphrase(&self) -> Option<SecretString> {
        if self.passphrase_len == 0 {
            return None;
        }
        let text = String::from_utf8_lossy(&self.buf[..self.passphrase_len]).into_owned();
        Some(SecretString::from(text))
    }

    /// The file key remembered for a stanza.
    pub fn get(&self, digest: &StanzaDigest) -> Option<FileKey> {
        let slot = self.digests.iter().position(|d| d == digest)?;
        let at = MAX_PASSPHRASE + slot * KEY_BYTES;
        Some(FileKey::init_with_mut(|k| {
            k.copy_from_slice(&self.buf[at..at + KEY_BYTES]);
        }))
    }

    /// Remembers `key` for a stanza, in place of the oldest when every slot is taken.
    pub fn put(&mut self, digest: StanzaDigest, key: &FileKey) {
        if self.digests.contains(&digest) {
            return;
        }
        let slot = if self.digests.len() < KEY_SLOTS {
            self.digests.push(digest);
            self.digests.len() - 1
        } else {
            let slot = self.next;
            self.digests[slot] = digest;
            self.next = (slot + 1) % KEY_SLOTS;
            slot
        };
        let at = MAX_PASSPHRASE + slot * KEY_BYTES;
        self.buf[at..at + KEY_BYTES].copy_from_slice(key.expose_secret());
    }

    /// "memory locked", or why not.
    pub fn memory(&self) -> &str {
        &self.memory
    }
}

impl Drop for KeyStore {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

/// Keeps other processes of the user from reading the agent's memory through core dumps or
/// `ptrace` (Linux: `PR_SET_DUMPABLE` 0).
pub fn harden_process() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let _ = nix::sys::prctl::set_dumpable(false);
    }
}

/// Turns SIGHUP, SIGTERM and SIGINT into a flag that the serving loop checks, so the agent
/// exits cleanly (zeroizing its keys, removing its socket). Call before any thread exists.
#[cfg(unix)]
pub fn exit_on_signals() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    use nix::sys::signal::{SigSet, Signal};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let flag = Arc::new(AtomicBool::new(false));
    let mut set = SigSet::empty();
    for s in [Signal::SIGHUP, Signal::SIGTERM, Signal::SIGINT] {
        set.add(s);
    }
    if set.thread_block().is_ok() {
        let raised = Arc::clone(&flag);
        let waiter = std::thread::Builder::new()
            .name("signals".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                if set.wait().is_ok() {
                    raised.store(true, Ordering::SeqCst);
                }
            });
        if waiter.is_err() {
            // No thread: let the signals act as they would have (end the process).
            let _ = set.thread_unblock();
        }
    }
    flag
}

/// Elsewhere the process simply ends on a signal.
#[cfg(not(unix))]
pub fn exit_on_signals() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_by_digest_and_forgets_the_oldest() {
        let mut s = KeyStore::new(Some(&SecretString::from("pass".to_owned()))).unwrap();
        assert_eq!(s.passphrase().unwrap().expose_secret(), "pass");
        for i in 0..=KEY_SLOTS {
            let key = FileKey::init_with_mut(|k| k.fill(u8::try_from(i).unwrap()));
            s.put([u8::try_from(i).unwrap(); 32], &key);
        }
        // Slot 0 (digest 0) was reused for the last key.
        assert!(s.get(&[0; 32]).is_none());
        assert_eq!(s.get(&[1; 32]).unwrap().expose_secret(), &[1u8; 16]);
        let last = u8::try_from(KEY_SLOTS).unwrap();
        assert_eq!(s.get(&[last; 32]).unwrap().expose_secret(), &[last; 16]);
        assert_eq!(s.passphrase().unwrap().expose_secret(), "pass");
    }

    #[test]
    fn refuses_a_passphrase_it_cannot_hold() {
        let long = "x".repeat(MAX_PASSPHRASE + 1);
        assert!(KeyStore::new(Some(&SecretString::from(long))).is_err());
    }
}
