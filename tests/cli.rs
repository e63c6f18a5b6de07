//! End-to-end tests of the real binary on temporary vaults. Expected codes come from oathtool or
//! the RFC tables, never from authcli itself.

mod common;

use common::{Env, have, oathtool_totp, path_str};

const RFC_SEED_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"

#[test]
fn rfc6238_code_through_the_cli() {
    let env = Env::with_key_vault();
    env.add_secret("rfc", RFC_SEED_B32, &["--digits", "8"]);
    // RFC 6238 Appendix B.
    assert_eq!(env.ok(&["code", "rfc", "--at", "59"], ""), "94287082\n");
    assert_eq!(
        env.ok(&["code", "rfc", "--at", "1111111109"], ""),
        "07081804\n"
    );
    assert_eq!(
        env.ok(&["code", "rfc", "--at", "2005-03-18T01:58:29Z"], ""),
        "07081804\n"
    );
    assert_eq!(
        env.ok(&["code", "rfc", "--at", "2005-03-18T02:58:29+01:00"], ""),
        "07081804\n"
    );
}

#[test]
fn codes_match_oathtool_across_algorithms_digits_periods_and_times() {
    if !have("oathtool") {
        return;
    }
    let env = Env::with_key_vault();
    let secrets = [
        ("SHA1", "JBSWY3DPEHPK3PXP"),
        (
            "SHA256",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA",
        ),
        ("SHA512", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ"),
    ];
    // A fixed pseudo-random sequence of times (LCG), plus edges.
    let mut t: u64 = 1_700_000_000;
    let mut times = vec![0u64, 29, 30, 59, 1_234_567_890, 4_102_444_800];
    for _ in 0..4 {
        t = t.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1) % 4_000_000_000;
        times.push(t);
    }
    let mut n = 0;
    for (alg, secret) in secrets {
        for digits in [6u8, 7, 8] {
            for period in [15u32, 30, 60] {
                let name = format!("a{n}");
                n += 1;
                env.add_secret(
                    &name,
                    secret,
                    &[
                        "--algorithm",
                        alg,
                        "--digits",
                        &digits.to_string(),
                        "--period",
                        &period.to_string(),
                    ],
                );
                for &t in &times {
                    let got = env.ok(&["code", &name, "--at", &t.to_string()], "");
                    let want = oathtool_totp(secret, alg, digits, period, t);
                    assert_eq!(got.trim(), want, "{alg} {digits} digits {period}s at {t}");
                }
            }
        }
    }
}

#[test]
fn microsoft_entra_uri_with_80_bit_lowercase_secret_and_mismatched_label() {
    let env = Env::with_key_vault();
    let uri =
        "otpauth://totp/Contoso%3Anome.cognome%40unipi.it?secret=jbswy3dpehpk3pxp&issuer=Microsoft";
    let (code, out, err) = env.run(&["add", "--uri", "-"], &format!("{uri}\n"));
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    assert!(
        err.starts_with("added \"microsoft\" (Microsoft: nome.cognome@unipi.it); current code "),
        "{err}"
    );
    let listed = env.ok(&["list", "--json"], "");
    let v: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(v[0]["name"], "microsoft");
    assert_eq!(v[0]["issuer"], "Microsoft");
    assert_eq!(v[0]["account"], "nome.cognome@unipi.it");
    if have("oathtool") {
        for t in [59u64, 1_764_000_000, 2_000_000_000] {
            let got = env.ok(&["code", "unipi", "--at", &t.to_string()], "");
            assert_eq!(
                got.trim(),
                oathtool_totp("JBSWY3DPEHPK3PXP", "SHA1", 6, 30, t)
            );
        }
    }
}

#[test]
fn stdout_carries_only_the_code() {
    let env = Env::with_key_vault();
    env.add_secret("rfc", RFC_SEED_B32, &["--digits", "8"]);
    let (code, out, err) = env.run(&["code", "rfc", "--at", "59"], "");
    assert_eq!((code, out.as_str(), err.as_str()), (0, "94287082\n", ""));
    // Through a real pipe into another command.
    let bin = assert_cmd::cargo::cargo_bin("authcli");
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("'{}' code rfc --at 59 | cat", bin.display())])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("AUTHCLI_VAULT", &env.vault)
        .env("AUTHCLI_IDENTITY", &env.key)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "94287082\n");
}

