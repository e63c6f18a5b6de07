//! Data safety under concurrency and crashes: many processes writing one vault at once, and
//! processes killed with SIGKILL at random moments of their writes.

mod common;

#[cfg(unix)]
use std::process::Stdio;
#[cfg(unix)]
use std::time::Duration;

use common::{Env, have};

/// A distinct valid base32 secret for (process, index).
fn secret(p: usize, i: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut s = String::from("JBSWY3DPEHPK");
    for v in [p, i / 32, i % 32, (p * 7 + i) % 32] {
        s.push(char::from(A[v % 32]));
    }
    s
}

#[test]
fn eight_processes_adding_25_accounts_each_lose_nothing() {
    let env = Env::with_key_vault();
    std::thread::scope(|s| {
        for p in 0..8 {
            let env = &env;
            s.spawn(move || {
                for i in 0..25 {
                    env.add_secret(&format!("p{p}-{i}"), &secret(p, i), &[]);
                }
            });
        }
    });
    let mut got = env.names();
    got.sort();
    let mut want: Vec<String> = (0..8)
        .flat_map(|p| (0..25).map(move |i| format!("p{p}-{i}")))
        .collect();
    want.sort();
    assert_eq!(got, want);
    let bak = env.vault.with_file_name("vault.age.bak");
    assert_eq!(
        env.names_in(&bak).len(),
        199,
        ".bak is the state before the last add"
    );
}

