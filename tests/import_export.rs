//! `import`, `export`, `passwd` and `rekey` through the real binary.
//!
//! Interop: other apps' real export files from `../shared/interop/aegis-testdata` (next to the
//! clone in CI), each checked against `plain.txt` by codes at fixed times, computed from
//! plain.txt's URIs with the library parser (an independent input) and, for a few, oathtool.
//! Files the tests build themselves (an encrypted Aegis export made here with scrypt +
//! AES-GCM) cover the rest.

mod common;

use std::path::{Path, PathBuf};

use authcli::account::Account;
use authcli::otp::Kind;
use common::{Env, have, oathtool_totp, path_str};

const TIMES: [u64; 4] = [59, 1_111_111_109, 1_764_000_000, 2_000_000_000];

fn interop_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/interop/aegis-testdata");
    if dir.is_dir() {
        return Some(dir);
    }
    skip_missing(&dir);
    None
}

/// In CI the fixtures sit next to the clone: missing there is a failure, elsewhere a skip.
fn skip_missing(dir: &Path) {
    assert!(
        std::env::var_os("CI").is_none(),
        "interop fixtures are required in CI: {} not found",
        dir.display()
    );
    eprintln!("SKIPPED: interop fixtures not found at {}", dir.display());
}

/// plain.txt parsed by the library's URI parser: the expected accounts.
fn expected(dir: &Path) -> Vec<Account> {
    std::fs::read_to_string(dir.join("plain.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| authcli::uri::parse_otpauth(l).unwrap())
        .collect()
}

/// (name, issuer, account, type) of every account in the vault.
fn listed(env: &Env) -> Vec<(String, String, String, String)> {
    let out = env.ok(&["list", "--json"], "");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap().to_owned();
            (s("name"), s("issuer"), s("account"), s("type"))
        })
        .collect()
}

/// Checks that every account in the vault makes the same codes as its counterpart in `want`
/// (matched by issuer and account); returns how many were compared.
fn same_codes(env: &Env, want: &[Account]) -> usize {
    let mut compared = 0;
    for (name, issuer, account, kind) in listed(env) {
        let exp = want
            .iter()
            .find(|e| e.issuer == issuer && e.account == account)
            .or_else(|| {
                // Bitwarden's steam:// URI carries no names: the item's name stands in.
                (kind == "steam")
                    .then(|| want.iter().find(|e| e.otp.kind() == Kind::Steam))
                    .flatten()
            })
            .unwrap_or_else(|| panic!("unexpected account {name} ({issuer}: {account})"));
        assert_eq!(kind, exp.otp.kind().as_str(), "{name}");
        if exp.otp.kind().is_timed() {
            for t in TIMES {
                let got = env.ok(&["code", &name, "--at", &t.to_string()], "");
                assert_eq!(got.trim(), exp.otp.code_at(t).as_str(), "{name} at {t}");
            }
        } else {
            let got = env.ok(&["code", &name], "");
            assert_eq!(got.trim(), exp.otp.code_at(0).as_str(), "{name} (HOTP)");
        }
        compared += 1;
    }
    compared
}

/// Imports `file` with `password` from `$AUTHCLI_IMPORT_PASSPHRASE`: (exit code, stderr).
fn import_with_password(env: &Env, file: &Path, password: &str) -> (i32, String) {
    let mut c = env.cmd();
    c.env("AUTHCLI_IMPORT_PASSPHRASE", password)
        .args(["import", path_str(file)]);
    let (code, _, err) = env.run_with(c, "");
    (code, err)
}

fn import_ok(env: &Env, file: &Path, extra: &[&str]) -> String {
    let mut args = vec!["import", path_str(file)];
    args.extend_from_slice(extra);
    let (code, out, err) = env.run(&args, "");
    assert_eq!(code, 0, "import {}: {err}", file.display());
    assert!(out.is_empty(), "stdout must stay empty: {out}");
    err
}

#[test]
fn interop_files_yield_the_accounts_of_plain_txt() {
    let Some(dir) = interop_dir() else { return };
    let want = expected(&dir);
    assert_eq!(want.len(), 7);
    for (file, count) in [
        ("plain.txt", 7),
        ("aegis_plain.json", 7),
        ("2fas_authenticator_plain_v4.2fas", 5),
        ("bitwarden.json", 4),
        ("bitwarden.csv", 4),
        ("andotp_plain.json", 7),
        ("ente_auth.txt", 7),
        ("freeotp_plus.json", 6),
        ("proton_authenticator.json", 3),
    ] {
        let env = Env::with_key_vault();
        let err = import_ok(&env, &dir.join(file), &[]);
        assert!(
            err.contains(&format!("imported {count}, skipped 0")),
            "{file}: {err}"
        );
        assert_eq!(same_codes(&env, &want), count, "{file}");
    }
}

/// Bitwarden items whose TOTP field has no label (`steam://SECRET`) take the item's name as the
/// issuer (issue 15): "Test Steam" in the JSON export, "Test 4" in the CSV one.
#[test]
fn interop_bitwarden_unlabelled_totp_takes_the_item_name() {
    let Some(dir) = interop_dir() else { return };
    for (file, issuer) in [
        ("bitwarden.json", "Test Steam"),
        ("bitwarden.csv", "Test 4"),
    ] {
        let env = Env::with_key_vault();
        import_ok(&env, &dir.join(file), &[]);
        let steam: Vec<_> = listed(&env)
            .into_iter()
            .filter(|(_, _, _, kind)| kind == "steam")
            .collect();
        assert_eq!(steam.len(), 1, "{file}: {steam:?}");
        let (name, got_issuer, account, _) = &steam[0];
        assert_eq!(
            (got_issuer.as_str(), account.as_str()),
            (issuer, ""),
            "{file}"
        );
        assert_eq!(name, &authcli::account::slug(issuer), "{file}");
    }
}

