//! The detached clipboard helper (`__clipboard-serve`) lives on for up to an hour after
//! `code --copy` returns, and on Linux its environment is readable in `/proc/PID/environ` all
//! that time: it must hold no passphrase, only what the clipboard needs.

mod common;

use std::time::{Duration, Instant};

use common::{Env, Xvfb};

const SECRET: &str = "JBSWY3DPEHPK3PXP";
const PASSPHRASE: &str = "correct horse battery staple 4711";

/// What a clipboard helper may see on Linux (`detached::PASSED_ON` outside Windows and macOS).
const ALLOWED: &[&str] = &[
    "HOME",
    "TMPDIR",
    "AUTHCLI_CONFIG",
    "DISPLAY",
    "XAUTHORITY",
    "WAYLAND_DISPLAY",
    "XDG_RUNTIME_DIR",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
];

/// The environments of the running clipboard helpers whose `HOME` is `home`.
fn helper_environs(home: &str) -> Vec<Vec<(String, String)>> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let home_entry = format!("HOME={home}");
    dir.filter_map(|e| {
        let path = e.ok()?.path();
        let cmdline = std::fs::read(path.join("cmdline")).ok()?;
        let cmdline = String::from_utf8_lossy(&cmdline);
        if !(cmdline.contains(env!("CARGO_BIN_EXE_authcli"))
            && cmdline.contains("__clipboard-serve"))
        {
            return None;
        }
        let environ = std::fs::read(path.join("environ")).ok()?;
        let vars: Vec<String> = environ
            .split(|&b| b == 0)
            .filter(|v| !v.is_empty())
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect();
        vars.contains(&home_entry).then(|| {
            vars.iter()
                .map(|v| {
                    let (k, val) = v.split_once('=').unwrap_or((v, ""));
                    (k.to_owned(), val.to_owned())
                })
                .collect()
        })
    })
    .collect()
}

#[test]
fn the_clipboard_helper_gets_no_passphrase_and_only_what_it_needs() {
    if !cfg!(target_os = "linux") {
        eprintln!("SKIPPED: reads /proc/PID/environ (Linux only)");
        return;
    }
    let Some(x) = Xvfb::start() else { return };
    let env = Env::with_key_vault();
    env.add_secret("github", SECRET, &[]);
    let pass_file = env.dir.path().join("pass.txt");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).unwrap();
    let home = env.dir.path().to_str().unwrap().to_owned();

    let mut c = env.cmd();
    c.args(["code", "github", "--copy"])
        .env("DISPLAY", &x.display)
        .env("AUTHCLI_CLIPBOARD_SECONDS", "3")
        .env("AUTHCLI_PASSPHRASE", PASSPHRASE)
        .env("AUTHCLI_PASSPHRASE_FILE", &pass_file)
        .env("AUTHCLI_NEW_PASSPHRASE", PASSPHRASE)
        .env("AUTHCLI_IMPORT_PASSPHRASE", PASSPHRASE)
        .env("SOME_TOKEN", "not for helpers");
    let (code, out, err) = env.run_with(c, "");
    assert_eq!((code, out.as_str()), (0, ""), "{err}");

    // authcli has exited; its helper serves the code.
    let pasted = x.read("UTF8_STRING").expect("the code is on the clipboard");
    assert!(
        pasted.len() == 6 && pasted.bytes().all(|b| b.is_ascii_digit()),
        "{pasted:?}"
    );

    let end = Instant::now() + Duration::from_secs(5);
    let mut environs = helper_environs(&home);
    while environs.is_empty() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(100));
        environs = helper_environs(&home);
    }
    assert_eq!(environs.len(), 1, "one helper for this HOME: {environs:?}");
    let vars = &environs[0];
    let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    for (k, v) in vars {
        assert!(!k.contains("PASSPHRASE"), "{k} passed on to the helper");
        assert!(!v.contains(PASSPHRASE), "the passphrase is in {k}");
    }
    for k in &names {
        assert!(ALLOWED.contains(k), "{k} passed on: {names:?}");
    }
    assert!(names.contains(&"DISPLAY"), "{names:?}");
    assert!(names.contains(&"HOME"), "{names:?}");

    // It still does its whole job: the code is cleared after the 3 s hold, and the helper ends.
    let end = Instant::now() + Duration::from_secs(15);
    while (x.read("UTF8_STRING").is_some() || !helper_environs(&home).is_empty())
        && Instant::now() < end
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(x.read("UTF8_STRING"), None, "not cleared");
    assert!(
        helper_environs(&home).is_empty(),
        "the helper is still running"
    );
}
