//! `completions` and the hidden `generate-assets`: shell completions and man pages, rendered
//! from the clap definitions (the files in completions/ and man/ are this output, kept fresh by
//! `tests/generated.rs`).

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Shells with a committed completion file, and its name.
pub const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "authcli.bash"),
    (Shell::Zsh, "_authcli"),
    (Shell::Fish, "authcli.fish"),
    (Shell::PowerShell, "_authcli.ps1"),
    (Shell::Elvish, "authcli.elv"),
];

/// The completion script for one shell.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(
        shell,
        &mut without_hidden(&Cli::command()),
        "authcli",
        &mut out,
    );
    out
}

/// The command without its hidden subcommands (`generate-assets`, `__clipboard-serve`):
/// `clap_complete` would otherwise offer them on Tab.
fn without_hidden(full: &clap::Command) -> clap::Command {
    let visible: Vec<clap::Command> = full
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let mut cmd = clap::Command::new(full.get_name().to_owned())
        .args(full.get_arguments().cloned())
        .subcommands(visible)
        .subcommand_required(full.is_subcommand_required_set());
    if let Some(v) = full.get_version() {
        cmd = cmd.version(v.to_owned());
    }
    if let Some(a) = full.get_about() {
        cmd = cmd.about(a.clone());
    }
    if let Some(a) = full.get_long_about() {
        cmd = cmd.long_about(a.clone());
    }
    cmd
}

/// Man pages: `authcli.1` and `authcli-<sub>.1` for each visible subcommand.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let cmd = Cli::command();
    let mut pages = Vec::new();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    pages.push(("authcli.1".to_owned(), out));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("authcli-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name.clone())
            .version(cmd.get_version().unwrap_or("").to_owned());
        let mut out = Vec::new();
        clap_mangen::Man::new(sub).render(&mut out)?;
        pages.push((format!("{name}.1"), out));
    }
    Ok(pages)
}

/// Prints the completion script.
pub fn run(shell: Shell) -> Result<()> {
    crate::output::write_bytes(&completion(shell))
}

/// Writes completions/ and man/ under `dir`.
pub fn generate_assets(dir: &Path) -> Result<()> {
    let comp = dir.join("completions");
    let man = dir.join("man");
    std::fs::create_dir_all(&comp)
        .with_context(|| format!("could not create {}", comp.display()))?;
    std::fs::create_dir_all(&man).with_context(|| format!("could not create {}", man.display()))?;
    for (shell, file) in SHELLS {
        let p = comp.join(file);
        std::fs::write(&p, completion(shell))
            .with_context(|| format!("could not write {}", p.display()))?;
    }
    for (file, bytes) in man_pages()? {
        let p = man.join(file);
        std::fs::write(&p, bytes).with_context(|| format!("could not write {}", p.display()))?;
    }
    eprintln!("wrote {} and {}", comp.display(), man.display());
    Ok(())
}
