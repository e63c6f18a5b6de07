//! Wayland: the desktop portal's screenshot (`org.freedesktop.portal.Screenshot.Screenshot`)
//! over the D-Bus session bus, through zbus's blocking API (no async runtime of our own).
//!
//! The compositor shows its own dialog; the answer arrives as the `Response` signal of a
//! request object. The portal does not hand over pixels: it saves the screenshot as a PNG file
//! (where is its choice: a picture or cache folder) and returns that file's URI. authcli reads
//! the file and deletes it at once; that one file on disk is the portal's doing, not ours.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use zbus::blocking::{Connection, Proxy};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use super::{ScreenError, Shot};
use crate::qr;

const DESTINATION: &str = "org.freedesktop.portal.Desktop";
const OBJECT: &str = "/org/freedesktop/portal/desktop";

/// How long the user has to answer the desktop's dialog.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

/// Why the portal gave no screenshot.
pub enum PortalError {
    /// No session bus or no screenshot portal here: another way may work.
    Unavailable(String),
    /// The portal answered, and not with a screenshot (or its file was unusable): final.
    Screen(ScreenError),
}

fn unavailable(e: &zbus::Error) -> PortalError {
    PortalError::Unavailable(crate::text::one_line(&e.to_string()))
}

fn failed(why: String) -> PortalError {
    PortalError::Screen(ScreenError::Failed(why))
}

/// Asks the portal for a screenshot of the whole desktop and returns it as grey.
pub fn capture() -> Result<Shot, PortalError> {
    let conn = Connection::session().map_err(|e| unavailable(&e))?;
    let sender = conn
        .unique_name()
        .map(|n| n.trim_start_matches(':').replace('.', "_"))
        .ok_or_else(|| PortalError::Unavailable("no name on the session bus".into()))?;
    // Listen on the request's path before asking (it is known in advance from the token), so
    // that an immediate answer is not missed.
    let token = format!("authcli_{}", std::process::id());
    let expected = format!("{OBJECT}/request/{sender}/{token}");
    let mut responses = response_signals(&conn, expected.clone())?;
    let portal = Proxy::new(
        &conn,
        DESTINATION,
        OBJECT,
        "org.freedesktop.portal.Screenshot",
    )
    .map_err(|e| unavailable(&e))?;
    let options: HashMap<&str, Value> = HashMap::from([
        ("handle_token", Value::from(token.as_str())),
        ("modal", Value::from(true)),
        ("interactive", Value::from(false)),
    ]);
    let handle: OwnedObjectPath = portal
        .call("Screenshot", &("", options))
        .map_err(|e| unavailable(&e))?;
    if handle.as_str() != expected {
        // portals before version 0.9 choose the path themselves
        responses = response_signals(&conn, handle.to_string())?;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(responses.next());
    });
    let message = match rx.recv_timeout(ANSWER_TIMEOUT) {
        Ok(Some(m)) => m,
        Ok(None) => return Err(failed("the desktop portal closed the request".into())),
        Err(_) => {
            // Closed, so that a dialog answered later writes no screenshot that nobody deletes.
            let _ = Proxy::new(
                &conn,
                DESTINATION,
                handle.as_str(),
                "org.freedesktop.portal.Request",
            )
            .and_then(|p| p.call_method("Close", &()));
            return Err(failed(format!(
                "no answer from the desktop's screenshot dialog within {} s",
                ANSWER_TIMEOUT.as_secs()
            )));
        }
    };
    let (code, results): (u32, HashMap<String, OwnedValue>) = message
        .body()
        .deserialize()
        .map_err(|e| failed(format!("unexpected answer from the desktop portal: {e}")))?;
    match code {
        0 => {}
        1 => return Err(PortalError::Screen(ScreenError::Cancelled)),
        _ => {
            return Err(failed(
                "the desktop portal could not take the screenshot".into(),
            ));
        }
    }
    let uri = match results.get("uri").map(|v| &**v) {
        Some(Value::Str(s)) => s.to_string(),
        _ => return Err(failed("the desktop portal returned no screenshot".into())),
    };
    let path = file_path(&uri)
        .ok_or_else(|| failed(format!("the desktop portal returned {uri:?}, not a file")))?;
    let bytes = read_then_delete(&path).map_err(failed)?;
    let grey =
        qr::decode_to_grey(&bytes).map_err(|e| PortalError::Screen(ScreenError::Image(e)))?;
    Ok(Shot {
        name: "the desktop portal's screenshot".into(),
        grey,
    })
}

fn response_signals(
    conn: &Connection,
    path: String,
) -> Result<zbus::blocking::proxy::SignalIterator<'static>, PortalError> {
    Proxy::new(conn, DESTINATION, path, "org.freedesktop.portal.Request")
        .and_then(|request| request.receive_signal("Response"))
        .map_err(|e| unavailable(&e))
}

/// The local path of a `file://` URI (percent-decoded), `None` for anything else.
fn file_path(uri: &str) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt as _;
    let rest = uri.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(rest).collect();
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

/// The portal's screenshot file, read (at most [`qr::MAX_FILE_BYTES`]) and deleted: the
/// screenshot shows the QR code, so it must not stay on disk, whether reading worked or not.
fn read_then_delete(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(qr::MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = std::fs::remove_file(path) {
        return Err(format!(
            "could not delete the desktop portal's screenshot {} ({e}); delete it yourself, it shows the QR code",
            path.display()
        ));
    }
    read.map_err(|e| format!("could not read the desktop portal's screenshot: {e}"))?;
    if bytes.len() as u64 > qr::MAX_FILE_BYTES {
        return Err("the desktop portal's screenshot is too large".into());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            file_path("file:///home/me/Pictures/Screenshot%20from%202026.png"),
            Some(PathBuf::from("/home/me/Pictures/Screenshot from 2026.png"))
        );
        assert_eq!(
            file_path("file://localhost/tmp/a.png"),
            Some(PathBuf::from("/tmp/a.png"))
        );
        assert_eq!(file_path("https://example.com/a.png"), None);
        assert_eq!(file_path("file://host/a.png"), None);
    }

    #[test]
    fn the_file_is_gone_after_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shot.png");
        std::fs::write(&path, b"pixels").unwrap();
        assert_eq!(read_then_delete(&path).unwrap(), b"pixels");
        assert!(!path.exists());
        assert!(read_then_delete(&path).is_err());
    }
}
