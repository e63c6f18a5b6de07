//! `authcli keychain` against a real Secret Service: gnome-keyring in a private D-Bus session
//! (its own bus config, no service activation), with HOME and the XDG folders in a temp dir.
//! Shows: store refuses a wrong passphrase; after store a passphrase vault opens with no
//! passphrase source and no terminal; a passphrase changed elsewhere is reported once, then
//! passed over silently until stored again; passwd updates the entry; a locked keychain is
//! passed over quietly; forget removes the entry.
//! In CI (CI set) a keyring that cannot start is a failure; elsewhere the test is skipped.
//! Passphrase vaults cost ~1 s of scrypt per unlock or write: one test, in sequence.
#![cfg(target_os = "linux")]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Env, PrivateBus, have, oathtool_totp, path_str};

const PASS: &str = "keychain test passphrase";
const NEW_PASS: &str = "changed on another computer";
const THIRD_PASS: &str = "changed here with passwd";
const KEYRING_PASSWORD: &str = "keyring login password";
const SECRET: &str = "JBSWY3DPEHPK3PXP";
const AT: u64 = 1_764_000_000;

/// A private session bus and a gnome-keyring-daemon serving the Secret Service on it, both
/// killed on drop.
struct Keyring {
    bus: PrivateBus,
    daemon: Option<Child>,
    home: PathBuf,
}

