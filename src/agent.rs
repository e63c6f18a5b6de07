//! The unlock agent's transport and protocol: where its socket lives, the versioned JSON-line
//! requests and replies, the peer check, and a client and a server loop. No vault logic here:
//! the server calls a handler that `cmd::agent` supplies.
//!
//! One agent per vault: the socket's name is derived from the vault's canonical path, in a
//! private folder (`$XDG_RUNTIME_DIR/authcli/`, else `<cache>/authcli/agent/`, else
//! `<tmp>/authcli-<uid>/`, each 0700 and owned by the user). Every connection's peer must have
//! our uid (`SO_PEERCRED` on Linux, `getpeereid` on macOS and the BSDs); others are refused.
//!
//! Unix only for now: on other platforms [`supported`] is false and the client never connects.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::Summary;

/// The protocol version spoken here.
pub const VERSION: u32 = 1;

/// The longest request or reply line accepted.
pub const MAX_LINE: u64 = 1 << 20;

/// Whether this platform has the agent.
pub const fn supported() -> bool {
    cfg!(unix)
}

/// What can go wrong talking to or running an agent.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The agent is not supported on this platform.
    #[error("the unlock agent is not supported on this platform yet")]
    Unsupported,
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
}

/// A request, one JSON line: `{"v":1,"op":"code","query":"github","at":1764000000}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Protocol version.
    pub v: u32,
    /// The operation.
    #[serde(flatten)]
    pub op: Op,
}

impl Request {
    /// A request in the current version.
    pub fn new(op: Op) -> Self {
        Self { v: VERSION, op }
    }
}

/// The operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
pub enum Op {
    /// The code of one TOTP/Steam account at unix time `at` (HOTP is refused: counters are
    /// spent through the vault file).
    Code {
        /// QUERY, as for `authcli code`.
        query: String,
        /// Unix seconds.
        at: u64,
    },
    /// Account metadata, optionally with codes at `at`.
    List {
        /// Only accounts whose name, issuer or account contain this.
        #[serde(default)]
        filter: Option<String>,
        /// Unix seconds for codes; `None`: no codes.
        #[serde(default)]
        codes_at: Option<u64>,
    },
    /// Which vault, until when.
    Status,
    /// Exit now.
    Lock,
}

/// A reply, one JSON line: `{"v":1,"ok":true,…}` or `{"v":1,"ok":false,"kind":…,"error":…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// Protocol version.
    pub v: u32,
    /// The answer.
    #[serde(flatten)]
    pub body: Body,
}

impl Reply {
    /// A reply in the current version.
    pub fn new(body: Body) -> Self {
        Self { v: VERSION, body }
    }

    /// An error reply.
    pub fn error(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::new(Body::Error {
            kind,
            error: message.into(),
        })
    }
}

/// Reply bodies, told apart by `"reply"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "lowercase")]
pub enum Body {
    /// For `code`.
    Code(CodeReply),
    /// For `list`.
    List {
        /// The accounts.
        accounts: Vec<Summary>,
    },
    /// For `status`.
    Status {
        /// The vault (canonical path).
        vault: PathBuf,
        /// Unix seconds when the agent exits.
        until: u64,
        /// The agent's process id.
        pid: u32,
    },
    /// For `lock`.
    Locked,
    /// Anything refused.
    Error {
        /// What kind of refusal.
        kind: ErrorKind,
        /// For people.
        error: String,
    },
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// No account, or several, match the query (exit 3, as without the agent).
    Query,
    /// Not for the agent (HOTP): use the vault file.
    Unsupported,
    /// The vault file changed; the agent is exiting.
    Stale,
    /// A malformed request or an unknown version.
    BadRequest,
}

/// A `code` answer: what `code --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeReply {
    /// Account name.
    pub name: String,
    /// Issuer.
    pub issuer: String,
    /// Account at the issuer.
    pub account: String,
    /// The code.
    pub code: String,
    /// Seconds it stays valid.
    pub remaining: u64,
    /// The period in seconds.
    pub period: u64,
}