#[test]
fn code_json_and_next() {
    let env = Env::with_key_vault();
    env.add_secret(
        "rfc",
        RFC_SEED_B32,
        &["--digits", "8", "--issuer", "RFC", "--account", "me"],
    );
    let out = env.ok(&["code", "rfc", "--at", "59", "--json"], "");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["code"], "94287082");
    assert_eq!(v["remaining"], 1);
    assert_eq!(v["period"], 30);
    assert_eq!(v["issuer"], "RFC");
    assert_eq!(v["account"], "me");
    // --next at 29 is the code at 59 (RFC row 1).
    assert_eq!(
        env.ok(&["code", "rfc", "--at", "29", "--next"], ""),
        "94287082\n"
    );
}

#[test]
fn wait_fresh_with_at_gives_the_code_after_the_wait() {
    let env = Env::with_key_vault();
    env.add_secret("rfc", RFC_SEED_B32, &["--digits", "8"]);
    env.add_secret("hw", RFC_SEED_B32, &["--hotp"]);
    // RFC 6238 Appendix B: 1111111109 has 1 s left (07081804); 1111111111 is in the next
    // period (14050471).
    let code = |args: &[&str]| {
        let mut a = vec!["code", "rfc"];
        a.extend_from_slice(args);
        env.ok(&a, "")
    };
    assert_eq!(
        code(&["--at", "1111111109", "--wait-fresh", "1"]),
        "07081804\n"
    );
    assert_eq!(
        code(&["--at", "1111111109", "--wait-fresh", "5"]),
        "14050471\n"
    );
    assert_eq!(
        code(&["--at", "1111111111", "--wait-fresh", "5"]),
        "14050471\n"
    );
    let v: serde_json::Value = serde_json::from_str(&code(&[
        "--at",
        "1111111109",
        "--wait-fresh",
        "30",
        "--json",
    ]))
    .unwrap();
    assert_eq!(
        (v["code"].as_str(), v["remaining"].as_u64()),
        (Some("14050471"), Some(30))
    );
    // Longer than the period, on HOTP, or with --next: refused.
    let err = env.fails(&["code", "rfc", "--wait-fresh", "31"], "", 1);
    assert!(err.contains("period"), "{err}");
    let err = env.fails(&["code", "hw", "--wait-fresh", "5"], "", 1);
    assert!(err.contains("HOTP"), "{err}");
    let (status, _, _) = env.run(&["code", "rfc", "--next", "--wait-fresh", "5"], "");
    assert_eq!(status, 2);
    // The HOTP refusal spent no counter: RFC 4226 counter 0.
    assert_eq!(env.ok(&["code", "hw"], ""), "755224\n");
}

#[test]
fn wait_fresh_on_the_real_clock_waits_at_most_a_little() {
    // A 15 s period and SECS 1: at most about one second of waiting (generous bounds).
    let env = Env::with_key_vault();
    env.add_secret("fast", "JBSWY3DPEHPK3PXP", &["--period", "15"]);
    let start = std::time::Instant::now();
    let out = env.ok(&["code", "fast", "--wait-fresh", "1", "--json"], "");
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["remaining"].as_u64().unwrap() >= 1, "{v}");
    if have("oathtool") {
        let t = common::unix_now();
        let want = common::oathtool_window("JBSWY3DPEHPK3PXP", 6, 15, t);
        assert!(
            want.iter().any(|c| v["code"] == c.as_str()),
            "{v} vs {want:?}"
        );
    }
}

#[test]
fn hotp_counter_survives_restarts_and_refuses_at() {
    let env = Env::with_key_vault();
    env.add_secret("hw", RFC_SEED_B32, &["--hotp"]);
    // RFC 4226 Appendix D, counters 0, 1, 2, each from a new process.
    for want in ["755224", "287082", "359152"] {
        assert_eq!(env.ok(&["code", "hw"], "").trim(), want);
    }
    let before = env.vault_bytes();
    let err = env.fails(&["code", "hw", "--at", "59"], "", 1);
    assert!(err.contains("HOTP"), "{err}");
    assert_eq!(env.vault_bytes(), before);
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"], "")).unwrap();
    assert_eq!(v[0]["counter"], 3);
    assert_eq!(v[0]["period"], serde_json::Value::Null);
    // Starting counter given at add time.
    env.add_secret(
        "hw2",
        RFC_SEED_B32,
        &["--hotp", "--counter", "9", "--issuer", "Other"],
    );
    assert_eq!(env.ok(&["code", "hw2"], "").trim(), "520489");
}

