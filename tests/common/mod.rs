//! Shared helpers for the integration tests: a hermetic environment around the real binary.
#![allow(dead_code, clippy::unused_self)]

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

/// A temporary HOME with a vault path and an identity path, and a cleared environment.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub vault: PathBuf,
    pub key: PathBuf,
}

impl Env {
    /// A fresh environment; no vault yet.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("data").join("vault.age");
        let key = dir.path().join("key.txt");
        Self { dir, vault, key }
    }

    /// A fresh environment with an initialised key-based vault.
    pub fn with_key_vault() -> Self {
        let env = Self::new();
        env.ok(&["init"], "");
        env
    }

    /// The binary with a cleared environment: HOME, PATH, the vault and the identity.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("authcli").unwrap();
        c.env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AUTHCLI_VAULT", &self.vault)
            .env("AUTHCLI_IDENTITY", &self.key)
            .current_dir(self.dir.path());
        c
    }

    /// Runs with `stdin`, returning (exit code, stdout, stderr).
    pub fn run_with(&self, mut c: Command, stdin: &str) -> (i32, String, String) {
        use std::io::Write;
        use std::process::Stdio;
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        {
            let mut si = child.stdin.take().unwrap();
            let _ = si.write_all(stdin.as_bytes());
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs `authcli ARGS` with `stdin`.
    pub fn run(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        let mut c = self.cmd();
        c.args(args);
        self.run_with(c, stdin)
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str], stdin: &str) -> String {
        let (code, out, err) = self.run(args, stdin);
        assert_eq!(code, 0, "authcli {args:?} failed: {err}");
        out
    }

    /// Runs and asserts the exit code; returns stderr.
    pub fn fails(&self, args: &[&str], stdin: &str, want: i32) -> String {
        let (code, out, err) = self.run(args, stdin);
        one_line_failure(code, &out, &err, want);
        err
    }

    /// The vault's bytes (to prove a failure left it untouched).
    pub fn vault_bytes(&self) -> Vec<u8> {
        std::fs::read(&self.vault).unwrap()
    }

    /// The account names in the vault at `vault`, in vault order (via `list --json`).
    pub fn names_in(&self, vault: &Path) -> Vec<String> {
        let mut c = self.cmd();
        c.env("AUTHCLI_VAULT", vault).args(["list", "--json"]);
        let (code, out, err) = self.run_with(c, "");
        assert_eq!(code, 0, "{} does not open: {err}", vault.display());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The account names in the env's vault.
    pub fn names(&self) -> Vec<String> {
        self.names_in(&self.vault)
    }

    /// Adds an account from a base32 secret with extra flags.
    pub fn add_secret(&self, name: &str, secret: &str, flags: &[&str]) {
        let mut args = vec!["add", name, "--secret"];
        args.extend_from_slice(flags);
        self.ok(&args, &format!("{secret}\n"));
    }
}

/// A failure as authcli must show it: exit `want`, nothing on stdout, one line on stderr, no
/// panic.
pub fn one_line_failure(code: i32, out: &str, err: &str, want: i32) {
    assert_eq!(code, want, "exit {code}, stdout {out:?}, stderr {err:?}");
    assert!(out.is_empty(), "stdout must stay empty on failure: {out:?}");
    assert_eq!(err.lines().count(), 1, "one line on stderr: {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Whether an external tool is on PATH; in CI a missing tool is a failure, not a skip.
pub fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is required in CI (.ci/run installs it)"
        );
        eprintln!("SKIPPED: {tool} is not installed");
    }
    found
}

/// oathtool's TOTP code, the independent oracle.
pub fn oathtool_totp(secret_b32: &str, alg: &str, digits: u8, period: u32, t: u64) -> String {
    oathtool(&[
        &format!("--totp={alg}"),
        "-d",
        &digits.to_string(),
        "-s",
        &format!("{period}s"),
        "-N",
        &format!("@{t}"),
        "-b",
        secret_b32,
    ])
}

/// oathtool's HOTP code for `counter`, the independent oracle.
pub fn oathtool_hotp(secret_b32: &str, digits: u8, counter: u64) -> String {
    oathtool(&[
        "--hotp",
        "-d",
        &digits.to_string(),
        "-c",
        &counter.to_string(),
        "-b",
        secret_b32,
    ])
}