/// Parses `--for`: `90s`, `15m`, `8h`, `1d`, or sums like `1h30m`. At least 1 s, at most 7 days.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration {text:?}: expected e.g. 30s, 15m, 8h or 1h30m");
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|x| total.checked_add(x))
            .ok_or_else(bad)?;
        num.clear();
    }
    if !num.is_empty() || total == 0 {
        return Err(bad());
    }
    if total > 7 * 86_400 {
        return Err(format!("duration {text:?} is longer than 7 days"));
    }
    Ok(Duration::from_secs(total))
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

#[cfg(unix)]
pub use unix::*;

#[cfg(unix)]
mod unix {
    use std::fs;
    use std::io::{self, BufRead, BufReader, Read, Write};
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use super::{AgentError, MAX_LINE, Reply, Request, peer_allowed, socket_name};

    /// Our uid.
    pub fn my_uid() -> u32 {
        nix::unistd::getuid().as_raw()
    }

    /// The uid of the process at the other end of a Unix socket.
    pub fn peer_uid(stream: &UnixStream) -> io::Result<u32> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
            Ok(getsockopt(stream, PeerCredentials)?.uid())
        }
        #[cfg(any(
            target_os = "macos",
            target_os = "ios",
            target_os = "freebsd",
            target_os = "openbsd",
            target_os = "netbsd",
            target_os = "dragonfly"
        ))]
        {
            Ok(nix::unistd::getpeereid(stream)?.0.as_raw())
        }
        #[cfg(not(any(
            target_os = "linux",
            target_os = "android",
            target_os = "macos",
            target_os = "ios",
            target_os = "freebsd",
            target_os = "openbsd",
            target_os = "netbsd",
            target_os = "dragonfly"
        )))]
        {
            let _ = stream;
            Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "no peer credentials on this platform",
            ))
        }
    }

    /// Refuses a peer that is not us.
    fn check_peer(stream: &UnixStream, path: &Path) -> Result<(), AgentError> {
        let peer = peer_uid(stream).map_err(|err| AgentError::Io {
            path: path.to_owned(),
            err,
        })?;
        let me = my_uid();
        if peer_allowed(peer, me) {
            Ok(())
        } else {
            Err(AgentError::WrongPeer { peer, me })
        }
    }

    /// The folder for agent sockets, without creating it.
    pub fn socket_dir() -> Result<PathBuf, AgentError> {
        if let Some(d) = dirs::runtime_dir() {
            return Ok(d.join("authcli"));
        }
        if let Some(d) = dirs::cache_dir() {
            return Ok(d.join("authcli").join("agent"));
        }
        Ok(std::env::temp_dir().join(format!("authcli-{}", my_uid())))
    }

    /// The socket for a vault (not created).
    pub fn socket_path(canonical_vault: &Path) -> Result<PathBuf, AgentError> {
        Ok(socket_dir()?.join(socket_name(canonical_vault)))
    }

    /// Creates the socket folder 0700 if needed, and refuses one that is not ours or open to
    /// others.
    fn ensure_private_dir(dir: &Path) -> Result<(), AgentError> {
        let err = |e: &dyn std::fmt::Display| AgentError::Dir(format!("{}: {e}", dir.display()));
        if !dir.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| err(&e))?;
        }
        let m = fs::symlink_metadata(dir).map_err(|e| err(&e))?;
        if !m.is_dir() || m.uid() != my_uid() {
            return Err(err(&"not a folder owned by this user"));
        }
        if m.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| err(&e))?;
        }
        Ok(())
    }

    /// Sends one request; `Ok(None)` when no agent answers on `socket` (no file, or a stale
    /// one that refuses connections).
    pub fn request(socket: &Path, req: &Request) -> Result<Option<Reply>, AgentError> {
        let io_err = |err| AgentError::Io {
            path: socket.to_owned(),
            err,
        };
        let mut stream = match UnixStream::connect(socket) {
            Ok(s) => s,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(io_err(e)),
        };
        check_peer(&stream, socket)?;
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .map_err(io_err)?;
        stream
            .set_write_timeout(Some(Duration::from_secs(5)))
            .map_err(io_err)?;
        let mut line = serde_json::to_string(req).expect("requests serialize");
        line.push('\n');
        stream.write_all(line.as_bytes()).map_err(io_err)?;
        let mut answer = String::new();
        BufReader::new(stream.take(MAX_LINE))
            .read_line(&mut answer)
            .map_err(io_err)?;
        if answer.is_empty() {
            // It hung up: exiting (vault changed, time up) while we connected.
            return Ok(None);
        }
        serde_json::from_str(&answer)
            .map(Some)
            .map_err(|e| AgentError::Protocol(e.to_string()))
    }

    /// A bound agent socket; removed on drop while it is still ours.
    pub struct Server {
        listener: UnixListener,
        path: PathBuf,
        ino: u64,
    }

    impl Server {
        /// Binds `path`, replacing a stale socket (one that refuses connections). A live agent
        /// on the same path must have been told to lock first: binding over it fails.
        pub fn bind(path: &Path) -> Result<Self, AgentError> {
            let io_err = |err| AgentError::Io {
                path: path.to_owned(),
                err,
            };
            if let Some(dir) = path.parent() {
                ensure_private_dir(dir)?;
            }
            let listener = match UnixListener::bind(path) {
                Ok(l) => l,
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                    if UnixStream::connect(path).is_ok() {
                        return Err(io_err(io::Error::new(
                            io::ErrorKind::AddrInUse,
                            "another agent answers here",
                        )));
                    }
                    // A crashed agent's leftover: replace it.
                    fs::remove_file(path).map_err(io_err)?;
                    UnixListener::bind(path).map_err(io_err)?
                }
                Err(e) => return Err(io_err(e)),
            };
            fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(io_err)?;
            listener.set_nonblocking(true).map_err(io_err)?;
            let ino = fs::symlink_metadata(path).map_err(io_err)?.ino();
            Ok(Self {
                listener,
                path: path.to_owned(),
                ino,
            })
        }

        /// Whether the socket file is still the one we bound (not removed or replaced).
        pub fn still_ours(&self) -> bool {
            fs::symlink_metadata(&self.path).is_ok_and(|m| m.ino() == self.ino)
        }

        /// Waits up to `wait` for a connection from our own uid (others are dropped).
        pub fn accept(&self, wait: Duration) -> Option<Connection> {
            use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
            use std::os::fd::AsFd;
            let until = Instant::now() + wait;
            loop {
                match self.listener.accept() {
                    Ok((stream, _)) => {
                        if check_peer(&stream, &self.path).is_ok() {
                            return Some(Connection(stream));
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        let left = until.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            return None;
                        }
                        let timeout = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
                        let mut fds = [PollFd::new(self.listener.as_fd(), PollFlags::POLLIN)];
                        if poll(&mut fds, timeout).is_err() {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                    }
                    Err(_) => return None,
                }
            }
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            if self.still_ours() {
                let _ = fs::remove_file(&self.path);
            }
        }
    }

    /// One accepted client.
    pub struct Connection(UnixStream);

    impl Connection {
        /// Reads its request; `Err` carries the reply for a malformed one.
        pub fn read(&mut self) -> io::Result<Result<Request, Reply>> {
            self.0.set_nonblocking(false)?;
            self.0.set_read_timeout(Some(Duration::from_secs(2)))?;
            self.0.set_write_timeout(Some(Duration::from_secs(2)))?;
            let mut line = String::new();
            BufReader::new((&self.0).take(MAX_LINE)).read_line(&mut line)?;
            let req: Request = match serde_json::from_str(&line) {
                Ok(r) => r,
                Err(e) => {
                    return Ok(Err(Reply::error(
                        super::ErrorKind::BadRequest,
                        format!("malformed request: {e}"),
                    )));
                }
            };
            if req.v != super::VERSION {
                return Ok(Err(Reply::error(
                    super::ErrorKind::BadRequest,
                    format!(
                        "protocol version {} is not supported (this agent speaks {})",
                        req.v,
                        super::VERSION
                    ),
                )));
            }
            Ok(Ok(req))
        }

        /// Writes the reply line.
        pub fn reply(mut self, reply: &Reply) -> io::Result<()> {
            let mut line = serde_json::to_string(reply).map_err(io::Error::other)?;
            line.push('\n');
            self.0.write_all(line.as_bytes())
        }
    }

    /// The vault file's identity and size: the agent exits when it changes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct FileStamp {
        dev: u64,
        ino: u64,
        size: u64,
        mtime: i64,
        mtime_nsec: i64,
    }

    impl FileStamp {
        /// The stamp of `path` now; `None` if it is gone.
        pub fn of(path: &Path) -> Option<Self> {
            let m = fs::metadata(path).ok()?;
            Some(Self {
                dev: m.dev(),
                ino: m.ino(),
                size: m.size(),
                mtime: m.mtime(),
                mtime_nsec: m.mtime_nsec(),
            })
        }
    }
}