/// The same through a CSV written here: names with quotes and commas, a multi-line note, an
/// item's user name as the account of a bare secret and of a `steam://` URI.
#[test]
fn bitwarden_csv_labels_from_the_item() {
    let env = Env::with_key_vault();
    let file = env.dir.path().join("bitwarden.csv");
    std::fs::write(
        &file,
        "folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n\
         ,,login,\"Shop, \"\"EU\"\"\",\"a note\non two lines\",,,me@shop,pw,jbsw y3dp ehpk 3pxp\n\
         ,,login,Valve,,,,gaben,,steam://JRZCL47CMXVOQMNPZR2F7J4RGI\n\
         ,,login,Mail,,,,me,hunter2,\n",
    )
    .unwrap();
    let err = import_ok(&env, &file, &[]);
    assert!(err.contains("imported 2, skipped 0"), "{err}");
    assert!(
        err.contains("ignored 1 Bitwarden item(s) without a TOTP secret"),
        "{err}"
    );
    let mut got = listed(&env);
    got.sort();
    assert_eq!(
        got,
        [
            (
                "shop-eu".into(),
                "Shop, \"EU\"".into(),
                "me@shop".into(),
                "totp".into()
            ),
            (
                "valve".into(),
                "Valve".into(),
                "gaben".into(),
                "steam".into()
            ),
        ]
    );
    // The codes are the secrets' own: JBSWY3DPEHPK3PXP checked with oathtool where installed.
    if have("oathtool") {
        for t in TIMES {
            let want = oathtool_totp("JBSWY3DPEHPK3PXP", "SHA1", 6, 30, t);
            assert_eq!(
                env.ok(&["code", "shop-eu", "--at", &t.to_string()], "")
                    .trim(),
                want
            );
        }
    }
}

#[test]
fn interop_encrypted_aegis_with_password_test() {
    let Some(dir) = interop_dir() else { return };
    let want = expected(&dir);
    let env = Env::with_key_vault();
    let file = dir.join("aegis_encrypted.json");
    let before = env.vault_bytes();
    // No password source and no terminal: a clear error, nothing written.
    let err = env.fails(&["import", path_str(&file)], "", 1);
    assert!(err.contains("AUTHCLI_IMPORT_PASSPHRASE"), "{err}");
    let mut c = env.cmd();
    c.env("AUTHCLI_IMPORT_PASSPHRASE", "wrong")
        .args(["import", path_str(&file)]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 1);
    assert!(err.contains("wrong password"), "{err}");
    assert_eq!(env.vault_bytes(), before);
    let mut c = env.cmd();
    c.env("AUTHCLI_IMPORT_PASSPHRASE", "test").args([
        "import",
        path_str(&file),
        "--format",
        "aegis",
    ]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("imported 7, skipped 0"), "{err}");
    assert_eq!(same_codes(&env, &want), 7);
    // oathtool, the independent oracle, for two of them.
    if have("oathtool") {
        for t in TIMES {
            let deno = env.ok(&["code", "deno", "--at", &t.to_string()], "");
            assert_eq!(
                deno.trim(),
                oathtool_totp("4SJHB4GSD43FZBAI7C2HLRJGPQ", "SHA1", 6, 30, t)
            );
            let spdx = env.ok(&["code", "spdx", "--at", &t.to_string()], "");
            assert_eq!(
                spdx.trim(),
                oathtool_totp("5OM4WOOGPLQEF6UGN3CPEOOLWU", "SHA256", 7, 20, t)
            );
        }
    }
}

#[test]
fn interop_2fas_schema_2_has_no_token_types() {
    let Some(dir) = interop_dir() else { return };
    let want = expected(&dir);
    let env = Env::with_key_vault();
    let err = import_ok(&env, &dir.join("2fas_authenticator_plain.2fas"), &[]);
    assert!(err.contains("imported 4, skipped 0"), "{err}");
    // Schema 2 knew TOTP only: Deno and Airbnb match plain.txt; Issuu and WWE come in as TOTP.
    let names: Vec<String> = listed(&env).into_iter().map(|l| l.0).collect();
    assert_eq!(names, ["deno", "airbnb", "issuu", "wwe"]);
    for t in TIMES {
        let got = env.ok(&["code", "airbnb", "--at", &t.to_string()], "");
        assert_eq!(got.trim(), want[2].otp.code_at(t).as_str());
    }
}

