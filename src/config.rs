//! The optional configuration file: `$AUTHCLI_CONFIG`, else `authcli/config.toml` in the
//! platform config folder (Linux `$XDG_CONFIG_HOME/authcli/config.toml`, i.e.
//! `~/.config/authcli/config.toml`; macOS `~/Library/Application Support/authcli/config.toml`).
//!
//! ```toml
//! unlock_by_default = true   # a command that had to ask for the passphrase starts the agent
//! unlock_for = "8h"          # how long agents stay (also `authcli unlock` without --for)
//! ```
//!
//! No file means the defaults (no agent unless `authcli unlock`, 15 minutes). Unknown keys and
//! bad values are errors that name the file, as in the vault.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// The settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Start the unlock agent after a command that had to unlock a passphrase vault.
    pub unlock_by_default: bool,
    /// How long an agent stays when `--for` / `$AUTHCLI_UNLOCK_FOR` do not say.
    pub unlock_for: Option<Duration>,
}

/// A configuration file that cannot be used: one line, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("config file {}: {detail}", .path.display())]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong, and where.
    pub detail: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    #[serde(default)]
    unlock_by_default: bool,
    #[serde(default)]
    unlock_for: Option<String>,
}

/// Where the file is looked for: `$AUTHCLI_CONFIG`, else the platform config folder.
pub fn path() -> Option<PathBuf> {
    match std::env::var_os("AUTHCLI_CONFIG") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => dirs::config_dir().map(|d| d.join("authcli").join("config.toml")),
    }
}

/// Reads the configuration; defaults when there is no file (a missing `$AUTHCLI_CONFIG` file is
/// an error: it was asked for).
pub fn load() -> Result<Config, ConfigError> {
    let Some(path) = path() else {
        return Ok(Config::default());
    };
    let explicit = std::env::var_os("AUTHCLI_CONFIG").is_some_and(|p| !p.is_empty());
    match std::fs::read(&path) {
        Ok(bytes) => parse(&path, &bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(Config::default()),
        Err(e) => Err(ConfigError {
            path,
            detail: format!("cannot read it: {e}"),
        }),
    }
}

/// Parses the file's bytes; `path` is for messages.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Config, ConfigError> {
    let fail = |detail: String| ConfigError {
        path: path.to_owned(),
        detail,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".into()))?;
    let repr: Repr = toml::from_str(text).map_err(|e| {
        let msg = crate::text::one_line(e.message());
        match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                fail(format!("line {line}: {msg}"))
            }
            None => fail(msg),
        }
    })?;
    let unlock_for = repr
        .unlock_for
        .map(|d| crate::time::parse_duration(&d).map_err(|e| fail(format!("unlock_for: {e}"))))
        .transpose()?;
    Ok(Config {
        unlock_by_default: repr.unlock_by_default,
        unlock_for,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Config, String> {
        parse(Path::new("/c/config.toml"), s.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn settings_and_defaults() {
        assert_eq!(parse_str(""), Ok(Config::default()));
        assert_eq!(
            parse_str("unlock_by_default = true\nunlock_for = \"1h30m\"\n"),
            Ok(Config {
                unlock_by_default: true,
                unlock_for: Some(Duration::from_secs(90 * 60)),
            })
        );
        assert_eq!(
            parse_str("# nothing yet\nunlock_by_default = false\n"),
            Ok(Config::default())
        );
    }

    #[test]
    fn errors_are_one_line_naming_the_file() {
        for (text, want) in [
            (
                "unlock_by_default = true\nunlok_for = \"1h\"\n",
                "config file /c/config.toml: line 2: unknown field `unlok_for`",
            ),
            (
                "unlock_by_default = \"yes\"\n",
                "config file /c/config.toml: line 1: invalid type",
            ),
            (
                "unlock_for = \"soon\"\n",
                "config file /c/config.toml: unlock_for: invalid duration \"soon\"",
            ),
            ("[agent\n", "config file /c/config.toml: line 1:"),
        ] {
            let err = parse_str(text).unwrap_err();
            assert!(err.starts_with(want), "{text:?}: {err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }
}
