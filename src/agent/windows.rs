//! The agent's transport on Windows: a named pipe, through `interprocess`'s local sockets
//! (`\\.\pipe\authcli-USER-HASH`), with the same API as the Unix socket module.
//!
//! **Who may talk to the agent.** On Unix the socket's peer uid is checked. A named pipe gives
//! only the peer's process id without unsafe code of our own, and setting the pipe's DACL
//! through interprocess takes an SDDL string naming the user's SID, which std cannot tell us.
//! So the agent proves who may talk to it with a secret instead ([`super::token`]): 32 random
//! bytes written to a new file in the user's local application data folder
//! (`%LOCALAPPDATA%\authcli\agent\agent-HASH.token`, the "socket path" of this module). That
//! folder inherits the user profile's ACL: only the user, SYSTEM and administrators can read
//! it, the same set that could read an agent's memory anyway. A request line must begin with
//! the token in hex; the agent compares it in constant time and drops any other connection
//! without a byte of reply. So "whoever can read the user's profile" is the pipe's audience:
//! the current user only.
//!
//! The pipe keeps Windows' default DACL for pipes: full control for the creator (the user),
//! SYSTEM and administrators, and read-only access for Everyone and anonymous. Another user can
//! therefore open the pipe, but only for reading, so cannot send a request, and the agent
//! writes only in reply to a request with the token. Such a connection is read on a thread of
//! its own (at most [`MAX_PENDING`] at once), so it cannot stall the agent's loop; it is dropped
//! when it closes or the agent exits.
//!
//! **Who the client talks to.** A pipe name is first come, first served, machine-wide. The
//! agent's first pipe instance is created with `FILE_FLAG_FIRST_PIPE_INSTANCE` (interprocess
//! sets it on a listener's first instance): if anyone else already holds the name, binding
//! fails instead of joining their pipe. And the client, before it sends anything, checks that
//! the pipe's server process is the one the token file names; a squatter of another user can
//! neither write that file nor take that process id, so it never sees a token or a request.
//!
//! Named pipes here have no I/O timeouts: the client waits for its reply on a thread, for the
//! same time as on Unix.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use interprocess::local_socket::prelude::*;
use interprocess::local_socket::{GenericNamespaced, ListenerOptions, Name};
use interprocess::os::windows::named_pipe::local_socket as np;

use super::protocol::{
    REPLY_TIMEOUT, Reply, Request, SecretBuf, json_line, parse_request, read_line,
};
use super::token::{self, Token, TokenFile};
use super::{AgentError, MAX_PENDING, nobody_listens, socket_name};

/// How long [`Server::bind`] retries a pipe name still held by an agent that is ending.
const BIND_RETRY: Duration = Duration::from_secs(3);

type PipeStream = np::Stream;

/// The folder for agent token files, without creating it: `%LOCALAPPDATA%\authcli\agent`.
pub fn socket_dir() -> Result<PathBuf, AgentError> {
    dirs::data_local_dir()
        .map(|d| d.join("authcli").join("agent"))
        .ok_or_else(|| AgentError::Dir("no local application data folder (%LOCALAPPDATA%)".into()))
}

/// The agent's token file for a vault (not created): what stands for the socket on Windows.
pub fn socket_path(canonical_vault: &Path) -> Result<PathBuf, AgentError> {
    Ok(socket_dir()?
        .join(socket_name(canonical_vault))
        .with_extension("token"))
}

/// The pipe name for a token file. USER is the profile folder's name, from the shell's known
/// folder (not `%USERNAME%`, which a client's environment may lack or differ in: every client
/// must arrive at the agent's name).
pub fn pipe_name(token_path: &Path) -> String {
    let home = dirs::home_dir();
    let user = home
        .as_deref()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    token::pipe_name(token_path, &user)
}

fn ns_name(name: &str) -> io::Result<Name<'_>> {
    name.to_ns_name::<GenericNamespaced>()
}

/// Sends one request; `Ok(None)` when no agent answers for `socket` (no token file, no pipe, or
/// it hung up: it is exiting). Both lines are zeroized after use.
pub fn request(socket: &Path, req: &Request) -> Result<Option<Reply>, AgentError> {
    let io_err = |err| AgentError::Io {
        path: socket.to_owned(),
        err,
    };
    let file = match token::read(socket) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(e)),
    };
    let name = pipe_name(socket);
    let stream = match PipeStream::connect(ns_name(&name).map_err(io_err)?) {
        Ok(s) => s,
        // A dead agent's token file: the pipe went with its process.
        Err(e) if nobody_listens(&e) => return Ok(None),
        Err(e) => return Err(io_err(e)),
    };
    let server = stream.peer_creds().ok().and_then(|c| c.pid());
    if server != Some(file.pid) {
        return Err(AgentError::WrongServer {
            server: server.unwrap_or(0),
            agent: file.pid,
        });
    }
    let body = json_line(req)?;
    let line = token::prefixed(&file.token, &body.0);
    match (&stream).write_all(&line) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(None),
        Err(e) => return Err(io_err(e)),
    }
    // No read timeouts on a pipe: read on a thread, wait as long as on Unix. A thread left
    // waiting on a stuck agent ends with this process.
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("agent-reply".into())
        .spawn(move || {
            let _ = tx.send(read_line(&stream));
        })
        .map_err(io_err)?;
    let answer = match rx.recv_timeout(REPLY_TIMEOUT) {
        Ok(read) => read.map_err(io_err)?,
        Err(_) => {
            return Err(io_err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the agent did not answer in time",
            )));
        }
    };
    if answer.0.is_empty() {
        // It hung up: exiting (vault changed, time up) while we connected.
        return Ok(None);
    }
    serde_json::from_slice(&answer.0)
        .map(Some)
        .map_err(|e| AgentError::Protocol(e.to_string()))
}

