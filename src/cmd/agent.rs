//! `unlock`, `lock`, `status`, and the agent process itself (hidden `__agent`): the glue between
//! the command line and [`crate::agent`].
//!
//! `unlock` starts the same binary as `authcli --vault CANONICAL __agent SECONDS` in its own
//! process group, hands it the passphrase on stdin (never argv, never its environment) and waits
//! for one JSON line: `{"ok":true,"until":…}` once the agent has checked the passphrase against
//! the vault (one scrypt run) and bound its socket, or `{"ok":false,"exit":4,"error":…}`.

use anyhow::Result;

use super::Ctx;
use crate::cli::{AgentServeArgs, UnlockArgs};

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
        return crate::time::parse_duration(text).map_err(anyhow::Error::msg);
    }
    Ok(ctx
        .config()?
        .unlock_for
        .unwrap_or(std::time::Duration::from_secs(15 * 60)))
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
    let path = ctx.vault_path.display();
    if crate::agent::client::end(&ctx.vault_path)? {
        eprintln!("locked {path}: the agent has ended");
    } else {
        eprintln!("no agent was running for {path}");
    }
    Ok(())
}

/// Runs `status`: one line on stdout.
pub fn status(ctx: &Ctx) -> Result<()> {
    use crate::agent::protocol::{Body, Op};
    let answer = match crate::agent::client::AgentKey::for_vault(&ctx.vault_path) {
        Some(agent) => agent.ask(Op::Status)?,
        None => None,
    };
    let line = match answer {
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

/// "14m 5s", "2h 3m", "40s".
fn human(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {}s", secs / 60, secs % 60),
        _ => format!("{}h {}m", secs / 3600, secs / 60 % 60),
    }
}

fn datetime(unix: u64) -> String {
    crate::time::to_datetime(i64::try_from(unix).unwrap_or(i64::MAX)).to_string()
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
    use std::process::Command;
    use std::time::{Duration, Instant};

    use age::secrecy::{ExposeSecret, SecretString};
    use anyhow::{Context, Result, bail};
    use serde_json::json;
    use zeroize::Zeroizing;

    use super::{datetime, human};
    use crate::agent::hardening::{self, KeyStore};
    use crate::agent::server::{self, Agent};
    use crate::agent::{self, Server};
    use crate::cmd::{Ctx, UnlockError};
    use crate::vault::{self, VaultError};

    /// How long `unlock` waits for the agent to check the passphrase (scrypt at up to work
    /// factor 22).
    const READY_TIMEOUT: Duration = Duration::from_secs(120);

    pub(super) fn unlock(ctx: &Ctx, duration: Duration) -> Result<()> {
        let path = &ctx.vault_path;
        let bytes = vault::read(path)?;
        let canonical = agent::canonical_vault(path)
            .with_context(|| format!("could not resolve {}", path.display()))?;
        let secret = if vault::is_passphrase_vault(path, &bytes)? {
            let mut passphrase = ctx.passphrase(&format!("Passphrase for {}: ", path.display()))?;
            if ctx.keychain_supplied() {
                // Checked here (one scrypt run) so that a stale one is reported and passed over.
                passphrase = ctx.open_with_passphrase(&bytes)?.0;
            }
            hand(Some(passphrase.expose_secret()), None)
        } else {
            let Some(key) = key_for_agent(ctx, &bytes)? else {
                return Ok(());
            };
            hand(None, Some(&key))
        };
        // An agent already running for this vault is replaced by the new one.
        crate::agent::client::end(&ctx.vault_path)?;
        let exe = std::env::current_exe().context("could not find the authcli binary")?;
        let mut cmd = Command::new(exe);
        cmd.arg("--vault")
            .arg(&canonical)
            .arg("__agent")
            .arg(duration.as_secs().to_string())
            .current_dir("/");
        let started = crate::detached::start(cmd, &secret, READY_TIMEOUT);
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

    /// A key-based vault's file key, unwrapped by its identity (the one PIN, touch or identity
    /// passphrase of the unlock period), for the agent to hold; `None` when the identity is a
    /// plain key file, which asks nothing and so needs no agent.
    fn key_for_agent(ctx: &Ctx, bytes: &[u8]) -> Result<Option<Zeroizing<String>>> {
        let path = &ctx.vault_path;
        let Some(id_path) = &ctx.identity else {
            return Err(VaultError::NeedIdentity(path.clone()).into());
        };
        let ids = ctx.load_identity(id_path)?;
        if !ids.asks {
            eprintln!(
                "{} is key-based and its identity {} asks nothing (no passphrase, no plugin), so it needs no agent",
                path.display(),
                id_path.display()
            );
            return Ok(None);
        }
        let key = vault::Key::Identities {
            identities: ids.identities,
            source: id_path.clone(),
        };
        let (_, file_key) =
            vault::decrypt_keeping_key(path, bytes, &key).map_err(|e| ctx.explain_plugin(e))?;
        let file_key = file_key.ok_or_else(|| VaultError::NoMatchingIdentity {
            path: path.clone(),
            identity: id_path.display().to_string(),
        })?;
        eprintln!(
            "the agent holds the vault's file key: until it ends, any program running as you can read the vault without {}",
            id_path.display()
        );
        Ok(Some(crate::agent::protocol::encode_file_key(&file_key)))
    }

    /// What `unlock` hands the agent on stdin: the passphrase, or a key-based vault's file key.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Given {
        passphrase: Option<Zeroizing<String>>,
        file_key: Option<Zeroizing<String>>,
    }

    /// [`Given`] as one JSON line, with no copy of the secret left behind.
    fn hand(passphrase: Option<&str>, file_key: Option<&str>) -> Zeroizing<String> {
        #[derive(serde::Serialize)]
        struct Hand<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            passphrase: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            file_key: Option<&'a str>,
        }
        // Room for the worst escaping, so the buffer never grows (a grown one would leave an
        // unzeroized copy behind).
        let len = passphrase.map_or(0, str::len) + file_key.map_or(0, str::len);
        let mut out = Zeroizing::new(Vec::with_capacity(6 * len + 64));
        let _ = serde_json::to_writer(
            &mut *out,
            &Hand {
                passphrase,
                file_key,
            },
        );
        Zeroizing::new(String::from_utf8_lossy(&out).into_owned())
    }

    /// Reads the passphrase or file key from stdin and checks it against the vault: the key
    /// store.
    fn load(ctx: &Ctx) -> Result<KeyStore> {
        let path = &ctx.vault_path;
        let input = crate::cmd::read_stdin_limited(64 * 1024)?;
        let given: Given = serde_json::from_slice(&input)
            .map_err(|_| UnlockError("malformed key material on stdin".into()))?;
        let bytes = vault::read(path)?;
        let checked = match (&given.passphrase, &given.file_key) {
            (Some(p), None) if !p.is_empty() => {
                let store =
                    KeyStore::new(Some(&SecretString::from(p.to_string()))).map_err(UnlockError)?;
                if !vault::is_passphrase_vault(path, &bytes)? {
                    bail!("{} is not a passphrase vault", path.display());
                }
                server::check(store, &bytes)
            }
            (None, Some(k)) => {
                let key = crate::agent::protocol::decode_file_key(k)
                    .ok_or_else(|| UnlockError("a file key is 16 bytes".into()))?;
                let mut store = KeyStore::new(None).map_err(UnlockError)?;
                let kept = server::keep(&mut store, &bytes, &key);
                (store, kept)
            }
            _ => return Err(UnlockError("no passphrase or file key on stdin".into()).into()),
        };
        match checked {
            (store, Ok(())) => Ok(store),
            (_, Err(age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed)) => {
                Err(VaultError::WrongPassphrase(path.clone()).into())
            }
            (_, Err(age::DecryptError::ExcessiveWork { required, .. })) => {
                Err(VaultError::ExcessiveWork {
                    path: path.clone(),
                    required,
                }
                .into())
            }
            (_, Err(e)) => Err(VaultError::Corrupt {
                path: path.clone(),
                detail: e.to_string(),
            }
            .into()),
        }
    }

    pub(super) fn serve(ctx: &Ctx, seconds: u64) -> Result<()> {
        hardening::harden_process();
        // Before any thread exists: the signal thread and all later ones inherit the mask.
        let signalled = hardening::exit_on_signals();
        let path = ctx.vault_path.clone();
        let ready = load(ctx).and_then(|store| {
            let socket = agent::socket_path(&path)?;
            Ok((store, Server::bind(&socket)?))
        });
        let mut out = std::io::stdout();
        let (store, server) = match ready {
            Ok(r) => r,
            Err(e) => {
                let msg =
                    json!({"ok": false, "exit": crate::exit_code(&e), "error": format!("{e:#}")});
                let _ = writeln!(out, "{msg}").and_then(|()| out.flush());
                return Err(e);
            }
        };
        // The time counts from now, once the passphrase is checked and the socket bound.
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let until = crate::cmd::now_or(None)? + seconds;
        let mut agent = Agent {
            store,
            vault: path,
            until,
        };
        let _ = writeln!(out, "{}", json!({"ok": true, "until": until})).and_then(|()| out.flush());
        server::run(&server, &mut agent, deadline, &signalled);
        Ok(())
    }
}
