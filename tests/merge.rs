//! `authcli merge`: one vault on two computers, changed on both between two syncs, merged back
//! from each sync tool's conflict copy and by git's merge driver; version-1 vaults; trust.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Env, have, path_str};

const S: [&str; 8] = [
    "JBSWY3DPEHPK3PXP",
    "GEZDGNBVGY3TQOJQ",
    "MFRGGZDFMZTWQ2LK",
    "NBSWY3DPEB3W64TM",
    "ORSXG5BAMFZWK3TU",
    "KRUGKIDROVUWG2ZA",
    "MJZG653OEBTG66BA",
    "NJ2W24DTEBXXMZLS",
];

/// `authcli ARGS` on the vault at `vault` (another computer's copy), asserting success; stderr.
fn at(env: &Env, vault: &Path, args: &[&str], stdin: &str) -> String {
    let mut c = env.cmd();
    c.env("AUTHCLI_VAULT", vault).args(args);
    let (code, _, err) = env.run_with(c, stdin);
    assert_eq!(code, 0, "authcli {args:?} on {}: {err}", vault.display());
    err
}

/// Name → HOTP counter (`None` for timed accounts) of the vault at `vault`.
fn accounts(env: &Env, vault: &Path) -> BTreeMap<String, Option<u64>> {
    let mut c = env.cmd();
    c.env("AUTHCLI_VAULT", vault).args(["list", "--json"]);
    let (code, out, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_owned(),
                a["counter"].as_u64(),
            )
        })
        .collect()
}

/// The decrypted vault at `vault`, through the library.
fn decrypted(env: &Env, vault: &Path) -> String {
    let ids = authcli::vault::load_identity_without_asking(&env.key).unwrap();
    let key = authcli::vault::Key::Identities {
        identities: ids.identities,
        source: env.key.clone(),
    };
    let plain = authcli::vault::decrypt(vault, &std::fs::read(vault).unwrap(), &key).unwrap();
    String::from_utf8(plain.to_vec()).unwrap()
}

/// Two computers: the desktop (`env.vault`) and the laptop (returned), each changed since their
/// last sync. Desktop: adds, removes, renames (later than the laptop's rename of the same
/// account) and spends 2 HOTP codes; laptop: adds, renames, spends 5.
fn two_computers(env: &Env) -> PathBuf {
    env.add_secret("github", S[0], &["--issuer", "GitHub"]);
    env.add_secret("mail", S[1], &["--issuer", "Mail"]);
    env.add_secret("old", S[2], &["--issuer", "Old"]);
    env.add_secret("hw", S[3], &["--hotp", "--counter", "0"]);
    let laptop = env.dir.path().join("laptop").join("vault.age");
    std::fs::create_dir_all(laptop.parent().unwrap()).unwrap();
    std::fs::copy(&env.vault, &laptop).unwrap();

    at(
        env,
        &laptop,
        &["add", "bank", "--secret", "--issuer", "Bank"],
        &format!("{}\n", S[4]),
    );
    at(
        env,
        &laptop,
        &["add", "same", "--secret", "--issuer", "L"],
        &format!("{}\n", S[5]),
    );
    at(env, &laptop, &["rename", "github", "gh"], "");
    for _ in 0..5 {
        at(env, &laptop, &["code", "hw"], "");
    }
    // Renames are ordered by their times, to the second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    env.add_secret("shop", S[6], &["--issuer", "Shop"]);
    env.add_secret("same", S[7], &["--issuer", "D"]);
    env.ok(&["remove", "old", "--yes"], "");
    env.ok(&["rename", "github", "github-work"], "");
    env.ok(&["rename", "mail", "email"], "");
    for _ in 0..2 {
        env.ok(&["code", "hw"], "");
    }
    laptop
}

fn expected() -> BTreeMap<String, Option<u64>> {
    [
        ("github-work", None),
        ("email", None),
        ("hw", Some(5)),
        ("bank", None),
        ("same", None),
        ("same-2", None),
        ("shop", None),
    ]
    .into_iter()
    .map(|(n, c)| (n.to_owned(), c))
    .collect()
}

