//! The system clipboard (arboard): copy a code so that it stays pasteable after authcli exits,
//! and clear it again after a while — but only while it still holds our code.
//!
//! X11 and Wayland keep no copy of the clipboard: the data lives as long as the process that
//! offers it. So [`copy_detached`] starts a helper from the same binary (`authcli
//! __clipboard-serve SECONDS`, see `cmd::clipboard`) in its own process group, hands it the code
//! on its stdin (never in argv, which other users can read in `ps`), and waits for its one-line
//! answer: `ok` once the helper owns the clipboard, or `error: …`. The helper then runs
//! [`Served::hold_then_clear`] and exits. macOS and Windows keep the clipboard themselves; the
//! helper is still what clears it later.
//!
//! The data is marked as a secret for clipboard managers (arboard's `exclude_from_history`: the
//! `x-kde-passwordManagerHint` target on Linux, the matching pasteboard/clipboard formats on
//! macOS and Windows).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::text::one_line;

use crate::detached::{StartError, Started};

/// The hidden subcommand that serves the clipboard.
pub const SERVE_COMMAND: &str = "__clipboard-serve";

/// How often the helper checks whether someone else has copied meanwhile.
const POLL: Duration = Duration::from_millis(250);

/// How long the caller waits for the helper to own the clipboard.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong with the clipboard.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    /// Linux/BSD without a graphical session.
    #[error("no clipboard: neither DISPLAY nor WAYLAND_DISPLAY is set (no graphical session)")]
    NoDisplay,
    /// arboard could not open or write the clipboard.
    #[error("clipboard unavailable: {0}")]
    Unavailable(String),
    /// The image in the clipboard is refused (too large, corrupt, not an image).
    #[error(transparent)]
    Image(crate::qr::QrError),
    /// The helper process could not be started or did not answer.
    #[error("clipboard helper {0}")]
    Helper(String),
}

/// Whether a clipboard can exist at all: on Linux and the BSDs an X11 or Wayland display must be
/// named in the environment; macOS and Windows always have one.
pub fn check_display() -> Result<(), ClipboardError> {
    if cfg!(any(target_os = "macos", windows)) {
        return Ok(());
    }
    let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        Ok(())
    } else {
        Err(ClipboardError::NoDisplay)
    }
}

/// What the clipboard holds, for `add --qr-clipboard`.
pub enum Content {
    /// An image.
    Image {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Its pixels: on Linux the grey image decoded from the PNG bytes the clipboard
        /// offered (size checked from the PNG header first), on Windows arboard's RGBA rows.
        rgba: crate::qr::Pixels,
    },
    /// Text (an otpauth URI, say).
    Text(Zeroizing<String>),
}

/// The most bytes read for an image in the clipboard (as for `add --qr -`).
pub const MAX_IMAGE_BYTES: usize = 64 * 1024 * 1024;

/// Reads the clipboard: an image if it holds one (where images are supported here), else
/// its text.
///
/// Memory: on Linux the image's encoded bytes (the `image/png` target, from X11 or Wayland
/// directly, not through arboard, which would decode the whole image to RGBA before anyone
/// can look at its size) go through the same path as `add --qr FILE`: size from the header,
/// refused above [`crate::qr::MAX_PIXELS`] before any pixel is decoded, then straight to grey.
/// On Windows arboard hands over decoded RGBA (the clipboard itself holds a bitmap there).
pub fn read() -> Result<Content, ClipboardError> {
    check_display()?;
    #[cfg(target_os = "linux")]
    if let Some(png) = linux::png_bytes()? {
        let grey = crate::qr::decode_to_grey(&png).map_err(ClipboardError::Image)?;
        drop(png);
        let (width, height) = grey.dimensions();
        return Ok(Content::Image {
            width,
            height,
            rgba: crate::qr::Pixels::Grey(grey),
        });
    }
    let mut cb =
        arboard::Clipboard::new().map_err(|e| ClipboardError::Unavailable(e.to_string()))?;
    #[cfg(windows)]
    if let Ok(img) = cb.get_image() {
        let (Ok(width), Ok(height)) = (u32::try_from(img.width), u32::try_from(img.height)) else {
            return Err(ClipboardError::Unavailable(
                "the clipboard image is too large".into(),
            ));
        };
        return Ok(Content::Image {
            width,
            height,
            rgba: crate::qr::Pixels::Rgba(img.bytes.into_owned()),
        });
    }
    match cb.get_text() {
        Ok(t) => Ok(Content::Text(Zeroizing::new(t))),
        Err(arboard::Error::ContentNotAvailable) => Err(ClipboardError::Unavailable(
            "it holds neither an image nor text".into(),
        )),
        Err(e) => Err(ClipboardError::Unavailable(e.to_string())),
    }
}

