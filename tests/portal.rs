//! `add --qr-screen` on Wayland, through a stand-in for the desktop portal on a private D-Bus
//! session bus (dbus-daemon): authcli asks `org.freedesktop.portal.Screenshot.Screenshot`,
//! waits for the request's `Response` signal, reads the file whose URI it carries, and deletes
//! it. No compositor is involved; the stand-in plays the part of the user's answer.
#![cfg(target_os = "linux")]

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::{Env, PrivateBus, have, oathtool_totp};
use zbus::zvariant::{OwnedObjectPath, Value};

/// A private session bus (no service activation: no real portal answers), or `None` (after
/// printing SKIPPED) when dbus-daemon is missing outside CI.
fn bus(env: &Env) -> Option<PrivateBus> {
    have("dbus-daemon").then(|| PrivateBus::start(&env.dir.path().join("bus")).unwrap())
}

/// The stand-in portal: answers every request with `code` and, for 0, the URI of `file`.
struct Portal {
    code: u32,
    file: PathBuf,
}

#[zbus::interface(name = "org.freedesktop.portal.Screenshot")]
impl Portal {
    async fn screenshot(
        &self,
        #[zbus(connection)] conn: &zbus::Connection,
        #[zbus(header)] header: zbus::message::Header<'_>,
        parent_window: &str,
        options: HashMap<&str, Value<'_>>,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let sender = header
            .sender()
            .unwrap()
            .trim_start_matches(':')
            .replace('.', "_");
        let Some(Value::Str(token)) = options.get("handle_token") else {
            return Err(zbus::fdo::Error::InvalidArgs("no handle_token".into()));
        };
        assert_eq!(options.get("interactive"), Some(&Value::from(false)));
        assert_eq!(parent_window, "", "authcli has no window to name");
        let path = format!("/org/freedesktop/portal/desktop/request/{sender}/{token}");
        let uri = format!("file://{}", self.file.to_str().unwrap().replace(' ', "%20"));
        let results = HashMap::from([("uri", Value::from(uri.as_str()))]);
        conn.emit_signal(
            None::<()>,
            path.as_str(),
            "org.freedesktop.portal.Request",
            "Response",
            &(self.code, results),
        )
        .await?;
        Ok(OwnedObjectPath::try_from(path).unwrap())
    }
}

/// Serves the stand-in on `bus` until the returned connection is dropped.
fn serve(bus: &PrivateBus, code: u32, file: PathBuf) -> zbus::blocking::Connection {
    zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.freedesktop.portal.Desktop")
        .unwrap()
        .serve_at("/org/freedesktop/portal/desktop", Portal { code, file })
        .unwrap()
        .build()
        .unwrap()
}

/// `authcli add --qr-screen` in a Wayland session without X11, on `bus`.
fn add_from_screen(env: &Env, bus: &PrivateBus) -> (i32, String, String) {
    let mut c = env.cmd();
    c.args(["add", "--qr-screen"])
        .env("WAYLAND_DISPLAY", "wayland-authcli-test")
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    env.run_with(c, "")
}

/// The demo setup page as the portal's screenshot file (a space in its name, as GNOME's have).
fn portal_file(env: &Env) -> PathBuf {
    let file = env.dir.path().join("Screenshot from today.png");
    let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/setup-page.png");
    std::fs::copy(page, &file).unwrap();
    file
}

#[test]
fn the_portal_screenshot_is_read_and_its_file_deleted() {
    let env = Env::with_key_vault();
    let Some(bus) = bus(&env) else { return };
    let file = portal_file(&env);
    let _portal = serve(&bus, 0, file.clone());
    let (code, out, err) = add_from_screen(&env, &bus);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.starts_with("added \"example-corp\""), "{err}");
    assert!(
        !file.exists(),
        "the portal's screenshot file is still there"
    );
    if have("oathtool") {
        let ours = env.ok(&["code", "example-corp", "--at", "59"], "");
        assert_eq!(
            ours.trim(),
            oathtool_totp("JBSWY3DPEHPK3PXP", "SHA1", 6, 30, 59)
        );
    }
}

#[test]
fn a_declined_screenshot_is_one_clear_error() {
    let env = Env::with_key_vault();
    let Some(bus) = bus(&env) else { return };
    let before = env.vault_bytes();
    let _portal = serve(&bus, 1, portal_file(&env));
    let (code, out, err) = add_from_screen(&env, &bus);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(
        err,
        "authcli: could not capture the screen: the screenshot was not allowed in the desktop's dialog\n"
    );
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn no_portal_and_no_x11_is_one_clear_error() {
    let env = Env::with_key_vault();
    let Some(bus) = bus(&env) else { return };
    let before = env.vault_bytes();
    let (code, out, err) = add_from_screen(&env, &bus);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(
            "authcli: could not capture the screen: the desktop portal's Screenshot is not available ("
        ),
        "{err}"
    );
    assert_eq!(env.vault_bytes(), before);
}
