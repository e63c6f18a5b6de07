//! Hardware keys through age plugins, and passphrase-sealed identity files, through the real
//! binary: a real plugin process (`examples/age-plugin-unencrypted.rs`, on `age-plugin`) speaks
//! age's plugin protocol; prompts are answered in a pseudo-terminal (`tests/support/answer_prompts.py`);
//! codes are checked against oathtool; the age CLI seals and opens identity files too.
//! Unix only: the pseudo-terminal and the plugin's file modes.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Env, have, oathtool_totp, one_line_failure, path_str};

const SECRET: &str = "JBSWY3DPEHPK3PXP";
const AT: &str = "2026-01-01T00:00:00Z";
const AT_UNIX: u64 = 1_767_225_600;

/// The folder of the test plugin, built on demand when only this test file was built.
fn plugin_dir() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_authcli"));
    let dir = bin.parent().unwrap().join("examples");
    if !dir.join("age-plugin-unencrypted").exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--example", "age-plugin-unencrypted"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(status.success(), "could not build the test plugin");
    }
    dir
}

/// `PATH` with the test plugin first.
fn path_with_plugin() -> String {
    format!(
        "{}:{}",
        plugin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A new plugin identity file at `file`; returns its recipient.
fn new_plugin_identity(file: &Path) -> String {
    let out = Command::new(plugin_dir().join("age-plugin-unencrypted"))
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(file, &out.stdout).unwrap();
    set_private(file);
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("# recipient: "))
        .unwrap()
        .to_owned()
}

fn set_private(file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn uri() -> String {
    format!("otpauth://totp/Example:me@example.com?secret={SECRET}&issuer=Example\n")
}

fn want_code() -> String {
    oathtool_totp(SECRET, "sha1", 6, 30, AT_UNIX)
}

/// A command of `env` with the plugin on PATH and `identity` as the identity.
fn cmd(env: &Env, identity: &Path, args: &[&str]) -> Command {
    let mut c = env.cmd();
    c.env("PATH", path_with_plugin())
        .env("AUTHCLI_IDENTITY", identity)
        .args(args);
    c
}

/// Runs `authcli ARGS` in a pseudo-terminal (with `env`'s environment), answering `steps`.
fn in_pty(
    env: &Env,
    extra: &[(&str, &str)],
    steps: &[(&str, &str)],
    args: &[&str],
) -> (i32, String) {
    let bin = env!("CARGO_BIN_EXE_authcli");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/answer_prompts.py");
    let mut c = Command::new("python3");
    c.env_clear()
        .env("HOME", env.dir.path())
        .env("PATH", path_with_plugin())
        .env("AUTHCLI_VAULT", &env.vault)
        .env("TERM", "dumb")
        .current_dir(env.dir.path())
        .arg(script)
        .arg(serde_json::to_string(steps).unwrap())
        .arg(bin)
        .args(args);
    for (k, v) in extra {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// `authcli ARGS` with no terminal, the test plugin on PATH and `vars` set.
fn quiet(
    env: &Env,
    identity: &Path,
    vars: &[(&str, &str)],
    args: &[&str],
) -> (i32, String, String) {
    let mut c = cmd(env, identity, args);
    c.envs(vars.iter().copied());
    env.run_with(c, "")
}

fn unlocks(log: &Path) -> usize {
    std::fs::read_to_string(log).map_or(0, |t| t.lines().count())
}

#[test]
fn plugin_vault_gives_oathtool_codes_and_its_backup_recipient_opens_it() {
    if !have("oathtool") {
        return;
    }
    let env = Env::new();
    let a = env.dir.path().join("yubikey-a.txt");
    let b = env.dir.path().join("yubikey-b.txt");
    let c = env.dir.path().join("other.txt");
    let ra = new_plugin_identity(&a);
    let rb = new_plugin_identity(&b);
    new_plugin_identity(&c);
    assert!(ra.starts_with("age1unencrypted1"), "{ra}");

    // init with a plugin identity and a plugin recipient as the backup key.
    let (code, out, err) = env.run_with(cmd(&env, &a, &["init", "--recipient", &rb]), "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().collect::<Vec<_>>(), [ra.as_str(), rb.as_str()]);
    let (code, _, err) = env.run_with(cmd(&env, &a, &["add", "--uri", "-"]), &uri());
    assert_eq!(code, 0, "{err}");

    // The vault file is a real age file with one plugin stanza per recipient.
    let bytes = env.vault_bytes();
    let header = String::from_utf8_lossy(&bytes[..bytes.len().min(400)]).into_owned();
    assert_eq!(header.matches("-> unencrypted ").count(), 2, "{header}");

    for id in [&a, &b] {
        let (code, out, err) = env.run_with(cmd(&env, id, &["code", "example", "--at", AT]), "");
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.trim(), want_code());
    }
    // An identity of the same plugin that is not a recipient: no matching identity.
    let before = env.vault_bytes();
    let (code, out, err) = env.run_with(cmd(&env, &c, &["code", "example"]), "");
    one_line_failure(code, &out, &err, 4);
    assert!(err.contains("none of the identities"), "{err}");
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn a_missing_plugin_is_one_clear_line_and_exit_4() {
    let env = Env::new();
    let a = env.dir.path().join("id.txt");
    new_plugin_identity(&a);
    let (code, _, err) = env.run_with(cmd(&env, &a, &["init"]), "");
    assert_eq!(code, 0, "{err}");
    let before = env.vault_bytes();
    let mut c = cmd(&env, &a, &["code", "example"]);
    c.env("PATH", "/usr/bin:/bin");
    let (code, out, err) = env.run_with(c, "");
    one_line_failure(code, &out, &err, 4);
    assert!(
        err.contains("age-plugin-unencrypted") && err.contains("not on PATH"),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);
    // A plugin recipient whose plugin is missing is refused before anything is written.
    let mut c = cmd(
        &env,
        &a,
        &[
            "init",
            "--recipient",
            "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t",
        ],
    );
    c.env("AUTHCLI_VAULT", env.dir.path().join("second.age"));
    let (code, out, err) = env.run_with(c, "");
    assert_eq!(code, 1, "{out} {err}");
    assert!(
        err.contains("age-plugin-yubikey") && err.contains("not on PATH"),
        "{err}"
    );
    assert!(!env.dir.path().join("second.age").exists());
}

#[test]
fn a_plugin_pin_is_asked_on_the_terminal_and_the_agent_holds_the_key_for_the_unlock_period() {
    if !have("oathtool") || !have("python3") {
        return;
    }
    let env = Env::new();
    let a = env.dir.path().join("id.txt");
    new_plugin_identity(&a);
    let log = env.dir.path().join("touches.log");
    let (code, _, err) = env.run_with(cmd(&env, &a, &["init"]), "");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env.run_with(cmd(&env, &a, &["add", "--uri", "-"]), &uri());
    assert_eq!(code, 0, "{err}");

    let pin = [
        ("AUTHCLI_TEST_PLUGIN_PIN", "1234"),
        ("AUTHCLI_IDENTITY", path_str(&a)),
        ("AUTHCLI_TEST_PLUGIN_LOG", path_str(&log)),
    ];
    // No terminal: the plugin's PIN request goes unanswered; one line, exit 4.
    let (code, out, err) = quiet(&env, &a, &pin, &["code", "example"]);
    one_line_failure(code, &out, &err, 4);
    assert!(err.contains("no terminal"), "{err}");

    // In a terminal: the PIN is typed at the plugin's prompt.
    let (code, out) = in_pty(
        &env,
        &pin,
        &[("Enter the PIN of the test key", "1234")],
        &["code", "example", "--at", AT],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&want_code()), "{out}");
    let (code, out) = in_pty(
        &env,
        &pin,
        &[("Enter the PIN of the test key", "0000")],
        &["code", "example"],
    );
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("wrong PIN"), "{out}");

    // unlock: one PIN for the whole period, said explicitly.
    let before = unlocks(&log);
    let (code, out) = in_pty(
        &env,
        &pin,
        &[("Enter the PIN of the test key", "1234")],
        &["unlock", "--for", "5m"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("the agent holds the vault's file key"),
        "{out}"
    );
    assert_eq!(unlocks(&log), before + 1);
    // Codes and a write with no terminal and no PIN: the agent holds the key; the key of the
    // file just written too.
    for _ in 0..2 {
        let (code, out, err) = quiet(&env, &a, &pin, &["code", "example", "--at", AT]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.trim(), want_code());
    }
    let mut c = cmd(&env, &a, &["add", "second", "--secret"]);
    c.envs(pin);
    let (code, _, err) = env.run_with(c, "GEZDGNBVGY3TQOJQ\n");
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = quiet(&env, &a, &pin, &["code", "second", "--at", AT]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim(),
        oathtool_totp("GEZDGNBVGY3TQOJQ", "sha1", 6, 30, AT_UNIX)
    );
    assert_eq!(unlocks(&log), before + 1, "the plugin ran again");

    // The vault replaced behind the agent (synced from another computer): one PIN again, then
    // the agent holds the new key.
    let elsewhere = env.dir.path().join("elsewhere.age");
    std::fs::copy(&env.vault, &elsewhere).unwrap();
    let mut there = pin.to_vec();
    there.push(("AUTHCLI_VAULT", path_str(&elsewhere)));
    let (code, out) = in_pty(
        &env,
        &there,
        &[("Enter the PIN of the test key", "1234")],
        &[
            "add",
            "--uri",
            "otpauth://totp/Third:me?secret=GEZDGNBVGY3TQOJR&issuer=Third",
        ],
    );
    assert_eq!(code, 0, "{out}");
    std::fs::copy(&elsewhere, &env.vault).unwrap();
    let (code, _, _) = quiet(&env, &a, &pin, &["code", "third"]);
    assert_eq!(code, 4, "the agent cannot know the new key");
    let (code, out) = in_pty(
        &env,
        &pin,
        &[("Enter the PIN of the test key", "1234")],
        &["code", "third"],
    );
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = quiet(&env, &a, &pin, &["code", "third", "--at", AT]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim(),
        oathtool_totp("GEZDGNBVGY3TQOJR", "sha1", 6, 30, AT_UNIX)
    );

    // lock: the PIN is needed again.
    let (code, _, err) = env.run_with(cmd(&env, &a, &["lock"]), "");
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = quiet(&env, &a, &pin, &["code", "example"]);
    one_line_failure(code, &out, &err, 4);
}

#[test]
fn a_sealed_identity_file_opens_with_its_passphrase_from_every_source() {
    if !have("oathtool") || !have("python3") {
        return;
    }
    let env = Env::new();
    let key = env.dir.path().join("key.age");
    let k = path_str(&key);
    // init --protect-identity, through the terminal: the new passphrase twice.
    let (code, out) = in_pty(
        &env,
        &[("AUTHCLI_IDENTITY", k)],
        &[
            ("New passphrase for identity", "correct horse"),
            ("Repeat it", "correct horse"),
        ],
        &["init", "--protect-identity"],
    );
    assert_eq!(code, 0, "{out}");
    let sealed = std::fs::read(&key).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    assert!(!String::from_utf8_lossy(&sealed).contains("AGE-SECRET-KEY"));

    let with_pass = |args: &[&str], stdin: &str| {
        let mut c = env.cmd();
        c.env("AUTHCLI_IDENTITY", &key)
            .env("AUTHCLI_IDENTITY_PASSPHRASE", "correct horse")
            .args(args);
        env.run_with(c, stdin)
    };
    let (code, _, err) = with_pass(&["add", "--uri", "-"], &uri());
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = with_pass(&["code", "example", "--at", AT], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), want_code());

    // The passphrase file, and the prompt.
    let pass_file = env.dir.path().join("idpass.txt");
    std::fs::write(&pass_file, "correct horse\n").unwrap();
    let mut c = env.cmd();
    c.env("AUTHCLI_IDENTITY", &key).args([
        "--identity-passphrase-file",
        path_str(&pass_file),
        "code",
        "example",
        "--at",
        AT,
    ]);
    let (code, out, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), want_code());
    let (code, out) = in_pty(
        &env,
        &[("AUTHCLI_IDENTITY", k)],
        &[("Passphrase for identity", "correct horse")],
        &["code", "example", "--at", AT],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&want_code()), "{out}");

    // Failures: one line, exit 4, vault untouched.
    let before = env.vault_bytes();
    let (code, out) = in_pty(
        &env,
        &[("AUTHCLI_IDENTITY", k)],
        &[("Passphrase for identity", "wrong horse")],
        &["code", "example"],
    );
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("wrong passphrase"), "{out}");
    let mut c = env.cmd();
    c.env("AUTHCLI_IDENTITY", &key)
        .env("AUTHCLI_IDENTITY_PASSPHRASE", "wrong horse")
        .args(["code", "example"]);
    let (code, out, err) = env.run_with(c, "");
    one_line_failure(code, &out, &err, 4);
    assert!(err.contains("key.age: wrong passphrase"), "{err}");
    let mut c = env.cmd();
    c.env("AUTHCLI_IDENTITY", &key).args(["code", "example"]);
    let (code, out, err) = env.run_with(c, "");
    one_line_failure(code, &out, &err, 4);
    assert!(
        err.contains("no terminal to ask for its passphrase"),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);

    // The agent: the identity passphrase once per unlock.
    let (code, _, err) = with_pass(&["unlock", "--for", "5m"], "");
    assert_eq!(code, 0, "{err}");
    let mut c = env.cmd();
    c.env("AUTHCLI_IDENTITY", &key)
        .args(["code", "example", "--at", AT]);
    let (code, out, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), want_code());
    let (code, _, err) = with_pass(&["lock"], "");
    assert_eq!(code, 0, "{err}");

    // age opens what authcli sealed.
    if have("age") {
        assert_age_opens(&env, &key, "correct horse");
    }
}