#[test]
fn adds_racing_removes_and_renames() {
    let env = Env::with_key_vault();
    for i in 0..20 {
        env.add_secret(&format!("old{i}"), &secret(9, i), &[]);
    }
    std::thread::scope(|s| {
        let e = &env;
        s.spawn(move || {
            for i in 0..20 {
                e.add_secret(&format!("new{i}"), &secret(10, i), &[]);
            }
        });
        s.spawn(move || {
            for i in 0..10 {
                e.ok(&["remove", &format!("old{i}"), "--yes"], "");
            }
        });
        s.spawn(move || {
            for i in 10..20 {
                e.ok(&["rename", &format!("old{i}"), &format!("renamed{i}")], "");
            }
        });
    });
    let mut got = env.names();
    got.sort();
    let mut want: Vec<String> = (0..20)
        .map(|i| format!("new{i}"))
        .chain((10..20).map(|i| format!("renamed{i}")))
        .collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn concurrent_hotp_codes_never_repeat_a_counter() {
    if !have("oathtool") {
        return;
    }
    let env = Env::with_key_vault();
    let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    env.add_secret("hw", seed, &["--hotp"]);
    let mut codes: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let e = &env;
                s.spawn(move || {
                    (0..10)
                        .map(|_| e.ok(&["code", "hw"], "").trim().to_owned())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let out = std::process::Command::new("oathtool")
        .args(["--hotp", "-c", "0", "-w", "39", "-b", seed])
        .output()
        .unwrap();
    let mut want: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(want.len(), 40);
    codes.sort();
    want.sort();
    assert_eq!(
        codes, want,
        "each of counters 0..40 handed out exactly once"
    );
}

/// SIGKILL `add`, `import` and `remove` at random moments, 200 times: the vault always opens and holds
/// exactly the state before or after the killed command; `.bak` always opens; stray temporary
/// files are cleaned up or ignored.
#[test]
#[cfg(unix)]
fn sigkill_at_random_moments_never_corrupts_the_vault() {
    let env = Env::with_key_vault();
    env.add_secret("base", &secret(20, 0), &[]);
    let bin = assert_cmd::cargo::cargo_bin("authcli");
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut state = env.names();
    let mut killed_mid = 0;
    let mut imports_done = 0;
    for round in 0..200 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let delay = Duration::from_micros(rng % 12_000);
        let name = format!("k{round}");
        let adding = !state.iter().any(|n| n.starts_with('k')) || round % 3 != 0;
        let mut c = std::process::Command::new(&bin);
        c.env_clear()
            .env("HOME", env.dir.path())
            .env("AUTHCLI_VAULT", &env.vault)
            .env("AUTHCLI_IDENTITY", &env.key)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let target = state.iter().find(|n| n.starts_with('k')).cloned();
        let importing = adding && round % 4 == 1;
        let stdin = if importing {
            c.args(["import", "-"]);
            // The default name of an imported account is the slug of its issuer: `name`.
            format!(
                "otpauth://totp/{name}:x?secret={}&issuer={name}\n",
                secret(21 + round / 32, round % 32)
            )
        } else {
            format!("{}\n", secret(21 + round / 32, round % 32))
        };
        if importing {
        } else if adding {
            c.args(["add", &name, "--secret"]);
        } else {
            c.args(["remove", target.as_deref().unwrap(), "--yes"]);
        }
        let mut child = c.spawn().unwrap();
        {
            use std::io::Write;
            let mut si = child.stdin.take().unwrap();
            let _ = si.write_all(stdin.as_bytes());
        }
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let after = env.names();
        let mut expected_new = state.clone();
        if adding {
            expected_new.push(name.clone());
        } else {
            expected_new.retain(|n| Some(n) != target.as_ref());
        }
        assert!(
            after == state || after == expected_new,
            "round {round}: vault holds neither the old nor the new state: {after:?}"
        );
        if !status.success() && after == state {
            killed_mid += 1;
        }
        if importing && after == expected_new {
            imports_done += 1;
        }
        if env.vault.with_file_name("vault.age.bak").exists() {
            env.names_in(&env.vault.with_file_name("vault.age.bak"));
        }
        state = after;
    }
    // The next write works whatever temporary files the kills left behind.
    env.add_secret("after", &secret(31, 31), &[]);
    let leftovers: Vec<_> = std::fs::read_dir(env.vault.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|n| {
            std::path::Path::new(n)
                .extension()
                .is_some_and(|e| e == "tmp")
        })
        .collect();
    eprintln!(
        "{killed_mid} of 200 kills landed before the write completed; {imports_done} imports completed"
    );
    assert!(
        imports_done > 0,
        "some imports must get through, or the test proves nothing"
    );
    assert!(
        leftovers.is_empty(),
        "the next write cleans up: {leftovers:?}"
    );
}

/// SIGKILL `merge` at random moments, 60 times, each time with a fresh Syncthing conflict copy
/// that holds one more account: the vault always opens and holds the accounts before the merge
/// or the merged ones; `.bak` always opens; the copy is either still beside the vault or in
/// `merged/`, never lost.
#[test]
#[cfg(unix)]
fn sigkill_during_merge_leaves_the_old_or_the_merged_vault() {
    let env = Env::with_key_vault();
    env.add_secret("base", &secret(20, 0), &[]);
    let bin = assert_cmd::cargo::cargo_bin("authcli");
    let dir = env.vault.parent().unwrap().to_owned();
    let other = env.dir.path().join("other.age");
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let mut state = env.names();
    let (mut killed_mid, mut merged) = (0, 0);
    for round in 0..60 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let delay = Duration::from_micros(rng % 15_000);
        // The other computer's copy: this vault plus one account.
        std::fs::copy(&env.vault, &other).unwrap();
        let name = format!("m{round}");
        let mut c = env.cmd();
        c.env("AUTHCLI_VAULT", &other)
            .args(["add", &name, "--secret"]);
        let (code, _, err) = env.run_with(c, &format!("{}\n", secret(22 + round / 32, round % 32)));
        assert_eq!(code, 0, "{err}");
        let copy_name = format!("vault.sync-conflict-20261205-101500-R{round}.age");
        let copy = dir.join(&copy_name);
        std::fs::rename(&other, &copy).unwrap();

        let mut child = std::process::Command::new(&bin)
            .env_clear()
            .env("HOME", env.dir.path())
            .env("AUTHCLI_VAULT", &env.vault)
            .env("AUTHCLI_IDENTITY", &env.key)
            .arg("merge")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let after = env.names();
        let mut expected_new = state.clone();
        expected_new.push(name.clone());
        assert!(
            after == state || after == expected_new,
            "round {round}: vault holds neither the old nor the merged accounts: {after:?}"
        );
        if after == state {
            killed_mid += usize::from(!status.success());
        } else {
            merged += 1;
        }
        assert!(
            copy.exists() || dir.join("merged").join(&copy_name).exists(),
            "round {round}: the conflict copy is gone"
        );
        // A copy left beside the vault (killed before the move) is put aside by hand.
        if copy.exists() {
            std::fs::remove_file(&copy).unwrap();
        }
        if authcli::vault::backup_path(&env.vault).exists() {
            env.names_in(&authcli::vault::backup_path(&env.vault));
        }
        state = after;
    }
    eprintln!("{killed_mid} of 60 merges killed before writing; {merged} merged");
    assert!(
        merged > 0 && killed_mid > 0,
        "kills must land both before and after the write"
    );
}

/// A write that hits the file-size limit (what a full disk looks like to a writer): one clear
/// line, exit 1, the vault byte-identical and no temporary file left.
#[test]
#[cfg(unix)]
fn a_full_disk_leaves_the_vault_untouched() {
    let env = Env::with_key_vault();
    for i in 0..30 {
        env.add_secret(&format!("a{i}"), &secret(30, i), &[]);
    }
    let before = env.vault_bytes();
    let bin = assert_cmd::cargo::cargo_bin("authcli");
    // 2 KiB limit; SIGXFSZ ignored so the write fails with EFBIG instead of killing the process.
    let mut c = std::process::Command::new("sh");
    c.args([
        "-c",
        &format!(
            "trap '' XFSZ; ulimit -f 4; exec '{}' add big --secret",
            bin.display()
        ),
    ])
    .env_clear()
    .env("PATH", std::env::var_os("PATH").unwrap())
    .env("HOME", env.dir.path())
    .env("AUTHCLI_VAULT", &env.vault)
    .env("AUTHCLI_IDENTITY", &env.key);
    let (code, out, err) = env.run_with(c, "JBSWY3DPEHPK3PXP\n");
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("could not write vault") && err.contains("too large"),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);
    env.add_secret("fine", &secret(31, 1), &[]);
}

