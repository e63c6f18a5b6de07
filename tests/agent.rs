//! The unlock agent (a key agent) through the real binary: `unlock`, then codes, listings,
//! writes (add, remove, rename, import, HOTP) and export with no passphrase source, each command
//! reading and writing the vault file itself; `lock`, `--for` running out, a vault rewritten by
//! another process, `passwd`, logout and signals, a stale socket, a slow or malformed client,
//! concurrent writers, key-based vaults, `unlock_by_default`, another user's connection, and
//! locked memory for a normal user.
//! Passphrase vaults cost ~1 s of scrypt per unlock or write: these tests are few on purpose.
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{Env, have, oathtool_hotp, oathtool_totp, path_str, qr_png};

const PASS: &str = "agent test passphrase";
const SECRET: &str = "JBSWY3DPEHPK3PXP";
const AT: u64 = 1_764_000_000;

/// A passphrase vault in its own temp HOME and `XDG_RUNTIME_DIR`; any agent is locked on drop,
/// so no test leaves a process behind.
struct Fixture {
    env: Env,
    run_dir: PathBuf,
    pass_file: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let env = Env::new();
        let run_dir = env.dir.path().join("run");
        std::fs::create_dir(&run_dir).unwrap();
        std::fs::set_permissions(&run_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let pass_file = env.dir.path().join("pass.txt");
        std::fs::write(&pass_file, format!("{PASS}\n")).unwrap();
        let f = Self {
            env,
            run_dir,
            pass_file,
        };
        f.ok_with_pass(&["init"], "");
        f
    }

    /// Runs with no passphrase source at all, unless `pass`.
    fn run(&self, pass: bool, args: &[&str], stdin: &str) -> (i32, String, String) {
        let mut c = self.env.cmd();
        c.env_remove("AUTHCLI_IDENTITY")
            .env("XDG_RUNTIME_DIR", &self.run_dir);
        if pass {
            c.env("AUTHCLI_PASSPHRASE", PASS);
        }
        c.args(args);
        self.env.run_with(c, stdin)
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(false, args, "");
        assert_eq!(code, 0, "authcli {args:?}: {err}");
        out
    }

    fn ok_with_pass(&self, args: &[&str], stdin: &str) -> String {
        let (code, out, err) = self.run(true, args, stdin);
        assert_eq!(code, 0, "authcli {args:?}: {err}");
        out
    }

    fn exit(&self, args: &[&str]) -> i32 {
        self.run(false, args, "").0
    }

    /// Runs with no passphrase source and asserts success; returns stderr.
    fn ok_err(&self, args: &[&str], stdin: &str) -> String {
        let (code, _, err) = self.run(false, args, stdin);
        assert_eq!(code, 0, "authcli {args:?}: {err}");
        err
    }

    /// The running agent's pid, from `status`.
    fn agent_pid(&self) -> u32 {
        let status = self.ok(&["status"]);
        let pid = status
            .strip_prefix("unlocked: agent (pid ")
            .and_then(|r| r.split(')').next())
            .unwrap_or_else(|| panic!("no agent: {status}"));
        pid.parse().unwrap()
    }

    fn sockets(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.run_dir.join("authcli")) {
            Ok(d) => d.map(|e| e.unwrap().path()).collect(),
            Err(_) => vec![],
        }
    }

    /// Polls `status` until it says locked; panics after `limit`.
    fn wait_locked(&self, limit: Duration) {
        let start = Instant::now();
        while !self.ok(&["status"]).starts_with("locked") {
            assert!(start.elapsed() < limit, "the agent still runs");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Whether process `pid` still runs (a zombie does not count). Linux only: elsewhere `false`.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat.rsplit(')').next().unwrap_or("").trim_start();
        !state.starts_with('Z') && !state.starts_with('X')
    })
}

