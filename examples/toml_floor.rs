//! Benchmark helper: how long parsing a decrypted vault takes, as plain TOML (`toml::Table`, the
//! floor) and through authcli's schema (`vault::parse`).
//! Usage: `toml_floor PLAINTEXT.toml` (best of 20 in one process), or `toml_floor --once
//! PLAINTEXT.toml`: read and parse once and exit, a fresh process like `authcli code`, to run in
//! turns beside it.

use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let once = args.first().is_some_and(|a| a == "--once");
    if once {
        args.remove(0);
    }
    let path = args
        .first()
        .cloned()
        .expect("usage: toml_floor [--once] PLAINTEXT.toml");
    let bytes = std::fs::read(&path).expect("readable file");
    if once {
        let text = std::str::from_utf8(&bytes).expect("UTF-8");
        let t: toml::Table = toml::from_str(text).expect("valid TOML");
        std::hint::black_box(t);
        return;
    }
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    let runs = 20;
    let time = |f: &dyn Fn()| {
        let mut best = f64::MAX;
        for _ in 0..runs {
            let t = Instant::now();
            f();
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        }
        best
    };
    let floor = time(&|| {
        let t: toml::Table = toml::from_str(text).expect("valid TOML");
        std::hint::black_box(t);
    });
    let ours = time(&|| {
        let v = authcli::vault::parse(std::path::Path::new(&path), &bytes).expect("valid vault");
        std::hint::black_box(v);
    });
    println!(
        "{} KiB: toml::from_str into a Table {floor:.3} ms (best of {runs}); authcli vault::parse {ours:.3} ms",
        bytes.len() / 1024
    );
}
