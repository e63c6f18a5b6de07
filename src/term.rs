//! Talking to the person at the terminal: hidden prompts and yes/no questions, always through
//! the controlling terminal (so `authcli code x | xclip` still asks), never through stdout.

use std::io::{self, BufRead, IsTerminal, Write};

use zeroize::Zeroizing;

/// Whether a person can be asked: stdin or stderr is a terminal.
///
/// Tests and scripts run with both redirected, so they never block on a prompt.
pub fn interactive() -> bool {
    io::stdin().is_terminal() || io::stderr().is_terminal()
}

/// Asks for a hidden line (passphrase, secret) on the controlling terminal.
pub fn prompt_hidden(prompt: &str) -> io::Result<Zeroizing<String>> {
    rpassword::prompt_password(prompt).map(Zeroizing::new)
}

#[cfg(unix)]
fn open_tty() -> io::Result<(std::fs::File, std::fs::File)> {
    let r = std::fs::File::open("/dev/tty")?;
    let w = std::fs::OpenOptions::new().write(true).open("/dev/tty")?;
    Ok((r, w))
}

#[cfg(windows)]
fn open_tty() -> io::Result<(std::fs::File, std::fs::File)> {
    let r = std::fs::File::open("CONIN$")?;
    let w = std::fs::OpenOptions::new().write(true).open("CONOUT$")?;
    Ok((r, w))
}

/// Shows `prompt` on the terminal and reads one line typed there (without its line end).
fn ask_line(prompt: &str) -> io::Result<String> {
    let (r, mut w) = open_tty()?;
    write!(w, "{prompt}")?;
    w.flush()?;
    let mut line = String::new();
    io::BufReader::new(r).read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Asks a yes/no question on the terminal; Enter alone answers `default`.
pub fn confirm(question: &str, default: bool) -> io::Result<bool> {
    let hint = if default { "[Y/n]" } else { "[y/N]" };
    let answer = ask_line(&format!("{question} {hint} "))?
        .trim()
        .to_ascii_lowercase();
    Ok(match answer.as_str() {
        "" => default,
        "y" | "yes" => true,
        _ => false,
    })
}

/// Shows `prompt` on the terminal and waits for Enter; `false` when the person typed `q`.
pub fn wait_enter(prompt: &str) -> io::Result<bool> {
    Ok(!ask_line(prompt)?.trim().eq_ignore_ascii_case("q"))
}

/// age's callbacks for plugins (a hardware key asking for its PIN or a touch), answered on
/// the terminal. Without one, a request goes unanswered and [`Prompts::unanswered`] says so,
/// for one clear error in place of the plugin's own.
#[derive(Clone, Default)]
pub struct Prompts {
    unanswered: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Prompts {
    /// Whether a plugin asked for something while there was no terminal to answer it.
    pub fn unanswered(&self) -> bool {
        self.unanswered.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn person(&self) -> bool {
        let here = interactive();
        if !here {
            self.unanswered
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        here
    }
}

impl age::Callbacks for Prompts {
    fn display_message(&self, message: &str) {
        eprintln!("{}", crate::text::one_line(message));
    }

    fn confirm(&self, message: &str, yes: &str, no: Option<&str>) -> Option<bool> {
        if !self.person() {
            return None;
        }
        let no = no.unwrap_or("no");
        let line = ask_line(&format!("{} [{yes}/{no}] ", crate::text::one_line(message))).ok()?;
        Some(line.trim().eq_ignore_ascii_case(yes) || line.trim().eq_ignore_ascii_case("y"))
    }

    fn request_public_string(&self, description: &str) -> Option<String> {
        if !self.person() {
            return None;
        }
        ask_line(&format!("{}: ", crate::text::one_line(description))).ok()
    }

    fn request_passphrase(&self, description: &str) -> Option<age::secrecy::SecretString> {
        if !self.person() {
            return None;
        }
        let p = prompt_hidden(&format!("{}: ", crate::text::one_line(description))).ok()?;
        Some(age::secrecy::SecretString::from(p.to_string()))
    }
}
