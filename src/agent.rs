//! The unlock agent's transport and protocol: where its socket lives, the versioned JSON-line
//! requests and replies, the peer check, and a client and a server loop. No vault logic here:
//! the server calls a handler that `cmd::agent` supplies.
//!
//! One agent per vault: the socket's name is derived from the vault's canonical path, in a
//! private folder (`$XDG_RUNTIME_DIR/authcli/`, else `<cache>/authcli/agent/`, else
//! `<tmp>/authcli-<uid>/`, each 0700 and owned by the user). Every connection's peer must have
//! our uid (`SO_PEERCRED` on Linux, `getpeereid` on macOS and the BSDs); others are refused.
//!
//! The agent process hardens itself here too: not dumpable, memory locked where
//! `RLIMIT_MEMLOCK` allows ([`lock_memory`]), SIGHUP/SIGTERM/SIGINT turned into a clean exit
//! ([`exit_on_signals`]). Request and reply lines are zeroized after use: a `write` carries
//! secrets to the agent and an `export` reply carries them back.
//!
//! On Windows the transport is a named pipe instead, with an access token in place of the uid
//! check (the module `windows` says why that equals "the current user only"; [`token`] holds the
//! token's platform-independent part). Elsewhere [`supported`] is false and the client never
//! connects.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::account::Summary;
use crate::vault::StoredAccount;

/// The protocol version spoken here. Version 2 added `find`, `export` and `write`; an agent of
/// another version answers `bad-request`, and the client then uses the vault file.
pub const VERSION: u32 = 2;

/// The longest request or reply line accepted (an import or an export of many accounts).
pub const MAX_LINE: u64 = 16 << 20;

/// How long a client waits for the answer to a read (the agent may be busy writing the vault).
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client waits for a write or an export: a write re-encrypts (scrypt, ~1 s).
const WRITE_TIMEOUT: Duration = Duration::from_mins(2);

/// Whether this platform has the agent.
pub const fn supported() -> bool {
    cfg!(any(unix, windows))
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

/// A request, one JSON line: `{"v":2,"op":"code","query":"github","at":1764000000}`.
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

/// The operations. Only `export` is answered with secrets; the passphrase is never handed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
pub enum Op {
    /// The code of one TOTP/Steam account at unix time `at`. An HOTP account is answered with
    /// [`Body::Hotp`] (its name) and no code: spending a counter is a [`Change::Hotp`].
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
    /// Which account QUERY picks (for `remove`'s confirmation): [`Body::Found`].
    Find {
        /// QUERY.
        query: String,
    },
    /// The accounts QUERY… pick (all when empty), secrets included: [`Body::Accounts`]. For
    /// `export`, and for `watch`, which computes codes itself.
    Export {
        /// QUERY…, as for `authcli export`.
        #[serde(default)]
        queries: Vec<String>,
    },
    /// Change the vault: the agent applies it to its copy and writes the vault file.
    Write {
        /// What to change.
        change: Change,
    },
    /// Which vault, until when.
    Status,
    /// Exit now.
    Lock,
}

impl Op {
    /// How long to wait for the answer.
    pub fn timeout(&self) -> Duration {
        match self {
            Self::Write { .. } | Self::Export { .. } => WRITE_TIMEOUT,
            _ => READ_TIMEOUT,
        }
    }
}

/// A change to the vault, as `add`, `remove`, `rename`, `import` and an HOTP `code` make it.
/// The same function applies it to the vault file's accounts (`cmd::change::apply`) or, in
/// the agent, to the agent's copy, so names, duplicates and messages are the same either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Change {
    /// `add`: new accounts, under NAME when one was given.
    Add {
        /// The explicit NAME, if any.
        #[serde(default)]
        name: Option<String>,
        /// The accounts (unnamed).
        accounts: Vec<StoredAccount>,
    },
    /// `remove`: the account QUERY picks.
    Remove {
        /// QUERY (the exact name, after a confirmation).
        query: String,
    },
    /// `rename OLD NEW`.
    Rename {
        /// QUERY for the account.
        old: String,
        /// Its new name.
        new: String,
    },
    /// `import`: accounts read from an export file.
    Import {
        /// The accounts, named as the file names them (or unnamed).
        accounts: Vec<StoredAccount>,
        /// Entries the file has that authcli cannot represent: `"label: why"`.
        #[serde(default)]
        unsupported: Vec<String>,
        /// `--dry-run`: report, change nothing.
        #[serde(default)]
        dry_run: bool,
    },
    /// `code` on an HOTP account: the code for the stored counter; the counter is then saved
    /// as counter + 1.
    Hotp {
        /// The account's exact name.
        name: String,
    },
}