/// Runs the age CLI in a pseudo-terminal (it reads passphrases from the terminal only),
/// answering `steps`; asserts that it succeeded.
fn age_in_pty(steps: &[(&str, &str)], args: &[&str]) {
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/answer_prompts.py"))
        .arg(serde_json::to_string(steps).unwrap())
        .arg("age")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "age {args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The age CLI decrypts the sealed identity file `key` with `passphrase`, to an identity.
fn assert_age_opens(env: &Env, key: &Path, passphrase: &str) {
    let plain = env.dir.path().join("key.txt.out");
    age_in_pty(
        &[("passphrase", passphrase)],
        &["-d", "-o", path_str(&plain), path_str(key)],
    );
    assert!(
        std::fs::read_to_string(&plain)
            .unwrap()
            .contains("AGE-SECRET-KEY-1")
    );
}

#[test]
fn an_identity_sealed_by_age_armored_opens_too() {
    if !have("age") || !have("age-keygen") || !have("python3") || !have("oathtool") {
        return;
    }
    let env = Env::new();
    let plain = env.dir.path().join("plain.txt");
    let sealed = env.dir.path().join("sealed.age");
    let out = Command::new("age-keygen")
        .arg("-o")
        .arg(&plain)
        .output()
        .unwrap();
    assert!(out.status.success());
    age_in_pty(
        &[
            ("Enter passphrase", "s3cret words"),
            ("Confirm passphrase", "s3cret words"),
        ],
        &["-p", "-a", "-o", path_str(&sealed), path_str(&plain)],
    );
    assert!(
        std::fs::read_to_string(&sealed)
            .unwrap()
            .starts_with("-----BEGIN AGE ENCRYPTED FILE-----")
    );
    let mut c = env.cmd();
    c.env("AUTHCLI_IDENTITY", &sealed)
        .env("AUTHCLI_IDENTITY_PASSPHRASE", "s3cret words")
        .arg("init");
    let (code, out, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    // Its recipient, as age-keygen computes it.
    let r = Command::new("age-keygen")
        .arg("-y")
        .arg(&plain)
        .output()
        .unwrap();
    assert_eq!(out.trim(), String::from_utf8_lossy(&r.stdout).trim());
}