/// An encrypted andOTP backup (PBKDF2-SHA1 + AES-GCM), detected from its bytes: the wrong
/// password changes nothing, the right one gives the same seven accounts as plain.txt.
#[test]
fn interop_encrypted_andotp_with_password_test() {
    let Some(dir) = interop_dir() else { return };
    let want = expected(&dir);
    let env = Env::with_key_vault();
    let path = dir.join("andotp_encrypted.bin");
    let before = env.vault_bytes();
    let (code, err) = import_with_password(&env, &path, "tset");
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("wrong password for this encrypted andOTP export"),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);
    // Without a password source or a terminal: one line, nothing changed.
    let (code, _, err) = env.run(&["import", path_str(&path)], "");
    assert_eq!(code, 1, "{err}");
    assert_eq!(env.vault_bytes(), before);
    let (code, err) = import_with_password(&env, &path, "test");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("imported 7, skipped 0"), "{err}");
    assert_eq!(same_codes(&env, &want), 7);
}

#[test]
fn interop_encrypted_2fas_with_password_test() {
    let Some(dir) = interop_dir() else { return };
    let want = expected(&dir);
    for (file, count) in [
        ("2fas_authenticator_encrypted_v4.2fas", 5),
        ("2fas_authenticator_encrypted.2fas", 4),
    ] {
        let env = Env::with_key_vault();
        let path = dir.join(file);
        let before = env.vault_bytes();
        let (code, err) = import_with_password(&env, &path, "tset");
        assert_eq!(code, 1);
        assert!(
            err.contains("wrong password for this encrypted 2FAS export"),
            "{err}"
        );
        assert_eq!(env.vault_bytes(), before);
        let (code, err) = import_with_password(&env, &path, "test");
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains(&format!("imported {count}, skipped 0")),
            "{file}: {err}"
        );
        if count == 5 {
            assert_eq!(same_codes(&env, &want), 5);
        }
    }
}

#[test]
fn duplicates_are_counted_and_name_clashes_renamed() {
    let env = Env::with_key_vault();
    // A different account already called "deno".
    env.add_secret("deno", "JBSWY3DPEHPK3PXP", &["--issuer", "Deno"]);
    let list = "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno\n\
                otpauth://hotp/Issuu:James?secret=YOOMIXWS5GN6RTBPUFFWKTW5M4&issuer=Issuu&counter=1\n\
                otpauth://totp/Deno:other?secret=JBSWY3DPEHPK3PXP&issuer=deno\n";
    let (code, out, err) = env.run(&["import", "-"], list);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(
        err.contains("imported 2, skipped 1 (1 already in the vault)"),
        "{err}"
    );
    assert!(err.contains("already in the vault as \"deno\""), "{err}");
    let names: Vec<String> = listed(&env).into_iter().map(|l| l.0).collect();
    assert_eq!(names, ["deno", "deno-2", "issuu"]);
    // The same file again: everything is a duplicate, the vault is not rewritten.
    let before = env.vault_bytes();
    let err = env.ok(&["import", "-", "--format", "uri"], list);
    assert!(err.is_empty());
    let (_, _, err) = env.run(&["import", "-"], list);
    assert!(
        err.contains("imported 0, skipped 3 (3 already in the vault)"),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn unsupported_entries_are_named_and_skipped() {
    let env = Env::with_key_vault();
    let aegis = r#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[
        {"type":"totp","name":"me","issuer":"Good","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}},
        {"type":"motp","name":"m","issuer":"MobileCo","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"MD5","digits":6,"period":10,"pin":"1234"}},
        {"type":"yandex","name":"y","issuer":"Yandex","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA256","digits":8,"period":30,"pin":"1234"}},
        {"type":"totp","name":"h","issuer":"Hashy","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"MD5","digits":6,"period":30}},
        {"type":"totp","name":"s","issuer":"Shorty","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":4,"period":30}}
    ]}}"#;
    let file = env.dir.path().join("aegis.json");
    std::fs::write(&file, aegis).unwrap();
    let err = import_ok(&env, &file, &[]);
    assert!(
        err.contains("imported 1, skipped 4 (4 not supported)"),
        "{err}"
    );
    for want in [
        "skipped MobileCo: m: mOTP is not supported",
        "skipped Yandex: y: Yandex OTP is not supported",
        "skipped Hashy: h: MD5 is not supported",
        "skipped Shorty: s: 4 digits is not supported",
    ] {
        assert!(err.contains(want), "{want:?} missing from {err}");
    }
}

