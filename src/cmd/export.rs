//! `export`: accounts → otpauth URIs, authcli JSON, Google Authenticator migration URIs, or QR
//! codes (terminal or PNG files). Reveals secrets, so it asks first (or needs `--yes`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

use super::Ctx;
use crate::account::Account;
use crate::cli::{ExportArgs, ExportFormat};
use crate::export::{self, TermStyle};
use crate::output;
use crate::term;
use crate::uri;
use crate::vault;

/// Runs `export`.
pub fn run(ctx: &Ctx, args: &ExportArgs) -> Result<()> {
    let session = ctx.open()?;
    let vault = &session.vault;
    let accounts: Vec<Account> = crate::ops::pick(vault, &args.queries)?
        .into_iter()
        .map(|i| vault.accounts[i].clone())
        .collect();
    if accounts.is_empty() {
        bail!("the vault is empty; nothing to export");
    }
    if let Some(p) = args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        let is_dir_format = matches!(args.format, ExportFormat::Qr | ExportFormat::MigrationQr);
        if p.exists() && !(is_dir_format && p.is_dir()) {
            bail!(
                "{} already exists; choose a new path (authcli never overwrites an export)",
                p.display()
            );
        }
    }
    confirm(args, accounts.len())?;

    match args.format {
        ExportFormat::Uri => {
            let mut text = Zeroizing::new(String::new());
            for a in &accounts {
                text.push_str(&uri::to_otpauth(a));
                text.push('\n');
            }
            emit_text(args.output.as_deref(), &text)?;
        }
        ExportFormat::Json => emit_text(args.output.as_deref(), &export::to_json(&accounts))?,
        ExportFormat::Migration => {
            let codes = migration(&accounts, export::MIGRATION_PER_CODE)?;
            let mut text = Zeroizing::new(String::new());
            for (_, c) in &codes {
                text.push_str(c);
                text.push('\n');
            }
            emit_text(args.output.as_deref(), &text)?;
        }
        ExportFormat::Qr => {
            let items: Vec<(String, String, Zeroizing<String>)> = accounts
                .iter()
                .map(|a| {
                    (
                        format!("{}{}", a.name, a.label_suffix()),
                        file_name(&a.name),
                        uri::to_otpauth(a),
                    )
                })
                .collect();
            show_qr(args.output.as_deref(), &items)?;
        }
        ExportFormat::MigrationQr => {
            let codes = match (&args.output, terminal()) {
                (None, Some(size)) => migration_fitting(&accounts, size)?,
                _ => migration(&accounts, export::MIGRATION_PER_CODE)?,
            };
            show_qr(args.output.as_deref(), &codes_as_items(&codes))?;
        }
    }
    let what = if accounts.len() == 1 {
        "account"
    } else {
        "accounts"
    };
    match args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        Some(p) => eprintln!(
            "exported {} {what} to {} — it holds your secrets: delete it once it has served",
            accounts.len(),
            p.display()
        ),
        None => eprintln!("exported {} {what}", accounts.len()),
    }
    Ok(())
}

fn confirm(args: &ExportArgs, n: usize) -> Result<()> {
    if args.yes {
        return Ok(());
    }
    if !term::interactive() {
        bail!(
            "export reveals the secrets of your accounts; pass --yes to confirm (no terminal to ask)"
        );
    }
    eprintln!(
        "warning: this shows the secrets of {n} account(s); anyone who sees them (or a screenshot, or the file) can make your codes"
    );
    if !term::confirm("Export them?", false).context("could not ask on the terminal")? {
        bail!("nothing exported");
    }
    Ok(())
}

/// The terminal's (columns, lines) when stdout is one.
fn terminal() -> Option<(usize, usize)> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, h)| (usize::from(w.0), usize::from(h.0)))
}

/// Whether a QR code of `size` modules fits the terminal with its title and prompt lines.
fn fits(size: usize, (cols, lines): (usize, usize)) -> bool {
    size <= cols && size.div_ceil(2) + 3 <= lines
}

/// Migration codes with as many accounts each (at most Google's 10) as still fit the terminal,
/// so that the phone sees a whole code.
fn migration_fitting(
    accounts: &[Account],
    term: (usize, usize),
) -> Result<Vec<(String, Zeroizing<String>)>> {
    for per_code in (2..=export::MIGRATION_PER_CODE).rev() {
        let out = uri::to_migration(accounts, per_code, 0);
        let all_fit = out
            .codes
            .iter()
            .all(|c| export::qr_size(c).is_ok_and(|s| fits(s, term)));
        if all_fit {
            if per_code < export::MIGRATION_PER_CODE && accounts.len() > per_code {
                note_fitting(per_code, term);
            }
            return migration(accounts, per_code);
        }
    }
    if accounts.len() > 1 {
        note_fitting(1, term);
    }
    migration(accounts, 1)
}