/// After every kind of write and read, no file anywhere under HOME holds a secret in plaintext
/// (base32 or raw bytes): temporary files, the lock file, `.bak` and the vault are all ciphertext
/// or empty, and the vault files are 0600.
#[test]
fn no_plaintext_secret_on_disk() {
    let env = Env::with_key_vault();
    let b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    env.add_secret("rfc", b32, &["--issuer", "RFC"]);
    env.ok(
        &[
            "add",
            "--uri",
            "otpauth://hotp/T:x?secret=JBSWY3DPEHPK3PXP&counter=1&issuer=T",
        ],
        "",
    );
    env.ok(&["code", "rfc"], "");
    env.ok(&["code", "t"], "");
    env.ok(&["list", "--codes"], "");
    env.ok(&["rename", "rfc", "rfc2"], "");
    env.ok(&["remove", "t", "--yes"], "");
    let raw = b"12345678901234567890";
    let mut stack = vec![env.dir.path().to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            seen += 1;
            let bytes = std::fs::read(&p).unwrap();
            let text = String::from_utf8_lossy(&bytes).to_ascii_uppercase();
            assert!(
                !text.contains(b32) && !text.contains("JBSWY3DPEHPK3PXP"),
                "{} holds a secret",
                p.display()
            );
            assert!(
                !bytes.windows(raw.len()).any(|w| w == raw),
                "{} holds raw secret bytes",
                p.display()
            );
            #[cfg(unix)]
            if p.starts_with(env.vault.parent().unwrap()) {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{}", p.display());
            }
        }
    }
    assert!(
        seen >= 4,
        "vault, .bak, lock and identity were checked ({seen})"
    );
}
