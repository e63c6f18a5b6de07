//! What commands use of the agent: [`AgentKey`], the agent as an age identity (unwrap the
//! vault's file key) and an age recipient (wrap a new file key under the same passphrase), so
//! the ordinary read and the ordinary crash-safe write need no path of their own; and the
//! `status` and `lock` requests.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use age_core::format::{FileKey, Stanza};

use super::AgentError;
use super::protocol::{Body, Op, Reply, Request, WireStanza, decode_file_key, encode_file_key};

/// The agent for one vault, as a source of its file key.
pub struct AgentKey {
    socket: PathBuf,
}

impl AgentKey {
    /// The agent of the vault at `vault`, if the vault exists (whether an agent runs is known
    /// only when it is asked).
    pub fn for_vault(vault: &Path) -> Option<Self> {
        let canonical = super::canonical_vault(vault).ok()?;
        let socket = super::socket_path(&canonical).ok()?;
        Some(Self { socket })
    }

    /// The socket (or on Windows the token file) this agent answers on.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// One request; `Ok(None)`: no agent answers.
    pub fn ask(&self, op: Op) -> Result<Option<Body>, AgentError> {
        #[cfg(any(unix, windows))]
        {
            let reply: Option<Reply> = super::request(&self.socket, &Request::new(op))?;
            Ok(reply.map(|r| r.body))
        }
        #[cfg(not(any(unix, windows)))]
        {
            let _ = op;
            Ok(None)
        }
    }
}

/// Ends the agent of the vault at `vault`, if one runs (for `lock`, and for `passwd` and
/// `rekey`, which change the key); whether one answered. Waits briefly for it to go, so that a
/// new agent can take its place.
pub fn end(vault: &Path) -> Result<bool, AgentError> {
    let Some(agent) = AgentKey::for_vault(vault) else {
        return Ok(false);
    };
    let answered = agent.ask(Op::Lock)?.is_some();
    if answered {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while agent.socket().exists() && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    Ok(answered)
}

/// Hands the agent of the vault at `vault`, if one runs, the file key of the vault as just
/// written (a key-based vault: the agent checks it against the file, then holds it). Quiet:
/// without an agent the next command simply asks the identity again.
pub fn keep(vault: &Path, key: &FileKey) {
    if let Some(agent) = AgentKey::for_vault(vault) {
        let _ = agent.ask(Op::Keep {
            file_key: encode_file_key(key),
        });
    }
}

/// A failed request is "not mine": the caller goes on to the next source of the key. Only a
/// real fault (not an absent agent) is worth a warning.
fn warn(e: &AgentError) {
    eprintln!("authcli: warning: {e}; asking for the passphrase instead");
}

impl age::Identity for AgentKey {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        self.unwrap_stanzas(std::slice::from_ref(stanza))
    }

    fn unwrap_stanzas(&self, stanzas: &[Stanza]) -> Option<Result<FileKey, age::DecryptError>> {
        let op = Op::Unwrap {
            stanzas: stanzas.iter().map(WireStanza::from).collect(),
        };
        match self.ask(op) {
            Ok(Some(Body::FileKey { file_key })) => {
                let key = decode_file_key(&file_key);
                if key.is_none() {
                    warn(&AgentError::Protocol("a malformed file key".into()));
                }
                key.map(Ok)
            }
            Ok(Some(Body::Error { error, .. })) => {
                warn(&AgentError::Refused(error));
                None
            }
            Ok(_) => None,
            Err(e) => {
                warn(&e);
                None
            }
        }
    }
}

impl age::Recipient for AgentKey {
    fn wrap_file_key(
        &self,
        file_key: &FileKey,
    ) -> Result<(Vec<Stanza>, HashSet<String>), age::EncryptError> {
        let fail = |msg: String| age::EncryptError::Io(std::io::Error::other(msg));
        let op = Op::Wrap {
            file_key: encode_file_key(file_key),
        };
        let stanza = match self.ask(op) {
            Ok(Some(Body::Stanza { stanza })) => stanza,
            Ok(Some(Body::Error { error, .. })) => {
                return Err(fail(format!("the unlock agent refused: {error}")));
            }
            Ok(_) => {
                return Err(fail(
                    "the unlock agent has ended; run the command again".into(),
                ));
            }
            Err(e) => return Err(fail(e.to_string())),
        };
        let stanza = Stanza::try_from(&stanza).map_err(fail)?;
        if stanza.tag != "scrypt" {
            return Err(fail(
                "the unlock agent sent a stanza that is not scrypt".into(),
            ));
        }
        // Like age's own scrypt recipient: a label of its own, so that no other recipient can
        // be mixed in.
        let mut label = [0u8; 16];
        getrandom::getrandom(&mut label).map_err(|e| fail(e.to_string()))?;
        Ok((
            vec![stanza],
            std::iter::once(data_encoding::HEXLOWER.encode(&label)).collect(),
        ))
    }
}
