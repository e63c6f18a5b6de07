//! `add --qr-screen` in a real X server (Xvfb) with two screens, the setup page shown by feh on
//! the second one: every screen is captured, in memory. Expected codes come from oathtool.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Env, Xvfb, have, oathtool_totp, qr_png};

const SECRET: &str = "JBSWY3DPEHPK3PXP"; // the demo secret of examples/setup-page.png

/// Two 1280x1024 screens, `:N.0` and `:N.1`; `None` (skipped) without Xvfb and feh outside CI.
fn two_screens() -> Option<Xvfb> {
    if !have("feh") {
        return None;
    }
    Xvfb::with_screens(&["1280x1024x24", "1280x1024x24"])
}

/// An image shown by feh on `display` (`:N.S`), borderless at the top left; killed on drop.
struct Shown(Child);

impl Shown {
    fn new(display: &str, image: &std::path::Path) -> Self {
        let child = Command::new("feh")
            .args(["--borderless", "--geometry", "+0+0"])
            .arg(image)
            .env("DISPLAY", display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self(child)
    }
}

impl Drop for Shown {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `authcli add --qr-screen` on `display`, retried for a few seconds while nothing is found (feh
/// maps its window shortly after it starts); (exit code, stdout, stderr) of the last run.
fn add_from_screen(env: &Env, display: &str) -> (i32, String, String) {
    let end = Instant::now() + Duration::from_secs(15);
    loop {
        let mut c = env.cmd();
        c.args(["add", "--qr-screen"]).env("DISPLAY", display);
        let (code, out, err) = env.run_with(c, "");
        if code == 0 || !err.contains("no QR code found") || Instant::now() > end {
            return (code, out, err);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_setup_page_on_the_second_screen_is_added() {
    let Some(x) = two_screens() else { return };
    let env = Env::with_key_vault();
    let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/setup-page.png");
    let _feh = Shown::new(&format!("{}.1", x.display), &page);
    // DISPLAY names screen 0; authcli captures screen 1 as well.
    let (code, out, err) = add_from_screen(&env, &x.display);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(
        err.starts_with("added \"example-corp\" (Example Corp: demo@example.com); current code "),
        "{err}"
    );
    assert_eq!(env.names(), ["example-corp"]);
    if have("oathtool") {
        for t in [59, 1_111_111_109, 2_000_000_000] {
            let ours = env.ok(&["code", "example-corp", "--at", &t.to_string()], "");
            assert_eq!(
                ours.trim(),
                oathtool_totp(SECRET, "SHA1", 6, 30, t),
                "at {t}"
            );
        }
    }
}

#[test]
fn other_qr_codes_beside_the_otpauth_one_are_named() {
    let Some(x) = two_screens() else { return };
    let env = Env::with_key_vault();
    let image = env.dir.path().join("two-codes.png");
    let uri = "otpauth://totp/GitHub:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub";
    std::fs::write(&image, qr_png(&[uri, "https://example.com/help"])).unwrap();
    let _feh = Shown::new(&x.display, &image);
    let (code, _, err) = add_from_screen(&env, &x.display);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with(
            "note: ignored another QR code, a web link to example.com\nadded \"github\""
        ),
        "{err}"
    );
    assert_eq!(env.names(), ["github"]);
}

#[test]
fn screens_without_a_qr_code_are_one_clear_error() {
    let Some(x) = two_screens() else { return };
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    let mut c = env.cmd();
    c.args(["add", "--qr-screen"]).env("DISPLAY", &x.display);
    let (code, out, err) = env.run_with(c, "");
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(
        err,
        "authcli: no QR code found on any of the 2 screens (X screen 0 1280x1024, X screen 1 1280x1024); show the setup page's QR code, not covered by other windows, and run this again\n"
    );
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn no_display_fails_first_with_one_line() {
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    // No DISPLAY, no WAYLAND_DISPLAY (the environment is cleared): before the vault is opened.
    let err = env.fails(&["add", "--qr-screen"], "", 1);
    assert_eq!(
        err,
        "authcli: could not capture the screen: no graphical session: neither DISPLAY nor WAYLAND_DISPLAY is set\n"
    );
    assert_eq!(env.vault_bytes(), before);
    // Before any vault question too: a missing vault is not reached (no `authcli init` hint),
    // nor a passphrase vault's unlock (without a passphrase source that would be exit 4; this
    // costs one scrypt run for `init`).
    let fresh = Env::new();
    let err = fresh.fails(&["add", "--qr-screen"], "", 1);
    assert!(err.contains("no graphical session"), "{err}");
    let mut c = fresh.cmd();
    c.env_remove("AUTHCLI_IDENTITY")
        .env("AUTHCLI_PASSPHRASE", "a passphrase")
        .arg("init");
    assert_eq!(fresh.run_with(c, "").0, 0);
    let mut c = fresh.cmd();
    c.env_remove("AUTHCLI_IDENTITY")
        .args(["add", "--qr-screen"]);
    let (code, _, err) = fresh.run_with(c, "");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no graphical session"), "{err}");
    // A display that does not answer: the same one line, exit 1. (Not a number above 59535:
    // x11rb-protocol 0.13 adds it to TCP port 6000 unchecked, a panic in debug builds.)
    let mut c = env.cmd();
    c.args(["add", "--qr-screen"]).env("DISPLAY", ":59123");
    let (code, out, err) = env.run_with(c, "");
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("could not connect to the X display :59123"),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn qr_screen_is_one_source_among_the_others() {
    let env = Env::with_key_vault();
    for other in [
        &["--qr", "shot.png"][..],
        &["--qr-clipboard"],
        &["--uri", "-"],
        &["--secret"],
    ] {
        let mut args = vec!["add", "--qr-screen"];
        args.extend_from_slice(other);
        let (code, _, err) = env.run(&args, "");
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("cannot be used with"), "{err}");
    }
}
