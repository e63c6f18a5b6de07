//! The unlock agent: a key agent for passphrase vaults, after gpg-agent, ssh-agent and
//! rbw-agent. It holds key material only — the vault's passphrase and the file keys it has
//! unwrapped or wrapped — and answers four requests ([`protocol`]): unwrap, wrap, status and
//! lock. Every command reads and writes the vault file itself; [`client::AgentKey`] is the
//! agent as one more age identity (to read) and recipient (to write). No account, code or TOTP
//! secret ever passes through it.
//!
//! - [`protocol`]: the versioned JSON-line requests and replies.
//! - transport: a private Unix socket with a peer-uid check ([`unix`]), or on Windows a named
//!   pipe and a token file ([`windows`], [`token`]); one agent per vault, named by a hash of
//!   the vault's canonical path.
//! - [`hardening`]: the locked, zeroized key buffer, a non-dumpable process, signals.
//! - [`server`]: the agent process; [`client`]: what commands use.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub mod client;
pub mod hardening;
pub mod protocol;
pub mod server;
pub mod token;

#[cfg(unix)]
pub mod unix;
#[cfg(unix)]
pub use unix::{Server, my_uid, peer_uid, request, socket_dir, socket_path};

#[cfg(windows)]
pub mod windows;
#[cfg(windows)]
pub use windows::{Server, request, socket_dir, socket_path};

/// How many connections may be reading their request at once; more are closed at once.
pub const MAX_PENDING: usize = 16;

/// What can go wrong talking to or running an agent.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The agent is not supported on this platform.
    #[error("the unlock agent is not supported on this platform yet")]
    Unsupported,
    /// The agent refused a request.
    #[error("the agent refused: {0}")]
    Refused(String),
    /// No folder for the socket.
    #[error("no private folder for the agent socket: {0}")]
    Dir(String),
    /// Socket I/O.
    #[error("agent socket {path}: {err}")]
    Io {
        /// The socket.
        path: PathBuf,
        /// The error.
        err: std::io::Error,
    },
    /// A reply that is not protocol JSON.
    #[error("the agent sent a malformed reply: {0}")]
    Protocol(String),
    /// The peer is another user.
    #[error("refusing the agent socket: it belongs to uid {peer}, not {me}")]
    WrongPeer {
        /// The peer's uid.
        peer: u32,
        /// Ours.
        me: u32,
    },
    /// The pipe is served by another process than the agent its token file names (Windows).
    #[error(
        "refusing the agent pipe: it is served by process {server}, not the agent (process {agent})"
    )]
    WrongServer {
        /// The process serving the pipe, as far as known (0: unknown).
        server: u32,
        /// The agent's process id, from its token file.
        agent: u32,
    },
}

/// The vault's canonical path, which names its agent. On Windows without the `\\?\` prefix
/// that `canonicalize` adds to drive paths (so `status` shows `C:\…`); UNC paths keep it.
pub fn canonical_vault(path: &Path) -> std::io::Result<PathBuf> {
    let canonical = std::fs::canonicalize(path)?;
    #[cfg(windows)]
    if let Some(rest) = canonical.to_str().and_then(|s| s.strip_prefix(r"\\?\"))
        && rest.as_bytes().get(1) == Some(&b':')
        && rest.len() < 260
    {
        return Ok(PathBuf::from(rest));
    }
    Ok(canonical)
}

/// The socket's file name for a vault: a hash of its canonical path, so several vaults can each
/// have an agent.
pub fn socket_name(canonical_vault: &Path) -> String {
    let digest = Sha256::digest(canonical_vault.as_os_str().as_encoded_bytes());
    format!(
        "agent-{}.sock",
        data_encoding::HEXLOWER.encode(&digest[..8])
    )
}

/// Whether a peer may talk to us: only our own uid.
pub fn peer_allowed(peer_uid: u32, my_uid: u32) -> bool {
    peer_uid == my_uid
}

/// Whether a failed connect means that no agent is there (nothing listens under that name, or
/// only a dead agent's leftover does): then the caller uses the vault file. Both transports.
fn nobody_listens(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_uid_may_talk_to_the_agent() {
        assert!(peer_allowed(1000, 1000));
        assert!(!peer_allowed(0, 1000));
        assert!(!peer_allowed(1001, 1000));
    }
}