#[test]
fn bad_files_name_the_field_never_the_secret_and_leave_the_vault_alone() {
    let env = Env::with_key_vault();
    env.add_secret("keep", "JBSWY3DPEHPK3PXP", &[]);
    let before = env.vault_bytes();
    let secret = "MYSECRETTOPSECRE";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "aegis.json",
            format!(
                r#"{{"version":1,"header":{{"slots":null,"params":null}},"db":{{"version":2,"entries":[
                {{"type":"totp","name":"a","issuer":"Fine","info":{{"secret":"GEZDGNBVGY3TQOJQ","digits":6}}}},
                {{"type":"totp","name":"b","issuer":"Broken","info":{{"secret":"{secret}1","digits":6}}}}]}}}}"#
            ),
            "entry 2 (Broken: b): info.secret: the secret is not valid base32",
        ),
        (
            "andotp.json",
            format!(
                r#"[{{"secret":"{secret}","issuer":"X","label":"y","type":"TOTP","digits":"{secret}"}}]"#
            ),
            "entry 1 (X: y): digits: expected a whole number, got a string",
        ),
        (
            "andotp2.json",
            format!(r#"[{{"secret":"{secret}","issuer":"X","type":"TOTP","period":0}}]"#),
            "entry 1 (X): period: period must be at least 1 second",
        ),
        (
            "bitwarden.json",
            format!(
                r#"{{"encrypted":false,"items":[{{"name":"Site","login":{{"username":"me","totp":"otpauth://totp/x?secret={secret}&period=abc"}}}}]}}"#
            ),
            "entry 1 (Site: me): login.totp: period must be a whole number",
        ),
        (
            "2fas.2fas",
            format!(r#"{{"schemaVersion":4,"services":[{{"name":"N","secret":"{secret}"#),
            "not a valid 2FAS file: EOF while parsing a string at line 1",
        ),
        (
            "list.txt",
            format!("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP\n\n{secret}\n"),
            "line 3: not an otpauth URI",
        ),
        (
            "google.txt",
            format!("otpauth-migration://offline?data={secret}%%%"),
            "line 1: the data parameter is not valid base64",
        ),
    ];
    for (name, content, want) in cases {
        let file = env.dir.path().join(name);
        std::fs::write(&file, content).unwrap();
        let format = if name == "list.txt" { "uri" } else { "auto" };
        let err = env.fails(&["import", path_str(&file), "--format", format], "", 1);
        assert!(err.contains(want), "{name}: want {want:?} in {err}");
        assert!(err.contains(path_str(&file)), "{name}: the path: {err}");
        assert!(!err.contains("MYSECRET"), "{name} leaked the secret: {err}");
        assert_eq!(env.vault_bytes(), before, "{name} changed the vault");
    }
    let file = env.dir.path().join("what.bin");
    std::fs::write(&file, b"\x00\x01binary").unwrap();
    let err = env.fails(&["import", path_str(&file)], "", 1);
    assert!(err.contains("not a recognised export"), "{err}");
}

#[test]
fn dry_run_changes_nothing() {
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    let (code, out, err) = env.run(
        &["import", "-", "--dry-run"],
        "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP&issuer=GitHub\n",
    );
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(
        err.contains("would import \"github\" (GitHub: me) [totp]"),
        "{err}"
    );
    assert!(
        err.contains("would import 1, skipped 0; nothing was changed"),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);
    assert!(listed(&env).is_empty());
}

/// scrypt + AES-256-GCM the way Aegis encrypts, with a small scrypt cost.
fn aegis_encrypted(password: &str, db: &str) -> String {
    use aes_gcm::aead::{Aead, KeyInit};
    use aes_gcm::{Aes256Gcm, Nonce};
    let hex = |b: &[u8]| data_encoding::HEXLOWER.encode(b);
    let master = [7u8; 32];
    let salt = [9u8; 32];
    let (slot_nonce, db_nonce) = ([1u8; 12], [2u8; 12]);
    let mut key = [0u8; 32];
    scrypt::scrypt(
        password.as_bytes(),
        &salt,
        &scrypt::Params::new(10, 8, 1, 32).unwrap(),
        &mut key,
    )
    .unwrap();
    let slot_ct = Aes256Gcm::new_from_slice(&key)
        .unwrap()
        .encrypt(Nonce::from_slice(&slot_nonce), master.as_ref())
        .unwrap();
    let db_ct = Aes256Gcm::new_from_slice(&master)
        .unwrap()
        .encrypt(Nonce::from_slice(&db_nonce), db.as_bytes())
        .unwrap();
    let (slot_key, slot_tag) = slot_ct.split_at(32);
    let (db_body, db_tag) = db_ct.split_at(db_ct.len() - 16);
    serde_json::json!({
        "version": 1,
        "header": {
            "slots": [
                {"type": 2, "uuid": "x", "key": hex(&[0; 32]), "key_params": {"nonce": hex(&[0; 12]), "tag": hex(&[0; 16])}},
                {"type": 1, "uuid": "y", "key": hex(slot_key), "key_params": {"nonce": hex(&slot_nonce), "tag": hex(slot_tag)},
                 "n": 1024, "r": 8, "p": 1, "salt": hex(&salt), "repaired": true}
            ],
            "params": {"nonce": hex(&db_nonce), "tag": hex(db_tag)}
        },
        "db": data_encoding::BASE64.encode(db_body),
    })
    .to_string()
}

#[test]
fn encrypted_aegis_made_here() {
    let env = Env::with_key_vault();
    let db = r#"{"version":2,"entries":[
        {"type":"totp","name":"me","issuer":"RFC","info":{"secret":"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ","algo":"SHA1","digits":8,"period":30}},
        {"type":"hotp","name":"tok","issuer":"HW","info":{"secret":"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ","algo":"SHA1","digits":6,"counter":3}},
        {"type":"motp","name":"m","issuer":"Old","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"MD5","digits":6,"period":10,"pin":"1234"}}
    ],"groups":[]}"#;
    let file = env.dir.path().join("aegis-enc.json");
    std::fs::write(&file, aegis_encrypted("pässword 1", db)).unwrap();
    let pw_file = env.dir.path().join("pw.txt");
    std::fs::write(&pw_file, "pässword 1\n").unwrap();
    let mut c = env.cmd();
    c.env("AUTHCLI_IMPORT_PASSPHRASE_FILE", &pw_file)
        .args(["import", path_str(&file)]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("imported 2, skipped 1 (1 not supported)"),
        "{err}"
    );
    assert!(
        err.contains("skipped Old: m: mOTP is not supported"),
        "{err}"
    );
    // RFC 6238 Appendix B and RFC 4226 Appendix D (counter 3: 969429).
    assert_eq!(env.ok(&["code", "rfc", "--at", "59"], ""), "94287082\n");
    assert_eq!(env.ok(&["code", "hw"], ""), "969429\n");
    // A damaged database: the tag no longer matches.
    let mut v: serde_json::Value =
        serde_json::from_str(&aegis_encrypted("pässword 1", db)).unwrap();
    let b = v["db"].as_str().unwrap().to_owned();
    let flipped = if b.starts_with('A') { "B" } else { "A" };
    v["db"] = serde_json::Value::String(format!("{flipped}{}", &b[1..]));
    std::fs::write(&file, v.to_string()).unwrap();
    let before = env.vault_bytes();
    let mut c = env.cmd();
    c.env("AUTHCLI_IMPORT_PASSPHRASE_FILE", &pw_file)
        .args(["import", path_str(&file)]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 1);
    assert!(err.contains("damaged"), "{err}");
    assert_eq!(env.vault_bytes(), before);
}