/// A connection whose request line has been read (or failed to be).
type Pending = (PipeStream, io::Result<SecretBuf>);

/// A bound agent pipe and its token file; the file is removed on drop while it is still ours.
pub struct Server {
    incoming: mpsc::Receiver<Pending>,
    file: TokenFile,
    closed: Arc<AtomicBool>,
}

impl Server {
    /// Takes the pipe name for `path` (retrying for a few seconds while an agent that was told
    /// to lock is still ending), then writes a new token file at `path`, replacing a crashed
    /// agent's. Fails when another process holds the name.
    pub fn bind(path: &Path) -> Result<Self, AgentError> {
        let io_err = |err| AgentError::Io {
            path: path.to_owned(),
            err,
        };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)
                .map_err(|e| AgentError::Dir(format!("{}: {e}", dir.display())))?;
        }
        let name = pipe_name(path);
        let until = Instant::now() + BIND_RETRY;
        let listener = loop {
            let options = ListenerOptions::new().name(ns_name(&name).map_err(io_err)?);
            match options.create_sync_as::<np::Listener>() {
                Ok(l) => break l,
                // The name is taken (the first-instance flag refuses to join another's pipe).
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::PermissionDenied | io::ErrorKind::AddrInUse
                    ) =>
                {
                    if Instant::now() >= until {
                        return Err(io_err(io::Error::new(
                            e.kind(),
                            format!("another agent or program holds the pipe {name}"),
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => return Err(io_err(e)),
            }
        };
        let token = Token::generate().map_err(io_err)?;
        let file = TokenFile::create(path, std::process::id(), token).map_err(io_err)?;
        let (tx, incoming) = mpsc::channel();
        let closed = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&closed);
        std::thread::Builder::new()
            .name("agent-pipe".into())
            .stack_size(256 * 1024)
            .spawn(move || accept_loop(&listener, &tx, &stop))
            .map_err(io_err)?;
        Ok(Self {
            incoming,
            file,
            closed,
        })
    }

    /// Whether the token file is still ours (not removed, not replaced by another agent).
    pub fn still_ours(&self) -> bool {
        self.file.still_ours()
    }

    /// Waits up to `wait` for a request that carries our token (others are dropped unanswered).
    pub fn accept(&self, wait: Duration) -> Option<Connection> {
        let until = Instant::now() + wait;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let (stream, line) = self.incoming.recv_timeout(left).ok()?;
            let Ok(line) = line else { continue };
            if let Some(body) = self.file.token().strip(&line.0) {
                let start = line.0.len() - body.len();
                return Some(Connection {
                    stream,
                    line,
                    start,
                });
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.closed.store(true, Ordering::SeqCst);
    }
}

/// Accepts connections until the server is dropped; reads each one's request line on a thread
/// of its own, so that a client that never writes (another user may open the pipe read-only)
/// holds up nothing but that thread.
fn accept_loop(listener: &np::Listener, tx: &mpsc::Sender<Pending>, closed: &Arc<AtomicBool>) {
    let pending = Arc::new(AtomicUsize::new(0));
    while !closed.load(Ordering::SeqCst) {
        let Ok(stream) = listener.accept() else {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        if pending.load(Ordering::SeqCst) >= MAX_PENDING {
            continue;
        }
        pending.fetch_add(1, Ordering::SeqCst);
        let tx = tx.clone();
        let count = Arc::clone(&pending);
        let spawned = std::thread::Builder::new()
            .name("agent-read".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                let line = read_line(&stream);
                count.fetch_sub(1, Ordering::SeqCst);
                let _ = tx.send((stream, line));
            });
        if spawned.is_err() {
            pending.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// One accepted client whose token was right.
pub struct Connection {
    stream: PipeStream,
    line: SecretBuf,
    /// Where the request follows the token.
    start: usize,
}

impl Connection {
    /// Its request; `Err` carries the reply for a malformed one.
    #[allow(clippy::result_large_err)] // The error is the reply to send.
    pub fn request(&self) -> Result<Request, Reply> {
        parse_request(&self.line.0[self.start..])
    }

    /// Writes the reply line and waits until the client has read it: a pipe's unread data is
    /// lost when the server's end closes, as it does when the agent exits after `lock`.
    pub fn reply(self, reply: &Reply) -> io::Result<()> {
        let line = json_line(reply).map_err(io::Error::other)?;
        (&self.stream).write_all(&line.0)?;
        self.stream.inner().flush()
    }
}