/// Reading the clipboard's encoded image on Linux: Wayland (the data-control protocol, through
/// wl-clipboard-rs, as arboard does) when `WAYLAND_DISPLAY` is set and the compositor offers
/// it, else X11 (a selection request through x11rb, as arboard does, INCR transfers included).
#[cfg(target_os = "linux")]
mod linux {
    use std::io::Read;
    use std::time::{Duration, Instant};

    use super::{ClipboardError, MAX_IMAGE_BYTES};

    const PNG: &str = "image/png";

    /// How long the owner may take to answer, or between two parts of a large image.
    const TIMEOUT: Duration = Duration::from_secs(5);

    /// The clipboard's `image/png` bytes, `None` when it offers no PNG.
    pub fn png_bytes() -> Result<Option<Vec<u8>>, ClipboardError> {
        let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
        if set("WAYLAND_DISPLAY") {
            match wayland_pipe() {
                Ok(Some(pipe)) => return read_capped(pipe).map(Some),
                Ok(None) => return Ok(None),
                Err(e) if !set("DISPLAY") => return Err(e),
                // no data-control protocol here (GNOME): arboard, too, falls back to X11
                // (Xwayland)
                Err(_) => {}
            }
        }
        x11()
    }

    fn too_large() -> ClipboardError {
        ClipboardError::Unavailable(format!(
            "the clipboard image is larger than {} MiB",
            MAX_IMAGE_BYTES / (1024 * 1024)
        ))
    }

    /// The pipe the Wayland clipboard's PNG comes through, `None` when it offers none.
    fn wayland_pipe() -> Result<Option<impl Read>, ClipboardError> {
        use wl_clipboard_rs::paste::{ClipboardType, Error, MimeType, Seat, get_contents};
        match get_contents(
            ClipboardType::Regular,
            Seat::Unspecified,
            MimeType::Specific(PNG),
        ) {
            Ok((pipe, _)) => Ok(Some(pipe)),
            Err(Error::ClipboardEmpty | Error::NoMimeType) => Ok(None),
            Err(e) => Err(ClipboardError::Unavailable(e.to_string())),
        }
    }

