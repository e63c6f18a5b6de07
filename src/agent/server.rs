//! The agent process: holds a vault's passphrase and the file keys it has unwrapped or wrapped
//! ([`KeyStore`]), and answers unwrap, wrap, status and lock until its time is up, it is
//! locked, its socket is removed, or a signal arrives. Requests are answered one at a time;
//! they arrive whole (the transport reads each connection on a thread of its own, within a
//! deadline), so a slow client delays nobody.
//!
//! It never wraps a file key under a passphrase other than the one it was started with, and
//! it is started only with the passphrase that opened the vault then. A client asks it to wrap
//! only for a vault it read through the agent under the vault's write lock, so the agent's
//! passphrase is the vault's at that moment. `passwd` and `rekey` end the agent.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use age::Recipient as _;
use age_core::format::{FileKey, Stanza};
use sha2::{Digest, Sha256};

use super::Server;
use super::hardening::{KeyStore, StanzaDigest};
use super::protocol::{Body, ErrorKind, Op, Reply, WireStanza, decode_file_key, encode_file_key};
use crate::vault::{SCRYPT_MAX_WORK_FACTOR, SCRYPT_WORK_FACTOR};

/// The fingerprint of one header's stanzas: the key under which their file key is kept.
pub fn digest(stanzas: &[Stanza]) -> StanzaDigest {
    let mut h = Sha256::new();
    for s in stanzas {
        h.update(s.tag.as_bytes());
        for a in &s.args {
            h.update([0]);
            h.update(a.as_bytes());
        }
        h.update([1]);
        h.update(
            u64::try_from(s.body.len())
                .unwrap_or(u64::MAX)
                .to_be_bytes(),
        );
        h.update(&s.body);
    }
    h.finalize().into()
}

/// Unwraps one header's stanzas with the held passphrase: a remembered key costs nothing, a
/// new scrypt stanza costs one scrypt run and is then remembered. `Ok(None)`: not ours (other
/// stanzas, or another passphrase).
pub fn unwrap(
    store: &mut KeyStore,
    stanzas: &[Stanza],
) -> Result<Option<FileKey>, age::DecryptError> {
    let d = digest(stanzas);
    if let Some(key) = store.get(&d) {
        return Ok(Some(key));
    }
    let Some(pass) = store
        .passphrase()
        .filter(|_| matches!(stanzas, [s] if s.tag == "scrypt"))
    else {
        return Ok(None);
    };
    let mut id = age::scrypt::Identity::new(pass);
    id.set_max_work_factor(SCRYPT_MAX_WORK_FACTOR);
    match age::Identity::unwrap_stanzas(&id, stanzas) {
        Some(Ok(key)) => {
            store.put(d, &key);
            Ok(Some(key))
        }
        Some(Err(age::DecryptError::DecryptionFailed)) | None => Ok(None),
        Some(Err(e)) => Err(e),
    }
}

/// Wraps a file key under the held passphrase (one scrypt run at authcli's work factor), and
/// remembers it for the stanza, so the file written with it opens without scrypt.
pub fn wrap(store: &mut KeyStore, key: &FileKey) -> Result<Stanza, age::EncryptError> {
    let Some(pass) = store.passphrase() else {
        return Err(age::EncryptError::Io(std::io::Error::other(
            "this agent holds a key-based vault's file key, not a passphrase",
        )));
    };
    let mut r = age::scrypt::Recipient::new(pass);
    r.set_work_factor(SCRYPT_WORK_FACTOR);
    let (mut stanzas, _) = r.wrap_file_key(key)?;
    store.put(digest(&stanzas), key);
    Ok(stanzas.remove(0))
}

/// The agent's first check, before it serves: that its passphrase opens the vault whose bytes
/// these are. age reads the header, the passphrase unwraps the file key (one scrypt run; the
/// key is then remembered) and age checks the header's MAC with it; the payload is never
/// decrypted, so no account passes through the agent even here.
pub fn check(store: KeyStore, bytes: &[u8]) -> (KeyStore, Result<(), age::DecryptError>) {
    struct Held(std::cell::RefCell<KeyStore>);
    impl age::Identity for Held {
        fn unwrap_stanza(&self, s: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
            self.unwrap_stanzas(std::slice::from_ref(s))
        }
        fn unwrap_stanzas(&self, s: &[Stanza]) -> Option<Result<FileKey, age::DecryptError>> {
            unwrap(&mut self.0.borrow_mut(), s).transpose()
        }
    }
    let held = Held(std::cell::RefCell::new(store));
    let result = age::Decryptor::new_buffered(bytes)
        .and_then(|d| d.decrypt(std::iter::once(&held as &dyn age::Identity)))
        .map(drop);
    (held.0.into_inner(), result)
}

