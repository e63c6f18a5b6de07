//! Peak memory of `add --qr FILE` and `add --qr-clipboard` on images made to cost memory: an
//! 8192 × 8192 16-bit RGBA PNG of zeros (510 KB on disk, 512 MB as pixels), the same at 8 bits,
//! and an image one pixel over the limit. Goal: at most 400 MB peak (RSS) for any of them, and
//! one clear line with exit 1, the vault untouched.
//!
//! Peak RSS comes from `/usr/bin/time -f %M` (GNU time) for each run. Without it the test falls
//! back to `getrusage(RUSAGE_CHILDREN)`: the largest peak of every child this test binary has
//! waited for, an upper bound that holds the same limit.

mod common;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Env, Xvfb, path_str};

/// The limit, in KiB as `time` and `getrusage` report it.
const LIMIT_KIB: u64 = 400 * 1000 * 1000 / 1024;

const SIDE: u32 = 8192;

/// A PNG of zeros (`w`×`h`, colour type and depth as given), written row by row.
fn zeros_png(path: &Path, w: u32, h: u32, color: png::ColorType, depth: png::BitDepth) {
    let file = BufWriter::new(File::create(path).unwrap());
    let mut enc = png::Encoder::new(file, w, h);
    enc.set_color(color);
    enc.set_depth(depth);
    let mut writer = enc.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let bytes = color.samples() * (depth as usize) / 8;
    let row = vec![0u8; w as usize * bytes];
    for _ in 0..h {
        stream.write_all(&row).unwrap();
    }
    stream.finish().unwrap();
}

/// An uncompressed 24-bit BMP of zeros, `side` × `side`: a file as large as its pixels.
fn zeros_bmp(path: &Path, side: u32) {
    let row = side as usize * 3; // a multiple of 4 for the sides used here
    let pixels = u32::try_from(row * side as usize).unwrap();
    let mut f = BufWriter::new(File::create(path).unwrap());
    f.write_all(b"BM").unwrap();
    for v in [54 + pixels, 0, 54, 40, side, side] {
        f.write_all(&v.to_le_bytes()).unwrap();
    }
    f.write_all(&1u16.to_le_bytes()).unwrap(); // planes
    f.write_all(&24u16.to_le_bytes()).unwrap(); // bits per pixel
    for v in [0, pixels, 2835, 2835, 0, 0] {
        f.write_all(&v.to_le_bytes()).unwrap();
    }
    let zeros = vec![0u8; row];
    for _ in 0..side {
        f.write_all(&zeros).unwrap();
    }
    f.flush().unwrap();
}