fn note_fitting(per_code: usize, (cols, lines): (usize, usize)) {
    eprintln!(
        "note: {per_code} account(s) per code to fit this {cols}×{lines} terminal; a larger window (or a smaller font) takes fewer codes"
    );
}

/// Migration URIs with a title each; accounts the format cannot carry are named on stderr.
fn migration(accounts: &[Account], per_code: usize) -> Result<Vec<(String, Zeroizing<String>)>> {
    let out = uri::to_migration(accounts, per_code, batch_id());
    for s in &out.unrepresentable {
        eprintln!("not exported {}: {}", s.label, s.reason);
    }
    if out.codes.is_empty() {
        bail!("none of the accounts fits a Google Authenticator export; use --format qr");
    }
    let n = out.codes.len();
    Ok(out
        .codes
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            (
                format!("Google Authenticator export, code {} of {n}", i + 1),
                c,
            )
        })
        .collect())
}

fn codes_as_items(
    codes: &[(String, Zeroizing<String>)],
) -> Vec<(String, String, Zeroizing<String>)> {
    let n = codes.len();
    codes
        .iter()
        .enumerate()
        .map(|(i, (title, c))| {
            (
                title.clone(),
                format!("migration-{}-of-{n}", i + 1),
                c.clone(),
            )
        })
        .collect()
}

/// Google uses a random batch id; the clock's nanoseconds serve as well.
fn batch_id() -> i32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| {
            let s = d.as_secs().to_le_bytes();
            d.subsec_nanos() ^ u32::from_le_bytes([s[0], s[1], s[2], s[3]])
        });
    i32::from_ne_bytes(nanos.to_ne_bytes())
}

/// A file name from an account name: letters, digits, `-`, `_`, `.`; anything else `_`.
fn file_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_start_matches('.').to_owned();
    if s.is_empty() { "account".into() } else { s }
}

/// Creates a new private file (0600) and writes `bytes`; refuses to replace anything.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("could not create {}", path.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("could not write {}", path.display()))
}

fn emit_text(output: Option<&Path>, text: &str) -> Result<()> {
    match output {
        Some(p) if p.as_os_str() != "-" => write_new(p, text.as_bytes()),
        _ => output::write_bytes(text.as_bytes()),
    }
}

/// Shows QR codes one at a time on the terminal, or writes them as PNG files into a folder.
fn show_qr(output: Option<&Path>, items: &[(String, String, Zeroizing<String>)]) -> Result<()> {
    if let Some(dir) = output.filter(|p| p.as_os_str() != "-") {
        vault::create_private_dir(dir)?;
        let mut used: Vec<PathBuf> = Vec::new();
        for (_, stem, text) in items {
            let mut path = dir.join(format!("{stem}.png"));
            let mut n = 2;
            while used.contains(&path) {
                path = dir.join(format!("{stem}-{n}.png"));
                n += 1;
            }
            let png = export::qr_png(text)?;
            write_new(&path, &png)?;
            used.push(path);
        }
        return Ok(());
    }
    let style = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        TermStyle::Plain
    } else {
        TermStyle::Ansi
    };
    let tty = std::io::stdout().is_terminal();
    let term = terminal();
    for (i, (title, _, text)) in items.iter().enumerate() {
        if let Some(size) = term
            && !fits(export::qr_size(text)?, size)
        {
            eprintln!(
                "note: the next QR code needs a terminal of {0} columns and {1} lines; enlarge the window (or zoom out) if the phone cannot see all of it, or use --output DIR for PNG files",
                export::qr_size(text)?,
                export::qr_size(text)?.div_ceil(2) + 3
            );
        }
        let code = export::qr_terminal(text, style)?;
        let mut block = Zeroizing::new(format!("{title}\n"));
        block.push_str(&code);
        if !tty {
            block.push('\n');
        }
        output::write_bytes(block.as_bytes())?;
        if tty {
            let prompt = if i + 1 < items.len() {
                format!(
                    "Scan it, then press Enter for the next ({} of {}; q to stop) ",
                    i + 2,
                    items.len()
                )
            } else {
                String::from("Scan it, then press Enter to clear the screen ")
            };
            let go_on = term::wait_enter(&prompt).context("could not wait on the terminal")?;
            // Clear the screen and the scrollback: the code holds the secret.
            output::write_bytes(b"\x1b[2J\x1b[3J\x1b[H")?;
            if !go_on && i + 1 < items.len() {
                bail!("stopped after {} of {} codes", i + 1, items.len());
            }
        }
    }
    Ok(())
}