/// Each sync tool's conflict copy beside the vault: noticed by every command, merged by
/// `authcli merge` with one line per change, then moved into `merged/`.
#[test]
fn conflict_copies_of_every_sync_tool_are_merged_back() {
    let env = Env::with_key_vault();
    let laptop = two_computers(&env);
    let desktop = std::fs::read(&env.vault).unwrap();
    for copy in [
        "vault.sync-conflict-20261205-101500-ABCDEF1.age",
        "vault (conflicted copy 2026-12-05).age",
        "vault (Laptop's conflicted copy 2026-12-05).age",
        "vault (conflicted copy 2026-12-05 101500).age",
        "vault-LAPTOP.age",
        "vault 2.age",
    ] {
        let dir = env.dir.path().join(format!("sync-{}", copy.len()));
        let vault = dir.join("vault.age");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&vault, &desktop).unwrap();
        std::fs::copy(&laptop, dir.join(copy)).unwrap();

        let err = at(&env, &vault, &["list"], "");
        assert!(
            err.contains(&format!(
                "1 conflict copy of your vault ({copy}): run `authcli merge`"
            )),
            "{copy}: {err}"
        );
        let before = std::fs::read(&vault).unwrap();
        let err = at(&env, &vault, &["merge", "--dry-run"], "");
        assert!(err.contains("dry run: nothing was written"), "{err}");
        assert_eq!(
            std::fs::read(&vault).unwrap(),
            before,
            "--dry-run writes nothing"
        );
        assert!(dir.join(copy).exists());

        let err = at(&env, &vault, &["merge"], "");
        assert_eq!(accounts(&env, &vault), expected(), "{copy}: {err}");
        for line in [
            "added \"bank\" (Bank) from",
            "renamed \"same\" (D) to \"same-2\": an account added earlier is named \"same\"",
            "HOTP counter of \"hw\": 2 → 5 (the higher, from",
            "kept this vault's version of \"github-work\" (GitHub)",
            "dropped the one from",
            "named \"gh\" (GitHub)",
            "merged ",
            "moved 1 merged conflict copy into",
        ] {
            assert!(err.contains(line), "{copy}: {line:?} missing in:\n{err}");
        }
        assert!(!dir.join(copy).exists(), "moved aside");
        assert!(dir.join("merged").join(copy).exists());
        assert!(std::fs::read(authcli::vault::backup_path(&vault)).unwrap() == before);
        // Nothing is merged twice, and nothing is noticed any more.
        let err = at(&env, &vault, &["merge"], "");
        assert!(err.contains("no conflict copies"), "{err}");
        let err = at(&env, &vault, &["list"], "");
        assert!(!err.contains("conflict"), "{err}");
        // The counter merged is the one the next code uses: counter 5.
        let mut c = env.cmd();
        c.env("AUTHCLI_VAULT", &vault).args(["code", "hw"]);
        let (_, code, _) = env.run_with(c, "");
        assert_eq!(code.trim(), common::oathtool_hotp(S[3], 6, 5), "{copy}");
    }
}

/// `merge OTHER` in the other direction gives the same accounts, and the removed account does
/// not come back from the laptop's copy.
#[test]
fn merging_either_way_gives_the_same_accounts() {
    let env = Env::with_key_vault();
    let laptop = two_computers(&env);
    let desktop = env.dir.path().join("desktop.age");
    std::fs::copy(&env.vault, &desktop).unwrap();
    at(&env, &laptop, &["merge", path_str(&desktop)], "");
    env.ok(&["merge", path_str(&laptop)], "");
    assert_eq!(accounts(&env, &env.vault), expected());
    assert_eq!(accounts(&env, &laptop), expected());
    // Merging again changes nothing.
    let before = env.vault_bytes();
    let err = env.ok(&["merge", path_str(&laptop)], "");
    assert_eq!(env.vault_bytes(), before, "{err}");
}

