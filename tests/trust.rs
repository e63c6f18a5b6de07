//! Pinned recipients (SPEC §7): a key-based vault forged by someone who can write the file and
//! knows the user's public key is never written to the forger's key; first use pins; `rekey
//! --trust` accepts a key the user added elsewhere. The forgery is made with Go's `age` (apt),
//! an implementation independent of ours.

mod common;

use std::process::Command;

use common::{Env, have, path_str};

const SECRET: &str = "NBSWY3DPEB3W64TMMQQQ";

fn public_key(identity: &std::path::Path) -> String {
    std::fs::read_to_string(identity)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_owned()
}

/// Writes `plaintext` as the vault, encrypted by Go's age to `to` (what a forger can do).
fn forge(env: &Env, to: &str, plaintext: &str) {
    let mut c = Command::new("age");
    c.args(["-r", to, "-o", path_str(&env.vault)])
        .stdin(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), plaintext.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_forged_vault_never_gets_a_secret_written_to_the_forger() {
    if !have("age") || !have("age-keygen") {
        eprintln!("SKIPPED: needs age and age-keygen (apt-get install age)");
        return;
    }
    let env = Env::new();
    env.ok(&["init", "--identity", path_str(&env.key)], "");
    let victim = public_key(&env.key);
    let mallory_key = env.dir.path().join("m.txt");
    let out = Command::new("age-keygen")
        .args(["-o", path_str(&mallory_key)])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mallory = public_key(&mallory_key);

    forge(
        &env,
        &victim,
        &format!("version = 1\nrecipients = [\"{victim}\", \"{mallory}\"]\naccounts = []\n"),
    );
    let forged = env.vault_bytes();

    // Reads work, and say so, once and briefly.
    let (code, _, err) = env.run(&["list"], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("never accepted"), "{err}");
    assert!(err.contains(&mallory[..14]), "{err}");

    // Any write stops with one line naming the unknown recipient and the command that accepts
    // it; the vault is left as it was.
    let (code, out, err) = env.run(&["add", "newbank", "--secret"], &format!("{SECRET}\n"));
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    let last = err.lines().last().unwrap();
    assert!(last.starts_with("authcli: "), "{err}");
    assert!(last.contains(&mallory[..14]), "{err}");
    assert!(last.contains("authcli rekey --trust"), "{err}");
    assert_eq!(env.vault_bytes(), forged);

    // The forger's key opens nothing new: the file is still the forged one.
    let out = Command::new("age")
        .args(["-d", "-i", path_str(&mallory_key), path_str(&env.vault)])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("secret"));

    // Removing the unknown recipient is allowed (it only narrows the list), and then writes go
    // to the user's own key alone.
    env.ok(&["rekey", "--remove-recipient", &mallory], "");
    env.ok(&["add", "newbank", "--secret"], &format!("{SECRET}\n"));
    let out = Command::new("age")
        .args(["-d", "-i", path_str(&mallory_key), path_str(&env.vault)])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the forger's key still opens the vault"
    );
}

#[test]
fn first_use_pins_and_rekey_trust_accepts_a_key_added_elsewhere() {
    if !have("age-keygen") {
        eprintln!("SKIPPED: needs age-keygen (apt-get install age)");
        return;
    }
    // Computer A makes the vault and adds a backup key; computer B (another HOME) gets a copy.
    let a = Env::new();
    a.ok(&["init", "--identity", path_str(&a.key)], "");
    let b = Env::new();
    std::fs::create_dir_all(b.vault.parent().unwrap()).unwrap();
    std::fs::copy(&a.vault, &b.vault).unwrap();
    std::fs::copy(&a.key, &b.key).unwrap();
    let (code, _, err) = b.run(&["list"], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("first use") && err.contains("pinned"), "{err}");
    // Pinned once: the next read is silent.
    let (_, _, err) = b.run(&["list"], "");
    assert!(err.is_empty(), "{err}");

    let backup_key = a.dir.path().join("backup.txt");
    let out = Command::new("age-keygen")
        .args(["-o", path_str(&backup_key)])
        .output()
        .unwrap();
    assert!(out.status.success());
    let backup = public_key(&backup_key);
    a.ok(&["rekey", "--add-recipient", &backup], "");
    std::fs::copy(&a.vault, &b.vault).unwrap();

    // B has not accepted it: reads warn, writes are refused, until `rekey --trust`.
    let (_, _, err) = b.run(&["list"], "");
    assert!(err.contains("never accepted"), "{err}");
    let before = b.vault_bytes();
    let (code, _, err) = b.run(&["add", "x", "--secret"], &format!("{SECRET}\n"));
    assert_eq!(code, 1, "{err}");
    assert_eq!(b.vault_bytes(), before);
    let (code, _, err) = b.run(&["rekey", "--trust", "--to-passphrase"], "");
    assert_eq!(code, 2, "{err}");
    b.ok(&["rekey", "--trust"], "");
    let (_, _, err) = b.run(&["list"], "");
    assert!(err.is_empty(), "{err}");
    b.ok(&["add", "x", "--secret"], &format!("{SECRET}\n"));
}

/// A vault swapped for a symlink to a forged file (which a sync folder or git can carry) is not
/// pinned on first use: its recipients stay unknown, and no write goes to them.
#[test]
fn a_symlinked_vault_is_never_pinned_on_first_use() {
    if !have("age-keygen") {
        eprintln!("SKIPPED: needs age-keygen (apt-get install age)");
        return;
    }
    #[cfg(unix)]
    {
        let env = Env::new();
        env.ok(&["init", "--identity", path_str(&env.key)], "");
        // Another computer's copy of this vault, reached through a symlink at a new path.
        let elsewhere = env.dir.path().join("elsewhere.age");
        std::fs::copy(&env.vault, &elsewhere).unwrap();
        let link = env.dir.path().join("linked.age");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        let (code, _, err) = env.run(&["--vault", path_str(&link), "list"], "");
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("never accepted"), "{err}");
        let before = std::fs::read(&elsewhere).unwrap();
        let (code, _, err) = env.run(
            &["--vault", path_str(&link), "add", "x", "--secret"],
            &format!("{SECRET}\n"),
        );
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("authcli rekey --trust"), "{err}");
        assert_eq!(std::fs::read(&elsewhere).unwrap(), before);
    }
}

/// A passphrase vault's path is recorded too: a key-based vault found there later (forged, with
/// the user's identity still configured) is not pinned on first use.
#[test]
fn a_key_vault_where_a_passphrase_vault_was_is_not_pinned() {
    let env = Env::new();
    let mut c = env.cmd();
    c.env_remove("AUTHCLI_IDENTITY")
        .env("AUTHCLI_PASSPHRASE", "pass phrase")
        .arg("init");
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    // Someone replaces it with a key-based vault that the user's identity opens.
    let other = Env::new();
    other.ok(&["init", "--identity", path_str(&other.key)], "");
    std::fs::copy(&other.vault, &env.vault).unwrap();
    std::fs::copy(&other.key, &env.key).unwrap();
    let (code, _, err) = env.run(&["list"], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("never accepted"), "{err}");
    let (code, _, err) = env.run(&["add", "x", "--secret"], &format!("{SECRET}\n"));
    assert_eq!(code, 1, "{err}");
}
