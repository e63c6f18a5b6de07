//! `unlock`, `lock`, `status`, the agent process itself (hidden `__agent`), and the calls that
//! commands make to it first: [`ask`] (codes, listings, lookups), [`export`] (accounts with
//! secrets, for `export` and `watch`) and [`write()`] (changes, which the agent writes to the
//! vault file itself).
//!
//! `unlock` starts the same binary as `authcli --vault CANONICAL __agent SECONDS` in its own
//! process group, hands it the passphrase on stdin (never argv, never its environment) and waits
//! for one JSON line: `{"ok":true,"until":…}` once the agent has decrypted the vault and bound its
//! socket, or `{"ok":false,"exit":4,"error":…}`. Only one scrypt run happens, in the agent.
//!
//! The agent keeps the decrypted vault and the passphrase (to re-encrypt on writes; zeroized
//! on exit, never sent). A change is made by [`super::change::apply`], the function the
//! vault-file path uses, and written with the vault's own write path (exclusive lock, temp
//! file, fsync, rename, `.bak`); the agent then takes the new file as its own. Any other change
//! to the file (another process, `passwd`, a sync) ends the agent: checked before each answer
//! and four times a second. It also ends on `lock`, when its time is up, when its socket is
//! removed (logout empties `$XDG_RUNTIME_DIR`), and on SIGHUP, SIGTERM or SIGINT.
//!
//! The same code runs on Unix and Windows; `crate::agent` has the transport of each (a Unix
//! socket, or a named pipe with a token file standing for the socket's path).

use anyhow::Result;

use super::Ctx;
use crate::account::Account;
use crate::agent::{Body, Change, Op, Outcome};
use crate::cli::{AgentServeArgs, UnlockArgs};

/// Asks this vault's agent, when one answers. `Ok(None)`: no agent (none running, a transport
/// error, another protocol version) or it declined (the vault changed): use the vault file.
/// A query that matches no or several accounts is the same exit-3 error as without the agent,
/// and a refused change the same error as the vault file gives.
pub fn ask(ctx: &Ctx, op: Op) -> Result<Option<Body>> {
    #[cfg(any(unix, windows))]
    {
        use super::QueryError;
        use crate::agent::{self, ErrorKind};
        // Key-based vaults never have an agent: no socket lookup on their hot path.
        if !crate::vault::starts_as_passphrase_vault(&ctx.vault_path) {
            return Ok(None);
        }
        let Some(socket) = socket_for(ctx) else {
            return Ok(None);
        };
        match agent::request(&socket, &agent::Request::new(op)) {
            Ok(Some(reply)) if reply.v == agent::VERSION => match reply.body {
                Body::Error {
                    kind: ErrorKind::Query,
                    error,
                } => Err(QueryError(error).into()),
                Body::Error {
                    kind: ErrorKind::Refused,
                    error,
                } => Err(anyhow::Error::msg(error)),
                Body::Error { .. } => Ok(None),
                body => Ok(Some(body)),
            },
            Ok(_) => Ok(None),
            Err(e) => {
                eprintln!("authcli: warning: {e}; unlocking the vault file instead");
                Ok(None)
            }
        }
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (ctx, op);
        Ok(None)
    }
}

/// The accounts QUERY… pick (all when empty), secrets included, from this vault's agent;
/// `Ok(None)`: use the vault file.
pub fn export(ctx: &Ctx, queries: &[String]) -> Result<Option<Vec<Account>>> {
    let op = Op::Export {
        queries: queries.to_vec(),
    };
    let Some(Body::Accounts { accounts }) = ask(ctx, op)? else {
        return Ok(None);
    };
    match accounts
        .into_iter()
        .map(Account::try_from)
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(accounts) => Ok(Some(accounts)),
        Err(e) => {
            eprintln!(
                "authcli: warning: the agent sent an invalid account ({e}); unlocking the vault file instead"
            );
            Ok(None)
        }
    }
}

/// Makes `change` through this vault's agent, which writes the vault file; `Ok(None)`: no
/// agent, use the vault file.
pub fn write(ctx: &Ctx, change: &Change) -> Result<Option<Outcome>> {
    let op = Op::Write {
        change: change.clone(),
    };
    Ok(match ask(ctx, op)? {
        Some(Body::Done(outcome)) => Some(outcome),
        _ => None,
    })
}

