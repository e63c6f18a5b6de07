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
    /// An image, as RGBA rows.
    Image {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// `width * height * 4` bytes.
        rgba: Vec<u8>,
    },
    /// Text (an otpauth URI, say).
    Text(Zeroizing<String>),
}

/// Reads the clipboard: an image if it holds one (where arboard supports images here), else
/// its text.
pub fn read() -> Result<Content, ClipboardError> {
    check_display()?;
    let mut cb =
        arboard::Clipboard::new().map_err(|e| ClipboardError::Unavailable(e.to_string()))?;
    #[cfg(any(target_os = "linux", windows))]
    if let Ok(img) = cb.get_image() {
        let (Ok(width), Ok(height)) = (u32::try_from(img.width), u32::try_from(img.height)) else {
            return Err(ClipboardError::Unavailable(
                "the clipboard image is too large".into(),
            ));
        };
        return Ok(Content::Image {
            width,
            height,
            rgba: img.bytes.into_owned(),
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

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
