//! One table of bad inputs across commands (URIs, secrets, passphrases, identities, import files,
//! queries, flags). For each: the documented exit code, exactly one line on stderr naming the
//! problem, nothing on stdout, no secret echoed, and the vault byte-identical afterwards.
//! (Vault-file corruption, images and a full disk have their own tables in `cli.rs`, `qr_cli.rs`
//! and `safety.rs`.)

mod common;

use std::ffi::OsString;
use std::path::PathBuf;

use common::Env;

/// A secret that must never appear in any message.
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBV";

struct Case {
    what: &'static str,
    args: Vec<String>,
    stdin: String,
    /// Variables to set (`Some`) or remove (`None`).
    env: Vec<(&'static str, Option<OsString>)>,
    code: i32,
    says: &'static str,
}

fn case(what: &'static str, args: &[&str], stdin: &str, code: i32, says: &'static str) -> Case {
    Case {
        what,
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdin: stdin.to_owned(),
        env: Vec::new(),
        code,
        says,
    }
}

fn with_env(mut c: Case, k: &'static str, v: impl Into<OsString>) -> Case {
    c.env.push((k, Some(v.into())));
    c
}

fn without_env(mut c: Case, k: &'static str) -> Case {
    c.env.push((k, None));
    c
}

fn uri_case(what: &'static str, uri: &str, says: &'static str) -> Case {
    case(what, &["add", "--uri", uri], "", 1, says)
}

fn check(env: &Env, cases: Vec<Case>) -> usize {
    let n = cases.len();
    for c in cases {
        let before = env.vault_bytes();
        let mut cmd = env.cmd();
        cmd.args(&c.args);
        for (k, v) in &c.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let (code, out, err) = env.run_with(cmd, &c.stdin);
        let what = c.what;
        assert_eq!(code, c.code, "{what}: exit {code}, stderr {err:?}");
        assert!(out.is_empty(), "{what}: stdout {out:?}");
        assert_eq!(
            err.lines().count(),
            1,
            "{what}: one line on stderr: {err:?}"
        );
        assert!(err.starts_with("authcli: "), "{what}: {err:?}");
        assert!(err.contains(c.says), "{what}: {err:?} lacks {:?}", c.says);
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(
            !err.to_ascii_uppercase().contains(SECRET),
            "{what}: the secret leaked: {err}"
        );
        assert_eq!(env.vault_bytes(), before, "{what}: the vault changed");
    }
    n
}

#[test]
#[allow(clippy::too_many_lines)] // one table
fn bad_inputs_on_a_key_based_vault() {
    let env = Env::with_key_vault();
    env.add_secret(
        "github",
        "JBSWY3DPEHPK3PXP",
        &["--issuer", "GitHub", "--account", "me"],
    );
    env.add_secret(
        "gitlab",
        "JBSWY3DPEHPK3PXQ",
        &["--issuer", "GitLab", "--account", "me"],
    );
    env.add_secret("hw", "JBSWY3DPEHPK3PXR", &["--hotp"]);
    let dir = env.dir.path().to_path_buf();
    let file = |name: &str, bytes: &[u8]| -> String {
        let p: PathBuf = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        p.to_str().unwrap().to_owned()
    };
    let long = format!(
        "otpauth://totp/X:y?secret={SECRET}&issuer={}",
        "x".repeat(70_000)
    );
    let other_key = file(
        "other.txt",
        b"AGE-SECRET-KEY-1GQ9778VQXMMJVE8SK7J6VT8UJ4HDQAJUVSFCWCM02D8GEWQ72PVQ2Y5J33\n",
    );
    let not_key = file("notkey.txt", b"hello\n");
    let aegis_bad = file(
        "aegis.json",
        format!(r#"{{"version":1,"header":{{"slots":null,"params":null}},"db":{{"version":2,"entries":[{{"type":"totp","name":"x","issuer":"y","info":{{"secret":"{SECRET}","algo":"SHA1","digits":"six","period":30}}}}]}}}}"#).as_bytes(),
    );
    let garbage = file("garbage.bin", b"\x00\x01\x02 not an export");
    let truncated_json = file("trunc.json", br#"{"version":1,"header":{"slots":null"#);
    let cases = vec![
        // otpauth URIs
        uri_case("missing secret", "otpauth://totp/X:y?issuer=X", "secret"),
        uri_case(
            "bad base32",
            &format!("otpauth://totp/X:y?secret={SECRET}1"),
            "base32",
        ),
        uri_case(
            "digits 11",
            &format!("otpauth://totp/X:y?secret={SECRET}&digits=11"),
            "digits must be 6-10, got 11",
        ),
        uri_case(
            "digits 5",
            &format!("otpauth://totp/X:y?secret={SECRET}&digits=5"),
            "digits",
        ),
        uri_case(
            "digits not a number",
            &format!("otpauth://totp/X:y?secret={SECRET}&digits=six"),
            "digits",
        ),
        uri_case(
            "MD5",
            &format!("otpauth://totp/X:y?secret={SECRET}&algorithm=MD5"),
            "algorithm",
        ),
        uri_case(
            "period 0",
            &format!("otpauth://totp/X:y?secret={SECRET}&period=0"),
            "period",
        ),
        uri_case(
            "hotp without counter",
            &format!("otpauth://hotp/X:y?secret={SECRET}"),
            "counter",
        ),
        uri_case(
            "unknown type",
            &format!("otpauth://xotp/X:y?secret={SECRET}"),
            "xotp",
        ),
        uri_case("not a URI", "hello world", "otpauth"),
        uri_case("http link", "https://example.com/", "otpauth"),
        uri_case("over 64 KiB", &long, "KiB"),
        uri_case(
            "duplicate parameter",
            &format!("otpauth://totp/X:y?secret={SECRET}&digits=6&digits=8"),
            "digits",
        ),
        uri_case(
            "migration garbage",
            "otpauth-migration://offline?data=AAAA%%%",
            "data",
        ),
        uri_case(
            "migration no data",
            "otpauth-migration://offline?foo=1",
            "data",
        ),
        case(
            "bad line 2 on stdin",
            &["add", "--uri", "-"],
            &format!("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\nnot a uri {SECRET}\n"),
            1,
            "line 2",
        ),
        case(
            "empty stdin",
            &["add", "--uri", "-"],
            "",
            1,
            "no otpauth URI",
        ),
        // --secret
        case(
            "secret not base32",
            &["add", "x", "--secret"],
            &format!("{SECRET}!\n"),
            1,
            "base32",
        ),
        case("secret empty", &["add", "x", "--secret"], "\n", 1, "empty"),
        case(
            "secret digits 12",
            &["add", "x", "--secret", "--digits", "12"],
            "JBSWY3DPEHPK3PXP\n",
            1,
            "digits must be 6-10, got 12",
        ),
        case(
            "secret period 0",
            &["add", "x", "--secret", "--period", "0"],
            "JBSWY3DPEHPK3PXP\n",
            1,
            "period",
        ),
        case(
            "name taken",
            &["add", "GitHub", "--secret"],
            "JBSWY3DPEHPK3PXZ\n",
            1,
            "already exists",
        ),
        case(
            "name with spaces around",
            &["add", " x ", "--secret"],
            "JBSWY3DPEHPK3PXZ\n",
            1,
            "spaces",
        ),
        // queries and commands
        case(
            "unknown account",
            &["code", "nope"],
            "",
            3,
            "no account matches",
        ),
        case(
            "ambiguous account",
            &["code", "git"],
            "",
            3,
            "matches 2 accounts",
        ),
        case("did you mean", &["code", "githbu"], "", 3, "did you mean"),
        case(
            "remove without --yes",
            &["remove", "github"],
            "",
            1,
            "--yes",
        ),
        case(
            "rename onto another",
            &["rename", "github", "GITLAB"],
            "",
            1,
            "already exists",
        ),
        case(
            "rename to empty",
            &["rename", "github", ""],
            "",
            1,
            "the account name is empty",
        ),
        case("--at on HOTP", &["code", "hw", "--at", "59"], "", 1, "HOTP"),
        case("--next on HOTP", &["code", "hw", "--next"], "", 1, "HOTP"),
        case(
            "--at garbage",
            &["code", "github", "--at", "yesterday"],
            "",
            1,
            "invalid time",
        ),
        case(
            "--at before 1970",
            &["code", "github", "--at", "1969-12-31T23:59:59Z"],
            "",
            1,
            "1970",
        ),
        case("init over a vault", &["init"], "", 1, "already exists"),
        // identities
        with_env(
            case(
                "wrong identity",
                &["code", "github"],
                "",
                4,
                "none of the identities",
            ),
            "AUTHCLI_IDENTITY",
            &other_key,
        ),
        with_env(
            case(
                "identity is not a key",
                &["code", "github"],
                "",
                4,
                "not an age identity",
            ),
            "AUTHCLI_IDENTITY",
            &not_key,
        ),
        with_env(
            case(
                "identity missing",
                &["code", "github"],
                "",
                4,
                "no such file",
            ),
            "AUTHCLI_IDENTITY",
            dir.join("nope.txt"),
        ),
        without_env(
            case("no identity", &["code", "github"], "", 4, "--identity"),
            "AUTHCLI_IDENTITY",
        ),
        // import files
        case(
            "import: unknown format",
            &["import", &garbage],
            "",
            1,
            "garbage.bin",
        ),
        case(
            "import: truncated JSON",
            &["import", &truncated_json],
            "",
            1,
            "trunc.json",
        ),
        case(
            "import: bad field in Aegis",
            &["import", &aegis_bad],
            "",
            1,
            "digits",
        ),
        case(
            "import: missing file",
            &["import", "/nonexistent/export.json"],
            "",
            1,
            "/nonexistent/export.json",
        ),
    ];
    let n = check(&env, cases);
    assert!(n >= 40, "{n} cases");
}

/// Passphrase sources on a passphrase vault (scrypt: about a second per unlock attempt).
#[test]
fn bad_passphrases() {
    let env = Env::new();
    let mut c = env.cmd();
    c.env_remove("AUTHCLI_IDENTITY")
        .env("AUTHCLI_PASSPHRASE", "right one")
        .args(["init"]);
    assert_eq!(env.run_with(c, "").0, 0);
    let dir = env.dir.path();
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        p.into_os_string()
    };
    let no_identity = |c: Case| without_env(c, "AUTHCLI_IDENTITY");
    #[cfg(unix)]
    let non_utf8 = {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(b"caf\xe9".to_vec())
    };
    #[cfg(not(unix))]
    let non_utf8 = OsString::from("x");
    let mut cases = vec![
        no_identity(with_env(
            case("wrong passphrase", &["list"], "", 4, "wrong passphrase"),
            "AUTHCLI_PASSPHRASE",
            "wrong",
        )),
        no_identity(with_env(
            case("empty passphrase", &["list"], "", 4, "empty"),
            "AUTHCLI_PASSPHRASE",
            "",
        )),
        no_identity(with_env(
            case(
                "missing passphrase file",
                &["list"],
                "",
                4,
                "could not read passphrase file",
            ),
            "AUTHCLI_PASSPHRASE_FILE",
            dir.join("nope"),
        )),
        no_identity(with_env(
            case("empty passphrase file", &["list"], "", 4, "empty"),
            "AUTHCLI_PASSPHRASE_FILE",
            file("empty", b""),
        )),
        no_identity(with_env(
            case("non-UTF-8 passphrase file", &["list"], "", 4, "UTF-8"),
            "AUTHCLI_PASSPHRASE_FILE",
            file("latin1", b"caf\xe9\n"),
        )),
        no_identity(case(
            "no passphrase source",
            &["list"],
            "",
            4,
            "no terminal",
        )),
        with_env(
            case(
                "identity for a passphrase vault",
                &["list"],
                "",
                4,
                "passphrase",
            ),
            "AUTHCLI_IDENTITY",
            file(
                "k.txt",
                b"AGE-SECRET-KEY-1GQ9778VQXMMJVE8SK7J6VT8UJ4HDQAJUVSFCWCM02D8GEWQ72PVQ2Y5J33\n",
            ),
        ),
    ];
    if cfg!(unix) {
        cases.push(no_identity(with_env(
            case("non-UTF-8 passphrase", &["list"], "", 4, "UTF-8"),
            "AUTHCLI_PASSPHRASE",
            non_utf8,
        )));
    }
    check(&env, cases);
}

/// An identity that other users can read works, with a warning like ssh's.
#[test]
#[cfg(unix)]
fn a_group_readable_identity_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::with_key_vault();
    std::fs::set_permissions(&env.key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, err) = env.run(&["list"], "");
    assert_eq!(code, 0);
    assert!(
        err.contains("readable by other users") && err.contains("chmod 600"),
        "{err}"
    );
}