/// Which account QUERY picks, from this vault's agent: its exact name and its label for
/// messages; `Ok(None)`: use the vault file.
pub fn find(ctx: &Ctx, query: &str) -> Result<Option<(String, String)>> {
    let op = Op::Find {
        query: query.to_owned(),
    };
    Ok(match ask(ctx, op)? {
        Some(Body::Found { name, label }) => Some((name, label)),
        _ => None,
    })
}

/// After a command that unlocked a passphrase vault with its passphrase, with
/// `unlock_by_default` on: starts the agent as `authcli unlock` does. A failure is a warning;
/// the command itself has succeeded.
pub fn start_if_configured(ctx: &Ctx) {
    if !ctx.wants_agent() {
        return;
    }
    #[cfg(any(unix, windows))]
    {
        let env = std::env::var("AUTHCLI_UNLOCK_FOR").ok();
        let started = duration(ctx, env.as_deref()).and_then(|d| running::unlock(ctx, d));
        if let Err(e) = started {
            eprintln!("authcli: warning: unlock_by_default: could not start the agent: {e:#}");
        }
    }
}

/// The agent's lifetime: `--for` / `$AUTHCLI_UNLOCK_FOR`, else `unlock_for` in the config
/// file, else 15 minutes.
fn duration(ctx: &Ctx, given: Option<&str>) -> Result<std::time::Duration> {
    if let Some(text) = given {
        return crate::agent::parse_duration(text).map_err(anyhow::Error::msg);
    }
    Ok(ctx
        .config()?
        .unlock_for
        .unwrap_or(std::time::Duration::from_mins(15)))
}

/// The agent socket for this vault, if the vault exists.
#[cfg(any(unix, windows))]
fn socket_for(ctx: &Ctx) -> Option<std::path::PathBuf> {
    let canonical = crate::agent::canonical_vault(&ctx.vault_path).ok()?;
    crate::agent::socket_path(&canonical).ok()
}

/// "14m 5s", "2h 3m", "40s".
#[cfg(any(unix, windows))]
fn human(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {}s", secs / 60, secs % 60),
        _ => format!("{}h {}m", secs / 3600, secs / 60 % 60),
    }
}

#[cfg(any(unix, windows))]
fn datetime(unix: u64) -> String {
    crate::time::to_datetime(i64::try_from(unix).unwrap_or(i64::MAX)).to_string()
}

#[cfg(not(any(unix, windows)))]
fn unsupported() -> anyhow::Error {
    crate::agent::AgentError::Unsupported.into()
}

/// Runs `unlock`.
pub fn unlock(ctx: &Ctx, args: &UnlockArgs) -> Result<()> {
    let duration = duration(ctx, args.duration.as_deref())?;
    #[cfg(any(unix, windows))]
    {
        running::unlock(ctx, duration)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (ctx, duration);
        Err(unsupported())
    }
}

/// Runs `lock`.
pub fn lock(ctx: &Ctx) -> Result<()> {
    #[cfg(any(unix, windows))]
    {
        let path = ctx.vault_path.display();
        let locked = match socket_for(ctx) {
            Some(socket) => lock_socket(&socket)?,
            None => false,
        };
        if locked {
            eprintln!("locked {path}: the agent has ended");
        } else {
            eprintln!("no agent was running for {path}");
        }
        Ok(())
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = ctx;
        Err(unsupported())
    }
}

/// Runs `status`: one line on stdout.
pub fn status(ctx: &Ctx) -> Result<()> {
    #[cfg(any(unix, windows))]
    {
        let line = match ask_raw(ctx, Op::Status)? {
            Some(Body::Status {
                vault,
                until,
                pid,
                memory,
            }) => {
                let left = until.saturating_sub(super::now_or(None)?);
                format!(
                    "unlocked: agent (pid {pid}) for {} until {} ({} left); {memory}",
                    vault.display(),
                    datetime(until),
                    human(left)
                )
            }
            _ => format!("locked: no agent for {}", ctx.vault_path.display()),
        };
        crate::output::print_line(&line)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = ctx;
        Err(unsupported())
    }
}

