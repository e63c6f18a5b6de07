//! `unlock`, `lock`, `status`, the agent process itself (hidden `__agent`), and [`ask`], which
//! `code` and `list` call first.
//!
//! `unlock` starts the same binary as `authcli --vault CANONICAL __agent SECONDS` in its own
//! process group, hands it the passphrase on stdin (never argv, never its environment) and waits
//! for one JSON line: `{"ok":true,"until":…}` once the agent has decrypted the vault and bound its
//! socket, or `{"ok":false,"exit":4,"error":…}`. Only one scrypt run happens, in the agent.
//!
//! The agent answers TOTP/Steam codes and listings only. HOTP codes (which spend a counter) and
//! every write go through the vault file, which stays the one source of truth; the agent exits
//! as soon as that file changes (checked before each answer and four times a second).

use anyhow::Result;

use super::Ctx;
use crate::agent::{Body, Op};
use crate::cli::{AgentServeArgs, UnlockArgs};

/// Asks this vault's agent, when one answers. `Ok(None)`: no agent, or it declined (HOTP, a
/// stale vault): use the vault file. A query that matches no or several accounts is the same
/// exit-3 error as without the agent.
pub fn ask(ctx: &Ctx, op: Op) -> Result<Option<Body>> {
    #[cfg(unix)]
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
    #[cfg(not(unix))]
    {
        let _ = (ctx, op);
        Ok(None)
    }
}

/// The agent socket for this vault, if the vault exists.
#[cfg(unix)]
fn socket_for(ctx: &Ctx) -> Option<std::path::PathBuf> {
    let canonical = std::fs::canonicalize(&ctx.vault_path).ok()?;
    crate::agent::socket_path(&canonical).ok()
}

/// "14m 5s", "2h 3m", "40s".
#[cfg(unix)]
fn human(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {}s", secs / 60, secs % 60),
        _ => format!("{}h {}m", secs / 3600, secs / 60 % 60),
    }
}

#[cfg(unix)]
fn datetime(unix: u64) -> String {
    crate::time::to_datetime(i64::try_from(unix).unwrap_or(i64::MAX)).to_string()
}

#[cfg(not(unix))]
fn unsupported() -> anyhow::Error {
    crate::agent::AgentError::Unsupported.into()
}

/// Runs `unlock`.
pub fn unlock(ctx: &Ctx, args: &UnlockArgs) -> Result<()> {
    let duration = crate::agent::parse_duration(&args.duration).map_err(anyhow::Error::msg)?;
    #[cfg(unix)]
    {
        unix::unlock(ctx, duration)
    }
    #[cfg(not(unix))]
    {
        let _ = (ctx, duration);
        Err(unsupported())
    }
}