/// Waits until process `pid` has ended; panics after `limit`.
fn wait_gone(pid: u32, limit: Duration) {
    let start = Instant::now();
    while alive(pid) {
        assert!(start.elapsed() < limit, "agent {pid} still runs");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = self.run(false, &["lock"], "");
    }
}

#[test]
fn unlock_gives_codes_without_passphrase_until_lock() {
    if !have("oathtool") {
        return;
    }
    let f = Fixture::new();
    f.ok_with_pass(
        &["add", "--uri", "-"],
        &format!(
            "otpauth://totp/Example:me?secret={SECRET}&issuer=Example\n\
             otpauth://hotp/Counter:me?secret={SECRET}&issuer=Counter&counter=3\n"
        ),
    );
    let (code, _, err) = f.run(
        false,
        &["--passphrase-file", path_str(&f.pass_file), "unlock"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unlocked"), "{err}");

    // The socket: one, 0600, in a 0700 folder under XDG_RUNTIME_DIR.
    let sockets = f.sockets();
    assert_eq!(sockets.len(), 1, "{sockets:?}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&sockets[0]), 0o600);
    assert_eq!(mode(&f.run_dir.join("authcli")), 0o700);

    // No passphrase source anywhere, yet codes and listings come.
    let want = oathtool_totp(SECRET, "SHA1", 6, 30, AT);
    let at = AT.to_string();
    assert_eq!(f.ok(&["code", "example", "--at", &at]), format!("{want}\n"));
    let next = oathtool_totp(SECRET, "SHA1", 6, 30, AT + 30);
    assert_eq!(
        f.ok(&["code", "example", "--at", &at, "--next"]),
        format!("{next}\n")
    );
    let list: serde_json::Value =
        serde_json::from_str(&f.ok(&["list", "--codes", "--at", &at, "--json"])).unwrap();
    assert_eq!(list[0]["name"], "example");
    assert_eq!(list[0]["code"], want.as_str());
    assert_eq!(list[1]["type"], "hotp");
    assert_eq!(list[1]["counter"], 3);
    assert!(list[1]["code"].is_null());
    assert!(f.ok(&["status"]).starts_with("unlocked: agent"));
    // A query that matches nothing is exit 3, as without the agent.
    assert_eq!(f.exit(&["code", "nothing-like-it"]), 3);
    // HOTP through the agent: the code for counter 3 (oathtool's), and the counter is saved.
    assert_eq!(
        f.ok(&["code", "counter"]),
        format!("{}\n", oathtool_hotp(SECRET, 6, 3))
    );
    // --at on an HOTP account: the vault-file refusal, with no code spent.
    assert_eq!(f.exit(&["code", "counter", "--at", &at]), 1);

    // lock ends it: the socket goes, and codes need the passphrase again.
    let (code, _, err) = f.run(false, &["lock"], "");
    assert_eq!(code, 0, "{err}");
    assert!(f.sockets().is_empty());
    assert!(f.ok(&["status"]).starts_with("locked"));
    assert_eq!(f.exit(&["code", "example", "--at", &at]), 4);

    // A crashed agent's socket (nobody listening) neither breaks codes nor blocks unlock.
    drop(std::os::unix::net::UnixListener::bind(&sockets[0]).unwrap());
    assert!(sockets[0].exists());
    assert_eq!(f.exit(&["code", "example", "--at", &at]), 4);
    // Writes too fall back to the vault file, which needs the passphrase.
    let before = std::fs::read(&f.env.vault).unwrap();
    assert_eq!(f.exit(&["rename", "example", "renamed"]), 4);
    assert_eq!(std::fs::read(&f.env.vault).unwrap(), before);
    f.ok_with_pass(&["unlock", "--for", "5m"], "");
    assert_eq!(f.ok(&["code", "example", "--at", &at]), format!("{want}\n"));

    // The counter spent through the first agent was saved in the file: this agent has 4.
    assert_eq!(
        f.ok(&["code", "counter"]),
        format!("{}\n", oathtool_hotp(SECRET, 6, 4))
    );
}

#[test]
fn unlock_times_out_refuses_wrong_passphrases_and_skips_key_vaults() {
    // Key-based vaults need no agent.
    let key = Env::with_key_vault();
    let (code, _, err) = key.run(&["unlock"], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("needs no agent"), "{err}");

    let f = Fixture::new();
    let mut c = f.env.cmd();
    c.env_remove("AUTHCLI_IDENTITY")
        .env("XDG_RUNTIME_DIR", &f.run_dir)
        .env("AUTHCLI_PASSPHRASE", "wrong")
        .arg("unlock");
    let (code, _, err) = f.env.run_with(c, "");
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(f.sockets().is_empty());
    // Without any passphrase source: exit 4 before an agent starts.
    assert_eq!(f.exit(&["unlock"]), 4);

    let (code, _, err) = f.run(true, &["unlock", "--for", "2s"], "");
    assert_eq!(code, 0, "{err}");
    assert!(f.ok(&["status"]).starts_with("unlocked"));
    f.wait_locked(Duration::from_secs(10));
    assert!(f.sockets().is_empty(), "the agent removes its socket");
    assert_eq!(f.exit(&["unlock", "--for", "soon"]), 1);
}

const S_HOTP: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const S_SECOND: &str = "MFRGGZDFMZTWQ2LK";
const S_THIRD: &str = "ONSWG4TFOQYTEMZU";
const S_TYPED: &str = "KRSXG5CTMVRXEZLU";
const S_FOURTH: &str = "NBSWY3DPO5XXE3DE";
const S_FIFTH: &str = "MZXW6YTBOI======";

fn totp_uri(issuer: &str, secret: &str) -> String {
    format!("otpauth://totp/{issuer}:me?secret={secret}&issuer={issuer}")
}

/// `add` from each source (URI, URI lines on stdin, QR image, typed secret) with no
/// passphrase source: only the agent can make these changes.
fn add_every_source(f: &Fixture) {
    // Every add source, with no passphrase source anywhere: the agent makes the change.
    let err = f.ok_err(
        &["add", "--uri", "-"],
        &format!("{}\n", totp_uri("Example", SECRET)),
    );
    assert!(
        err.starts_with("added \"example\" (Example: me); current code "),
        "{err}"
    );
    let printed = err.split("current code ").nth(1).unwrap()[..6].to_owned();
    let now = common::unix_now();
    assert!(
        common::oathtool_window(SECRET, 6, 30, now).contains(&printed),
        "{err}"
    );
    let err = f.ok_err(
        &["add", "--uri", "-"],
        &format!(
            "otpauth://hotp/Counter:me?secret={S_HOTP}&issuer=Counter&counter=3\n{}\n",
            totp_uri("Second", S_SECOND)
        ),
    );
    assert!(
        err.contains("added \"counter\" (Counter: me); HOTP counter 3"),
        "{err}"
    );
    assert!(err.contains("added \"second\""), "{err}");
    let png = f.env.dir.path().join("setup.png");
    std::fs::write(&png, qr_png(&[&totp_uri("Third", S_THIRD)])).unwrap();
    let err = f.ok_err(&["add", "--qr", path_str(&png)], "");
    assert!(err.contains("added \"third\""), "{err}");
    f.ok_err(
        &["add", "typed", "--secret", "--issuer", "Typed"],
        &format!("{S_TYPED}\n"),
    );
    // An account already there is skipped, as from the file.
    let err = f.ok_err(
        &["add", "--uri", "-"],
        &format!("{}\n", totp_uri("Example", SECRET)),
    );
    assert_eq!(
        err,
        "skipped Example: me: already in the vault as \"example\"\nnothing new to add\n"
    );
}

/// Changes refused (a taken name, a bad name, no such account, `--next` on HOTP): exit code
/// and stderr of each, with the passphrase (`pass`, the vault file) or without (the agent).
fn refusals(f: &Fixture, pass: bool) -> Vec<(i32, String)> {
    let cases: [&[&str]; 5] = [
        &["add", "example", "--secret"],
        &["rename", "second", "counter"],
        &["rename", "second", " padded"],
        &["remove", "nothing-like-it", "--yes"],
        &["code", "counter", "--next"],
    ];
    cases
        .iter()
        .map(|args| {
            let (code, out, err) = f.run(pass, args, &format!("{S_FIFTH}\n"));
            assert!(out.is_empty(), "{args:?}: {out}");
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            (code, err)
        })
        .collect()
}

#[test]
fn writes_and_export_go_through_the_agent_and_the_file_holds_them() {
    if !have("oathtool") {
        return;
    }
    let f = Fixture::new();
    f.ok_with_pass(&["unlock", "--for", "10m"], "");
    let pid = f.agent_pid();
    let bak = {
        let mut p = f.env.vault.clone().into_os_string();
        p.push(".bak");
        PathBuf::from(p)
    };
    assert!(!bak.exists());

    add_every_source(&f);

    // rename, remove, import (one new, one already there), a dry run.
    let err = f.ok_err(&["rename", "typed", "renamed"], "");
    assert_eq!(err, "renamed \"typed\" to \"renamed\"\n");
    let err = f.ok_err(&["remove", "renamed", "--yes"], "");
    assert_eq!(err, "removed \"renamed\" (Typed)\n");
    let uris = f.env.dir.path().join("uris.txt");
    std::fs::write(
        &uris,
        format!(
            "{}\n{}\n",
            totp_uri("Second", S_SECOND),
            totp_uri("Fourth", S_FOURTH)
        ),
    )
    .unwrap();
    let err = f.ok_err(&["import", path_str(&uris)], "");
    assert!(
        err.ends_with("imported 1, skipped 1 (1 already in the vault)\n"),
        "{err}"
    );
    std::fs::write(&uris, format!("{}\n", totp_uri("Fifth", S_FIFTH))).unwrap();
    let err = f.ok_err(&["import", path_str(&uris), "--dry-run"], "");
    assert!(
        err.ends_with("would import 1, skipped 0; nothing was changed\n"),
        "{err}"
    );

    // HOTP through the agent: oathtool's codes for counters 3, 4, 5; the counter is saved.
    assert_eq!(
        f.ok(&["code", "counter"]),
        format!("{}\n", oathtool_hotp(S_HOTP, 6, 3))
    );
    assert_eq!(
        f.ok(&["code", "counter"]),
        format!("{}\n", oathtool_hotp(S_HOTP, 6, 4))
    );
    let json: serde_json::Value =
        serde_json::from_str(&f.ok(&["code", "counter", "--json"])).unwrap();
    assert_eq!(json["code"], oathtool_hotp(S_HOTP, 6, 5).as_str());
    assert_eq!(json["name"], "counter");
    assert!(json["remaining"].is_null() && json["period"].is_null());

    // Refusals through the agent, to compare with the vault file's below.
    let run_all = |pass: bool| refusals(&f, pass);
    let via_agent = run_all(false);
    assert_eq!(
        via_agent.iter().map(|r| r.0).collect::<Vec<_>>(),
        [1, 1, 1, 3, 1]
    );

    // The agent served its own writes and is still the same process; the file has a .bak.
    assert_eq!(f.agent_pid(), pid);
    assert!(bak.exists());
    let exported = f.ok(&["export", "--format", "json", "--yes"]);
    assert!(exported.contains(S_THIRD), "export gives the secrets");

    // The vault file, opened with the passphrase, holds every change.
    f.ok(&["lock"]);
    let direct = f.ok_with_pass(&["export", "--format", "json", "--yes"], "");
    assert_eq!(exported, direct);
    let doc: serde_json::Value = serde_json::from_str(&direct).unwrap();
    let names: Vec<&str> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["example", "counter", "second", "third", "fourth"]);
    assert_eq!(doc["accounts"][1]["counter"], 6);
    assert_eq!(
        f.ok_with_pass(&["code", "counter"], ""),
        format!("{}\n", oathtool_hotp(S_HOTP, 6, 6))
    );
    // The same refusals through the vault file: the same exit codes and the same lines.
    assert_eq!(run_all(true), via_agent);
}

#[test]
fn the_file_is_the_truth_and_the_agent_ends_on_logout_sighup_and_passwd() {
    let f = Fixture::new();
    f.ok_with_pass(&["add", "--uri", &totp_uri("Example", SECRET)], "");

    // Another machine's change arrives (a sync): written with the passphrase to a copy, with no
    // agent (a new file key under a new scrypt stanza), then renamed over the vault. The agent
    // goes on, and the next command reads the vault as it is now, with no prompt: the agent
    // unwraps the new stanza with the passphrase it holds.
    f.ok_with_pass(&["unlock"], "");
    let pid = f.agent_pid();
    let copy = f.env.dir.path().join("elsewhere.age");
    std::fs::copy(&f.env.vault, &copy).unwrap();
    let elsewhere = f.env.dir.path().join("elsewhere-run");
    std::fs::create_dir(&elsewhere).unwrap();
    let mut c = f.env.cmd();
    c.env("AUTHCLI_VAULT", &copy)
        .env("AUTHCLI_PASSPHRASE", PASS)
        .env("XDG_RUNTIME_DIR", &elsewhere)
        .args(["add", "--uri", &totp_uri("Synced", S_SECOND)]);
    let (code, _, err) = f.env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    std::fs::rename(&copy, &f.env.vault).unwrap();
    let at = AT.to_string();
    assert_eq!(f.exit(&["code", "synced", "--at", &at]), 0);
    assert_eq!(
        f.agent_pid(),
        pid,
        "the agent does not end when the file changes"
    );
    // And writes through the agent go on, on top of the synced change.
    f.ok_err(&["rename", "synced", "from-sync"], "");
    assert_eq!(f.exit(&["code", "from-sync", "--at", &at]), 0);
    assert_eq!(
        f.ok_with_pass(&["list"], "").lines().count(),
        2,
        "both accounts, read with the passphrase"
    );

    // Logout: the runtime folder goes, and so does the agent.
    std::fs::remove_dir_all(f.run_dir.join("authcli")).unwrap();
    wait_gone(pid, Duration::from_secs(10));

    // SIGHUP: it ends cleanly, removing its socket (killed outright, it would leave it).
    f.ok_with_pass(&["unlock"], "");
    let pid = f.agent_pid();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
        nix::sys::signal::Signal::SIGHUP,
    )
    .unwrap();
    wait_gone(pid, Duration::from_secs(10));
    assert!(f.sockets().is_empty(), "{:?}", f.sockets());
}

/// `passwd` while unlocked: the agent ends first (it holds the old passphrase), and afterwards
/// the old passphrase opens nothing: not the vault, not its `.bak`.
#[test]
fn passwd_while_unlocked_leaves_nothing_the_old_passphrase_opens() {
    let f = Fixture::new();
    f.ok_with_pass(&["add", "--uri", &totp_uri("Example", SECRET)], "");
    f.ok_with_pass(&["unlock"], "");
    let pid = f.agent_pid();
    // A write through the agent first, so that it holds a wrapped key for the current file.
    f.ok_err(&["rename", "example", "renamed"], "");
    let mut c = f.env.cmd();
    c.env("AUTHCLI_PASSPHRASE", PASS)
        .env("AUTHCLI_NEW_PASSPHRASE", "another passphrase")
        .env("XDG_RUNTIME_DIR", &f.run_dir)
        .arg("passwd");
    let (code, _, err) = f.env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    wait_gone(pid, Duration::from_secs(10));
    let at = AT.to_string();
    assert_eq!(f.exit(&["code", "renamed", "--at", &at]), 4);
    let bak = format!("{}.bak", f.env.vault.display());
    for vault in [path_str(&f.env.vault), bak.as_str()] {
        let (code, _, err) = f.run(true, &["--vault", vault, "list"], "");
        assert_eq!(code, 4, "the old passphrase opens {vault}: {err}");
        assert!(err.contains("wrong passphrase"), "{err}");
        let mut c = f.env.cmd();
        c.env("AUTHCLI_PASSPHRASE", "another passphrase")
            .env("XDG_RUNTIME_DIR", &f.run_dir)
            .args(["--vault", vault, "list"]);
        let (code, out, err) = f.env.run_with(c, "");
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("renamed"), "{out}");
    }
    // A new agent takes the new passphrase only.
    let (code, _, err) = f.run(true, &["unlock"], "");
    assert_eq!(code, 4, "{err}");
    assert!(f.sockets().is_empty());
}