/// What a [`Change`] did: the lines to show on stderr, and the HOTP code when one was spent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Lines for stderr, in order.
    pub messages: Vec<String>,
    /// The HOTP code, for [`Change::Hotp`].
    #[serde(default)]
    pub code: Option<HotpCode>,
    /// Whether the vault changed and must be written (never sent: the agent has written it).
    #[serde(skip)]
    pub changed: bool,
}

/// An HOTP code that was spent: what `code --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotpCode {
    /// Account name.
    pub name: String,
    /// Issuer.
    pub issuer: String,
    /// Account at the issuer.
    pub account: String,
    /// The code.
    pub code: String,
}

/// A reply, one JSON line: `{"v":2,"reply":"code",…}` or
/// `{"v":2,"reply":"error","kind":…,"error":…}`.
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
    /// For `code` on a TOTP/Steam account.
    Code(CodeReply),
    /// For `code` on an HOTP account: its exact name, no code (see [`Change::Hotp`]).
    Hotp {
        /// The account's name.
        name: String,
    },
    /// For `list`.
    List {
        /// The accounts.
        accounts: Vec<Summary>,
    },
    /// For `find`.
    Found {
        /// The account's exact name.
        name: String,
        /// `"name" (Issuer: account)`, as messages show it.
        label: String,
    },
    /// For `export`: the accounts, secrets included.
    Accounts {
        /// The accounts, in vault order of the queries.
        accounts: Vec<StoredAccount>,
    },
    /// For `write`: done, and the vault file written.
    Done(Outcome),
    /// For `status`.
    Status {
        /// The vault (canonical path).
        vault: PathBuf,
        /// Unix seconds when the agent exits.
        until: u64,
        /// The agent's process id.
        pid: u32,
        /// Whether its memory is locked (kept out of swap), in a few words.
        #[serde(default)]
        memory: String,
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
    /// A change refused for the same reason the vault file would refuse it (a taken name, a
    /// failed write): the message is the one the file path gives (exit 1).
    Refused,
    /// Not for the agent: use the vault file.
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

/// Parses a request line; `Err` carries the reply for a malformed one or another version.
#[allow(clippy::result_large_err)] // The error is the reply to send, as `Connection::read` has it.
pub(crate) fn parse_request(line: &[u8]) -> Result<Request, Reply> {
    let req: Request = match serde_json::from_slice(line) {
        Ok(r) => r,
        Err(e) => {
            // A client of another version is told so, rather than that its request is
            // malformed.
            let v = serde_json::from_slice::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("v").and_then(serde_json::Value::as_u64));
            let msg = match v {
                Some(v) if v != u64::from(VERSION) => version_error(v),
                _ => format!("malformed request: {e}"),
            };
            return Err(Reply::error(ErrorKind::BadRequest, msg));
        }
    };
    if req.v != VERSION {
        return Err(Reply::error(
            ErrorKind::BadRequest,
            version_error(u64::from(req.v)),
        ));
    }
    Ok(req)
}

fn version_error(v: u64) -> String {
    format!("protocol version {v} is not supported (this agent speaks {VERSION})")
}

/// A byte buffer that zeroizes what it held, also the old allocations when it grows.
pub(crate) struct SecretBuf(pub(crate) Zeroizing<Vec<u8>>);

impl SecretBuf {
    pub(crate) fn new() -> Self {
        Self(Zeroizing::new(Vec::with_capacity(4096)))
    }
}

impl Write for SecretBuf {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let needed = self.0.len() + data.len();
        if needed > self.0.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(needed.max(2 * self.0.capacity())));
            bigger.extend_from_slice(&self.0);
            // The old buffer is zeroized as it is dropped here.
            self.0 = bigger;
        }
        self.0.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `value` as one JSON line in a zeroizing buffer.