/// A vault with accounts of every shape; returns it.
fn varied_vault() -> Env {
    let env = Env::with_key_vault();
    env.add_secret(
        "rfc",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        &[
            "--digits",
            "8",
            "--issuer",
            "RFC 6238",
            "--account",
            "a:b c",
        ],
    );
    env.add_secret(
        "sha256",
        "5OM4WOOGPLQEF6UGN3CPEOOLWU",
        &[
            "--algorithm",
            "SHA256",
            "--digits",
            "7",
            "--period",
            "20",
            "--issuer",
            "SPDX",
        ],
    );
    env.add_secret(
        "hw",
        "YOOMIXWS5GN6RTBPUFFWKTW5M4",
        &[
            "--hotp",
            "--counter",
            "5",
            "--issuer",
            "Issuu",
            "--account",
            "james",
        ],
    );
    env.add_secret("steam", "JRZCL47CMXVOQMNPZR2F7J4RGI", &["--steam"]);
    env.add_secret(
        "big",
        "7ELGJSGXNCCTV3O6LKJWYFV2RA",
        &[
            "--algorithm",
            "SHA512",
            "--digits",
            "8",
            "--account",
            "éü@日本",
        ],
    );
    env
}

/// Every account of `from` makes the same codes in `to` (matched by issuer and account), HOTP
/// counters included; `names` are the accounts expected, by their names in `from`.
fn same_vault_codes(from: &Env, to: &Env, names: &[&str]) {
    let theirs = listed(to);
    assert_eq!(theirs.len(), names.len(), "{theirs:?}");
    for (name, issuer, account, kind) in listed(from) {
        if !names.contains(&name.as_str()) {
            continue;
        }
        let other = theirs
            .iter()
            .find(|t| t.1 == issuer && t.2 == account)
            .unwrap_or_else(|| panic!("{name} ({issuer}: {account}) missing from {theirs:?}"));
        assert_eq!(other.3, kind, "{name}");
        if kind == "hotp" {
            assert_eq!(
                to.ok(&["code", &other.0], ""),
                from.ok(&["code", &name], "")
            );
        } else {
            for t in TIMES {
                let t = t.to_string();
                assert_eq!(
                    to.ok(&["code", &other.0, "--at", &t], ""),
                    from.ok(&["code", &name, "--at", &t], ""),
                    "{name} at {t}"
                );
            }
        }
    }
}

#[test]
fn export_needs_yes_without_a_terminal() {
    let env = varied_vault();
    let err = env.fails(&["export"], "", 1);
    assert!(err.contains("--yes"), "{err}");
    let err = env.fails(&["export", "nope", "--yes"], "", 3);
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn export_uri_and_json_round_trip() {
    let from = varied_vault();
    let all = ["rfc", "sha256", "hw", "steam", "big"];
    for format in ["uri", "json"] {
        let (code, out, err) = from.run(&["export", "--format", format, "--yes"], "");
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("exported 5 accounts"), "{err}");
        let to = Env::with_key_vault();
        let err = to.ok(&["import", "-"], &out);
        assert!(err.is_empty());
        same_vault_codes(&from, &to, &all);
    }
    // json keeps names; selected accounts only; to a new private file.
    let to = Env::with_key_vault();
    let file = to.dir.path().join("backup.json");
    from.ok(
        &[
            "export",
            "hw",
            "SPDX",
            "--format",
            "json",
            "--output",
            path_str(&file),
            "--yes",
        ],
        "",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["accounts"][0]["name"], "hw");
    // 5 plus the codes the uri and json round trips used.
    assert_eq!(v["accounts"][0]["counter"], 7);
    to.ok(&["import", path_str(&file)], "");
    same_vault_codes(&from, &to, &["hw", "sha256"]);
    // Never overwrites.
    let err = from.fails(
        &[
            "export",
            "--format",
            "json",
            "--output",
            path_str(&file),
            "--yes",
        ],
        "",
        1,
    );
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn export_migration_round_trip_in_batches() {
    let from = Env::with_key_vault();
    let mut names = Vec::new();
    for i in 0..23 {
        let name = format!("acct{i}");
        let secret = format!("JBSWY3DPEHPK3PX{}", ["P", "Q", "R", "S"][i % 4]);
        from.add_secret(&name, &secret, &["--issuer", &format!("Issuer {i}")]);
        names.push(name);
    }
    from.add_secret("steam", "JRZCL47CMXVOQMNPZR2F7J4RGI", &["--steam"]);
    let (code, out, err) = from.run(&["export", "--format", "migration", "--yes"], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("not exported steam: Google Authenticator exports have no Steam type"),
        "{err}"
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "23 accounts at 10 a code");
    for (i, l) in lines.iter().enumerate() {
        let m = authcli::uri::parse_migration(l).unwrap();
        assert_eq!(
            (m.batch_size, m.batch_index),
            (3, i32::try_from(i).unwrap())
        );
    }
    let to = Env::with_key_vault();
    to.ok(&["import", "-", "--format", "migration"], &out);
    // Names come from the issuers in the other vault.
    let got = listed(&to);
    assert_eq!(got.len(), 23);
    for (i, name) in names.iter().enumerate() {
        let theirs = &got[i].0;
        for t in TIMES {
            let t = t.to_string();
            assert_eq!(
                to.ok(&["code", theirs, "--at", &t], ""),
                from.ok(&["code", name, "--at", &t], "")
            );
        }
    }
    // Two of three codes: the import says which is missing.
    let partial = format!("{}\n{}\n", lines[0], lines[2]);
    let other = Env::with_key_vault();
    let (code, _, err) = other.run(&["import", "-"], &partial);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("code(s) 2 are not in standard input"), "{err}");
}