/// The hostile files, made once per test.
fn hostile(dir: &Path) -> [(&'static str, std::path::PathBuf); 3] {
    let files = [
        ("rgba16-8192.png", SIDE, SIDE, png::BitDepth::Sixteen),
        ("rgba8-8192.png", SIDE, SIDE, png::BitDepth::Eight),
        ("rgba8-8193x8192.png", SIDE + 1, SIDE, png::BitDepth::Eight),
    ];
    files.map(|(name, w, h, depth)| {
        let p = dir.join(name);
        zeros_png(&p, w, h, png::ColorType::Rgba, depth);
        (name, p)
    })
}

fn has_gnu_time() -> bool {
    Path::new("/usr/bin/time").exists()
        && Command::new("/usr/bin/time")
            .args(["-f", "%M", "true"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Runs `c` (built by `Env::cmd`, with its environment) and returns (exit code, stdout,
/// stderr, peak RSS in KiB).
fn run_measured(env: &Env, c: &Command) -> (i32, String, String, u64) {
    let dir = env.dir.path();
    let mut m = if has_gnu_time() {
        let mut m = Command::new("/usr/bin/time");
        m.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(dir.join("peak.txt"))
            .arg(c.get_program());
        m
    } else {
        Command::new(c.get_program())
    };
    m.args(c.get_args()).env_clear().current_dir(dir);
    for (k, v) in c.get_envs() {
        if let Some(v) = v {
            m.env(k, v);
        }
    }
    let (code, out, err) = env.run_with(m, "");
    let peak = if has_gnu_time() {
        let text = std::fs::read_to_string(dir.join("peak.txt")).unwrap();
        text.lines().last().unwrap().trim().parse().unwrap()
    } else {
        children_peak_kib()
    };
    (code, out, err, peak)
}

/// The largest peak RSS of the children waited for so far, in KiB.
fn children_peak_kib() -> u64 {
    #[cfg(unix)]
    {
        use nix::sys::resource::{UsageWho, getrusage};
        u64::try_from(getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss()).unwrap()
    }
    #[cfg(not(unix))]
    unreachable!("the tests return first outside Linux")
}

/// Whether peak memory can be measured here (Linux); prints SKIPPED when not.
fn can_measure() -> bool {
    let linux = cfg!(target_os = "linux");
    if !linux {
        eprintln!("SKIPPED: peak memory is measured on Linux only");
    }
    linux
}

fn announce_method() {
    if has_gnu_time() {
        eprintln!("peak RSS from /usr/bin/time -f %M");
    } else {
        eprintln!(
            "NOTE: /usr/bin/time missing; peak RSS from getrusage(RUSAGE_CHILDREN), an upper bound"
        );
    }
}

#[test]
fn hostile_images_from_a_file_stay_under_400_mb() {
    if !can_measure() {
        return;
    }
    announce_method();
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    for (name, path) in hostile(env.dir.path()) {
        let mut c = env.cmd();
        c.args(["add", "--qr", path_str(&path)]);
        let (code, out, err, peak) = run_measured(&env, &c);
        eprintln!(
            "add --qr {name}: peak {} MB, {err:?}",
            peak * 1024 / 1_000_000
        );
        assert_eq!((code, out.as_str()), (1, ""), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(name), "{name}: names the file: {err}");
        if name.contains("8193") {
            assert!(
                err.contains("image too large: 8193x8192 pixels, the limit is 67108864 pixels"),
                "{err}"
            );
        } else {
            assert!(err.contains("no QR code found"), "{name}: {err}");
        }
        assert!(
            peak <= LIMIT_KIB,
            "{name}: peak {peak} KiB, over {LIMIT_KIB} KiB"
        );
        assert_eq!(env.vault_bytes(), before, "{name}");
    }
    // A 201 MB BMP that decodes to 201 MB more, and a small lossless RGB WebP whose decoder
    // holds an RGBA copy beside the RGB output: refused from their headers.
    let bmp = env.dir.path().join("rgb24-8192.bmp");
    zeros_bmp(&bmp, SIDE);
    let webp = env.dir.path().join("rgb-8192.webp");
    image::RgbImage::new(SIDE, SIDE)
        .save_with_format(&webp, image::ImageFormat::WebP)
        .unwrap();
    for (path, want) in [
        (
            &bmp,
            "image too large to decode: 8192x8192 BMP pixels and the file take 403 MB, the limit is 360 MB",
        ),
        (
            &webp,
            "image too large to decode: 8192x8192 WebP pixels and the file take 470 MB, the limit is 360 MB",
        ),
    ] {
        let mut c = env.cmd();
        c.args(["add", "--qr", path_str(path)]);
        let (code, out, err, peak) = run_measured(&env, &c);
        eprintln!(
            "add --qr {}: peak {} MB, {err:?}",
            path.display(),
            peak * 1024 / 1_000_000
        );
        std::fs::remove_file(path).unwrap();
        assert_eq!((code, out.as_str()), (1, ""), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(want), "{err}");
        assert!(peak <= LIMIT_KIB, "peak {peak} KiB, over {LIMIT_KIB} KiB");
        assert_eq!(env.vault_bytes(), before);
    }
}

#[test]
fn hostile_pngs_in_the_clipboard_stay_under_400_mb() {
    if !can_measure() {
        return;
    }
    let Some(x) = Xvfb::start() else { return };
    announce_method();
    let env = Env::with_key_vault();
    let before = env.vault_bytes();
    for (name, path) in hostile(env.dir.path()) {
        let bytes = std::fs::read(&path).unwrap();
        x.copy_as("image/png", &bytes);
        // xclip's background child takes the selection shortly after its parent exits: wait
        // until it serves these bytes, not the previous file's
        let offered = String::from_utf8_lossy(&bytes).into_owned();
        let end = Instant::now() + Duration::from_secs(10);
        while x.read("image/png").as_ref() != Some(&offered) {
            assert!(Instant::now() < end, "xclip never offered {name}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut c = env.cmd();
        c.args(["add", "--qr-clipboard"]).env("DISPLAY", &x.display);
        let (code, out, err, peak) = run_measured(&env, &c);
        eprintln!(
            "add --qr-clipboard ({name}): peak {} MB, {err:?}",
            peak * 1024 / 1_000_000
        );
        assert_eq!((code, out.as_str()), (1, ""), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        if name.contains("8193") {
            assert!(
                err.contains("image too large: 8193x8192 pixels, the limit is 67108864 pixels"),
                "{err}"
            );
        } else {
            assert!(
                err.contains("no QR code found in the clipboard image (8192x8192)"),
                "{err}"
            );
        }
        assert!(
            peak <= LIMIT_KIB,
            "{name}: peak {peak} KiB, over {LIMIT_KIB} KiB"
        );
        assert_eq!(env.vault_bytes(), before, "{name}");
    }
}
