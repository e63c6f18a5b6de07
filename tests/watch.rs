//! `watch` in a real terminal: tmux runs it detached, `capture-pane` reads the screen,
//! `send-keys` types. Expected codes come from oathtool.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Env, have, oathtool_window, unix_now};

const GITHUB: &str = "JBSWY3DPEHPK3PXP";
const BANK: &str = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ";

/// A private tmux server (its own socket in the temp dir), killed on drop.
struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S").arg(&self.socket);
        c
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "w"])
    }

    /// Waits (at most 15 s) for the screen to satisfy `f`; returns the last screen.
    fn wait_for(&self, what: &str, f: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(15);
        loop {
            let s = self.screen();
            if f(&s) {
                return s;
            }
            assert!(Instant::now() < end, "timed out waiting for {what}:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}

fn start(env: &Env, dir: &Path, extra_env: &[(&str, &str)]) -> Tmux {
    let conf = dir.join("tmux.conf");
    // remain-on-exit: the pane stays after watch exits, so its exit status can be read.
    std::fs::write(&conf, "set -g remain-on-exit on\n").unwrap();
    let tmux = Tmux {
        socket: dir.join("tmux.sock"),
    };
    let bin = env!("CARGO_BIN_EXE_authcli");
    let mut c = tmux.cmd();
    c.arg("-f")
        .arg(&conf)
        .args(["new-session", "-d", "-s", "w", "-x", "110", "-y", "20"]);
    for (k, v) in [
        ("AUTHCLI_VAULT", env.vault.as_os_str()),
        ("AUTHCLI_IDENTITY", env.key.as_os_str()),
        ("HOME", env.dir.path().as_os_str()),
    ] {
        c.arg("-e").arg(format!("{k}={}", v.to_str().unwrap()));
    }
    for (k, v) in extra_env {
        c.arg("-e").arg(format!("{k}={v}"));
    }
    // The shell records watch's exit status in a file: tmux's own #{pane_dead_status} is not
    // always filled in on a loaded machine.
    c.arg(format!(
        "'{bin}' watch; echo \"exit=$?\" > '{}'",
        dir.join("status").display()
    ));
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    tmux
}

fn line_of<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("no line with {name}:\n{screen}"))
}

#[test]
fn watch_shows_live_codes_filters_and_quits_cleanly() {
    if !have("tmux") || !have("oathtool") {
        return;
    }
    let env = Env::with_key_vault();
    env.add_secret("github", GITHUB, &[]);
    env.add_secret("bank", BANK, &["--period", "15"]);
    env.add_secret(
        "token",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        &["--hotp", "--counter", "0"],
    );
    let tmux = start(&env, env.dir.path(), &[]);

    let s = tmux.wait_for("the account list", |s| {
        s.contains("github") && s.contains("bank") && s.contains("token")
    });
    let t = unix_now();
    let github = line_of(&s, "github");
    assert!(
        oathtool_window(GITHUB, 6, 30, t)
            .iter()
            .any(|c| github.contains(c.as_str())),
        "github line {github:?} has none of oathtool's codes around {t}"
    );
    let bank = line_of(&s, "bank");
    assert!(
        oathtool_window(BANK, 6, 15, t)
            .iter()
            .any(|c| bank.contains(c.as_str())),
        "bank line {bank:?} has none of oathtool's 15 s codes around {t}"
    );
    // HOTP: listed, never a code (that would spend the counter).
    let token = line_of(&s, "token");
    assert!(token.contains("HOTP"), "{token}");
    assert!(!token.chars().any(|c| c.is_ascii_digit()), "{token}");

    // `/` filter.
    tmux.run(&["send-keys", "-t", "w", "/", "ban", "Enter"]);
    // Wait until the Enter is handled too (the `_` cursor gone), or `q` would be filter text.
    tmux.wait_for("the filter", |s| {
        s.contains("filter: /ban")
            && !s.contains("filter: /ban_")
            && s.contains("q quit")
            && s.contains("bank")
            && !s.contains("github")
    });

    // q quits, with exit status 0 and the terminal restored (alternate screen left).
    tmux.run(&["send-keys", "-t", "w", "q"]);
    let status_file = tmux.socket.with_file_name("status");
    let end = Instant::now() + Duration::from_secs(30);
    while !status_file.exists() {
        assert!(
            Instant::now() < end,
            "watch did not exit after q:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        std::fs::read_to_string(&status_file).unwrap().trim(),
        "exit=0"
    );
    let st = tmux.run(&["display-message", "-p", "-t", "w", "#{alternate_on}"]);
    assert_eq!(st.trim(), "0", "alternate screen left:\n{}", tmux.screen());
    // The vault is untouched by watch: the HOTP counter was not spent.
    assert_eq!(env.ok(&["code", "token"], ""), "755224\n");
}

#[test]
fn watch_without_a_terminal_is_an_error() {
    let env = Env::with_key_vault();
    let err = env.fails(&["watch"], "", 1);
    assert!(err.contains("terminal"), "{err}");
}

#[test]
fn watch_colours_unless_no_color() {
    if !have("tmux") {
        return;
    }
    let env = Env::with_key_vault();
    env.add_secret("github", GITHUB, &[]);
    for (no_color, want_colour) in [(false, true), (true, false)] {
        let dir = env.dir.path().join(format!("tmux-{no_color}"));
        std::fs::create_dir_all(&dir).unwrap();
        let extra: &[(&str, &str)] = if no_color { &[("NO_COLOR", "1")] } else { &[] };
        let tmux = start(&env, &dir, extra);
        tmux.wait_for("the account list", |s| s.contains("github"));
        // -e keeps the escape sequences: foreground colours are SGR 3x / 9x / 38;5;n.
        let styled = tmux.run(&["capture-pane", "-e", "-p", "-t", "w"]);
        let has_colour = styled.contains("[38;5;")
            || (30..=37)
                .chain(90..=97)
                .any(|n| styled.contains(&format!("[{n}m")));
        assert_eq!(has_colour, want_colour, "NO_COLOR={no_color}:\n{styled:?}");
        tmux.run(&["send-keys", "-t", "w", "q"]);
    }
}