/// A client that sends a byte now and then, one that sends garbage, and one that sends a
/// request of another protocol: none holds up `code`, and the agent goes on serving.
#[test]
fn slow_silent_and_malformed_clients_hold_up_nobody() {
    use std::io::{Read, Write};
    let f = Fixture::new();
    f.ok_with_pass(&["add", "--uri", &totp_uri("Example", SECRET)], "");
    f.ok_with_pass(&["unlock"], "");
    let socket = f.sockets().pop().unwrap();

    // Malformed and foreign requests get an error line, never a crash.
    for (line, want) in [
        (
            "{\"v\":4,\"op\":\"code\",\"query\":\"example\"}\n",
            "bad-request",
        ),
        (
            "{\"v\":2,\"op\":\"export\",\"queries\":[]}\n",
            "version 2 is not supported",
        ),
        ("\u{1}\u{2}not json at all\n", "malformed request"),
        (
            "{\"v\":4,\"op\":\"wrap\",\"file_key\":\"AAAA\"}\n",
            "16 bytes",
        ),
    ] {
        let mut s = std::os::unix::net::UnixStream::connect(&socket).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(line.as_bytes()).unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(answer.contains(want), "{line}: {answer}");
        assert!(!answer.contains(SECRET));
    }

    // Slow clients: each sends one byte every 300 ms, for longer than the request deadline.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let slow: Vec<_> = (0..4)
        .map(|_| {
            let socket = socket.clone();
            let stop = std::sync::Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut s = std::os::unix::net::UnixStream::connect(&socket).unwrap();
                for b in b"{\"v\":3,\"op\":\"status\"".iter().cycle() {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) || s.write_all(&[*b]).is_err()
                    {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(300));
                }
            })
        })
        .collect();
    // A silent one: connects and sends nothing.
    let _silent = std::os::unix::net::UnixStream::connect(&socket).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let at = AT.to_string();
    for _ in 0..3 {
        let start = Instant::now();
        assert_eq!(f.exit(&["code", "example", "--at", &at]), 0);
        // Functional bound, not a benchmark: a code takes milliseconds; a client that held
        // the agent would make it wait for that client (seconds, or forever).
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "code waited {:?}",
            start.elapsed()
        );
        std::thread::sleep(Duration::from_millis(700));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for t in slow {
        t.join().unwrap();
    }
    assert!(f.ok(&["status"]).starts_with("unlocked: agent"));
}