pub(crate) fn json_line(value: &impl serde::Serialize) -> Result<SecretBuf, AgentError> {
    let mut line = SecretBuf::new();
    serde_json::to_writer(&mut line, value).map_err(|e| AgentError::Protocol(e.to_string()))?;
    line.write_all(b"\n")
        .map_err(|e| AgentError::Protocol(e.to_string()))?;
    Ok(line)
}

/// Reads one line (up to [`MAX_LINE`] bytes, newline included) into a zeroizing buffer,
/// without a `BufReader`, whose buffer would keep a copy; empty at end of file.
pub(crate) fn read_line(mut r: impl Read) -> io::Result<SecretBuf> {
    let mut line = SecretBuf::new();
    let mut chunk = Zeroizing::new([0u8; 4096]);
    loop {
        let n = match r.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let data = &chunk[..n];
        if let Some(end) = data.iter().position(|&b| b == b'\n') {
            line.write_all(&data[..=end])?;
            break;
        }
        line.write_all(data)?;
        if line.0.len() as u64 > MAX_LINE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a line longer than {} MiB", MAX_LINE >> 20),
            ));
        }
    }
    Ok(line)
}

pub mod token;

/// Whether a failed connect means that no agent is there (nothing listens under that name, or
/// only a dead agent's leftover does): then the caller uses the vault file. Both transports.
fn nobody_listens(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
    )
}

#[cfg(unix)]
pub use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

#[cfg(unix)]
mod unix {
    use std::fs;
    use std::io::{self, Write};
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    pub(super) use super::read_line;
    use super::{AgentError, Reply, Request, json_line, parse_request, peer_allowed, socket_name};

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
    /// one that refuses connections, or it hung up: it is exiting). Both lines are zeroized
    /// after use: a `write` carries secrets one way and an `export` the other.
    pub fn request(socket: &Path, req: &Request) -> Result<Option<Reply>, AgentError> {
        let io_err = |err| AgentError::Io {
            path: socket.to_owned(),
            err,
        };
        let mut stream = match UnixStream::connect(socket) {
            Ok(s) => s,
            Err(e) if super::nobody_listens(&e) => return Ok(None),
            Err(e) => return Err(io_err(e)),
        };
        check_peer(&stream, socket)?;
        stream
            .set_read_timeout(Some(req.op.timeout()))
            .map_err(io_err)?;
        stream
            .set_write_timeout(Some(Duration::from_secs(5)))
            .map_err(io_err)?;
        stream.write_all(&json_line(req)?.0).map_err(io_err)?;
        let answer = read_line(&mut stream).map_err(io_err)?;
        if answer.0.is_empty() {
            // It hung up: exiting (vault changed, time up) while we connected.
            return Ok(None);
        }
        serde_json::from_slice(&answer.0)
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
            let line = read_line(&self.0)?;
            Ok(parse_request(&line.0))
        }