/// Runs oathtool and returns its one line of output.
fn oathtool(args: &[&str]) -> String {
    let out = Command::new("oathtool").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Path of a file inside the env.
pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A PNG of `texts` as QR codes side by side on a white page (what a setup page shows).
pub fn qr_png(texts: &[&str]) -> Vec<u8> {
    let codes: Vec<image::GrayImage> = texts
        .iter()
        .map(|t| {
            qrcode::QrCode::new(t.as_bytes())
                .unwrap()
                .render::<image::Luma<u8>>()
                .module_dimensions(6, 6)
                .build()
        })
        .collect();
    let w = codes.iter().map(|c| c.width() + 80).sum::<u32>() + 80;
    let h = codes.iter().map(image::GrayImage::height).max().unwrap() + 160;
    let mut page = image::GrayImage::from_pixel(w, h, image::Luma([255]));
    let mut x = 80;
    for c in &codes {
        image::imageops::overlay(&mut page, c, i64::from(x), 80);
        x += c.width() + 80;
    }
    let mut out = std::io::Cursor::new(Vec::new());
    page.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Seconds since the epoch now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// oathtool's codes for the periods before, at and after `t`: what a screen or clipboard read
/// around `t` may show when a period boundary falls in between.
pub fn oathtool_window(secret_b32: &str, digits: u8, period: u32, t: u64) -> Vec<String> {
    let p = u64::from(period);
    [t.saturating_sub(p), t, t + p]
        .into_iter()
        .map(|t| oathtool_totp(secret_b32, "SHA1", digits, period, t))
        .collect()
}

/// A private X server (Xvfb) on a display number it picks itself (`-displayfd`), killed on drop.
pub struct Xvfb {
    child: std::process::Child,
    /// `:N`, for `DISPLAY`.
    pub display: String,
}

impl Xvfb {
    /// Starts one, or returns `None` (after printing SKIPPED) when Xvfb or xclip is missing
    /// outside CI.
    pub fn start() -> Option<Self> {
        if !have("xclip") {
            return None;
        }
        Self::with_screens(&["320x240x24"])
    }

    /// Starts one with these screens (`WIDTHxHEIGHTxDEPTH` each: `:N.0`, `:N.1`, …), or returns
    /// `None` (after printing SKIPPED) when Xvfb is missing outside CI.
    pub fn with_screens(screens: &[&str]) -> Option<Self> {
        use std::io::BufRead;
        use std::process::Stdio;
        if !have("Xvfb") {
            return None;
        }
        let mut args = vec![
            "-displayfd".to_owned(),
            "1".into(),
            "-nolisten".into(),
            "tcp".into(),
        ];
        for (n, geometry) in screens.iter().enumerate() {
            args.extend(["-screen".to_owned(), n.to_string(), (*geometry).to_owned()]);
        }
        let mut child = Command::new("Xvfb")
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let n = line.trim();
        assert!(!n.is_empty(), "Xvfb gave no display number");
        Some(Self {
            display: format!(":{n}"),
            child,
        })
    }

    /// `xclip -o` on the CLIPBOARD selection with `target`; `None` when nothing is offered.
    pub fn read(&self, target: &str) -> Option<String> {
        let out = Command::new("xclip")
            .args(["-o", "-selection", "clipboard", "-t", target])
            .env("DISPLAY", &self.display)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Copies `text` with xclip, as another program would.
    pub fn copy(&self, text: &str) {
        self.copy_as("UTF8_STRING", text.as_bytes());
    }

    /// Copies `bytes` offered as `target` (e.g. `image/png`) with xclip.
    pub fn copy_as(&self, target: &str, bytes: &[u8]) {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = Command::new("xclip")
            .args(["-i", "-selection", "clipboard", "-t", target])
            .env("DISPLAY", &self.display)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        // xclip forks a child that serves the selection; the parent exits at once.
        assert!(child.wait().unwrap().success());
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private D-Bus session bus with its own config and no service directories (nothing is
/// activated behind a test's back: no real portal, no real keyring), killed on drop.
#[cfg(unix)]
pub struct PrivateBus {
    child: std::process::Child,
    /// The bus address, for `$DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
}

#[cfg(unix)]
impl PrivateBus {
    /// Starts one listening in `dir` (created 0700).
    pub fn start(dir: &Path) -> Result<Self, String> {
        use std::io::BufRead;
        use std::os::unix::fs::PermissionsExt;
        use std::process::Stdio;
        let run = dir.join("run");
        std::fs::create_dir_all(&run).map_err(|e| e.to_string())?;
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| e.to_string())?;
        let config = dir.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                run.display()
            ),
        )
        .map_err(|e| e.to_string())?;
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--print-address=1", "--nofork"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("dbus-daemon: {e}"))?;
        let mut address = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut address)
            .map_err(|e| e.to_string())?;
        let bus = Self {
            child,
            address: address.trim().to_owned(),
        };
        if bus.address.is_empty() {
            return Err("dbus-daemon printed no address".into());
        }
        Ok(bus)
    }
}

#[cfg(unix)]
impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