/// Holds `key` for the header of the vault whose bytes these are, once age has checked the
/// header's MAC with it (so only the key that really opens the file is kept); the payload is
/// never decrypted.
pub fn keep(store: &mut KeyStore, bytes: &[u8], key: &FileKey) -> Result<(), age::DecryptError> {
    struct Given<'a>(&'a FileKey, std::cell::Cell<Option<StanzaDigest>>);
    impl age::Identity for Given<'_> {
        fn unwrap_stanza(&self, s: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
            self.unwrap_stanzas(std::slice::from_ref(s))
        }
        fn unwrap_stanzas(&self, s: &[Stanza]) -> Option<Result<FileKey, age::DecryptError>> {
            self.1.set(Some(digest(s)));
            Some(Ok(FileKey::init_with_mut(|k| {
                k.copy_from_slice(age_core::secrecy::ExposeSecret::expose_secret(self.0));
            })))
        }
    }
    let given = Given(key, std::cell::Cell::new(None));
    age::Decryptor::new_buffered(bytes)?.decrypt(std::iter::once(&given as &dyn age::Identity))?;
    if let Some(d) = given.1.get() {
        store.put(d, key);
    }
    Ok(())
}

/// A running agent's state.
pub struct Agent {
    /// The passphrase and file keys.
    pub store: KeyStore,
    /// The vault it serves (canonical path), for `status`.
    pub vault: PathBuf,
    /// Unix seconds when it ends, for `status`.
    pub until: u64,
}

impl Agent {
    /// The answer to one request.
    pub fn handle(&mut self, op: &Op) -> Reply {
        let body = match op {
            Op::Unwrap { stanzas } => {
                let stanzas = match stanzas
                    .iter()
                    .map(Stanza::try_from)
                    .collect::<Result<Vec<_>, _>>()
                {
                    Ok(s) => s,
                    Err(e) => return Reply::error(ErrorKind::BadRequest, e),
                };
                match unwrap(&mut self.store, &stanzas) {
                    Ok(Some(key)) => Body::FileKey {
                        file_key: encode_file_key(&key),
                    },
                    Ok(None) => Body::NotMine,
                    Err(age::DecryptError::ExcessiveWork { required, .. }) => {
                        return Reply::error(
                            ErrorKind::ExcessiveWork,
                            format!(
                                "scrypt work factor {required} is above the limit of {SCRYPT_MAX_WORK_FACTOR}"
                            ),
                        );
                    }
                    Err(e) => return Reply::error(ErrorKind::Failed, e.to_string()),
                }
            }
            Op::Wrap { file_key } => {
                let Some(key) = decode_file_key(file_key) else {
                    return Reply::error(ErrorKind::BadRequest, "a file key is 16 bytes");
                };
                match wrap(&mut self.store, &key) {
                    Ok(stanza) => Body::Stanza {
                        stanza: WireStanza::from(&stanza),
                    },
                    Err(e) => return Reply::error(ErrorKind::Failed, e.to_string()),
                }
            }
            Op::Keep { file_key } => {
                if self.store.passphrase().is_some() {
                    // A passphrase vault's agent never holds a key it did not unwrap or wrap
                    // itself (a vault rekeyed elsewhere to a hardware key is not unlocked
                    // by the back door).
                    return Reply::error(
                        ErrorKind::BadRequest,
                        "this agent holds a passphrase vault's keys only",
                    );
                }
                let Some(key) = decode_file_key(file_key) else {
                    return Reply::error(ErrorKind::BadRequest, "a file key is 16 bytes");
                };
                let checked = std::fs::read(&self.vault)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| {
                        keep(&mut self.store, &bytes, &key).map_err(|e| e.to_string())
                    });
                match checked {
                    Ok(()) => Body::Kept,
                    Err(e) => {
                        return Reply::error(
                            ErrorKind::Failed,
                            format!("that key does not open the vault: {e}"),
                        );
                    }
                }
            }
            Op::Status => Body::Status {
                vault: self.vault.clone(),
                until: self.until,
                pid: std::process::id(),
                memory: self.store.memory().to_owned(),
            },
            Op::Lock => Body::Locked,
        };
        Reply::new(body)
    }
}