/// Hardens the agent process where the OS allows: no core dumps, no ptrace by the same user
/// (Linux `PR_SET_DUMPABLE` 0).
pub fn harden_process() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let _ = nix::sys::prctl::set_dumpable(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86_400)));
        for bad in [
            "",
            "15",
            "m",
            "0s",
            "1x",
            "-1s",
            "8d",
            "99999999999999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn protocol_lines() {
        let r = Request::new(Op::Code {
            query: "gh".into(),
            at: 59,
        });
        let s = serde_json::to_string(&r).unwrap();
        assert_eq!(s, r#"{"v":1,"op":"code","query":"gh","at":59}"#);
        assert_eq!(serde_json::from_str::<Request>(&s).unwrap(), r);
        let lock: Request = serde_json::from_str(r#"{"v":1,"op":"lock"}"#).unwrap();
        assert_eq!(lock.op, Op::Lock);
        assert!(serde_json::from_str::<Request>(r#"{"v":1,"op":"export"}"#).is_err());
        let e = Reply::error(ErrorKind::Query, "no account");
        let s = serde_json::to_string(&e).unwrap();
        assert_eq!(
            s,
            r#"{"v":1,"reply":"error","kind":"query","error":"no account"}"#
        );
        assert_eq!(serde_json::from_str::<Reply>(&s).unwrap(), e);
    }

    #[test]
    fn socket_names_differ_per_vault() {
        let a = socket_name(Path::new("/home/u/a.age"));
        let b = socket_name(Path::new("/home/u/b.age"));
        assert_ne!(a, b);
        assert!(a.starts_with("agent-") && a.len() < 40, "{a}");
    }

    #[test]
    fn only_our_uid_is_allowed() {
        assert!(peer_allowed(1000, 1000));
        assert!(!peer_allowed(0, 1000));
        assert!(!peer_allowed(1001, 1000));
    }

    #[cfg(unix)]
    #[test]
    fn peer_uid_of_a_socket_pair_is_ours() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        assert_eq!(peer_uid(&a).unwrap(), my_uid());
    }

    #[cfg(unix)]
    #[test]
    fn stale_socket_is_replaced_and_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run").join("s.sock");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        assert!(path.exists(), "a dead listener leaves its file");
        assert!(request(&path, &Request::new(Op::Status)).unwrap().is_none());
        let server = Server::bind(&path).unwrap();
        assert!(server.still_ours());
        assert!(Server::bind(&path).is_err(), "a live agent is not replaced");
        drop(server);
        assert!(!path.exists());
    }
}
