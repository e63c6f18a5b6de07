//! The unlock agent through the real binary: `unlock`, codes and listings without a passphrase,
//! `lock`, `--for` running out, a rewritten vault, a stale socket, key-based vaults.
//! Passphrase vaults cost ~1 s of scrypt per unlock or write: these tests are few on purpose.
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{Env, have, oathtool_totp, path_str};

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

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = self.run(false, &["lock"], "");
    }
}

#[test]
fn unlock_gives_codes_without_passphrase_until_lock_or_vault_change() {
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
    // HOTP is not the agent's: it falls back to the vault file, which needs a passphrase.
    assert_eq!(f.exit(&["code", "counter"]), 4);

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
    f.ok_with_pass(&["unlock", "--for", "5m"], "");
    assert_eq!(f.ok(&["code", "example", "--at", &at]), format!("{want}\n"));

    // A write through the vault file ends the agent: the file is the one source of truth.
    f.ok_with_pass(&["add", "other", "--secret"], &format!("{SECRET}\n"));
    f.wait_locked(Duration::from_secs(5));
    assert_eq!(f.exit(&["code", "example", "--at", &at]), 4);
    assert!(f.sockets().is_empty());
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