/// Ends the agent on `socket`, also one of an older protocol version (after an upgrade);
/// whether one answered.
#[cfg(any(unix, windows))]
fn lock_socket(socket: &std::path::Path) -> Result<bool> {
    use crate::agent::{ErrorKind, Request};
    let answer = crate::agent::request(socket, &Request::new(Op::Lock))?;
    if let Some(Body::Error {
        kind: ErrorKind::BadRequest,
        ..
    }) = answer.as_ref().map(|r| &r.body)
    {
        // `{"v":1,"op":"lock"}`: what every earlier agent understands.
        let v1 = Request { v: 1, op: Op::Lock };
        crate::agent::request(socket, &v1)?;
    }
    Ok(answer.is_some())
}

/// Sends `op` and returns any answer (errors included) but connection failures.
#[cfg(any(unix, windows))]
fn ask_raw(ctx: &Ctx, op: Op) -> Result<Option<Body>> {
    let Some(socket) = socket_for(ctx) else {
        return Ok(None);
    };
    Ok(crate::agent::request(&socket, &crate::agent::Request::new(op))?.map(|r| r.body))
}

/// Runs the agent (hidden `__agent SECONDS`).
pub fn serve(ctx: &Ctx, args: &AgentServeArgs) -> Result<()> {
    #[cfg(any(unix, windows))]
    {
        running::serve(ctx, args.seconds)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (ctx, args);
        Err(unsupported())
    }
}

#[cfg(any(unix, windows))]
mod running {
    use std::io::Write;
    use std::path::Path;
    use std::process::Command;
    use std::time::{Duration, Instant};

    use age::secrecy::SecretString;
    use anyhow::{Context, Result, bail};
    use serde_json::json;

    use super::{datetime, human};
    use crate::agent::{self, Body, Change, CodeReply, ErrorKind, FileStamp, Op, Reply, Server};
    use crate::cmd::{Ctx, QueryError, Session, UnlockError, find};
    use crate::vault::{self, Key, StoredAccount};

    /// How long `unlock` waits for the agent to decrypt (scrypt at up to work factor 22).
    const READY_TIMEOUT: Duration = Duration::from_mins(2);

    pub(super) fn unlock(ctx: &Ctx, duration: Duration) -> Result<()> {
        let path = &ctx.vault_path;
        let bytes = vault::read(path)?;
        if !vault::is_passphrase_vault(path, &bytes)? {
            eprintln!(
                "{} is key-based: it opens with its identity file and no passphrase, so it needs no agent",
                path.display()
            );
            return Ok(());
        }
        let canonical = agent::canonical_vault(path)
            .with_context(|| format!("could not resolve {}", path.display()))?;
        let socket = agent::socket_path(&canonical)?;
        let passphrase = ctx.passphrase(&format!("Passphrase for {}: ", path.display()))?;
        // An agent already running for this vault is replaced by the new one.
        if super::lock_socket(&socket)? {
            let until = Instant::now() + Duration::from_secs(2);
            while socket.exists() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let exe = std::env::current_exe().context("could not find the authcli binary")?;
        let mut cmd = Command::new(exe);
        cmd.arg("--vault")
            .arg(&canonical)
            .arg("__agent")
            .arg(duration.as_secs().to_string())
            .env_remove("AUTHCLI_PASSPHRASE")
            .env_remove("AUTHCLI_PASSPHRASE_FILE")
            .current_dir("/");
        let started = {
            use age::secrecy::ExposeSecret;
            crate::detached::start(cmd, passphrase.expose_secret(), READY_TIMEOUT)
        };
        let (mut child, answer) = match started {
            Ok(crate::detached::Started { child, answer }) => (child, answer),
            Err(e) => bail!("the agent {e}"),
        };
        if answer.is_empty() {
            let _ = child.wait();
            bail!("the agent did not start");
        }
        let v: serde_json::Value =
            serde_json::from_str(&answer).context("the agent gave a malformed answer")?;
        if v["ok"] == true {
            // It runs on, detached; reap it if it ends while we still run.
            std::thread::spawn(move || child.wait());
            let until = v["until"].as_u64().unwrap_or(0);
            eprintln!(
                "unlocked {} for {} (until {}); `authcli lock` ends it sooner",
                path.display(),
                human(duration.as_secs()),
                datetime(until)
            );
            return Ok(());
        }
        let _ = child.wait();
        let msg = v["error"].as_str().unwrap_or("the agent failed").to_owned();
        if v["exit"] == 4 {
            Err(UnlockError(msg).into())
        } else {
            Err(anyhow::Error::msg(msg))
        }
    }

    /// Reads the passphrase from stdin and opens the vault with it: a session that keeps the
    /// passphrase (zeroized on drop) to re-encrypt on writes, and the file's stamp.
    fn load(path: &Path) -> Result<(Session, FileStamp)> {
        let input = crate::cmd::read_stdin_limited(64 * 1024)?;
        let text = std::str::from_utf8(&input).context("the passphrase is not UTF-8")?;
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            return Err(UnlockError("no passphrase on stdin".into()).into());
        }
        let passphrase = SecretString::from(text.to_owned());
        let stamp = FileStamp::of(path).with_context(|| format!("{} is gone", path.display()))?;
        let bytes = vault::read(path)?;
        if !vault::is_passphrase_vault(path, &bytes)? {
            bail!("{} is not a passphrase vault", path.display());
        }
        let key = Key::Passphrase(passphrase.clone());
        let plain = vault::decrypt(path, &bytes, &key)?;
        let vault = vault::parse(path, &plain)?;
        let session = Session {
            vault,
            path: path.to_owned(),
            passphrase: Some(passphrase),
            key,
            bytes,
            lock: None,
        };
        Ok((session, stamp))
    }

