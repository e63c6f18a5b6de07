//! authcli: a command-line TOTP/HOTP authenticator with an age-encrypted vault.
//!
//! Architecture (one module per concern; the domain modules know nothing of the CLI):
//!
//! - [`otp`]: the engine — TOTP/HOTP/Steam codes as pure functions of parameters and time.
//! - [`account`]: an account (names + [`otp::Otp`]) and default-name slugs.
//! - [`uri`]: otpauth:// and otpauth-migration:// parsing and writing.
//! - [`qr`]: image bytes → decoded QR strings (screenshot-grade preprocessing).
//! - [`screen`]: every screen captured in memory as grey images (X11, the Wayland portal,
//!   xcap on macOS and Windows), for `add --qr-screen`.
//! - [`vault`]: the age-encrypted TOML file, identities, locking, crash-safe writes.
//! - [`time`]: unix seconds ⇄ RFC 3339.
//! - [`import`]: other authenticators' export files → accounts (one module per format).
//! - [`export`]: accounts → authcli JSON, QR codes (terminal and PNG).
//! - [`clipboard`]: copy with auto-clear through a detached helper (arboard).
//! - [`watch`]: the live full-screen view (ratatui + crossterm): state, keys, drawing.
//! - [`merge`]: merging copies of one vault account by account (sync conflicts, git).
//! - [`ops`]: operations on an opened vault (pick by QUERY, add, import, remove, rename, spend
//!   an HOTP counter): the one home of each rule.
//! - [`agent`]: the unlock agent, a key agent: its protocol, transport, hardening, the agent
//!   process and the client that commands use as one more source of the vault's file key.
//! - [`trust`]: the recipients accepted for each key-based vault, recorded outside it.
//! - [`keychain`]: the vault passphrase in the OS keychain (keyring), read without prompts.
//! - [`config`]: the optional configuration file (`unlock_by_default`, `unlock_for`).
//! - [`cli`]: clap definitions only; [`cmd`]: one module per subcommand, gluing the above
//!   together; [`output`]: stdout formats; [`term`]: prompts on the controlling terminal.

pub mod account;
pub mod agent;
pub mod cli;
pub mod clipboard;
pub mod cmd;
pub mod config;
pub mod detached;
pub mod export;
pub mod import;
pub mod keychain;
pub mod merge;
pub mod ops;
pub mod otp;
pub mod output;
pub mod qr;
pub mod screen;
pub mod term;
pub mod text;
pub mod time;
pub mod trust;
pub mod uri;
pub mod vault;
pub mod watch;

use anyhow::Result;

use crate::cli::{Cli, Command};

/// Runs a parsed command line.
pub fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Completions(a) => return cmd::completions::run(a.shell),
        Command::GenerateAssets(a) => return cmd::completions::generate_assets(&a.dir),
        Command::ClipboardServe(a) => return cmd::clipboard::serve(a),
        _ => {}
    }
    let ctx = cmd::Ctx::from_cli(cli)?;
    let result = match &cli.command {
        Command::Init(a) => cmd::init::run(&ctx, a),
        Command::Add(a) => cmd::add::run(&ctx, a),
        Command::List(a) => cmd::list::run(&ctx, a),
        Command::Code(a) => cmd::code::run(&ctx, a),
        Command::Remove(a) => cmd::remove::run(&ctx, a),
        Command::Rename(a) => cmd::rename::run(&ctx, a),
        Command::Merge(a) => cmd::merge::run(&ctx, a),
        Command::Import(a) => cmd::import::run(&ctx, a),
        Command::Export(a) => cmd::export::run(&ctx, a),
        Command::Passwd(a) => cmd::passwd::run(&ctx, a),
        Command::Rekey(a) => cmd::rekey::run(&ctx, a),
        Command::Watch(a) => cmd::watch::run(&ctx, a),
        Command::Unlock(a) => cmd::agent::unlock(&ctx, a),
        Command::Lock => cmd::agent::lock(&ctx),
        Command::Status => cmd::agent::status(&ctx),
        Command::Keychain(a) => cmd::keychain::run(&ctx, a.action),
        Command::AgentServe(a) => cmd::agent::serve(&ctx, a),
        Command::Completions(_) | Command::GenerateAssets(_) | Command::ClipboardServe(_) => {
            unreachable!("handled above")
        }
    };
    // `unlock_by_default`: a command that had to unlock a passphrase vault leaves an agent
    // behind. Not after passwd/rekey (they change the key) nor the agent commands themselves.
    if result.is_ok()
        && matches!(
            cli.command,
            Command::Add(_)
                | Command::List(_)
                | Command::Code(_)
                | Command::Remove(_)
                | Command::Rename(_)
                | Command::Merge(_)
                | Command::Import(_)
                | Command::Export(_)
                | Command::Watch(_)
        )
    {
        cmd::agent::start_if_configured(&ctx);
    }
    result
}

/// The process exit code for an error (SPEC §3): 3 no/several accounts match, 4 the vault cannot
/// be unlocked, 1 anything else.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.is::<ops::QueryError>() {
            return 3;
        }
        if cause.is::<cmd::UnlockError>() {
            return 4;
        }
        if let Some(v) = cause.downcast_ref::<vault::VaultError>()
            && v.is_unlock_failure()
        {
            return 4;
        }
    }
    1
}