#[test]
fn export_qr_terminal_draws_named_codes() {
    let env = varied_vault();
    let (code, out, err) = env.run(&["export", "rfc", "hw", "--format", "qr", "--yes"], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("rfc (RFC 6238: a:b c)\n\x1b[30;107m"),
        "{out}"
    );
    assert!(out.contains("\nhw (Issuu: james)\n"), "{out}");
    assert!(out.contains('▀') && out.contains('▄'));
    let mut c = env.cmd();
    c.env("NO_COLOR", "1")
        .args(["export", "rfc", "--format", "migration-qr", "--yes"]);
    let (code, out, _) = env.run_with(c, "");
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Google Authenticator export, code 1 of 1\n█"),
        "{out}"
    );
    assert!(!out.contains('\x1b'));
}

#[test]
fn export_png_decoded_by_zbarimg_round_trips() {
    if !have("zbarimg") {
        return;
    }
    let from = varied_vault();
    let dir = from.dir.path().join("codes");
    for (format, files) in [
        (
            "qr",
            vec!["rfc.png", "sha256.png", "hw.png", "steam.png", "big.png"],
        ),
        ("migration-qr", vec!["migration-1-of-1.png"]),
    ] {
        let out_dir = dir.join(format);
        from.ok(
            &[
                "export",
                "--format",
                format,
                "--output",
                path_str(&out_dir),
                "--yes",
            ],
            "",
        );
        let mut texts = String::new();
        for f in &files {
            let png = out_dir.join(f);
            assert!(png.is_file(), "{}", png.display());
            let o = std::process::Command::new("zbarimg")
                .args(["-q", "--raw", path_str(&png)])
                .output()
                .unwrap();
            assert!(o.status.success(), "zbarimg {}", png.display());
            texts.push_str(&String::from_utf8(o.stdout).unwrap());
        }
        let to = Env::with_key_vault();
        to.ok(&["import", "-"], &texts);
        if format == "qr" {
            same_vault_codes(&from, &to, &["rfc", "sha256", "hw", "steam", "big"]);
        } else {
            // Migration cannot carry Steam or 7 digits / 20 s.
            let names: Vec<String> = listed(&to).into_iter().map(|l| l.0).collect();
            assert_eq!(names, ["rfc-6238", "issuu", "account"]);
            for t in TIMES {
                let t = t.to_string();
                assert_eq!(
                    to.ok(&["code", "rfc-6238", "--at", &t], ""),
                    from.ok(&["code", "rfc", "--at", &t], "")
                );
            }
        }
    }
}