    /// All of `from`, refused past [`MAX_IMAGE_BYTES`].
    fn read_capped(from: impl Read) -> Result<Vec<u8>, ClipboardError> {
        let mut bytes = Vec::new();
        from.take(MAX_IMAGE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ClipboardError::Unavailable(e.to_string()))?;
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(too_large());
        }
        Ok(bytes)
    }

    fn x11() -> Result<Option<Vec<u8>>, ClipboardError> {
        read_x11(PNG).map_err(|e| match e {
            X11Error::TooLarge => too_large(),
            X11Error::Other(msg) => ClipboardError::Unavailable(msg),
        })
    }

    enum X11Error {
        TooLarge,
        Other(String),
    }

    impl<E: std::fmt::Display> From<E> for X11Error {
        fn from(e: E) -> Self {
            X11Error::Other(e.to_string())
        }
    }

    /// An invisible window to receive the selection in, and the atoms it needs.
    struct Requestor {
        conn: x11rb::rust_connection::RustConnection,
        win: u32,
        clipboard: u32,
        incr: u32,
        prop: u32,
    }

    /// The clipboard's `target` (a MIME type), `None` when its owner does not list it among
    /// its TARGETS (some owners, xclip among them, answer any request with what they hold).
    fn read_x11(target: &str) -> Result<Option<Vec<u8>>, X11Error> {
        let requestor = Requestor::new()?;
        let wanted = requestor.atom(target)?;
        let targets = requestor.atom("TARGETS")?;
        let Some(list) = requestor.fetch(targets)? else {
            return Ok(None);
        };
        let listed = list
            .chunks_exact(4)
            .any(|a| a.try_into().is_ok_and(|a| u32::from_ne_bytes(a) == wanted));
        if !listed {
            return Ok(None);
        }
        requestor.fetch(wanted)
    }

    impl Requestor {
        fn new() -> Result<Self, X11Error> {
            use x11rb::connection::Connection as _;
            use x11rb::protocol::xproto::{
                ConnectionExt as _, CreateWindowAux, EventMask, WindowClass,
            };

            let (conn, screen) = x11rb::connect(None)?;
            let root = conn
                .setup()
                .roots
                .get(screen)
                .ok_or_else(|| X11Error::Other("no such X screen".into()))?
                .root;
            let win = conn.generate_id()?;
            conn.create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                win,
                root,
                0,
                0,
                1,
                1,
                0,
                WindowClass::INPUT_OUTPUT,
                x11rb::COPY_FROM_PARENT,
                &CreateWindowAux::new().event_mask(EventMask::PROPERTY_CHANGE),
            )?;
            let mut requestor = Requestor {
                conn,
                win,
                clipboard: 0,
                incr: 0,
                prop: 0,
            };
            requestor.clipboard = requestor.atom("CLIPBOARD")?;
            requestor.incr = requestor.atom("INCR")?;
            requestor.prop = requestor.atom("AUTHCLI_SELECTION")?;
            Ok(requestor)
        }

        fn atom(&self, name: &str) -> Result<u32, X11Error> {
            use x11rb::protocol::xproto::ConnectionExt as _;
            Ok(self.conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
        }

        /// The size of what our property holds now, and its type, without reading it.
        fn size(&self) -> Result<(u32, usize), X11Error> {
            use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _};
            let head = self
                .conn
                .get_property(false, self.win, self.prop, AtomEnum::ANY, 0, 0)?
                .reply()?;
            Ok((head.type_, head.bytes_after as usize))
        }

        /// Reads and deletes our property (whole, so that the server deletes it).
        fn take(&self, len: usize) -> Result<Vec<u8>, X11Error> {
            use x11rb::connection::Connection as _;
            use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _};
            let words = u32::try_from(len.div_ceil(4)).map_err(|_| X11Error::TooLarge)?;
            let value = self
                .conn
                .get_property(true, self.win, self.prop, AtomEnum::ANY, 0, words)?
                .reply()?
                .value;
            self.conn.flush()?;
            Ok(value)
        }

        fn refuse(&self) -> Result<Option<Vec<u8>>, X11Error> {
            use x11rb::connection::Connection as _;
            use x11rb::protocol::xproto::ConnectionExt as _;
            self.conn.delete_property(self.win, self.prop)?;
            self.conn.flush()?;
            Err(X11Error::TooLarge)
        }

        /// Asks the CLIPBOARD's owner for `target` (ICCCM §2.4) and collects the answer, in
        /// one property or in INCR parts, refusing more than [`MAX_IMAGE_BYTES`] without
        /// reading it. `None` when the owner refuses (or there is none).
        fn fetch(&self, target: u32) -> Result<Option<Vec<u8>>, X11Error> {
            use x11rb::connection::Connection as _;
            use x11rb::protocol::Event;
            use x11rb::protocol::xproto::{ConnectionExt as _, Property};

            let conn = &self.conn;
            conn.convert_selection(
                self.win,
                self.clipboard,
                target,
                self.prop,
                x11rb::CURRENT_TIME,
            )?;
            conn.flush()?;
            let mut incr_data: Option<Vec<u8>> = None;
            let mut deadline = Instant::now() + TIMEOUT;
            loop {
                let Some(event) = conn.poll_for_event()? else {
                    if Instant::now() > deadline {
                        return Err(X11Error::Other(
                            "the clipboard's owner did not answer in time".into(),
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(2));
                    continue;
                };
                match event {
                    Event::SelectionNotify(e) if e.requestor == self.win && incr_data.is_none() => {
                        if e.property == x11rb::NONE || e.target != target {
                            return Ok(None);
                        }
                        let (kind, len) = self.size()?;
                        if kind == self.incr {
                            // deleting the INCR property asks the owner for the first part
                            conn.delete_property(self.win, self.prop)?;
                            conn.flush()?;
                            incr_data = Some(Vec::new());
                            deadline = Instant::now() + TIMEOUT;
                        } else if len > MAX_IMAGE_BYTES {
                            return self.refuse();
                        } else {
                            return Ok(Some(self.take(len)?));
                        }
                    }
                    Event::PropertyNotify(e)
                        if e.window == self.win
                            && e.atom == self.prop
                            && e.state == Property::NEW_VALUE =>
                    {
                        let Some(data) = incr_data.as_mut() else {
                            continue;
                        };
                        let (_, len) = self.size()?;
                        if data.len() + len > MAX_IMAGE_BYTES {
                            return self.refuse();
                        }
                        let part = self.take(len)?;
                        if part.is_empty() {
                            return Ok(incr_data);
                        }
                        data.extend_from_slice(&part);
                        deadline = Instant::now() + TIMEOUT;
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Copies `text` through a detached helper (`exe __clipboard-serve SECONDS`) that keeps serving
/// it and clears it after `hold` if it is still ours. Returns once the helper owns the clipboard.
pub fn copy_detached(exe: &Path, text: &str, hold: Duration) -> Result<(), ClipboardError> {
    check_display()?;
    let mut cmd = Command::new(exe);
    cmd.arg(SERVE_COMMAND).arg(hold.as_secs().to_string());
    let Started { mut child, answer } =
        crate::detached::start(cmd, text, ANSWER_TIMEOUT).map_err(|e| match e {
            StartError::Timeout(s) => {
                ClipboardError::Helper(format!("did not take the clipboard within {s} s"))
            }
            other => ClipboardError::Helper(other.to_string()),
        })?;
    let answer = answer.trim();
    if answer == "ok" {
        // Reap it when it exits (matters for long-lived callers like `watch`).
        std::thread::spawn(move || child.wait());
        return Ok(());
    }
    let _ = child.wait();
    Err(match answer.strip_prefix("error: ") {
        Some(msg) => ClipboardError::Unavailable(msg.to_owned()),
        None => ClipboardError::Helper("exited without taking the clipboard".to_owned()),
    })
}

/// The clipboard holding our text, until [`Served::hold_then_clear`].
pub struct Served {
    clipboard: arboard::Clipboard,
    text: Zeroizing<String>,
    deadline: Instant,
    baton: Option<(PathBuf, String)>,
}

/// How serving ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The deadline passed with our text still there: cleared.
    Cleared,
    /// Someone copied something else meanwhile: left alone.
    Replaced,
}

/// Takes the clipboard with `text`, marked as secret for clipboard managers.
///
/// `baton` is a small per-user file that names the newest helper. When the same code is copied
/// twice, the clipboard text alone cannot tell the two helpers apart: the older one sees the
/// baton change hands and leaves the clearing to the newer one (instead of clearing early).
pub fn take(
    text: Zeroizing<String>,
    hold: Duration,
    baton: Option<PathBuf>,
) -> Result<Served, ClipboardError> {
    check_display()?;
    let unavailable = |e: arboard::Error| ClipboardError::Unavailable(one_line(&e.to_string()));
    let mut clipboard = arboard::Clipboard::new().map_err(unavailable)?;
    set_secret(&mut clipboard, &text).map_err(unavailable)?;
    let token = format!(
        "{} {}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
    );
    // Best effort: without a baton only the clipboard text decides.
    let baton = baton.filter(|p| {
        p.parent()
            .is_some_and(|d| std::fs::create_dir_all(d).is_ok())
            && std::fs::write(p, &token).is_ok()
    });
    Ok(Served {
        clipboard,
        text,
        deadline: Instant::now() + hold,
        baton: baton.map(|p| (p, token)),
    })
}

fn set_secret(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    #[cfg(target_os = "macos")]
    use arboard::SetExtApple as _;
    #[cfg(all(unix, not(target_os = "macos")))]
    use arboard::SetExtLinux as _;
    #[cfg(windows)]
    use arboard::SetExtWindows as _;
    clipboard.set().exclude_from_history().text(text)
}

impl Served {
    /// Keeps serving until the deadline, then clears the clipboard if it still holds our text.
    /// Returns early, without clearing, as soon as someone else has copied something or a newer
    /// authcli copy has taken the baton.
    pub fn hold_then_clear(mut self) -> Outcome {
        loop {
            if !self.still_ours() {
                return Outcome::Replaced;
            }
            let now = Instant::now();
            if now >= self.deadline {
                break;
            }
            std::thread::sleep(POLL.min(self.deadline - now));
        }
        // A failed clear leaves nothing better to do: the helper exits either way.
        let _ = self.clipboard.clear();
        Outcome::Cleared
    }

    fn still_ours(&mut self) -> bool {
        if let Some((path, token)) = &self.baton
            && std::fs::read_to_string(path).is_ok_and(|t| t != *token)
        {
            return false;
        }
        self.clipboard
            .get_text()
            .is_ok_and(|t| Zeroizing::new(t).as_str() == self.text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_display_is_a_clear_error() {
        if cfg!(any(target_os = "macos", windows)) {
            return;
        }
        // Only meaningful where the test itself runs headless; never touch the real env.
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            let err = check_display().unwrap_err();
            assert!(err.to_string().contains("DISPLAY"), "{err}");
        }
    }
}
