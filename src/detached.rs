//! Starting a detached helper process (a copy of this binary: the clipboard server, the unlock
//! agent) that is handed a secret on its stdin — never in argv, which other users can read — and
//! answers with one line once it is ready.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use zeroize::Zeroizing;

/// A started helper and its first line (empty when it exited without answering).
pub struct Started {
    /// The helper, still running unless it answered and exited.
    pub child: Child,
    /// Its first line, newline included.
    pub answer: String,
}

/// Why a helper could not be started or heard from. The helper has been killed and reaped.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The process could not be started.
    #[error("could not start: {0}")]
    Spawn(io::Error),
    /// Writing its input failed.
    #[error("could not be given its input: {0}")]
    Input(io::Error),
    /// Reading its answer failed.
    #[error("could not be read: {0}")]
    Read(io::Error),
    /// No answer in time.
    #[error("did not answer within {0} s")]
    Timeout(u64),
}

/// Spawns `cmd` with piped stdin and stdout, stderr discarded (a caller reading our stderr
/// through a pipe must not wait for the helper) and in its own process group (Ctrl-C in the
/// terminal does not reach it); writes `secret` and a newline to its stdin, then waits up to
/// `timeout` for its first line, read on a thread so that a stuck helper cannot hang us.
pub fn start(mut cmd: Command, secret: &str, timeout: Duration) -> Result<Started, StartError> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    detach(&mut cmd);
    let mut child = cmd.spawn().map_err(StartError::Spawn)?;
    let fail = |child: &mut Child, e: StartError| {
        let _ = child.kill();
        let _ = child.wait();
        e
    };
    {
        let mut stdin = child.stdin.take().expect("piped stdin");
        let mut line = Zeroizing::new(String::with_capacity(secret.len() + 1));
        line.push_str(secret);
        line.push('\n');
        if let Err(e) = stdin.write_all(line.as_bytes()) {
            return Err(fail(&mut child, StartError::Input(e)));
        }
    }
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut answer = String::new();
        let read = BufReader::new(stdout).read_line(&mut answer);
        let _ = tx.send(read.map(|_| answer));
    });
    match rx.recv_timeout(timeout) {
        Ok(Ok(answer)) => Ok(Started { child, answer }),
        Ok(Err(e)) => Err(fail(&mut child, StartError::Read(e))),
        Err(_) => Err(fail(&mut child, StartError::Timeout(timeout.as_secs()))),
    }
}

/// Own process group on Unix; detached from the console on Windows.
fn detach(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        const DETACHED_PROCESS: u32 = 0x0000_0008;
        const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
        cmd.creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP);
    }
}