    /// The running agent: the opened vault, the file as last read or written, and how long.
    struct Agent {
        session: Session,
        stamp: FileStamp,
        until: u64,
        memory: String,
        relock: bool,
    }

    pub(super) fn serve(ctx: &Ctx, seconds: u64) -> Result<()> {
        agent::harden_process();
        // Before any thread exists: the signal thread and all later ones inherit the mask.
        let signalled = agent::exit_on_signals();
        let path = ctx.vault_path.clone();
        let started = Instant::now();
        let until = crate::cmd::now_or(None)? + seconds;
        let ready = load(&path).and_then(|(session, stamp)| {
            let socket = agent::socket_path(&path)?;
            Ok((session, stamp, Server::bind(&socket)?))
        });
        let mut out = std::io::stdout();
        let (session, stamp, server) = match ready {
            Ok(r) => r,
            Err(e) => {
                let msg =
                    json!({"ok": false, "exit": crate::exit_code(&e), "error": format!("{e:#}")});
                let _ = writeln!(out, "{msg}").and_then(|()| out.flush());
                return Err(e);
            }
        };
        // After the decryption: scrypt's 256 MiB (and up to 4 GiB for a vault written at work
        // factor 22) would not fit a typical RLIMIT_MEMLOCK.
        let (memory, relock) = agent::lock_memory();
        let mut agent = Agent {
            session,
            stamp,
            until,
            memory,
            relock,
        };
        let _ = writeln!(out, "{}", json!({"ok": true, "until": until})).and_then(|()| out.flush());
        let deadline = started + Duration::from_secs(seconds);
        loop {
            let now = Instant::now();
            if now >= deadline
                || !server.still_ours()
                || signalled.load(std::sync::atomic::Ordering::SeqCst)
                || FileStamp::of(&path) != Some(agent.stamp)
            {
                break;
            }
            let Some(mut conn) = server.accept((deadline - now).min(Duration::from_millis(250)))
            else {
                continue;
            };
            let req = match conn.read() {
                Ok(Ok(r)) => r,
                Ok(Err(reply)) => {
                    let _ = conn.reply(&reply);
                    continue;
                }
                Err(_) => continue,
            };
            if FileStamp::of(&path) != Some(agent.stamp) {
                let _ = conn.reply(&stale());
                break;
            }
            let lock = req.op == Op::Lock;
            let (reply, go_on) = agent.handle(req.op);
            let _ = conn.reply(&reply);
            if lock || !go_on {
                break;
            }
        }
        Ok(())
    }

