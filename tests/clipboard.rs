//! `code --copy` in a real X server (Xvfb), read back with xclip: the code stays pasteable after
//! authcli exits, is cleared after `$AUTHCLI_CLIPBOARD_SECONDS`, and a newer copy by someone
//! else is left alone. Expected codes come from oathtool.

mod common;

use std::time::{Duration, Instant};

use common::{Env, Xvfb, have, oathtool_totp, oathtool_window, qr_png, unix_now};

const SECRET: &str = "JBSWY3DPEHPK3PXP";

fn copy(env: &Env, x: &Xvfb, query: &str) -> (i32, String, String) {
    copy_for(env, x, query, 2)
}

fn copy_for(env: &Env, x: &Xvfb, query: &str, secs: u32) -> (i32, String, String) {
    let mut c = env.cmd();
    c.args(["code", query, "--copy"])
        .env("DISPLAY", &x.display)
        .env("AUTHCLI_CLIPBOARD_SECONDS", secs.to_string());
    env.run_with(c, "")
}

/// Waits (at most `limit`) until `f` is true.
fn eventually(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    f()
}

/// Command lines of running helpers (Linux `/proc`), to prove the code is not in argv.
fn helper_cmdlines() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .filter(|c| c.contains(env!("CARGO_BIN_EXE_authcli")) && c.contains("__clipboard-serve"))
        .collect()
}

#[test]
fn copied_code_outlives_authcli_then_is_cleared() {
    if !have("oathtool") {
        return;
    }
    let Some(x) = Xvfb::start() else { return };
    let env = Env::with_key_vault();
    env.add_secret("github", SECRET, &[]);
    let t0 = unix_now();
    let (code, out, err) = copy(&env, &x, "github");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "", "nothing on stdout with --copy");
    assert_eq!(err, "copied; clears in 2 s\n");
    // authcli has exited: the helper serves the code.
    let got = x.read("UTF8_STRING").expect("the code is on the clipboard");
    let t1 = unix_now();
    let mut want = oathtool_window(SECRET, 6, 30, t0);
    want.extend(oathtool_window(SECRET, 6, 30, t1));
    assert!(want.contains(&got), "clipboard {got:?}, oathtool {want:?}");
    // Marked as a secret for clipboard managers.
    let targets = x.read("TARGETS").unwrap();
    assert!(targets.contains("x-kde-passwordManagerHint"), "{targets}");
    // The code never appears in a helper's argv.
    for cmdline in helper_cmdlines() {
        assert!(!cmdline.contains(&got), "code in argv: {cmdline}");
    }
    // Cleared after the 2 s hold (generous bound).
    assert!(
        eventually(Duration::from_secs(10), || x.read("UTF8_STRING").is_none()),
        "still on the clipboard: {:?}",
        x.read("UTF8_STRING")
    );
}

#[test]
fn a_newer_copy_by_someone_else_is_not_wiped() {
    let Some(x) = Xvfb::start() else { return };
    let env = Env::with_key_vault();
    env.add_secret("github", SECRET, &[]);
    let (code, _, err) = copy(&env, &x, "github");
    assert_eq!(code, 0, "{err}");
    x.copy("someone else's text");
    // xclip's background child takes the selection shortly after its parent exits.
    assert!(eventually(Duration::from_secs(5), || {
        x.read("UTF8_STRING").as_deref() == Some("someone else's text")
    }));
    // Past the 2 s hold, and past the helper's exit: the newer text is still there.
    std::thread::sleep(Duration::from_millis(3500));
    assert!(
        eventually(Duration::from_secs(5), || helper_cmdlines().is_empty()),
        "helper still running"
    );
    assert_eq!(
        x.read("UTF8_STRING").as_deref(),
        Some("someone else's text")
    );
}

#[test]
fn copying_the_same_code_again_restarts_the_countdown() {
    let Some(x) = Xvfb::start() else { return };
    let env = Env::with_key_vault();
    // A 10-minute period: both copies are the same code (unless a boundary falls in between,
    // which only makes the codes differ and the test pass trivially).
    env.add_secret("slow", SECRET, &["--period", "600"]);
    let first = Instant::now();
    assert_eq!(copy_for(&env, &x, "slow", 2).0, 0);
    let code = x.read("UTF8_STRING").unwrap();
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(copy_for(&env, &x, "slow", 4).0, 0);
    // Past the first copy's 2 s: the second copy (4 s from 1 s) still holds it.
    std::thread::sleep(Duration::from_millis(3500).saturating_sub(first.elapsed()));
    assert_eq!(x.read("UTF8_STRING").as_deref(), Some(code.as_str()));
    assert!(
        eventually(Duration::from_secs(10), || x.read("UTF8_STRING").is_none()),
        "not cleared after the second copy's hold"
    );
}