/// Runs `lock`.
pub fn lock(ctx: &Ctx) -> Result<()> {
    #[cfg(unix)]
    {
        let path = ctx.vault_path.display();
        match ask_raw(ctx, Op::Lock)? {
            Some(_) => eprintln!("locked {path}: the agent has ended"),
            None => eprintln!("no agent was running for {path}"),
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = ctx;
        Err(unsupported())
    }
}

/// Runs `status`: one line on stdout.
pub fn status(ctx: &Ctx) -> Result<()> {
    #[cfg(unix)]
    {
        let line = match ask_raw(ctx, Op::Status)? {
            Some(Body::Status { vault, until, pid }) => {
                let left = until.saturating_sub(super::now_or(None)?);
                format!(
                    "unlocked: agent (pid {pid}) for {} until {} ({} left)",
                    vault.display(),
                    datetime(until),
                    human(left)
                )
            }
            _ => format!("locked: no agent for {}", ctx.vault_path.display()),
        };
        crate::output::print_line(&line)
    }
    #[cfg(not(unix))]
    {
        let _ = ctx;
        Err(unsupported())
    }
}

/// Sends `op` and returns any answer (errors included) but connection failures.
#[cfg(unix)]
fn ask_raw(ctx: &Ctx, op: Op) -> Result<Option<Body>> {
    let Some(socket) = socket_for(ctx) else {
        return Ok(None);
    };
    Ok(crate::agent::request(&socket, &crate::agent::Request::new(op))?.map(|r| r.body))
}

/// Runs the agent (hidden `__agent SECONDS`).
pub fn serve(ctx: &Ctx, args: &AgentServeArgs) -> Result<()> {
    #[cfg(unix)]
    {
        unix::serve(ctx, args.seconds)
    }
    #[cfg(not(unix))]
    {
        let _ = (ctx, args);
        Err(unsupported())
    }
}

#[cfg(unix)]
mod unix {
    use std::io::Write;
    use std::path::Path;
    use std::process::Command;
    use std::time::{Duration, Instant};

    use age::secrecy::SecretString;
    use anyhow::{Context, Result, bail};
    use serde_json::json;

    use super::{datetime, human};
    use crate::agent::{self, Body, CodeReply, ErrorKind, FileStamp, Op, Reply, Request, Server};
    use crate::cmd::{Ctx, QueryError, UnlockError, find};
    use crate::vault::{self, Key, Vault};

    /// How long `unlock` waits for the agent to decrypt (scrypt at up to work factor 22).
    const READY_TIMEOUT: Duration = Duration::from_secs(120);

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
        let canonical = std::fs::canonicalize(path)
            .with_context(|| format!("could not resolve {}", path.display()))?;
        let socket = agent::socket_path(&canonical)?;
        let passphrase = ctx.passphrase(&format!("Passphrase for {}: ", path.display()))?;
        // An agent already running for this vault is replaced by the new one.
        if agent::request(&socket, &Request::new(Op::Lock))?.is_some() {
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

    /// Reads the passphrase from stdin and decrypts; the passphrase is dropped (zeroized) before
    /// the agent starts answering.
    fn load(path: &Path) -> Result<(Vault, FileStamp)> {
        let input = crate::cmd::read_stdin_limited(64 * 1024)?;
        let text = std::str::from_utf8(&input).context("the passphrase is not UTF-8")?;
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            return Err(UnlockError("no passphrase on stdin".into()).into());
        }
        let key = Key::Passphrase(SecretString::from(text.to_owned()));
        let stamp = FileStamp::of(path).with_context(|| format!("{} is gone", path.display()))?;
        let bytes = vault::read(path)?;
        if !vault::is_passphrase_vault(path, &bytes)? {
            bail!("{} is not a passphrase vault", path.display());
        }
        let plain = vault::decrypt(path, &bytes, &key)?;
        Ok((vault::parse(path, &plain)?, stamp))
    }

    pub(super) fn serve(ctx: &Ctx, seconds: u64) -> Result<()> {
        agent::harden_process();
        let path = ctx.vault_path.clone();
        let started = Instant::now();
        let until = crate::cmd::now_or(None)? + seconds;
        let ready = load(&path).and_then(|(vault, stamp)| {
            let socket = agent::socket_path(&path)?;
            Ok((vault, stamp, Server::bind(&socket)?))
        });
        let mut out = std::io::stdout();
        let (vault, stamp, server) = match ready {
            Ok(r) => r,
            Err(e) => {
                let msg =
                    json!({"ok": false, "exit": crate::exit_code(&e), "error": format!("{e:#}")});
                let _ = writeln!(out, "{msg}").and_then(|()| out.flush());
                return Err(e);
            }
        };
        let _ = writeln!(out, "{}", json!({"ok": true, "until": until})).and_then(|()| out.flush());
        let deadline = started + Duration::from_secs(seconds);
        loop {
            let now = Instant::now();
            if now >= deadline || !server.still_ours() || FileStamp::of(&path) != Some(stamp) {
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
            if FileStamp::of(&path) != Some(stamp) {
                let _ = conn.reply(&Reply::error(
                    ErrorKind::Stale,
                    "the vault file changed; the agent is ending",
                ));
                break;
            }
            let lock = req.op == Op::Lock;
            let _ = conn.reply(&handle(&vault, &path, until, req.op));
            if lock {
                break;
            }
        }
        Ok(())
    }

    /// One answer from the decrypted accounts: codes and metadata, never secrets.
    fn handle(vault: &Vault, path: &Path, until: u64, op: Op) -> Reply {
        Reply::new(match op {
            Op::Code { query, at } => {
                let i = match find(vault, &query) {
                    Ok(i) => i,
                    Err(QueryError(msg)) => return Reply::error(ErrorKind::Query, msg),
                };
                let a = &vault.accounts[i];
                if !a.otp.kind().is_timed() {
                    return Reply::error(
                        ErrorKind::Unsupported,
                        "HOTP codes are given from the vault file (the counter is saved there)",
                    );
                }
                let code = a.otp.code_at(at);
                Body::Code(CodeReply {
                    name: a.name.clone(),
                    issuer: a.issuer.clone(),
                    account: a.account.clone(),
                    code: code.as_str().to_owned(),
                    remaining: code.remaining,
                    period: u64::from(a.otp.period()),
                })
            }
            Op::List { filter, codes_at } => Body::List {
                accounts: crate::cmd::list::summaries(vault, filter.as_deref(), codes_at),
            },
            Op::Status => Body::Status {
                vault: path.to_owned(),
                until,
                pid: std::process::id(),
            },
            Op::Lock => Body::Locked,
        })
    }
}