    /// The vault's lock, waiting up to 5 s for another writer to finish.
    fn lock_briefly(path: &Path) -> Result<Option<vault::Lock>, vault::VaultError> {
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(lock) = vault::try_lock(path)? {
                return Ok(Some(lock));
            }
            if Instant::now() >= until {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stale() -> Reply {
        Reply::error(
            ErrorKind::Stale,
            "the vault file changed; the agent is ending",
        )
    }

    /// A refused request: exit 3 for a query, else the message the vault file would give.
    fn refusal(e: &anyhow::Error) -> Reply {
        if let Some(QueryError(msg)) = e.downcast_ref::<QueryError>() {
            Reply::error(ErrorKind::Query, msg.clone())
        } else {
            Reply::error(ErrorKind::Refused, format!("{e:#}"))
        }
    }

    impl Agent {
        /// One answer, and whether to go on serving.
        fn handle(&mut self, op: Op) -> (Reply, bool) {
            let vault = &self.session.vault;
            let body = match op {
                Op::Code { query, at } => {
                    let i = match find(vault, &query) {
                        Ok(i) => i,
                        Err(QueryError(msg)) => {
                            return (Reply::error(ErrorKind::Query, msg), true);
                        }
                    };
                    let a = &vault.accounts[i];
                    if a.otp.kind().is_timed() {
                        let code = a.otp.code_at(at);
                        Body::Code(CodeReply {
                            name: a.name.clone(),
                            issuer: a.issuer.clone(),
                            account: a.account.clone(),
                            code: code.as_str().to_owned(),
                            remaining: code.remaining,
                            period: u64::from(a.otp.period()),
                        })
                    } else {
                        Body::Hotp {
                            name: a.name.clone(),
                        }
                    }
                }
                Op::List { filter, codes_at } => Body::List {
                    accounts: crate::cmd::list::summaries(vault, filter.as_deref(), codes_at),
                },
                Op::Find { query } => match find(vault, &query) {
                    Ok(i) => Body::Found {
                        name: vault.accounts[i].name.clone(),
                        label: crate::cmd::remove::label(&vault.accounts[i]),
                    },
                    Err(QueryError(msg)) => return (Reply::error(ErrorKind::Query, msg), true),
                },
                Op::Export { queries } => match crate::cmd::export::pick(vault, &queries) {
                    Ok(picked) => Body::Accounts {
                        accounts: picked
                            .into_iter()
                            .map(|i| StoredAccount::from(&vault.accounts[i]))
                            .collect(),
                    },
                    Err(QueryError(msg)) => return (Reply::error(ErrorKind::Query, msg), true),
                },
                Op::Write { change } => return self.write(change),
                Op::Status => Body::Status {
                    vault: self.session.path().to_owned(),
                    until: self.until,
                    pid: std::process::id(),
                    memory: self.memory.clone(),
                },
                Op::Lock => Body::Locked,
            };
            (Reply::new(body), true)
        }

        /// Makes a change as the vault-file path does — under the vault's lock, by the same
        /// function, written by the same code — and takes the new file as its own. A file
        /// changed by someone else first ends the agent; a failed change or write leaves both
        /// the file and the agent's copy as they were.
        fn write(&mut self, change: Change) -> (Reply, bool) {
            let path = self.session.path().to_owned();
            let lock = match lock_briefly(&path) {
                Ok(Some(l)) => l,
                // Held by a command waiting at a passphrase prompt, perhaps: that client waits
                // on the file as it would without an agent, and the agent keeps serving.
                Ok(None) => {
                    let busy = "the vault is locked by another authcli command";
                    return (Reply::error(ErrorKind::Unsupported, busy), true);
                }
                Err(e) => return (refusal(&anyhow::Error::from(e)), true),
            };
            if FileStamp::of(&path) != Some(self.stamp) {
                return (stale(), false);
            }
            let before = self.session.vault.clone();
            let now = match crate::cmd::now_or(None) {
                Ok(t) => t,
                Err(e) => return (refusal(&e), true),
            };
            self.session.lock = Some(lock);
            let result = crate::cmd::change::apply(&mut self.session.vault, change, now).and_then(
                |outcome| {
                    if outcome.changed {
                        self.session.save()?;
                    }
                    Ok(outcome)
                },
            );
            let reply = match result {
                Ok(outcome) => {
                    if let Some(stamp) = FileStamp::of(&path) {
                        self.stamp = stamp;
                    }
                    if self.relock {
                        agent::relock_present();
                    }
                    Reply::new(Body::Done(outcome))
                }
                Err(e) => {
                    self.session.vault = before;
                    refusal(&e)
                }
            };
            // The vault's lock is released only now, after the new stamp is taken.
            self.session.lock = None;
            (reply, true)
        }
    }
}