impl Keyring {
    /// Starts both, or `None` (after printing SKIPPED) outside CI when they cannot start.
    fn start(home: &Path) -> Option<Self> {
        if !have("dbus-daemon") || !have("gnome-keyring-daemon") || !have("dbus-send") {
            return None;
        }
        match Self::try_start(home) {
            Ok(k) => Some(k),
            Err(why) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "gnome-keyring is required in CI: {why}"
                );
                eprintln!("SKIPPED: gnome-keyring did not start: {why}");
                None
            }
        }
    }

    fn try_start(home: &Path) -> Result<Self, String> {
        let bus = PrivateBus::start(home)?;
        let mut k = Self {
            bus,
            daemon: None,
            home: home.to_owned(),
        };
        k.start_daemon()?;
        Ok(k)
    }

    /// gnome-keyring-daemon, its login keyring created (first time) or unlocked with the
    /// password on its stdin; waits until the default collection is there.
    fn start_daemon(&mut self) -> Result<(), String> {
        let mut daemon = self
            .env(&mut Command::new("gnome-keyring-daemon"))
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("gnome-keyring-daemon: {e}"))?;
        {
            let mut stdin = daemon.stdin.take().unwrap();
            stdin
                .write_all(KEYRING_PASSWORD.as_bytes())
                .map_err(|e| e.to_string())?;
        }
        self.daemon = Some(daemon);
        let start = Instant::now();
        loop {
            let alias = self.dbus(&[
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.ReadAlias",
                "string:default",
            ]);
            if alias.contains("/org/freedesktop/secrets/collection/") {
                return Ok(());
            }
            if start.elapsed() > Duration::from_secs(15) {
                return Err(format!("no default collection after 15 s: {alias}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stop_daemon(&mut self) {
        if let Some(mut d) = self.daemon.take() {
            let _ = d.kill();
            let _ = d.wait();
        }
    }

    /// `cmd` in this session: the bus, HOME and the XDG folders in the temp dir.
    fn env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_RUNTIME_DIR", self.home.join("run"))
            .env("XDG_DATA_HOME", self.home.join("data-home"))
            .env("XDG_CONFIG_HOME", self.home.join("config-home"))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
    }

    /// `dbus-send --print-reply ARGS` on this bus: its output (or error) as text.
    fn dbus(&self, args: &[&str]) -> String {
        let out = self
            .env(&mut Command::new("dbus-send"))
            .args(["--session", "--print-reply"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// Locks every collection, as the desktop does on screen lock (no prompt involved).
    fn lock(&self) {
        let reply = self.dbus(&[
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ]);
        assert!(reply.contains("collection/login"), "not locked: {reply}");
    }

    /// The items with service `authcli` and user `vault` the Secret Service lists, and how
    /// many of them are locked (`SearchItems`: no secret, no prompt).
    fn items(&self, vault: &Path) -> (usize, usize) {
        let reply = self.dbus(&[
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.SearchItems",
            &format!(
                "dict:string:string:service,authcli,username,{}",
                vault.display()
            ),
        ]);
        // Two arrays: unlocked, then locked.
        let mut arrays = reply.split("array [").skip(1);
        let count = |a: Option<&str>| {
            a.map_or(0, |a| {
                a.split(']')
                    .next()
                    .unwrap_or("")
                    .matches("object path")
                    .count()
            })
        };
        (count(arrays.next()), count(arrays.next()))
    }

    /// The stored secret, read as another Secret Service client would (secret-tool), if
    /// secret-tool is installed.
    fn lookup(&self, vault: &Path) -> Option<String> {
        let out = self
            .env(&mut Command::new("secret-tool"))
            .args(["lookup", "service", "authcli", "username", path_str(vault)])
            .stdin(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        self.stop_daemon();
    }
}

/// Runs authcli in the keyring's session: no passphrase source unless `pass` (then
/// `$AUTHCLI_PASSPHRASE`), stdin and stderr not terminals.
fn run(env: &Env, kr: &Keyring, pass: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut c = env.cmd();
    c.env_remove("AUTHCLI_IDENTITY")
        .env("XDG_RUNTIME_DIR", kr.home.join("run"))
        .env("DBUS_SESSION_BUS_ADDRESS", &kr.bus.address);
    if let Some(p) = pass {
        c.env("AUTHCLI_PASSPHRASE", p);
    }
    c.args(args);
    env.run_with(c, "")
}

fn ok(env: &Env, kr: &Keyring, pass: Option<&str>, args: &[&str]) -> (String, String) {
    let (code, out, err) = run(env, kr, pass, args);
    assert_eq!(code, 0, "authcli {args:?}: {err}");
    (out, err)
}

/// `code` with no passphrase source: the code, and stderr empty (no keychain noise).
fn code_from_keychain(env: &Env, kr: &Keyring, want: &str) {
    let (out, err) = ok(env, kr, None, &["code", "example", "--at", &AT.to_string()]);
    assert_eq!(out.trim(), want);
    assert_eq!(err, "", "nothing on stderr");
}

/// `code` with no passphrase source fails with the usual no-terminal exit 4; returns stderr.
fn code_needs_passphrase(env: &Env, kr: &Keyring) -> String {
    let (code, out, err) = run(env, kr, None, &["code", "example", "--at", &AT.to_string()]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(out, "");
    assert!(
        err.lines()
            .last()
            .is_some_and(|l| l.contains("no terminal to ask for the passphrase")),
        "{err}"
    );
    err
}

fn status(env: &Env, kr: &Keyring) -> String {
    ok(env, kr, None, &["keychain", "status"]).0
}

fn stale_markers(env: &Env) -> Vec<PathBuf> {
    let dir = env.dir.path().join(".local/state/authcli/keychain-stale");
    std::fs::read_dir(dir).map_or_else(
        |_| vec![],
        |d| d.map(|e| e.unwrap().path()).collect::<Vec<_>>(),
    )
}

#[test]
fn keychain_store_use_stale_passwd_lock_forget() {
    if !have("oathtool") {
        return;
    }
    let env = Env::new();
    let Some(mut kr) = Keyring::start(env.dir.path()) else {
        return;
    };
    let want = oathtool_totp(SECRET, "SHA1", 6, 30, AT);
    ok(&env, &kr, Some(PASS), &["init"]);
    let mut c = env.cmd();
    c.env_remove("AUTHCLI_IDENTITY")
        .env("AUTHCLI_PASSPHRASE", PASS)
        .args(["add", "example", "--secret", "--issuer", "Example"]);
    let (code, _, err) = env.run_with(c, &format!("{SECRET}\n"));
    assert_eq!(code, 0, "{err}");
    let vault = std::fs::canonicalize(&env.vault).unwrap();
    assert!(status(&env, &kr).starts_with("not stored:"));
    code_needs_passphrase(&env, &kr);

    refused(&env, &kr, &vault);

    // (1) Stored, then a command needs no passphrase source and no terminal.
    let (_, err) = ok(&env, &kr, Some(PASS), &["keychain", "store"]);
    assert!(err.contains("stored the passphrase"), "{err}");
    assert_eq!(kr.items(&vault), (1, 0));
    if let Some(stored) = kr.lookup(&vault) {
        assert_eq!(stored, PASS, "what another Secret Service client reads");
    }
    assert!(status(&env, &kr).starts_with("stored:"));
    code_from_keychain(&env, &kr, &want);

    stale(&env, &kr, &vault, &want);
    passwd_updates(&env, &kr, &vault, &want);
    locked_or_absent(&env, &mut kr, &vault);
    forget(&env, &mut kr, &vault);
}

/// (5) A wrong passphrase is refused (exit 4) and nothing is stored; a key-based vault has no
/// passphrase to store (one line, exit 1).
fn refused(env: &Env, kr: &Keyring, vault: &Path) {
    let (code, _, err) = run(env, kr, Some("wrong"), &["keychain", "store"]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("passphrase"), "{err}");
    assert_eq!(kr.items(vault), (0, 0), "nothing stored");

    let keyed = Env::with_key_vault();
    let mut c = keyed.cmd();
    c.env("DBUS_SESSION_BUS_ADDRESS", &kr.bus.address)
        .args(["keychain", "store"]);
    let (code, _, err) = keyed.run_with(c, "");
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("key-based"), "{err}");
}

/// (3) The passphrase changed on another computer (the vault synced back here): reported
/// once, then passed over in silence; `keychain store` replaces it.
fn stale(env: &Env, kr: &Keyring, vault: &Path, want: &str) {
    let other = env.dir.path().join("other.age");
    std::fs::copy(&env.vault, &other).unwrap();
    let mut c = env.cmd();
    c.env_remove("AUTHCLI_IDENTITY")
        .env("AUTHCLI_VAULT", &other)
        .env("DBUS_SESSION_BUS_ADDRESS", &kr.bus.address)
        .env("AUTHCLI_PASSPHRASE", PASS)
        .env("AUTHCLI_NEW_PASSPHRASE", NEW_PASS)
        .arg("passwd");
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("keychain"), "another vault's entry: {err}");
    std::fs::copy(&other, &env.vault).unwrap();

    let err = code_needs_passphrase(env, kr);
    assert_eq!(err.lines().count(), 2, "one warning, then the error: {err}");
    assert!(
        err.lines().next().unwrap().contains("warning")
            && err.contains("OS keychain does not open")
            && err.contains("keychain store"),
        "{err}"
    );
    assert!(!err.contains(PASS), "{err}");
    let markers = stale_markers(env);
    assert_eq!(markers.len(), 1, "one stale marker");
    let marker = std::fs::read_to_string(&markers[0]).unwrap();
    assert!(marker.contains(path_str(vault)) && !marker.contains(PASS));

    let err = code_needs_passphrase(env, kr);
    assert_eq!(err.lines().count(), 1, "silent the second time: {err}");
    assert!(!err.contains("keychain"), "{err}");
    assert!(status(env, kr).starts_with("stale:"));

    ok(env, kr, Some(NEW_PASS), &["keychain", "store"]);
    assert!(stale_markers(env).is_empty(), "store clears the marker");
    assert_eq!(kr.items(vault), (1, 0), "replaced, not added");
    code_from_keychain(env, kr, want);
}

/// `passwd` here (the old passphrase from the keychain) updates the entry.
fn passwd_updates(env: &Env, kr: &Keyring, vault: &Path, want: &str) {
    let mut c = env.cmd();
    c.env_remove("AUTHCLI_IDENTITY")
        .env("XDG_RUNTIME_DIR", kr.home.join("run"))
        .env("DBUS_SESSION_BUS_ADDRESS", &kr.bus.address)
        .env("AUTHCLI_NEW_PASSPHRASE", THIRD_PASS)
        .arg("passwd");
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("updated the passphrase in the OS keychain"),
        "{err}"
    );
    if let Some(stored) = kr.lookup(vault) {
        assert_eq!(stored, THIRD_PASS);
    }
    code_from_keychain(env, kr, want);
}

/// (2) A locked keychain is passed over quietly: no unlock, no dialog, no message; without a
/// terminal that is the usual exit 4. No Secret Service at all: the same.
fn locked_or_absent(env: &Env, kr: &mut Keyring, vault: &Path) {
    kr.lock();
    assert_eq!(kr.items(vault), (0, 1), "locked");
    let err = code_needs_passphrase(env, kr);
    assert_eq!(err.lines().count(), 1, "no keychain noise: {err}");
    assert!(!err.contains("keychain"), "{err}");
    assert_eq!(kr.items(vault), (0, 1), "authcli did not unlock it");
    assert!(
        stale_markers(env).is_empty(),
        "a locked keychain is not stale"
    );
    assert!(status(env, kr).starts_with("locked:"));

    kr.stop_daemon();
    let err = code_needs_passphrase(env, kr);
    assert_eq!(err.lines().count(), 1, "no keychain noise: {err}");
    assert!(status(env, kr).starts_with("unavailable:"));
}

/// (4) `forget` removes the entry (the keyring unlocked again: a new login).
fn forget(env: &Env, kr: &mut Keyring, vault: &Path) {
    kr.start_daemon().unwrap();
    assert_eq!(kr.items(vault), (1, 0));
    let (_, err) = ok(env, kr, None, &["keychain", "forget"]);
    assert!(err.contains("removed the passphrase"), "{err}");
    assert_eq!(kr.items(vault), (0, 0));
    assert!(status(env, kr).starts_with("not stored:"));
    code_needs_passphrase(env, kr);
    let (_, err) = ok(env, kr, None, &["keychain", "forget"]);
    assert!(err.contains("holds no passphrase"), "{err}");
}