/// A version-1 vault copied to two computers: each upgrades it at its next write; the accounts
/// they shared are still one account each after the merge (their ids come from their secrets).
#[test]
fn version_1_copies_merge_account_by_account() {
    let env = Env::with_key_vault();
    let ids = authcli::vault::load_identity_without_asking(&env.key).unwrap();
    let recipients = ids.recipients();
    let toml = format!(
        "version = 1\nrecipients = [\"{}\"]\n\n[[accounts]]\nname = \"a\"\ntype = \"totp\"\nsecret = \"{}\"\nadded = 2026-01-01T00:00:00Z\n\n[[accounts]]\nname = \"t\"\ntype = \"hotp\"\nsecret = \"{}\"\ncounter = 3\n",
        recipients[0], S[0], S[1]
    );
    let v1 = authcli::vault::encrypt(
        toml.as_bytes(),
        &authcli::vault::Protection::Recipients(recipients),
    )
    .unwrap();
    std::fs::write(&env.vault, &v1).unwrap();
    let other = env.dir.path().join("other.age");
    std::fs::write(&other, &v1).unwrap();
    env.add_secret("b", S[2], &[]);
    env.ok(&["code", "t"], "");
    at(
        &env,
        &other,
        &["add", "c", "--secret"],
        &format!("{}\n", S[3]),
    );
    for _ in 0..3 {
        at(&env, &other, &["code", "t"], "");
    }
    assert!(decrypted(&env, &env.vault).starts_with("version = 2\n"));
    env.ok(&["merge", path_str(&other)], "");
    let got = accounts(&env, &env.vault);
    let want: BTreeMap<String, Option<u64>> =
        [("a", None), ("t", Some(6)), ("b", None), ("c", None)]
            .into_iter()
            .map(|(n, c)| (n.to_owned(), c))
            .collect();
    assert_eq!(got, want);
    let text = decrypted(&env, &env.vault);
    assert_eq!(text.matches("[[accounts]]").count(), 4, "{text}");
    assert!(text.contains("modified = 2026-01-01T00:00:00Z"), "{text}");
}

/// A copy encrypted to more recipients than the vault's own (a forged copy, say) is read with
/// the identity at hand, and the result goes to the vault's own recipients only.
#[test]
fn a_copy_to_other_recipients_is_read_but_never_written_to_them() {
    let env = Env::with_key_vault();
    env.add_secret("a", S[0], &[]);
    let mine = authcli::vault::load_identity_without_asking(&env.key)
        .unwrap()
        .recipients();
    let mallory = age::x25519::Identity::generate().to_public().to_string();
    let toml = format!(
        "version = 2\nrecipients = [\"{}\", \"{mallory}\"]\n\n[[accounts]]\nid = \"0123456789abcdef0123456789abcdef\"\nname = \"m\"\ntype = \"totp\"\nsecret = \"{}\"\n",
        mine[0], S[1]
    );
    let copy = authcli::vault::encrypt(
        toml.as_bytes(),
        &authcli::vault::Protection::Recipients(vec![mine[0].clone(), mallory.clone()]),
    )
    .unwrap();
    let path = env
        .vault
        .with_file_name("vault (conflicted copy 2026-12-05).age");
    std::fs::write(&path, copy).unwrap();
    env.ok(&["merge"], "");
    assert_eq!(env.names(), ["a", "m"]);
    let text = decrypted(&env, &env.vault);
    assert!(!text.contains(&mallory), "{text}");
    // A copy no identity at hand opens: a clear error, exit 4, the vault untouched.
    let foreign = authcli::vault::encrypt(
        b"version = 2\n",
        &authcli::vault::Protection::Recipients(vec![mallory]),
    )
    .unwrap();
    let path = env.dir.path().join("foreign.age");
    std::fs::write(&path, foreign).unwrap();
    let before = env.vault_bytes();
    let err = env.fails(&["merge", path_str(&path)], "", 4);
    assert!(err.contains("foreign.age"), "{err}");
    assert_eq!(env.vault_bytes(), before);
}

fn git(repo: &Path, env: &Env, args: &[&str]) -> String {
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_authcli"))
        .parent()
        .unwrap()
        .to_owned();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let out = Command::new("git")
        .args(args)
        .current_dir(repo)
        .env_clear()
        .env("HOME", env.dir.path())
        .env("PATH", path)
        .env("AUTHCLI_VAULT", &env.vault)
        .env("AUTHCLI_IDENTITY", &env.key)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "git {args:?}: {text}");
    text
}