/// Writers racing through the agent (each one reads the file, asks the agent to wrap a new
/// file key, writes the file): nothing is lost, and no HOTP code is given twice.
#[test]
fn concurrent_writers_with_an_agent_lose_nothing() {
    let f = std::sync::Arc::new(Fixture::new());
    f.ok_with_pass(
        &["add", "--uri", "-"],
        &format!("otpauth://hotp/Counter:me?secret={S_HOTP}&issuer=Counter&counter=0\n"),
    );
    f.ok_with_pass(&["unlock", "--for", "10m"], "");
    let secrets = [S_SECOND, S_THIRD, S_TYPED, S_FOURTH];
    let workers: Vec<_> = secrets
        .iter()
        .enumerate()
        .map(|(i, secret)| {
            let f = std::sync::Arc::clone(&f);
            let uri = totp_uri(&format!("Issuer{i}"), secret);
            std::thread::spawn(move || {
                let (code, _, err) = f.run(false, &["add", "--uri", &uri], "");
                assert_eq!(code, 0, "{err}");
                let (code, out, err) = f.run(false, &["code", "counter"], "");
                assert_eq!(code, 0, "{err}");
                out
            })
        })
        .collect();
    let mut codes: Vec<String> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), secrets.len(), "an HOTP code was given twice");
    f.ok(&["lock"]);
    let names = f.ok_with_pass(&["list"], "");
    for i in 0..secrets.len() {
        assert!(names.contains(&format!("issuer{i}")), "{names}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&f.ok_with_pass(&["list", "--json"], "")).unwrap();
    assert_eq!(json[0]["counter"], 4);
}

#[test]
fn unlock_by_default_in_the_config_file_starts_an_agent() {
    if !have("oathtool") {
        return;
    }
    let f = Fixture::new();
    let at = AT.to_string();
    let want = format!("{}\n", oathtool_totp(SECRET, "SHA1", 6, 30, AT));
    // Default: no agent unless asked.
    f.ok_with_pass(&["add", "--uri", &totp_uri("Example", SECRET)], "");
    assert_eq!(f.ok_with_pass(&["code", "example", "--at", &at], ""), want);
    assert!(f.ok(&["status"]).starts_with("locked"));

    let config = f
        .env
        .dir
        .path()
        .join(".config")
        .join("authcli")
        .join("config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "unlock_by_default = true\nunlock_for = \"5m\"\n").unwrap();
    let (code, out, err) = f.run(true, &["code", "example", "--at", &at], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, want);
    assert!(
        err.starts_with("unlocked ") && err.contains(" for 5m 0s "),
        "{err}"
    );
    // Now without the passphrase.
    assert_eq!(f.ok(&["code", "example", "--at", &at]), want);
    assert!(f.ok(&["status"]).starts_with("unlocked: agent"));
    // `unlock` without --for takes unlock_for too.
    let err = f.run(true, &["unlock"], "").2;
    assert!(err.contains(" for 5m 0s "), "{err}");
    f.ok(&["lock"]);

    // A bad config file: one line naming it, before any passphrase is used; no agent.
    std::fs::write(&config, "unlock_by_default = true\nunlock_after = \"5m\"\n").unwrap();
    let (code, out, err) = f.run(true, &["code", "example", "--at", &at], "");
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "authcli: config file {}: line 2: unknown field `unlock_after`",
            config.display()
        )),
        "{err}"
    );
    assert!(f.ok(&["status"]).starts_with("locked"));

    // $AUTHCLI_CONFIG names another file, whose setting counts (here: off).
    let other = f.env.dir.path().join("other.toml");
    std::fs::write(&other, "unlock_by_default = false\n").unwrap();
    let mut c = f.env.cmd();
    c.env("AUTHCLI_PASSPHRASE", PASS)
        .env("AUTHCLI_CONFIG", &other)
        .env("XDG_RUNTIME_DIR", &f.run_dir)
        .args(["code", "example", "--at", &at]);
    let (code, out, err) = f.env.run_with(c, "");
    assert_eq!((code, out), (0, want), "{err}");
    assert!(f.ok(&["status"]).starts_with("locked"));
}