/// Serves until `deadline` or the agent's `until` on the wall clock (checked four times a
/// second, whatever the clients do), a `lock`, the loss of the socket, or a signal.
pub fn run(server: &Server, agent: &mut Agent, deadline: Instant, signalled: &AtomicBool) {
    loop {
        let now = Instant::now();
        // The wall clock too: `Instant` does not count a suspended laptop's sleep.
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        if now >= deadline
            || wall >= agent.until
            || !server.still_ours()
            || signalled.load(Ordering::SeqCst)
        {
            break;
        }
        let wait = (deadline - now).min(Duration::from_millis(250));
        let Some(conn) = server.accept(wait) else {
            continue;
        };
        let (reply, lock) = match conn.request() {
            Ok(req) => (agent.handle(&req.op), req.op == Op::Lock),
            Err(reply) => (reply, false),
        };
        let _ = conn.reply(&reply);
        if lock {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::SecretString;
    use age_core::secrecy::ExposeSecret;

    fn store(pass: &str) -> KeyStore {
        KeyStore::new(Some(&SecretString::from(pass.to_owned()))).unwrap()
    }

    #[test]
    fn wraps_and_unwraps_only_under_its_passphrase() {
        let mut a = store("right");
        let key = FileKey::init_with_mut(|k| k.fill(9));
        let stanza = wrap(&mut a, &key).unwrap();
        assert_eq!(stanza.tag, "scrypt");
        // Remembered: another agent with the same passphrase needs scrypt, this one does not.
        let got = unwrap(&mut a, std::slice::from_ref(&stanza))
            .unwrap()
            .unwrap();
        assert_eq!(got.expose_secret(), &[9u8; 16]);
        let mut b = store("right");
        let got = unwrap(&mut b, std::slice::from_ref(&stanza))
            .unwrap()
            .unwrap();
        assert_eq!(got.expose_secret(), &[9u8; 16]);
        // Another passphrase: not mine.
        let mut c = store("wrong");
        assert!(
            unwrap(&mut c, std::slice::from_ref(&stanza))
                .unwrap()
                .is_none()
        );
        // Stanzas that are not a lone scrypt stanza: not mine.
        let x = Stanza {
            tag: "X25519".into(),
            args: vec!["a".into()],
            body: vec![0; 32],
        };
        assert!(unwrap(&mut c, &[x]).unwrap().is_none());
    }

    #[test]
    fn only_a_key_based_vaults_agent_keeps_a_file_key_and_only_the_right_one() {
        struct Grab(age::x25519::Identity, std::cell::RefCell<Option<[u8; 16]>>);
        impl age::Identity for Grab {
            fn unwrap_stanza(&self, s: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
                let k = self.0.unwrap_stanza(s)?;
                Some(k.inspect(|k| *self.1.borrow_mut() = Some(*k.expose_secret())))
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("v.age");
        let id = age::x25519::Identity::generate();
        let bytes = {
            let r = id.to_public();
            let e = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                .unwrap();
            let mut out = Vec::new();
            let mut w = e.wrap_output(&mut out).unwrap();
            std::io::Write::write_all(&mut w, b"x").unwrap();
            w.finish().unwrap();
            out
        };
        std::fs::write(&vault, &bytes).unwrap();
        // The file key, as the client gets it from its identity.
        let d = age::Decryptor::new_buffered(&bytes[..]).unwrap();
        let grab = Grab(id, std::cell::RefCell::new(None));
        let _ = d
            .decrypt(std::iter::once(&grab as &dyn age::Identity))
            .unwrap();
        let raw = grab.1.into_inner().unwrap();
        let keep = |agent: &mut Agent, raw: [u8; 16]| {
            let key = FileKey::init_with_mut(|k| k.copy_from_slice(&raw));
            agent.handle(&Op::Keep {
                file_key: encode_file_key(&key),
            })
        };
        let mut with_pass = Agent {
            store: store("p"),
            vault: vault.clone(),
            until: 0,
        };
        assert!(matches!(keep(&mut with_pass, raw).body, Body::Error { .. }));
        let mut keys_only = Agent {
            store: KeyStore::new(None).unwrap(),
            vault,
            until: 0,
        };
        assert!(matches!(
            keep(&mut keys_only, [7; 16]).body,
            Body::Error { .. }
        ));
        assert_eq!(keep(&mut keys_only, raw).body, Body::Kept);
        // It holds no passphrase, so it wraps nothing.
        assert!(matches!(
            keys_only
                .handle(&Op::Wrap {
                    file_key: zeroize::Zeroizing::new("AAAAAAAAAAAAAAAAAAAAAA==".into()),
                })
                .body,
            Body::Error { .. }
        ));
    }

    #[test]
    fn refuses_excessive_work_and_malformed_requests() {
        let mut a = Agent {
            store: store("p"),
            vault: PathBuf::from("v"),
            until: 0,
        };
        let heavy = WireStanza {
            tag: "scrypt".into(),
            args: vec!["AAAAAAAAAAAAAAAAAAAAAA".into(), "30".into()],
            body: data_encoding::BASE64.encode(&[0u8; 32]),
        };
        let r = a.handle(&Op::Unwrap {
            stanzas: vec![heavy],
        });
        assert!(matches!(
            r.body,
            Body::Error {
                kind: ErrorKind::ExcessiveWork,
                ..
            }
        ));
        let bad = WireStanza {
            tag: "scrypt".into(),
            args: vec![],
            body: "!!".into(),
        };
        let r = a.handle(&Op::Unwrap { stanzas: vec![bad] });
        assert!(matches!(
            r.body,
            Body::Error {
                kind: ErrorKind::BadRequest,
                ..
            }
        ));
        let r = a.handle(&Op::Wrap {
            file_key: zeroize::Zeroizing::new("AAAA".into()),
        });
        assert!(matches!(
            r.body,
            Body::Error {
                kind: ErrorKind::BadRequest,
                ..
            }
        ));
    }
}