/// The vault in a git repository, changed on two branches, merged by `git merge` with the
/// driver configured as the README says.
#[test]
fn git_merge_with_the_driver_from_the_readme() {
    assert!(have("git"), "git is needed");
    let mut env = Env::new();
    let repo = env.dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    env.vault = repo.join("vault.age");
    env.ok(&["init"], "");
    env.add_secret("keep", S[0], &[]);
    env.add_secret("gone", S[1], &[]);
    env.add_secret("hw", S[3], &["--hotp"]);
    git(&repo, &env, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join(".gitattributes"), "vault.age merge=authcli\n").unwrap();
    std::fs::write(repo.join(".gitignore"), "vault.age.bak\nvault.age.lock\n").unwrap();
    git(
        &repo,
        &env,
        &[
            "config",
            "merge.authcli.driver",
            "authcli merge --base %O %A %B",
        ],
    );
    git(&repo, &env, &["add", "."]);
    git(&repo, &env, &["commit", "-qm", "vault"]);

    git(&repo, &env, &["checkout", "-qb", "laptop"]);
    env.add_secret("laptop", S[4], &[]);
    for _ in 0..4 {
        env.ok(&["code", "hw"], "");
    }
    git(&repo, &env, &["commit", "-qam", "laptop"]);

    git(&repo, &env, &["checkout", "-q", "main"]);
    env.add_secret("desktop", S[5], &[]);
    env.ok(&["remove", "gone", "--yes"], "");
    env.ok(&["code", "hw"], "");
    git(&repo, &env, &["commit", "-qam", "desktop"]);

    let out = git(&repo, &env, &["merge", "--no-edit", "laptop"]);
    assert!(out.contains("merged "), "the driver's report: {out}");
    let got = accounts(&env, &env.vault);
    let want: BTreeMap<String, Option<u64>> = [
        ("keep", None),
        ("hw", Some(4)),
        ("desktop", None),
        ("laptop", None),
    ]
    .into_iter()
    .map(|(n, c)| (n.to_owned(), c))
    .collect();
    assert_eq!(got, want);
    let status = git(&repo, &env, &["status", "--porcelain"]);
    assert!(
        status.trim().is_empty(),
        "no conflict, nothing left: {status}"
    );
    let left: Vec<String> = std::fs::read_dir(&repo)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|n| n.starts_with(".merge_file"))
        .collect();
    assert!(
        left.is_empty(),
        "the driver leaves no .bak or lock: {left:?}"
    );

    // A side that cannot be opened: non-zero, and the driver writes nothing.
    let junk = repo.join("junk");
    std::fs::write(&junk, b"not a vault").unwrap();
    let ours = env.dir.path().join("ours.age");
    std::fs::copy(&env.vault, &ours).unwrap();
    let before = std::fs::read(&ours).unwrap();
    let (code, _, err) = env.run(
        &[
            "merge",
            "--base",
            path_str(&junk),
            path_str(&ours),
            path_str(&env.vault),
        ],
        "",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not an authcli vault"), "{err}");
    assert_eq!(std::fs::read(&ours).unwrap(), before);
}

/// A passphrase vault: a copy under the same passphrase merges with it; a copy under another
/// passphrase, with no terminal to ask for it, is one clear error (exit 4), the vault untouched.
#[test]
fn passphrase_copies() {
    let env = Env::new();
    let run = |pass: &str, vault: &Path, args: &[&str], stdin: &str| {
        let mut c = env.cmd();
        c.env_remove("AUTHCLI_IDENTITY")
            .env("AUTHCLI_PASSPHRASE", pass)
            .env("AUTHCLI_VAULT", vault)
            .args(args);
        env.run_with(c, stdin)
    };
    let other = env.dir.path().join("other.age");
    let stranger = env.dir.path().join("stranger.age");
    assert_eq!(run("pw", &env.vault, &["init"], "").0, 0);
    assert_eq!(run("pw2", &stranger, &["init"], "").0, 0);
    std::fs::copy(&env.vault, &other).unwrap();
    let add = format!("{}\n", S[0]);
    assert_eq!(run("pw", &other, &["add", "a", "--secret"], &add).0, 0);
    let (code, _, err) = run("pw", &env.vault, &["merge", path_str(&other)], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("added \"a\" from other.age"), "{err}");
    let before = env.vault_bytes();
    let (code, _, err) = run("pw", &env.vault, &["merge", path_str(&stranger)], "");
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("wrong passphrase for") && err.contains("stranger.age"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(env.vault_bytes(), before);
}

/// Another vault whose name only looks like a `OneDrive` copy (`vault-work.age`) is noticed but
/// not merged by a bare `merge`: it shares no account with the vault.
#[test]
fn another_vault_named_like_a_onedrive_copy_is_not_merged() {
    let env = Env::with_key_vault();
    env.add_secret("a", S[0], &[]);
    let work = env.vault.with_file_name("vault-work.age");
    at(&env, &work, &["init"], "");
    at(
        &env,
        &work,
        &["add", "w", "--secret"],
        &format!("{}\n", S[1]),
    );
    let before = env.vault_bytes();
    let (code, _, err) = env.run(&["merge"], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("shares no account"), "{err}");
    assert_eq!(env.names(), ["a"]);
    assert_eq!(env.vault_bytes(), before);
    assert!(work.exists(), "left where it was");
    // Named explicitly, it is merged.
    env.ok(&["merge", path_str(&work)], "");
    assert_eq!(env.names(), ["a", "w"]);
}