#[test]
fn rekey_recipients_and_either_identity_opens() {
    let env = Env::with_key_vault();
    env.add_secret(
        "rfc",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        &["--digits", "8"],
    );
    // A backup identity made by a throwaway init.
    let other = Env::new();
    let backup = env.dir.path().join("backup.txt");
    let mut c = other.cmd();
    c.env("AUTHCLI_IDENTITY", &backup).args(["init"]);
    let (code, out, err) = other.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    let backup_recipient = out.trim().to_owned();
    let out = env.ok(&["rekey", "--add-recipient", &backup_recipient], "");
    assert_eq!(out.lines().count(), 2, "{out}");
    let with_backup = |args: &[&str], stdin: &str| {
        let mut c = env.cmd();
        c.env("AUTHCLI_IDENTITY", &backup).args(args);
        env.run_with(c, stdin)
    };
    // Added with the backup key, read with the main one, and the other way round.
    assert_eq!(
        with_backup(&["add", "two", "--secret"], "JBSWY3DPEHPK3PXP").0,
        0
    );
    assert_eq!(env.ok(&["code", "rfc", "--at", "59"], ""), "94287082\n");
    env.add_secret("three", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ", &[]);
    assert_eq!(
        with_backup(&["code", "rfc", "--at", "59"], "").1,
        "94287082\n"
    );
    // The backup alone: drop the main key (with a warning), then refuse to drop the last one.
    let main_recipient = out.lines().next().unwrap().to_owned();
    let (code, _, err) = env.run(&["rekey", "--remove-recipient", &main_recipient], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no longer opens the vault"), "{err}");
    let (code, _, err) = env.run(&["code", "rfc"], "");
    assert_eq!(code, 4, "{err}");
    // The .bak was refreshed too: the removed key opens nothing authcli keeps.
    let bak = authcli::vault::backup_path(&env.vault);
    let mut c = env.cmd();
    c.env("AUTHCLI_VAULT", &bak).args(["code", "rfc"]);
    assert_eq!(env.run_with(c, "").0, 4);
    let before = env.vault_bytes();
    let (code, _, err) = with_backup(&["rekey", "--remove-recipient", &backup_recipient], "");
    assert_eq!(code, 1);
    assert!(
        err.contains("refusing to remove the last recipient"),
        "{err}"
    );
    let (code, _, err) = with_backup(&["rekey", "--add-recipient", "age1nope"], "");
    assert_eq!(code, 1);
    assert!(err.contains("invalid age recipient"), "{err}");
    assert_eq!(env.vault_bytes(), before);
    assert_eq!(
        with_backup(&["code", "rfc", "--at", "59"], "").1,
        "94287082\n"
    );
}

#[test]
fn passwd_and_rekey_between_passphrase_and_key() {
    // scrypt costs about a second per operation: the one passphrase test here (7 runs). It
    // starts key-based, so that both directions of `rekey` are covered.
    let env = Env::with_key_vault();
    env.add_secret(
        "rfc",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        &["--digits", "8"],
    );
    let old = env.dir.path().join("old.txt");
    let new = env.dir.path().join("new.txt");
    std::fs::write(&old, "old passphrase\n").unwrap();
    std::fs::write(&new, "new passphrase\n").unwrap();
    let pass = |file: &Path, args: &[&str], extra: &[(&str, &Path)]| {
        let mut c = env.cmd();
        c.env_remove("AUTHCLI_IDENTITY")
            .env("AUTHCLI_PASSPHRASE_FILE", file)
            .args(args);
        for (k, v) in extra {
            c.env(k, v);
        }
        env.run_with(c, "")
    };
    // Key → passphrase (1 scrypt), read with it (1).
    let mut c = env.cmd();
    c.env("AUTHCLI_NEW_PASSPHRASE_FILE", &old)
        .args(["rekey", "--to-passphrase"]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        pass(&old, &["code", "rfc", "--at", "59"], &[]).1,
        "94287082\n"
    );
    let (code, _, err) = env.run(&["code", "rfc"], "");
    assert_eq!(code, 4, "the identity no longer opens it: {err}");
    // passwd (2); the old passphrase opens neither the vault (1) nor its backup (1).
    let (code, _, err) = pass(&old, &["passwd"], &[("AUTHCLI_NEW_PASSPHRASE_FILE", &new)]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = pass(&old, &["list"], &[]);
    assert_eq!(code, 4, "the old passphrase no longer opens it: {err}");
    let bak = authcli::vault::backup_path(&env.vault);
    let (code, _, err) = pass(&old, &["list"], &[("AUTHCLI_VAULT", &bak)]);
    assert_eq!(code, 4, "{err}");
    // Passphrase → a new key file (1).
    let key = env.dir.path().join("k2.txt");
    let (code, out, err) = pass(&new, &["rekey", "--to-identity", path_str(&key)], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("age1"), "{out}");
    assert!(key.is_file());
    let mut c = env.cmd();
    c.env("AUTHCLI_IDENTITY", &key)
        .args(["code", "rfc", "--at", "59"]);
    assert_eq!(env.run_with(c, "").1, "94287082\n");
    // passwd on a key-based vault says what to do instead.
    let mut c = env.cmd();
    c.env("AUTHCLI_IDENTITY", &key).args(["passwd"]);
    let (code, _, err) = env.run_with(c, "");
    assert_eq!(code, 1);
    assert!(err.contains("rekey --to-passphrase"), "{err}");
}

#[test]
fn interop_google_authenticator_exports() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/interop/google-authenticator");
    if !dir.is_dir() {
        skip_missing(&dir);
        return;
    }
    let env = Env::with_key_vault();
    let err = import_ok(&env, &dir.join("test_plus_problem_export.txt"), &[]);
    assert!(err.contains("imported 4, skipped 0"), "{err}");
    let accounts: Vec<String> = listed(&env).into_iter().map(|l| l.2).collect();
    assert_eq!(
        accounts,
        (1..=4)
            .map(|i| format!("test{i}@serenitylabs.co.uk"))
            .collect::<Vec<_>>()
    );
    // The same accounts repeated in one file are skipped as repeats, not silently.
    let other = Env::with_key_vault();
    let err = import_ok(
        &other,
        &dir.join("example_export.txt"),
        &["--format", "migration"],
    );
    assert!(
        err.contains("imported 3, skipped 3 (3 repeated in the file)"),
        "{err}"
    );
    let before = env.vault_bytes();
    for bad in ["test_export_wrong_data.txt", "test_export_wrong_prefix.txt"] {
        let err = env.fails(&["import", path_str(&dir.join(bad))], "", 1);
        assert!(err.contains(bad), "{err}");
    }
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn auto_detected_text_may_mix_uris_and_migration_lines() {
    let from = Env::with_key_vault();
    from.add_secret("a", "JBSWY3DPEHPK3PXP", &["--issuer", "A"]);
    let migration = from.ok(&["export", "--format", "migration", "--yes"], "");
    let mixed = format!("otpauth://totp/B:me?secret=GEZDGNBVGY3TQOJQ&issuer=B\n{migration}");
    let to = Env::with_key_vault();
    let (code, _, err) = to.run(&["import", "-"], &mixed);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("imported 2, skipped 0"), "{err}");
    let err = to.fails(&["import", "-", "--format", "uri"], &mixed, 1);
    assert!(
        err.contains("line 2: a Google Authenticator export"),
        "{err}"
    );
}

/// (issuer, account, type, secret, algorithm, digits, period, counter)
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u8,
    u32,
    u64,
);

/// The same accounts as an Aegis, a 2FAS, an andOTP and a Bitwarden export (the last with one
/// extra bare-secret item), as each app writes them.
fn json_docs(specs: &[Spec], want: &[Account]) -> Vec<(&'static str, serde_json::Value, usize)> {
    use serde_json::json;
    let aegis = json!({"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 3,
        "entries": specs.iter().map(|&(i, a, k, s, alg, d, p, c)| json!({
            "type": k, "uuid": "u", "name": a, "issuer": i, "note": "", "icon": null,
            "info": if k == "hotp" { json!({"secret": s, "algo": alg, "digits": d, "counter": c}) }
                    else { json!({"secret": s, "algo": alg, "digits": d, "period": p}) }
        })).collect::<Vec<_>>(), "groups": []}});
    let twofas = json!({"schemaVersion": 4, "appOrigin": "android", "groups": [],
        "services": specs.iter().map(|&(i, a, k, s, alg, d, p, c)| json!({
            "name": if i.is_empty() { "Fallback" } else { i }, "secret": s,
            "otp": {"account": a, "issuer": i, "digits": d, "period": p, "algorithm": alg,
                    "counter": c, "tokenType": k.to_uppercase()}
        })).collect::<Vec<_>>()});
    let andotp =
        json!(specs.iter().map(|&(i, a, k, s, alg, d, p, c)| json!({
        "secret": format!("{s}======"), "issuer": i, "label": a, "digits": d,
        "type": k.to_uppercase(), "algorithm": alg, "period": p, "counter": c, "tags": []
    })).collect::<Vec<_>>());
    let bitwarden = json!({"encrypted": false, "folders": [],
        "items": want.iter().map(|acc| json!({"type": 1, "name": "Item",
            "login": {"username": null, "totp": authcli::uri::to_otpauth(acc).as_str()}}))
        .chain([json!({"type": 1, "name": "Mail", "login": {"username": "me", "totp": "jbsw y3dp ehpk 3pxp"}}),
                json!({"type": 2, "name": "a note"})])
        .collect::<Vec<_>>()});
    vec![
        ("aegis.json", aegis, 0),
        ("backup.2fas", twofas, 0),
        ("andotp.json", andotp, 0),
        ("bitwarden.json", bitwarden, 1),
    ]
}