#[test]
fn query_rules_and_exit_code_3() {
    let env = Env::with_key_vault();
    env.add_secret(
        "github",
        "JBSWY3DPEHPK3PXP",
        &["--issuer", "GitHub", "--account", "me@example.com"],
    );
    env.add_secret(
        "gitlab",
        "JBSWY3DPEHPK3PXQ",
        &["--issuer", "GitLab", "--account", "me@example.com"],
    );
    env.add_secret("git", "JBSWY3DPEHPK3PXR", &["--issuer", "Gitea"]);
    let before = env.vault_bytes();
    // Exact name wins over substring matches.
    env.ok(&["code", "git"], "");
    env.ok(&["code", "GITHUB"], "");
    env.ok(&["code", "lab"], "");
    let err = env.fails(&["code", "example"], "", 3);
    assert!(
        err.contains("matches 2 accounts") && err.contains("github") && err.contains("gitlab"),
        "{err}"
    );
    let err = env.fails(&["code", "githbu"], "", 3);
    assert!(err.contains("did you mean \"github\"?"), "{err}");
    let err = env.fails(&["code", "zzz"], "", 3);
    assert!(err.contains("no account matches \"zzz\""), "{err}");
    env.fails(&["remove", "example", "--yes"], "", 3);
    env.fails(&["rename", "nothing", "x"], "", 3);
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn list_table_filter_and_json_schema() {
    let env = Env::with_key_vault();
    env.add_secret(
        "github",
        "JBSWY3DPEHPK3PXP",
        &["--issuer", "GitHub", "--account", "me"],
    );
    env.add_secret("hw", RFC_SEED_B32, &["--hotp", "--issuer", "Token"]);
    let out = env.ok(&["list"], "");
    assert_eq!(out.lines().count(), 2);
    assert!(out.contains("github") && out.contains("GitHub") && out.contains("totp"));
    assert!(!out.contains("JBSWY3DPEHPK3PXP"));
    let out = env.ok(&["list", "hub"], "");
    assert_eq!(out.lines().count(), 1);
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["list", "--json", "--codes", "--at", "59"], "")).unwrap();
    let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "account",
            "algorithm",
            "code",
            "counter",
            "digits",
            "issuer",
            "name",
            "period",
            "remaining",
            "type"
        ]
    );
    assert_eq!(
        v[1]["code"],
        serde_json::Value::Null,
        "listing never spends an HOTP code"
    );
    if have("oathtool") {
        assert_eq!(
            v[0]["code"],
            oathtool_totp("JBSWY3DPEHPK3PXP", "SHA1", 6, 30, 59)
        );
    }
    assert!(!env.ok(&["list", "--json"], "").contains("code"));
}

#[test]
fn default_names_slugs_and_suffixes() {
    let env = Env::with_key_vault();
    env.ok(
        &["add", "--secret", "--issuer", "Acme Corp. (EU)"],
        "JBSWY3DPEHPK3PXP\n",
    );
    env.ok(
        &["add", "--secret", "--issuer", "Acme Corp (EU)"],
        "JBSWY3DPEHPK3PXQ\n",
    );
    env.ok(
        &["add", "--secret", "--account", "Me@Example.com"],
        "JBSWY3DPEHPK3PXR\n",
    );
    assert_eq!(
        env.names(),
        ["acme-corp-eu", "acme-corp-eu-2", "me-example-com"]
    );
}

