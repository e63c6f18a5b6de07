//! Every screen, captured in memory as grey images for the QR search (`add --qr-screen`).
//! Nothing here writes a file; the Wayland portal does, see [`portal`].
//!
//! - X11 (Linux): each X screen's root window through x11rb's `GetImage`, fetched in bands of
//!   rows and turned into grey as they arrive ([`x11`]); a root window spans all the `RandR`
//!   monitors of its screen.
//! - Wayland (Linux): the desktop portal's `Screenshot` request over D-Bus (zbus, blocking); the
//!   compositor asks the user to allow it ([`portal`]). Tried first when `WAYLAND_DISPLAY` is
//!   set, because X11 through Xwayland shows only the X11 programs' windows; X11 stays the
//!   fallback where no portal answers.
//! - macOS and Windows: every monitor through xcap ([`native`]).
//!
//! Each image's size is checked against the QR search's memory budget before its pixels are
//! fetched ([`crate::qr::check_capture`]), and images are handed over one at a time.

#[cfg(any(windows, target_os = "macos"))]
mod native;
#[cfg(target_os = "linux")]
mod portal;
#[cfg(target_os = "linux")]
mod x11;

use crate::qr::{Grey, QrError};

/// One captured screen.
pub struct Shot {
    /// Which screen, for messages ("X screen 1", "the portal's screenshot", a monitor's name).
    pub name: String,
    /// Its pixels, ready for [`crate::qr::decode_grey`].
    pub grey: Grey,
}

/// What can go wrong while capturing.
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    /// Linux without a graphical session.
    #[error("no graphical session: neither DISPLAY nor WAYLAND_DISPLAY is set")]
    NoDisplay,
    /// macOS: no Screen Recording permission (or a capture that shows nothing).
    #[error(
        "grant Screen Recording to your terminal in System Settings › Privacy & Security, then run this again{0}"
    )]
    Permission(String),
    /// The user declined the screenshot in the desktop's dialog.
    #[error("the screenshot was not allowed in the desktop's dialog")]
    Cancelled,
    /// A system or an X screen whose pixels authcli cannot read (a screenshot file still works).
    #[error("screen capture is not supported {0}")]
    Unsupported(String),
    /// A screen too large for the QR search's memory budget.
    #[error(transparent)]
    Image(QrError),
    /// Anything else (the display refused, the portal failed, ...).
    #[error("{0}")]
    Failed(String),
}

/// Whether there is a graphical session to capture: on Linux an X11 or Wayland display must be
/// named in the environment; macOS and Windows always have one. Cheap; [`for_each`] checks it
/// first.
pub fn check_session() -> Result<(), ScreenError> {
    if cfg!(any(target_os = "macos", windows)) || set("DISPLAY") || set("WAYLAND_DISPLAY") {
        Ok(())
    } else {
        Err(ScreenError::NoDisplay)
    }
}

/// Captures every screen and hands each to `f` in turn (so that only one screen's pixels and
/// its QR search are in memory at a time). Returns how many screens there were.
pub fn for_each(f: impl FnMut(Shot)) -> Result<usize, ScreenError> {
    check_session()?;
    capture(f)
}

fn set(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|s| !s.is_empty())
}

#[cfg(target_os = "linux")]
fn capture(mut f: impl FnMut(Shot)) -> Result<usize, ScreenError> {
    if set("WAYLAND_DISPLAY") {
        match portal::capture() {
            Ok(shot) => {
                f(shot);
                return Ok(1);
            }
            Err(portal::PortalError::Unavailable(why)) if !set("DISPLAY") => {
                return Err(ScreenError::Failed(format!(
                    "the desktop portal's Screenshot is not available ({why})"
                )));
            }
            // no portal here (a bare compositor): X11 through Xwayland, if there is one
            Err(portal::PortalError::Unavailable(_)) => {}
            Err(portal::PortalError::Screen(e)) => return Err(e),
        }
    }
    x11::capture(f)
}

#[cfg(any(windows, target_os = "macos"))]
fn capture(f: impl FnMut(Shot)) -> Result<usize, ScreenError> {
    native::capture(f)
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
fn capture(_: impl FnMut(Shot)) -> Result<usize, ScreenError> {
    Err(ScreenError::Unsupported("on this system".into()))
}