        /// Writes the reply line.
        pub fn reply(mut self, reply: &Reply) -> io::Result<()> {
            let line = json_line(reply).map_err(io::Error::other)?;
            self.0.write_all(&line.0)
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

/// Room a finite `RLIMIT_MEMLOCK` must leave above what is locked before `MCL_FUTURE` is kept:
/// every later allocation is locked too, a refused one aborts the process, and a write
/// re-encrypts with scrypt (256 MiB at work factor 18).
#[cfg(unix)]
const FUTURE_HEADROOM: u64 = 512 << 20;

/// Keeps the agent's memory out of swap where the OS allows, best effort:
/// `mlockall(MCL_CURRENT | MCL_FUTURE)`. Under a finite `RLIMIT_MEMLOCK` that leaves less than
/// 512 MiB free (the usual 8 MiB for users without `CAP_IPC_LOCK`), future pages are
/// not locked: a refused allocation would kill the agent in the middle of a write. Returns how
/// it went in a few words, for `status`, and whether only the present pages are locked (then
/// [`relock_present`] after the heap grew keeps new accounts locked).
#[cfg(unix)]
pub fn lock_memory() -> (String, bool) {
    use nix::sys::mman::{MlockAllFlags, mlockall, munlockall};
    let limit = memlock_limit();
    let limit_text = limit.map_or_else(|| "unlimited".to_owned(), |l| format!("{} KiB", l >> 10));
    if let Err(e) = mlockall(MlockAllFlags::MCL_CURRENT | MlockAllFlags::MCL_FUTURE) {
        return (
            format!("memory not locked (mlockall: {e}; RLIMIT_MEMLOCK {limit_text})"),
            false,
        );
    }
    if keep_future(limit, locked_bytes()) {
        ("memory locked".to_owned(), false)
    } else {
        let _ = munlockall();
        match mlockall(MlockAllFlags::MCL_CURRENT) {
            Ok(()) => (
                format!(
                    "memory locked (present pages only: RLIMIT_MEMLOCK {limit_text} leaves no room for more)"
                ),
                true,
            ),
            Err(e) => (
                format!("memory not locked (mlockall: {e}; RLIMIT_MEMLOCK {limit_text})"),
                false,
            ),
        }
    }
}

/// Whether `MCL_FUTURE` may stay on, given the soft `RLIMIT_MEMLOCK` (`None`: unlimited) and
/// the bytes locked now (`None`: unknown).
#[cfg(unix)]
fn keep_future(limit: Option<u64>, locked: Option<u64>) -> bool {
    match (limit, locked) {
        (None, _) => true,
        // More locked than the limit: it is not enforced for us (CAP_IPC_LOCK).
        (Some(l), Some(locked)) if locked > l => true,
        (Some(l), Some(locked)) => l - locked >= FUTURE_HEADROOM,
        (Some(_), None) => false,
    }
}

/// Locks the pages present now again (after [`lock_memory`] could lock only those).
#[cfg(unix)]
pub fn relock_present() {
    let _ = nix::sys::mman::mlockall(nix::sys::mman::MlockAllFlags::MCL_CURRENT);
}

/// The soft `RLIMIT_MEMLOCK` in bytes; `None` when unlimited, or where there is no such limit
/// (macOS: then `mlockall` itself says whether it can lock).
#[cfg(unix)]
fn memlock_limit() -> Option<u64> {
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    ))]
    {
        use nix::sys::resource::{RLIM_INFINITY, Resource, getrlimit};
        match getrlimit(Resource::RLIMIT_MEMLOCK) {
            Ok((soft, _)) if soft != RLIM_INFINITY => Some(soft),
            _ => None,
        }
    }
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    )))]
    None
}

/// Bytes this process has locked (`VmLck`), where the OS tells.
#[cfg(unix)]
fn locked_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmLck:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib << 10)
}

/// Turns SIGHUP, SIGTERM and SIGINT (a hang-up, logout, shutdown) into a flag that the agent's
/// loop checks, so that it ends as after `lock` — socket removed, secrets zeroized — instead of
/// dying on the spot. Call before any other thread starts: they inherit the blocked mask.
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

/// Where memory cannot be locked here (Windows: `VirtualLock` of the heap would need unsafe
/// code of our own): says so, for `status`.
#[cfg(not(unix))]
pub fn lock_memory() -> (String, bool) {
    (
        "memory not locked (not supported on this platform yet)".to_owned(),
        false,
    )
}

/// Nothing to lock again where [`lock_memory`] locks nothing.
#[cfg(not(unix))]
pub fn relock_present() {}