#[test]
fn duplicate_name_and_same_secret() {
    let env = Env::with_key_vault();
    env.add_secret("work", "JBSWY3DPEHPK3PXP", &["--issuer", "Example"]);
    let before = env.vault_bytes();
    let err = env.fails(&["add", "WORK", "--secret"], "JBSWY3DPEHPK3PXQ\n", 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(env.vault_bytes(), before);
    // The same secret and issuer again is skipped, not duplicated.
    let (code, _, err) = env.run(
        &["add", "--secret", "--issuer", "example"],
        "JBSWY3DPEHPK3PXP\n",
    );
    assert_eq!(code, 0);
    assert!(err.contains("already in the vault as \"work\""), "{err}");
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn remove_and_rename() {
    let env = Env::with_key_vault();
    env.add_secret("a", "JBSWY3DPEHPK3PXP", &[]);
    env.add_secret("b", "JBSWY3DPEHPK3PXQ", &[]);
    let before = env.vault_bytes();
    let err = env.fails(&["remove", "a"], "", 1);
    assert!(err.contains("--yes"), "{err}");
    let err = env.fails(&["rename", "a", "B"], "", 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(env.vault_bytes(), before);
    env.ok(&["rename", "a", "alpha"], "");
    env.ok(&["code", "alpha"], "");
    env.ok(&["remove", "alpha", "--yes"], "");
    env.fails(&["code", "alpha"], "", 3);
    env.ok(&["rename", "b", "B"], "");
}

#[test]
fn writes_keep_a_backup_and_private_permissions() {
    let env = Env::with_key_vault();
    let first = env.vault_bytes();
    env.add_secret("a", "JBSWY3DPEHPK3PXP", &[]);
    let bak = env.vault.with_file_name("vault.age.bak");
    assert_eq!(
        std::fs::read(&bak).unwrap(),
        first,
        ".bak is the previous vault"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&env.vault), 0o600);
        assert_eq!(mode(env.vault.parent().unwrap()), 0o700);
        assert_eq!(mode(&env.key), 0o600);
    }
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(env.vault.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        names.iter().all(|n| std::path::Path::new(n)
            .extension()
            .is_none_or(|e| e != "tmp")),
        "{names:?}"
    );
    // The backup opens: point the vault at it.
    let (code, out, _) = {
        let mut c = env.cmd();
        c.env("AUTHCLI_VAULT", &bak).args(["list"]);
        env.run_with(c, "")
    };
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn init_refuses_an_existing_vault() {
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    let err = env.fails(&["init"], "", 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn no_vault_gives_the_init_hint() {
    let env = Env::new();
    let err = env.fails(&["code", "x"], "", 1);
    assert!(
        err.contains("no vault at") && err.contains("authcli init"),
        "{err}"
    );
    let err = env.fails(&["add", "--secret"], "JBSWY3DPEHPK3PXP\n", 1);
    assert!(err.contains("authcli init"), "{err}");
    assert!(!env.vault.exists());
}

#[test]
fn two_recipients_open_with_either_identity() {
    let env = Env::new();
    let backup = env.dir.path().join("backup.txt");
    // Make the backup identity with a throwaway init, then use its recipient.
    let other = Env::new();
    let backup_recipient = {
        let mut c = other.cmd();
        c.env("AUTHCLI_IDENTITY", &backup).args(["init"]);
        let (code, out, err) = other.run_with(c, "");
        assert_eq!(code, 0, "{err}");
        out.trim().to_owned()
    };
    assert!(backup_recipient.starts_with("age1"));
    let out = env.ok(&["init", "--recipient", &backup_recipient], "");
    assert_eq!(out.lines().count(), 2, "both recipients printed: {out}");
    // Add with the backup identity; read with the main one, and the other way round.
    let with_backup = |args: &[&str], stdin: &str| {
        let mut c = env.cmd();
        c.env("AUTHCLI_IDENTITY", &backup).args(args);
        env.run_with(c, stdin)
    };
    assert_eq!(
        with_backup(&["add", "rfc", "--secret", "--digits", "8"], RFC_SEED_B32).0,
        0
    );
    assert_eq!(env.ok(&["code", "rfc", "--at", "59"], ""), "94287082\n");
    env.add_secret("second", "JBSWY3DPEHPK3PXP", &[]);
    let (code, out, err) = with_backup(&["code", "rfc", "--at", "59"], "");
    assert_eq!((code, out.as_str()), (0, "94287082\n"), "{err}");
}

#[test]
fn ssh_ed25519_and_rsa_identities() {
    if !have("ssh-keygen") {
        return;
    }
    for kind in ["ed25519", "rsa"] {
        let env = Env::new();
        let key = env.dir.path().join(format!("id_{kind}"));
        let st = std::process::Command::new("ssh-keygen")
            .args([
                "-q",
                "-t",
                kind,
                "-N",
                "",
                "-C",
                "test",
                "-f",
                path_str(&key),
            ])
            .status()
            .unwrap();
        assert!(st.success());
        let mut c = env.cmd();
        c.env("AUTHCLI_IDENTITY", &key).args(["init"]);
        let (code, out, err) = env.run_with(c, "");
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with(&format!("ssh-{kind}")), "{out}");
        let mut c = env.cmd();
        c.env("AUTHCLI_IDENTITY", &key)
            .args(["add", "rfc", "--secret", "--digits", "8"]);
        assert_eq!(env.run_with(c, RFC_SEED_B32).0, 0);
        let mut c = env.cmd();
        c.env("AUTHCLI_IDENTITY", &key)
            .args(["code", "rfc", "--at", "59"]);
        assert_eq!(env.run_with(c, "").1, "94287082\n");
    }
}

#[test]
fn wrong_or_missing_identity_is_exit_4() {
    let env = Env::with_key_vault();
    env.add_secret("a", "JBSWY3DPEHPK3PXP", &[]);
    let before = env.vault_bytes();
    let other = env.dir.path().join("other.txt");
    std::fs::write(
        &other,
        "AGE-SECRET-KEY-1GQ9778VQXMMJVE8SK7J6VT8UJ4HDQAJUVSFCWCM02D8GEWQ72PVQ2Y5J33\n",
    )
    .unwrap();
    let mut c = env.cmd();
    c.env("AUTHCLI_IDENTITY", &other).args(["code", "a"]);
    let (code, out, err) = env.run_with(c, "");
    assert_eq!((code, out.as_str()), (4, ""), "{err}");
    assert!(err.contains("none of the identities"), "{err}");
    let mut c = env.cmd();
    c.env_remove("AUTHCLI_IDENTITY").args(["code", "a"]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("--identity"), "{err}");
    let mut c = env.cmd();
    c.env("AUTHCLI_IDENTITY", env.dir.path().join("missing.txt"))
        .args(["code", "a"]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("no such file"), "{err}");
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn passphrase_vault_env_file_wrong_and_missing() {
    // scrypt costs about a second per operation: this is the one passphrase test.
    let env = Env::new();
    let pass_file = env.dir.path().join("pass.txt");
    std::fs::write(
        &pass_file,
        "correct horse battery staple\nsecond line ignored\n",
    )
    .unwrap();
    let run = |vars: &[(&str, &str)], args: &[&str], stdin: &str| {
        let mut c = env.cmd();
        c.env_remove("AUTHCLI_IDENTITY");
        for (k, v) in vars {
            c.env(k, v);
        }
        c.args(args);
        env.run_with(c, stdin)
    };
    let (code, _, err) = run(
        &[("AUTHCLI_PASSPHRASE", "correct horse battery staple")],
        &["init"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        &[],
        &[
            "--passphrase-file",
            path_str(&pass_file),
            "add",
            "rfc",
            "--secret",
            "--digits",
            "8",
        ],
        RFC_SEED_B32,
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(
        &[("AUTHCLI_PASSPHRASE_FILE", path_str(&pass_file))],
        &["code", "rfc", "--at", "59"],
        "",
    );
    assert_eq!((code, out.as_str()), (0, "94287082\n"));
    let before = env.vault_bytes();
    let (code, out, err) = run(&[("AUTHCLI_PASSPHRASE", "wrong")], &["code", "rfc"], "");
    assert_eq!((code, out.as_str()), (4, ""));
    assert!(err.contains("wrong passphrase"), "{err}");
    let (code, _, err) = run(&[], &["code", "rfc"], "");
    assert_eq!(code, 4);
    assert!(
        err.contains("no terminal") && err.contains("AUTHCLI_PASSPHRASE_FILE"),
        "{err}"
    );
    let (code, _, err) = run(&[("AUTHCLI_PASSPHRASE", "")], &["code", "rfc"], "");
    assert_eq!(code, 4);
    assert!(err.contains("empty"), "{err}");
    let (code, _, err) = run(
        &[],
        &["--passphrase-file", "/nonexistent/pass", "code", "rfc"],
        "",
    );
    assert_eq!(code, 4);
    assert!(err.contains("/nonexistent/pass"), "{err}");
    assert_eq!(env.vault_bytes(), before);
    // A key-based unlock attempt on a passphrase vault says what is needed.
    let mut c = env.cmd();
    c.args(["code", "rfc"]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 4, "{err}");
}

#[test]
fn init_without_terminal_or_passphrase_source_is_exit_4() {
    let env = Env::new();
    let mut c = env.cmd();
    c.env_remove("AUTHCLI_IDENTITY").args(["init"]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("no terminal"), "{err}");
    assert!(!env.vault.exists());
}

#[test]
fn usage_errors_are_exit_2() {
    let env = Env::with_key_vault();
    let (code, _, _) = env.run(&["code"], "");
    assert_eq!(code, 2);
    let (code, _, err) = env.run(&["cod", "x"], "");
    assert_eq!(code, 2);
    assert!(err.contains("code"), "clap suggests the subcommand: {err}");
    let (code, _, _) = env.run(&["add", "x"], "");
    assert_eq!(code, 2, "add needs a source");
    let (code, _, _) = env.run(&["add", "--secret", "--algorithm", "MD5"], "");
    assert_eq!(code, 2);
}

#[test]
fn bad_secret_input_never_echoes_the_secret() {
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    let err = env.fails(&["add", "x", "--secret"], "MYSECRET1SECRET\n", 1);
    assert!(err.contains("base32"), "{err}");
    assert!(!err.contains("MYSECRET"), "{err}");
    let err = env.fails(
        &["add", "x", "--secret", "--digits", "11"],
        "JBSWY3DPEHPK3PXP\n",
        1,
    );
    assert!(err.contains("digits must be 6-10, got 11"), "{err}");
    env.fails(&["add", "x", "--secret"], "", 1);
    assert_eq!(env.vault_bytes(), before);
}

/// Encrypts `toml` to the env's identity, as a vault written by someone else would be.
fn craft_vault(env: &Env, toml: &str) -> Vec<u8> {
    let ids = authcli::vault::load_identity_without_asking(&env.key).unwrap();
    authcli::vault::encrypt(
        toml.as_bytes(),
        &authcli::vault::Protection::Recipients(ids.recipients()),
    )
    .unwrap()
}

#[test]
#[allow(clippy::too_many_lines)] // one table of cases
fn bad_vault_files_are_refused_and_left_untouched() {
    let env = Env::with_key_vault();
    env.add_secret("a", "JBSWY3DPEHPK3PXP", &["--issuer", "Example"]);
    let good = env.vault_bytes();
    let recipients = authcli::vault::load_identity_without_asking(&env.key)
        .unwrap()
        .recipients();
    let header_end = good.windows(4).position(|w| w == b"\n---").unwrap();
    let mut cases: Vec<(String, Vec<u8>, i32, &str)> = vec![
        ("empty file".into(), vec![], 1, "not an authcli vault"),
        (
            "plain TOML".into(),
            b"version = 1\n".to_vec(),
            1,
            "not an authcli vault",
        ),
        (
            "PNG bytes".into(),
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            1,
            "not an authcli vault",
        ),
        (
            "version 99".into(),
            craft_vault(&env, "version = 99\nfuture = true\n"),
            1,
            "newer authcli",
        ),
        (
            "unknown key".into(),
            craft_vault(&env, "version = 1\ncolour = \"red\"\n"),
            1,
            "unknown field",
        ),
        (
            "duplicate names".into(),
            craft_vault(
                &env,
                "version = 1\n[[accounts]]\nname = \"x\"\ntype = \"totp\"\nsecret = \"JBSWY3DPEHPK3PXP\"\n[[accounts]]\nname = \"X\"\ntype = \"totp\"\nsecret = \"JBSWY3DPEHPK3PXQ\"\n",
            ),
            1,
            "two accounts are named",
        ),
        (
            "bad secret inside".into(),
            craft_vault(
                &env,
                "version = 1\n[[accounts]]\nname = \"x\"\ntype = \"totp\"\nsecret = \"SECRET1SECRET\"\n",
            ),
            1,
            "base32",
        ),
        (
            "another key's vault".into(),
            authcli::vault::encrypt(
                b"version = 1\n",
                &authcli::vault::Protection::Recipients(vec![
                    "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into(),
                ]),
            )
            .unwrap(),
            4,
            "none of the identities",
        ),
    ];
    assert_eq!(recipients.len(), 1);
    for eighth in 1..8 {
        let cut = good.len() * eighth / 8;
        cases.push((
            format!("truncated at {eighth}/8"),
            good[..cut].to_vec(),
            1,
            "",
        ));
    }
    let mut flipped_header = good.clone();
    flipped_header[header_end - 5] ^= 0x01;
    cases.push(("bit flip in header".into(), flipped_header, 1, ""));
    let mut flipped_body = good.clone();
    let last = flipped_body.len() - 3;
    flipped_body[last] ^= 0x01;
    cases.push(("bit flip in body".into(), flipped_body, 1, "corrupt"));

    for (what, bytes, want_code, want_msg) in cases {
        std::fs::write(&env.vault, &bytes).unwrap();
        for args in [
            &["code", "a"][..],
            &["list"][..],
            &["add", "new", "--secret"][..],
            &["remove", "a", "--yes"][..],
        ] {
            let (code, out, err) = env.run(args, "JBSWY3DPEHPK3PXR\n");
            assert_ne!(code, 0, "{what}: {args:?} succeeded");
            assert!(
                code == want_code || (want_code == 1 && code == 4 && what.starts_with("bit flip")),
                "{what}: {args:?} exit {code}: {err}"
            );
            assert!(out.is_empty(), "{what}: stdout {out:?}");
            assert_eq!(err.lines().count(), 1, "{what}: {err}");
            assert!(err.contains(want_msg), "{what}: {err}");
            assert!(
                !err.contains("JBSWY3DPEHPK3PX"),
                "{what}: secret leaked: {err}"
            );
            assert!(
                !err.contains("SECRET1SECRET"),
                "{what}: secret leaked: {err}"
            );
            assert_eq!(
                env.vault_bytes(),
                bytes,
                "{what}: {args:?} changed the vault"
            );
        }
    }
}

#[test]
fn a_name_after_qr_file_names_the_account_and_old_forms_are_explained() {
    let env = Env::with_key_vault();
    let png = env.dir.path().join("shot.png");
    std::fs::write(
        &png,
        common::qr_png(&["otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXQ&issuer=GitHub"]),
    )
    .unwrap();
    // NAME after --qr FILE, as a user writes it.
    env.ok(&["add", "--qr", path_str(&png), "work"], "");
    assert_eq!(env.names(), ["work"]);
    // The old `--qr a.png b.png`: the second image is not taken as a name.
    let other = env.dir.path().join("other.png");
    std::fs::write(
        &other,
        common::qr_png(&["otpauth://totp/GitLab:me?secret=JBSWY3DPEHPK3PXR&issuer=GitLab"]),
    )
    .unwrap();
    let before = env.vault_bytes();
    let err = env.fails(&["add", "--qr", path_str(&png), path_str(&other)], "", 1);
    assert!(err.contains("give each image its own --qr"), "{err}");
    // A missing file that may have been meant as a name says so.
    let err = env.fails(&["add", "--qr", "work"], "", 1);
    assert!(err.contains("could not read work"), "{err}");
    assert!(err.contains("`add --qr FILE NAME`"), "{err}");
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn a_secret_in_argv_is_accepted_with_a_warning_and_stdin_is_not() {
    let env = Env::with_key_vault();
    let uri = "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXQ&issuer=GitHub";
    let (code, _, err) = env.run(&["add", "--uri", uri], "");
    assert_eq!(code, 0, "{err}");
    let warning = err.lines().next().unwrap();
    assert!(warning.starts_with("authcli: warning: the secret was on the command line"));
    for safe in ["`--uri -`", "`--qr FILE`", "`--secret`"] {
        assert!(warning.contains(safe), "{warning}");
    }
    assert!(!err.contains("JBSWY3DPEHPK3PXQ"), "{err}");
    let (code, _, err) = env.run(
        &["add", "--uri", "-"],
        "otpauth://totp/GitLab:me?secret=JBSWY3DPEHPK3PXR&issuer=GitLab\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
}