#[test]
fn no_display_is_one_clear_error_and_spends_no_hotp_counter() {
    let env = Env::with_key_vault();
    // RFC 4226 seed: counter 0 gives 755224.
    env.add_secret(
        "token",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        &["--hotp", "--counter", "0"],
    );
    let err = env.fails(&["code", "token", "--copy"], "", 1);
    assert!(
        err.contains("DISPLAY") && err.contains("WAYLAND_DISPLAY"),
        "{err}"
    );
    assert_eq!(env.ok(&["code", "token"], ""), "755224\n");

    let mut c = env.cmd();
    c.args(["code", "token", "--copy"])
        .env("DISPLAY", ":1")
        .env("AUTHCLI_CLIPBOARD_SECONDS", "soon");
    let (code, out, err) = env.run_with(c, "");
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("AUTHCLI_CLIPBOARD_SECONDS"), "{err}");
    // --copy and --json do not mix.
    let (code, _, _) = env.run(&["code", "token", "--copy", "--json"], "");
    assert_eq!(code, 2);
}

/// `add --qr-clipboard`: a screenshot copied as an image, or an otpauth URI copied as text.
#[test]
fn add_from_an_image_or_text_in_the_clipboard() {
    let Some(x) = Xvfb::start() else { return };
    let env = Env::with_key_vault();
    let add = |env: &Env| {
        let mut c = env.cmd();
        c.args(["add", "--qr-clipboard"]).env("DISPLAY", &x.display);
        env.run_with(c, "")
    };
    let entra =
        "otpauth://totp/Contoso%3Anome.cognome%40unipi.it?secret=jbswy3dpehpk3pxp&issuer=Microsoft";
    x.copy_as("image/png", &qr_png(&[entra]));
    assert!(eventually(Duration::from_secs(5), || x
        .read("image/png")
        .is_some()));
    let (code, _, err) = add(&env);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with("added \"microsoft\" (Microsoft: nome.cognome@unipi.it)"),
        "{err}"
    );
    x.copy("otpauth://totp/GitHub:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub");
    assert!(eventually(Duration::from_secs(5), || {
        x.read("UTF8_STRING").is_some_and(|t| t.contains("GitHub"))
    }));
    let (code, _, err) = add(&env);
    assert_eq!(code, 0, "{err}");
    if have("oathtool") {
        assert_eq!(
            env.ok(&["code", "github", "--at", "59"], "").trim(),
            oathtool_totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "SHA1", 6, 30, 59)
        );
    }
    let before = env.vault_bytes();
    x.copy("just a note");
    assert!(eventually(Duration::from_secs(5), || {
        x.read("UTF8_STRING").as_deref() == Some("just a note")
    }));
    let (code, out, err) = add(&env);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains("the text in the clipboard is not an authenticator code"),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);
}

/// An `image/png` in the clipboard that is not a whole PNG: one clear line, exit 1, the vault
/// untouched (the image is read as a file would be, not decoded by the clipboard library).
#[test]
fn a_broken_image_in_the_clipboard_is_one_clear_error() {
    let Some(x) = Xvfb::start() else { return };
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    let png = qr_png(&["otpauth://totp/a?secret=JBSWY3DPEHPK3PXP"]);
    for (bytes, want) in [
        (
            b"no image here".to_vec(),
            "could not read the clipboard: not an image (PNG, JPEG, GIF, BMP or WebP expected)",
        ),
        (
            png[..png.len() / 2].to_vec(),
            "could not read the clipboard: truncated PNG image: the file ends before the pixels do",
        ),
    ] {
        x.copy_as("image/png", &bytes);
        let offered = String::from_utf8_lossy(&bytes).into_owned();
        assert!(eventually(Duration::from_secs(5), || {
            x.read("image/png").as_ref() == Some(&offered)
        }));
        let mut c = env.cmd();
        c.args(["add", "--qr-clipboard"]).env("DISPLAY", &x.display);
        let (code, out, err) = env.run_with(c, "");
        assert_eq!((code, out.as_str()), (1, ""), "{err}");
        assert_eq!(err, format!("authcli: {want}\n"));
        assert_eq!(env.vault_bytes(), before);
    }
}
