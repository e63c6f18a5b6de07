//! Starting a detached helper process (a copy of this binary: the clipboard server, the unlock
//! agent) that is handed a secret on its stdin — never in argv, which other users can read — and
//! answers with one line once it is ready.
//!
//! A helper lives on after the command that started it (the clipboard server up to an hour, the
//! agent for its whole unlock), and on Linux its environment stays readable in
//! `/proc/PID/environ` for that time. So [`start`] does not hand it the caller's environment:
//! it starts from an empty one and passes on only the variables named in [`PASSED_ON`] (where
//! the display is, where the user's folders are), never a passphrase.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use zeroize::Zeroizing;

/// The variables a helper gets from the caller's environment, and nothing else.
///
/// - Display (Linux, BSD): `DISPLAY` and `XAUTHORITY` (X11; x11rb falls back to
///   `$HOME/.Xauthority`), `WAYLAND_DISPLAY` and `XDG_RUNTIME_DIR` (the Wayland socket's folder).
///   arboard and wl-clipboard-rs read nothing else; D-Bus is not involved.
/// - Folders, as `dirs` and `std::env::temp_dir` find them: `HOME`, `XDG_RUNTIME_DIR` (the
///   clipboard baton, the agent's socket folder), `XDG_CACHE_HOME` (their fallback),
///   `XDG_CONFIG_HOME`, `XDG_DATA_HOME`, `TMPDIR` (the last fallback); on Windows `USERPROFILE`,
///   `APPDATA`, `LOCALAPPDATA`, `TEMP`, `TMP` (Windows' `dirs` asks the shell's known folders,
///   so these are for anything reading the variables).
/// - `AUTHCLI_CONFIG`: a helper that reads the configuration reads the caller's file.
/// - Windows only: `SystemRoot`, `windir` and `SystemDrive`, which system libraries (the
///   clipboard's OLE, Winsock) expect, and `PATH`, the DLL search path. On Unix the helper is
///   started by absolute path and starts nothing itself, so it gets no `PATH`.
/// - macOS: `USER`, `LOGNAME`, `__CF_USER_TEXT_ENCODING` (what a login session sets and
///   Core Foundation reads), beside `HOME` and `TMPDIR`.
///
/// No `AUTHCLI_*PASSPHRASE*`, `AUTHCLI_IDENTITY` or `AUTHCLI_VAULT`: what a helper needs of
/// those comes in argv (paths) or on stdin (the secret). A unit test keeps passphrase names out.
pub const PASSED_ON: &[&str] = &[
    "HOME",
    "TMPDIR",
    "AUTHCLI_CONFIG",
    #[cfg(all(unix, not(target_os = "macos")))]
    "DISPLAY",
    #[cfg(all(unix, not(target_os = "macos")))]
    "XAUTHORITY",
    #[cfg(all(unix, not(target_os = "macos")))]
    "WAYLAND_DISPLAY",
    #[cfg(all(unix, not(target_os = "macos")))]
    "XDG_RUNTIME_DIR",
    #[cfg(all(unix, not(target_os = "macos")))]
    "XDG_CACHE_HOME",
    #[cfg(all(unix, not(target_os = "macos")))]
    "XDG_CONFIG_HOME",
    #[cfg(all(unix, not(target_os = "macos")))]
    "XDG_DATA_HOME",
    #[cfg(target_os = "macos")]
    "USER",
    #[cfg(target_os = "macos")]
    "LOGNAME",
    #[cfg(target_os = "macos")]
    "__CF_USER_TEXT_ENCODING",
    #[cfg(windows)]
    "SystemRoot",
    #[cfg(windows)]
    "windir",
    #[cfg(windows)]
    "SystemDrive",
    #[cfg(windows)]
    "PATH",
    #[cfg(windows)]
    "USERPROFILE",
    #[cfg(windows)]
    "APPDATA",
    #[cfg(windows)]
    "LOCALAPPDATA",
    #[cfg(windows)]
    "TEMP",
    #[cfg(windows)]
    "TMP",
];

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

/// Spawns `cmd` with only the [`PASSED_ON`] variables of our environment (plus any the caller
/// set on `cmd` itself, except a passphrase), piped stdin and stdout, stderr discarded (a caller reading our stderr
/// through a pipe must not wait for the helper) and in its own process group (Ctrl-C in the
/// terminal does not reach it); writes `secret` and a newline to its stdin, then waits up to
/// `timeout` for its first line, read on a thread so that a stuck helper cannot hang us.
pub fn start(mut cmd: Command, secret: &str, timeout: Duration) -> Result<Started, StartError> {
    private_env(&mut cmd);
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

/// Replaces the environment `cmd` would inherit with the [`PASSED_ON`] variables, keeping the
/// variables set on `cmd` explicitly unless their name holds `PASSPHRASE`, and leaving out
/// those removed from `cmd` explicitly.
fn private_env(cmd: &mut Command) {
    let mut explicit = Vec::new();
    let mut removed = Vec::new();
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) if !is_passphrase_name(&k.to_string_lossy()) => {
                explicit.push((k.to_owned(), v.to_owned()));
            }
            Some(_) => {}
            None => removed.push(k.to_string_lossy().to_ascii_uppercase()),
        }
    }
    cmd.env_clear();
    for name in PASSED_ON {
        if removed.contains(&name.to_ascii_uppercase()) {
            continue;
        }
        if let Some(v) = std::env::var_os(name) {
            cmd.env(name, v);
        }
    }
    cmd.envs(explicit);
}

fn is_passphrase_name(name: &str) -> bool {
    name.to_ascii_uppercase().contains("PASSPHRASE")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_passphrase_is_passed_on() {
        assert!(PASSED_ON.iter().all(|n| !is_passphrase_name(n)));
        assert!(
            !PASSED_ON
                .iter()
                .any(|n| n.starts_with("AUTHCLI_") && *n != "AUTHCLI_CONFIG")
        );
    }

    #[test]
    fn explicit_variables_stay_but_never_a_passphrase() {
        let mut cmd = Command::new("true");
        cmd.env("KEEP_ME", "1")
            .env("AUTHCLI_PASSPHRASE", "hunter2")
            .env("authcli_new_passphrase_file", "/x")
            .env("SOMETHING_ELSE", "y")
            .env_remove("HOME")
            .env_remove("TMPDIR");
        private_env(&mut cmd);
        let set: Vec<String> = cmd
            .get_envs()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        assert!(set.iter().any(|k| k == "KEEP_ME"), "{set:?}");
        assert!(set.iter().any(|k| k == "SOMETHING_ELSE"), "{set:?}");
        assert!(!set.iter().any(|k| is_passphrase_name(k)), "{set:?}");
        assert!(!set.iter().any(|k| k == "HOME" || k == "TMPDIR"), "{set:?}");
        assert!(
            set.iter().all(|k| PASSED_ON.contains(&k.as_str())
                || k == "KEEP_ME"
                || k == "SOMETHING_ELSE"),
            "{set:?}"
        );
    }
}