/// A flag that nothing raises where there are no signals to wait for. On Windows the agent
/// is a detached process without a console: no Ctrl-C or console-close event reaches it, and
/// logoff ends it outright (its token file is then left behind; the pipe is gone with the
/// process, so clients find no agent, and the next agent replaces the file).
#[cfg(not(unix))]
pub fn exit_on_signals() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Ok(Duration::from_mins(15)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_mins(90)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_hours(24)));
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
        assert_eq!(s, r#"{"v":2,"op":"code","query":"gh","at":59}"#);
        assert_eq!(serde_json::from_str::<Request>(&s).unwrap(), r);
        let lock: Request = serde_json::from_str(r#"{"v":2,"op":"lock"}"#).unwrap();
        assert_eq!(lock.op, Op::Lock);
        assert!(serde_json::from_str::<Request>(r#"{"v":2,"op":"passphrase"}"#).is_err());
        let e = Reply::error(ErrorKind::Query, "no account");
        let s = serde_json::to_string(&e).unwrap();
        assert_eq!(
            s,
            r#"{"v":2,"reply":"error","kind":"query","error":"no account"}"#
        );
        assert_eq!(serde_json::from_str::<Reply>(&s).unwrap(), e);
    }

    #[test]
    fn write_requests_round_trip_with_their_accounts() {
        use crate::account::Account;
        use crate::otp::{Algorithm, Kind, Otp, Secret};
        let otp = Otp::new(
            Kind::Hotp,
            Secret::parse_base32("JBSWY3DPEHPK3PXP").unwrap(),
            Algorithm::Sha256,
            8,
            30,
            7,
        )
        .unwrap();
        let mut acc = Account::new("Example", "me@example.com", otp);
        acc.added = Some(1_764_000_000);
        let r = Request::new(Op::Write {
            change: Change::Add {
                name: None,
                accounts: vec![StoredAccount::from(&acc)],
            },
        });
        let s = serde_json::to_string(&r).unwrap();
        assert!(
            s.starts_with(
                r#"{"v":2,"op":"write","change":{"kind":"add","name":null,"accounts":[{"name":"","#
            ),
            "{s}"
        );
        let back: Request = serde_json::from_str(&s).unwrap();
        assert_eq!(back, r);
        let Op::Write {
            change: Change::Add { accounts, .. },
        } = back.op
        else {
            panic!("{back:?}")
        };
        let got = Account::try_from(accounts.into_iter().next().unwrap()).unwrap();
        assert_eq!(got, acc);
        // Debug output never shows the secret.
        assert!(!format!("{r:?}").contains("JBSWY3DP"), "{r:?}");
        for line in [
            r#"{"v":2,"op":"write","change":{"kind":"remove","query":"gh"}}"#,
            r#"{"v":2,"op":"write","change":{"kind":"rename","old":"a","new":"b"}}"#,
            r#"{"v":2,"op":"write","change":{"kind":"hotp","name":"counter"}}"#,
            r#"{"v":2,"op":"write","change":{"kind":"import","accounts":[],"dry_run":true}}"#,
            r#"{"v":2,"op":"export","queries":["gh"]}"#,
            r#"{"v":2,"op":"find","query":"gh"}"#,
        ] {
            let r: Request = serde_json::from_str(line).unwrap();
            assert_eq!(
                serde_json::from_str::<Request>(&serde_json::to_string(&r).unwrap()).unwrap(),
                r
            );
        }
        let done = Reply::new(Body::Done(Outcome {
            messages: vec!["removed \"gh\"".into()],
            code: None,
            changed: true,
        }));
        let s = serde_json::to_string(&done).unwrap();
        assert_eq!(
            s,
            r#"{"v":2,"reply":"done","messages":["removed \"gh\""],"code":null}"#
        );
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
    fn lines_are_read_whole_across_chunks_and_stop_at_the_newline() {
        let long = "x".repeat(10_000);
        let input = format!("{long}\nrest");
        let line = unix::read_line(input.as_bytes()).unwrap();
        assert_eq!(line.0.as_slice(), format!("{long}\n").as_bytes());
        assert!(unix::read_line(&b""[..]).unwrap().0.is_empty());
        let huge = vec![b'y'; usize::try_from(MAX_LINE).unwrap() + 5000];
        assert!(unix::read_line(huge.as_slice()).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn future_locking_only_with_room_to_spare() {
        const MIB: u64 = 1 << 20;
        assert!(keep_future(None, Some(100 * MIB)));
        assert!(
            keep_future(Some(8 * MIB), Some(80 * MIB)),
            "limit not enforced"
        );
        assert!(keep_future(Some(2048 * MIB), Some(80 * MIB)));
        assert!(!keep_future(Some(300 * MIB), Some(80 * MIB)));
        assert!(!keep_future(Some(8 * MIB), None));
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