/// uid and gid of the second user (nobody).
const NOBODY: u32 = 65534;

/// The second user's HOME, runtime folder and vault; its agent is locked on drop.
struct Nobody {
    home: PathBuf,
    run: PathBuf,
    vault: PathBuf,
}

impl Nobody {
    /// Runs authcli as uid/gid [`NOBODY`], with `$AUTHCLI_PASSPHRASE` when `pass`.
    fn run(&self, args: &[&str], pass: bool) -> (i32, String, String) {
        use std::os::unix::process::CommandExt;
        // `__ulimit-l KIB` first: run under that RLIMIT_MEMLOCK (through the shell's ulimit).
        let (limit, args) = match args {
            ["__ulimit-l", kib, rest @ ..] => (Some(*kib), rest),
            _ => (None, args),
        };
        let mut c = match limit {
            Some(kib) => {
                let mut c = std::process::Command::new("sh");
                c.args(["-c", &format!("ulimit -l {kib} && exec \"$0\" \"$@\"")])
                    .arg(env!("CARGO_BIN_EXE_authcli"));
                c
            }
            None => std::process::Command::new(env!("CARGO_BIN_EXE_authcli")),
        };
        c.env_clear()
            .env("HOME", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("XDG_RUNTIME_DIR", &self.run)
            .env("AUTHCLI_VAULT", &self.vault)
            .current_dir(&self.home)
            .uid(NOBODY)
            .gid(NOBODY)
            .args(args);
        if pass {
            c.env("AUTHCLI_PASSPHRASE", PASS);
        }
        let out = c.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Nobody {
    fn drop(&mut self) {
        let _ = self.run(&["lock"], false);
    }
}

/// Another user's connection is refused: an agent of uid 65534 (nobody) is asked by root.
#[test]
fn another_users_connection_gets_nothing() {
    use std::io::{Read, Write};
    if !nix::unistd::geteuid().is_root() {
        eprintln!(
            "SKIPPED: the second-uid test needs root (to run an agent as uid 65534); the peer check itself is unit-tested in src/agent/mod.rs"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.path().join("home");
    let run = dir.path().join("run");
    for d in [&home, &run] {
        std::fs::create_dir(d).unwrap();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::chown(d, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let nobody = Nobody {
        vault: home.join("vault.age"),
        home,
        run,
    };
    for args in [
        vec!["init"],
        vec!["add", "--uri", totp_uri("Example", SECRET).as_str()],
    ] {
        let (code, _, err) = nobody.run(&args, true);
        assert_eq!(code, 0, "{args:?} as nobody: {err}");
    }
    // A normal user's usual memory-lock limit (8 MiB): the agent's key buffer fits in it.
    let (code, _, err) = nobody.run(&["__ulimit-l", "8192", "unlock"], true);
    assert_eq!(code, 0, "unlock as nobody: {err}");
    let (_, status, _) = nobody.run(&["status"], false);
    assert!(status.starts_with("unlocked: agent"), "{status}");
    assert!(status.ends_with("; memory locked\n"), "{status}");
    let sockets: Vec<PathBuf> = std::fs::read_dir(nobody.run.join("authcli"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(sockets.len(), 1, "{sockets:?}");

    // Root connects (the folder does not stop root) and sends valid requests: nothing comes back.
    let header = std::fs::read(&nobody.vault).unwrap();
    let stanza_line = String::from_utf8_lossy(&header)
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    assert!(stanza_line.starts_with("-> scrypt "), "{stanza_line}");
    for line in [
        String::from(r#"{"v":3,"op":"status"}"#),
        String::from(r#"{"v":3,"op":"wrap","file_key":"AAAAAAAAAAAAAAAAAAAAAA=="}"#),
    ] {
        let mut s = std::os::unix::net::UnixStream::connect(&sockets[0]).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(format!("{line}\n").as_bytes());
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        assert!(answer.is_empty(), "{answer}");
        assert!(!answer.contains(SECRET));
    }
    // And the agent still serves its own user.
    let (code, out, err) = nobody.run(&["code", "example", "--at", &AT.to_string()], false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim().len(), 6, "{out}");
}
