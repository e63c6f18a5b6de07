//! The agent's transport on Unix: a socket in a private folder, only our own uid as peer.
//!
//! The server accepts on a thread of its own and reads each connection's request on another,
//! within [`REQUEST_DEADLINE`] for the whole line; the serving loop receives whole requests
//! only. So a client that is slow or silent holds up nobody but itself.

use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::protocol::{
    REPLY_TIMEOUT, REQUEST_DEADLINE, Reply, Request, SecretBuf, json_line, parse_request, read_line,
};
use super::{AgentError, MAX_PENDING, nobody_listens, peer_allowed, socket_name};

/// Our uid.
pub fn my_uid() -> u32 {
    nix::unistd::getuid().as_raw()
}

/// The uid of the process at the other end of the socket.
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

/// The private folder for agent sockets: `$XDG_RUNTIME_DIR/authcli`, else
/// `<cache>/authcli/agent`, else `<tmp>/authcli-<uid>`.
pub fn socket_dir() -> Result<PathBuf, AgentError> {
    if let Some(d) = dirs::runtime_dir() {
        return Ok(d.join("authcli"));
    }
    if let Some(d) = dirs::cache_dir() {
        return Ok(d.join("authcli").join("agent"));
    }
    Ok(std::env::temp_dir().join(format!("authcli-{}", my_uid())))
}

/// The socket of the agent for a vault.
pub fn socket_path(canonical_vault: &Path) -> Result<PathBuf, AgentError> {
    Ok(socket_dir()?.join(socket_name(canonical_vault)))
}

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

/// Sends one request and reads the reply. `Ok(None)`: no agent listens there (or it hung up).
pub fn request(socket: &Path, req: &Request) -> Result<Option<Reply>, AgentError> {
    let io_err = |err| AgentError::Io {
        path: socket.to_owned(),
        err,
    };
    let mut stream = match UnixStream::connect(socket) {
        Ok(s) => s,
        Err(e) if nobody_listens(&e) => return Ok(None),
        Err(e) => return Err(io_err(e)),
    };
    check_peer(&stream, socket)?;
    stream
        .set_read_timeout(Some(REPLY_TIMEOUT))
        .map_err(io_err)?;
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .map_err(io_err)?;
    stream.write_all(&json_line(req)?.0).map_err(io_err)?;
    let answer = read_line(&mut stream).map_err(io_err)?;
    if answer.0.is_empty() {
        // It hung up: exiting (time up, locked) while we connected.
        return Ok(None);
    }
    serde_json::from_slice(&answer.0)
        .map(Some)
        .map_err(|e| AgentError::Protocol(e.to_string()))
}

/// The listening agent: whole requests arrive on `incoming`.
pub struct Server {
    incoming: mpsc::Receiver<Connection>,
    path: PathBuf,
    ino: u64,
}

impl Server {
    /// Binds the socket (replacing a dead agent's leftover) and starts accepting.
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
        let ino = fs::symlink_metadata(path).map_err(io_err)?.ino();
        let (tx, incoming) = mpsc::sync_channel(MAX_PENDING);
        let socket = path.to_owned();
        std::thread::Builder::new()
            .name("agent-accept".into())
            .stack_size(256 * 1024)
            .spawn(move || accept_loop(&listener, &socket, &tx))
            .map_err(io_err)?;
        Ok(Self {
            incoming,
            path: path.to_owned(),
            ino,
        })
    }

    /// Whether the socket file is still ours (not removed, e.g. by logout, or replaced).
    pub fn still_ours(&self) -> bool {
        fs::symlink_metadata(&self.path).is_ok_and(|m| m.ino() == self.ino)
    }

    /// The next whole request, waiting at most `wait`.
    pub fn accept(&self, wait: Duration) -> Option<Connection> {
        self.incoming.recv_timeout(wait).ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.still_ours() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Accepts connections from our own uid and reads each on a thread of its own, at most
/// [`MAX_PENDING`] at a time (more are closed at once).
fn accept_loop(listener: &UnixListener, socket: &Path, tx: &mpsc::SyncSender<Connection>) {
    let pending = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        if check_peer(&stream, socket).is_err() || pending.load(Ordering::SeqCst) >= MAX_PENDING {
            continue;
        }
        pending.fetch_add(1, Ordering::SeqCst);
        let tx = tx.clone();
        let count = Arc::clone(&pending);
        let spawned = std::thread::Builder::new()
            .name("agent-read".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                let until = Instant::now() + REQUEST_DEADLINE;
                let line = read_line(Deadline(&stream, until));
                count.fetch_sub(1, Ordering::SeqCst);
                // A full queue (a flood of whole requests) drops this one.
                if let Ok(line) = line {
                    let _ = tx.try_send(Connection { stream, line });
                }
            });
        if spawned.is_err() {
            pending.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// A stream whose reads all end by one instant.
struct Deadline<'a>(&'a UnixStream, Instant);

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.1.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request took too long",
            ));
        }
        self.0.set_read_timeout(Some(left))?;
        (&mut &*self.0).read(buf)
    }
}

/// One client's whole request, and the way back to it.
pub struct Connection {
    stream: UnixStream,
    line: SecretBuf,
}

impl Connection {
    /// The request, or the reply to a malformed one.
    #[allow(clippy::result_large_err)] // The error is the reply to send.
    pub fn request(&self) -> Result<Request, Reply> {
        parse_request(&self.line.0)
    }

    /// Sends the reply (a client that does not read it cannot hold the agent up for long).
    pub fn reply(mut self, reply: &Reply) -> io::Result<()> {
        self.stream
            .set_write_timeout(Some(Duration::from_millis(500)))?;
        let line = json_line(reply).map_err(io::Error::other)?;
        self.stream.write_all(&line.0)
    }
}
