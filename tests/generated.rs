//! completions/ and man/ are generated from the clap definitions; this test fails when they are
//! stale. Regenerate with `cargo run -- generate-assets` (or `SNAPSHOTS=overwrite cargo test`).

use std::path::Path;

use authcli::cmd::completions::{SHELLS, completion, man_pages};

fn check(path: &Path, want: &[u8], stale: &mut Vec<String>) {
    if std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, want).unwrap();
        return;
    }
    match std::fs::read(path) {
        Ok(have) if have == want => {}
        _ => stale.push(path.display().to_string()),
    }
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        check(
            &root.join("completions").join(file),
            &completion(shell),
            &mut stale,
        );
    }
    let pages = man_pages().unwrap();
    assert!(pages.len() >= 7, "authcli.1 plus one page per subcommand");
    for (file, bytes) in &pages {
        check(&root.join("man").join(file), bytes, &mut stale);
    }
    assert!(
        stale.is_empty(),
        "stale generated files (run `cargo run -- generate-assets`): {stale:?}"
    );
}

#[test]
fn completion_scripts_name_every_subcommand() {
    let bash = String::from_utf8(completion(clap_complete::Shell::Bash)).unwrap();
    for sub in [
        "init",
        "add",
        "list",
        "code",
        "watch",
        "remove",
        "rename",
        "merge",
        "completions",
    ] {
        assert!(bash.contains(sub), "{sub} missing from bash completions");
    }
    for (shell, _) in SHELLS {
        let script = String::from_utf8(completion(shell)).unwrap();
        for hidden in ["generate-assets", "__clipboard-serve"] {
            assert!(!script.contains(hidden), "{shell}: offers hidden {hidden}");
        }
    }
    for flag in ["--copy", "--wait-fresh"] {
        assert!(bash.contains(flag), "{flag} missing from bash completions");
    }
}

/// bash really loads the committed script and completes the new command and flags.
#[test]
fn bash_completes_watch_and_the_new_code_flags() {
    let ok = std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: bash is not installed");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/authcli.bash");
    let complete = |words: &str, cword: usize| {
        let prog = format!(
            "source \"$1\"; COMP_WORDS=({words}); COMP_CWORD={cword}; \
             _authcli authcli \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; \
             echo \"${{COMPREPLY[@]}}\""
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &prog, "bash"])
            .arg(&script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(complete("authcli wa", 1).trim(), "watch");
    let flags = complete("authcli code --", 2);
    for flag in ["--copy", "--wait-fresh", "--next", "--at", "--json"] {
        assert!(
            flags.split_whitespace().any(|f| f == flag),
            "{flag}: {flags}"
        );
    }
    let all = complete("authcli ''", 1);
    assert!(
        all.contains("watch") && !all.contains("__clipboard-serve"),
        "{all}"
    );
}
