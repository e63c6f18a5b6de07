//! `--copy` glue: how long the clipboard keeps a code (`$AUTHCLI_CLIPBOARD_SECONDS`), copying
//! through the detached helper, and the helper itself (the hidden `__clipboard-serve`).

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

use crate::cli::ClipboardServeArgs;
use crate::clipboard;

/// Default seconds before the clipboard is cleared.
pub const DEFAULT_SECONDS: u64 = 20;

/// The longest hold accepted from `$AUTHCLI_CLIPBOARD_SECONDS` (one hour).
const MAX_SECONDS: u64 = 3600;

/// How long a copied code stays: `$AUTHCLI_CLIPBOARD_SECONDS`, else 20 s.
pub fn hold_seconds() -> Result<u64> {
    let Some(v) = std::env::var_os("AUTHCLI_CLIPBOARD_SECONDS") else {
        return Ok(DEFAULT_SECONDS);
    };
    let v = v.to_string_lossy();
    match v.trim().parse::<u64>() {
        Ok(n) if (1..=MAX_SECONDS).contains(&n) => Ok(n),
        _ => bail!(
            "AUTHCLI_CLIPBOARD_SECONDS must be a number of seconds from 1 to {MAX_SECONDS}, not {v:?}"
        ),
    }
}

/// Puts `code` on the clipboard through the detached helper; returns the seconds it stays.
pub fn copy(code: &str) -> Result<u64> {
    let secs = hold_seconds()?;
    clipboard::check_display()?;
    let exe = std::env::current_exe()
        .context("could not find the authcli binary to serve the clipboard")?;
    clipboard::copy_detached(&exe, code, Duration::from_secs(secs))
        .context("could not copy the code")?;
    Ok(secs)
}

/// The per-user file naming the newest clipboard helper: in `$XDG_RUNTIME_DIR` (private to the
/// user) where there is one, else in the user's cache folder.
fn baton_path() -> Option<std::path::PathBuf> {
    match dirs::runtime_dir() {
        Some(d) => Some(d.join("authcli-clipboard")),
        None => dirs::cache_dir().map(|d| d.join("authcli").join("clipboard")),
    }
}

/// Runs the helper: reads the code from stdin, takes the clipboard, answers `ok` (or
/// `error: …`) on stdout, then serves and clears.
pub fn serve(args: &ClipboardServeArgs) -> Result<()> {
    let input = super::read_stdin_limited(1024)?;
    let text = std::str::from_utf8(&input).context("the code on stdin is not UTF-8")?;
    let text = Zeroizing::new(text.trim_end_matches(['\r', '\n']).to_owned());
    if text.is_empty() {
        bail!("no code on stdin");
    }
    let mut out = std::io::stdout();
    match clipboard::take(text, Duration::from_secs(args.seconds), baton_path()) {
        Ok(served) => {
            // The caller stops reading after this line; nothing else is written.
            let _ = writeln!(out, "ok").and_then(|()| out.flush());
            served.hold_then_clear();
            Ok(())
        }
        Err(e) => {
            let _ = writeln!(out, "error: {e}").and_then(|()| out.flush());
            Err(e.into())
        }
    }
}