/// Files in each JSON format, written here from one list of accounts, import to the same codes.
#[test]
fn generated_files_in_every_json_format() {
    use authcli::otp::{Algorithm, Otp, Secret};
    let specs: [Spec; 4] = [
        (
            "Ünï Corp",
            "a:b@c.example",
            "totp",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "SHA512",
            10,
            45,
            0,
        ),
        (
            "HW Token",
            "",
            "hotp",
            "JBSWY3DPEHPK3PXP",
            "SHA256",
            8,
            30,
            123_456_789,
        ),
        (
            "Valve",
            "gaben",
            "steam",
            "JRZCL47CMXVOQMNPZR2F7J4RGI",
            "SHA1",
            5,
            30,
            0,
        ),
        (
            "",
            "only-account",
            "totp",
            "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ",
            "SHA1",
            6,
            30,
            0,
        ),
    ];
    let want: Vec<Account> = specs
        .iter()
        .map(|&(i, a, k, s, alg, d, p, c)| {
            let kind = match k {
                "totp" => Kind::Totp,
                "hotp" => Kind::Hotp,
                _ => Kind::Steam,
            };
            let alg: Algorithm = alg.parse().unwrap();
            let otp = Otp::new(kind, Secret::parse_base32(s).unwrap(), alg, d, p, c).unwrap();
            Account::new(i, a, otp)
        })
        .collect();
    for (name, doc, extra) in json_docs(&specs, &want) {
        let env = Env::with_key_vault();
        let file = env.dir.path().join(name);
        std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        let err = import_ok(&env, &file, &[]);
        assert!(
            err.contains(&format!("imported {}, skipped 0", want.len() + extra)),
            "{name}: {err}"
        );
        let mut all = want.clone();
        if extra == 1 {
            all.push(Account::new(
                "Mail",
                "me",
                Otp::totp(Secret::parse_base32("JBSWY3DPEHPK3PXP").unwrap()).unwrap(),
            ));
        }
        if name == "bitwarden.json" {
            // A URI without an issuer takes the item's name.
            all[3].issuer = "Item".into();
        }
        if name == "backup.2fas" {
            // 2FAS has no empty issuer: the service name stands in.
            all[3].issuer = "Fallback".into();
        }
        assert_eq!(same_codes(&env, &all), all.len(), "{name}");
    }
}
