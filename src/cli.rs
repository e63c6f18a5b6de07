//! The command line, as clap derive types only. Help text lives in the `///` comments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

/// A TOTP/HOTP authenticator for the terminal, with an age-encrypted vault.
///
/// Add accounts from a screenshot of a "scan this QR code" page, print codes for people and
/// scripts, and keep a second device in sync.
#[derive(Debug, Parser)]
#[command(name = "authcli", version, about, max_term_width = 100)]
#[command(after_help = "Examples:
  authcli init
  authcli add --qr ~/shot.png
  authcli code github
  TOKEN=$(authcli code github)")]
pub struct Cli {
    /// Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]
    #[arg(long, global = true, env = "AUTHCLI_VAULT", value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub vault: Option<PathBuf>,

    /// age identity file or OpenSSH private key that opens a key-based vault
    /// (for `init`: the identity file to create or use)
    #[arg(long, global = true, env = "AUTHCLI_IDENTITY", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub identity: Option<PathBuf>,

    /// Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)
    #[arg(long, global = true, env = "AUTHCLI_PASSPHRASE_FILE", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub passphrase_file: Option<PathBuf>,

    /// Read the passphrase of a passphrase-protected identity file (`age -p`) from the first
    /// line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)
    #[arg(long, global = true, env = "AUTHCLI_IDENTITY_PASSPHRASE_FILE", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub identity_passphrase_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault (passphrase-protected, or key-based with --identity)
    #[command(after_help = "Examples:
  authcli init                                  # asks for a new passphrase twice
  authcli init --identity ~/.config/authcli/key.txt
  authcli init --identity key.txt --recipient age1backupkey...
  authcli init --identity key.age --protect-identity   # the new key sealed with a passphrase
  authcli init --identity yubikey-id.txt --recipient age1yubikey1...   # age plugins")]
    Init(InitArgs),

    /// Add accounts from an otpauth URI, a QR code image or a base32 secret
    #[command(after_help = "Examples:
  authcli add --qr ~/shot.png                   # screenshot of a setup page
  authcli add --qr ~/shot.png work              # ... named `work`
  authcli add --qr a.png --qr b.png             # several images
  authcli add --qr-screen                       # the setup page open on screen
  authcli add --uri - < uris.txt                # otpauth URIs, one a line (not in argv)
  authcli add work --secret --issuer Example --account me@example.com   # secret asked hidden
  pass show example-2fa | authcli add --secret --issuer Example

Secrets never belong on the command line, where `ps` and your shell history show them: a
--uri that carries a secret is accepted with a warning.")]
    Add(AddArgs),

    /// List accounts (never secrets)
    #[command(after_help = "Examples:
  authcli list
  authcli list --codes
  authcli list github --json")]
    List(ListArgs),

    /// Print the current code of one account
    #[command(after_help = "Examples:
  authcli code unipi                            # any unique part of name, issuer or account
  authcli code github --next
  authcli code github --at 2026-11-24T10:15:00Z
  authcli code unipi --copy                     # to the clipboard, cleared after 20 s
  TOKEN=$(authcli code github --wait-fresh 5)   # never a code with under 5 s left")]
    Code(CodeArgs),

    /// Show every account's code live, with countdowns (full screen)
    #[command(
        after_help = "Keys: Up/Down or j/k select, Enter or c copy, / filter, q Esc Ctrl-C quit.

Examples:
  authcli watch
  authcli watch github                          # only accounts matching \"github\""
    )]
    Watch(WatchArgs),

    /// Remove an account
    #[command(after_help = "Examples:
  authcli remove microsoft
  authcli remove old-token --yes                # no prompt, for scripts")]
    Remove(RemoveArgs),

    /// Rename an account
    #[command(after_help = "Example:
  authcli rename microsoft unipi")]
    Rename(RenameArgs),

    /// Merge other copies of the vault (sync conflict copies, another computer's) into it
    #[command(after_help = "Examples:
  authcli merge                                 # every conflict copy beside the vault
  authcli merge ~/laptop-vault.age --dry-run    # show what would change
  authcli merge --base %O %A %B                 # as git's merge driver (see the README)")]
    Merge(MergeArgs),

    /// Import accounts from another authenticator's export file
    #[command(after_help = "Examples:
  authcli import aegis-export.json              # plain or encrypted (asks for its password)
  authcli import google-export.txt              # otpauth-migration:// URIs, one a line
  authcli import backup.2fas --dry-run          # show what would be imported
  zbarimg -q --raw export.png | authcli import -
  AUTHCLI_IMPORT_PASSPHRASE_FILE=pw.txt authcli import aegis-export.json")]
    Import(ImportArgs),

    /// Export accounts, secrets included: to a second device (QR codes) or a backup file
    #[command(after_help = "Examples:
  authcli export --format qr                    # one QR code per account, Enter for the next
  authcli export --format migration-qr          # Google Authenticator export codes, 10 accounts each
  authcli export github --format uri
  authcli export --format json --output backup.json
  authcli export --format qr --output qr-codes/ # PNG files instead of the terminal
  authcli export --format uri --yes | other-tool # no prompt, for scripts")]
    Export(ExportArgs),

    /// Change the passphrase of a passphrase vault
    #[command(after_help = "Examples:
  authcli passwd                                # asks for the old one, then the new one twice
  AUTHCLI_PASSPHRASE_FILE=old.txt authcli passwd --new-passphrase-file new.txt")]
    Passwd(PasswdArgs),

    /// Switch between passphrase and key-based protection, or change the recipients
    #[command(after_help = "Examples:
  authcli rekey --to-identity ~/.config/authcli/key.txt      # passphrase → key (made if absent)
  authcli rekey --to-passphrase                              # key → passphrase
  authcli rekey --add-recipient age1backupkey...             # an offline backup key
  authcli rekey --add-recipient \"$(cat ~/.ssh/id_ed25519.pub)\"
  authcli rekey --remove-recipient age1lostlaptop...
  authcli rekey --trust                                      # accept a key added on another computer")]
    Rekey(RekeyArgs),

    /// Unlock a passphrase vault once: a background key agent holds the passphrase until it ends
    #[command(
        after_help = "The agent holds key material only: the passphrase, in a small locked memory buffer,
and the vault's file keys. Every command still reads and writes the vault file itself and asks
the agent for the file key instead of for the passphrase; no account or code passes through it.
Only your own user can ask it (a private Unix socket; on Windows a named pipe with a per-agent
token in your profile). It ends with `authcli lock`, when its time is up, on logout, and
before `passwd` or `rekey`. `unlock_by_default = true` in the config file starts it after any
command that had to ask for the passphrase.

Examples:
  authcli unlock                                # 15 minutes
  authcli unlock --for 8h
  AUTHCLI_PASSPHRASE_FILE=pw.txt authcli unlock --for 30m"
    )]
    Unlock(UnlockArgs),

    /// End the unlock agent of this vault
    #[command(after_help = "Example:
  authcli lock")]
    Lock,

    /// Tell whether an unlock agent runs for this vault, and until when
    #[command(after_help = "Example:
  authcli status")]
    Status,

    /// Keep the vault passphrase in the OS keychain, so commands need no prompt
    #[command(
        after_help = "The macOS Keychain, the Windows Credential Manager, or the Secret Service
(GNOME Keyring, KWallet) on Linux. Commands take the passphrase from there after an unlock
agent, $AUTHCLI_PASSPHRASE and the passphrase file, and before the prompt. A locked or absent
keychain is passed over quietly; a stored passphrase that no longer opens the vault is reported
once, then ignored until `keychain store` replaces it.

Examples:
  authcli keychain store                        # asks for the passphrase and checks it
  authcli keychain status
  authcli keychain forget"
    )]
    Keychain(KeychainArgs),

    /// Print a shell completion script
    #[command(after_help = "Examples:
  authcli completions bash > ~/.local/share/bash-completion/completions/authcli
  authcli completions zsh > ~/.zfunc/_authcli
  authcli completions fish > ~/.config/fish/completions/authcli.fish")]
    Completions(CompletionsArgs),

    /// Regenerate completions/ and man/ (for maintainers)
    #[command(hide = true)]
    GenerateAssets(GenerateAssetsArgs),

    /// Internal: serve a code (read from stdin) on the clipboard, then clear it
    #[command(name = "__clipboard-serve", hide = true)]
    ClipboardServe(ClipboardServeArgs),

    /// Internal: the unlock agent (passphrase on stdin)
    #[command(name = "__agent", hide = true)]
    AgentServe(AgentServeArgs),
}

/// `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Also encrypt to this age (age1…, or an age plugin's, e.g. age1yubikey1…) or SSH public
    /// key, e.g. an offline backup key; repeatable
    #[arg(long = "recipient", short = 'r', value_name = "RECIPIENT")]
    pub recipients: Vec<String>,

    /// Seal the new identity file with a passphrase (as `age -p` does), asked twice or taken from
    /// `$AUTHCLI_IDENTITY_PASSPHRASE` / --identity-passphrase-file
    #[arg(long)]
    pub protect_identity: bool,
}

/// `add`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["uri", "qr", "qr_clipboard", "qr_screen", "secret"])))]
#[allow(clippy::struct_excessive_bools)] // independent flags, as clap sees them
pub struct AddArgs {
    /// Name for the account [default: from the issuer, else the account]
    pub name: Option<String>,

    /// An otpauth:// (or otpauth-migration://, steam://) URI; `-` reads one URI a line from stdin
    /// (the safe form: a secret in an argument shows in `ps` and the shell history)
    #[arg(long, value_name = "URI")]
    pub uri: Option<String>,

    /// An image file (PNG, JPEG, GIF, BMP, WebP) with the QR code; `-` reads the image from
    /// stdin; repeat --qr for several images
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub qr: Vec<PathBuf>,

    /// Read the QR code from an image in the clipboard (or an otpauth URI copied as text)
    #[arg(long)]
    pub qr_clipboard: bool,

    /// Read the QR code from the screen: every screen is captured, in memory (on Wayland the
    /// desktop asks first; macOS needs the Screen Recording permission)
    #[arg(long)]
    pub qr_screen: bool,

    /// Read a base32 secret from a hidden prompt (or from stdin when it is not a terminal)
    #[arg(long)]
    pub secret: bool,

    /// Service name, e.g. GitHub (with --secret)
    #[arg(long, requires = "secret")]
    pub issuer: Option<String>,

    /// User name at the service, e.g. me@example.com (with --secret)
    #[arg(long, requires = "secret")]
    pub account: Option<String>,

    /// HMAC algorithm (with --secret)
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Sha1, requires = "secret", ignore_case = true)]
    pub algorithm: AlgorithmArg,

    /// Code length, 6-10 (with --secret)
    #[arg(long, default_value_t = 6, requires = "secret")]
    pub digits: u8,

    /// Seconds each code is valid (with --secret)
    #[arg(long, default_value_t = 30, requires = "secret")]
    pub period: u32,

    /// Counter-based (HOTP) instead of time-based (with --secret)
    #[arg(long, requires = "secret", conflicts_with = "steam")]
    pub hotp: bool,

    /// Initial HOTP counter (with --hotp)
    #[arg(long, default_value_t = 0, requires = "hotp")]
    pub counter: u64,

    /// Steam Guard (5 characters) (with --secret)
    #[arg(long, requires = "secret")]
    pub steam: bool,
}

/// `--algorithm` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgorithmArg {
    /// HMAC-SHA1 (what nearly every service uses)
    #[value(name = "SHA1")]
    Sha1,
    /// HMAC-SHA256
    #[value(name = "SHA256")]
    Sha256,
    /// HMAC-SHA512
    #[value(name = "SHA512")]
    Sha512,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only accounts whose name, issuer or account contain this (case-insensitive)
    pub filter: Option<String>,

    /// Also show each current code and the seconds left
    #[arg(long)]
    pub codes: bool,

    /// Print a JSON array on stdout
    #[arg(long)]
    pub json: bool,

    /// Time for --codes: unix seconds or RFC 3339 [default: now]
    #[arg(long, value_name = "TIME", requires = "codes")]
    pub at: Option<String>,
}

/// `code`.
#[derive(Debug, Args)]
pub struct CodeArgs {
    /// Exact name, or any unique part of name, issuer or account (case-insensitive)
    pub query: String,

    /// Time to compute the code for: unix seconds or RFC 3339 [default: now]
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    /// The code of the next period
    #[arg(long)]
    pub next: bool,

    /// Put the code on the clipboard instead of stdout; cleared after
    /// `$AUTHCLI_CLIPBOARD_SECONDS` (default 20) if it still holds the code
    #[arg(long, conflicts_with = "json")]
    pub copy: bool,

    /// If fewer than SECS seconds are left, wait for the next code (at most one period). With
    /// --at nothing waits: the code that would follow the wait is given at once
    #[arg(long, value_name = "SECS", conflicts_with = "next")]
    pub wait_fresh: Option<u64>,

    /// Print a JSON object with the code and seconds left
    #[arg(long)]
    pub json: bool,
}

/// `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Only accounts whose name, issuer or account contain this (case-insensitive)
    pub filter: Option<String>,
}

/// `remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The account (same rules as `code`)
    pub query: String,

    /// Do not ask for confirmation (required without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `rename`.
#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The account (same rules as `code`)
    pub old: String,
    /// The new name
    pub new: String,
}

/// `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The copies to merge into the vault; none: the sync tools' conflict copies found beside
    /// it, moved into `merged/` next to it afterwards. With --base: OURS THEIRS
    #[arg(value_name = "OTHER", value_hint = ValueHint::FilePath)]
    pub others: Vec<PathBuf>,

    /// git merge driver: the common ancestor; then OTHER… must be OURS THEIRS, and the result
    /// is written into OURS
    #[arg(long, value_name = "BASE", value_hint = ValueHint::FilePath)]
    pub base: Option<PathBuf>,

    /// Show what would change without writing anything
    #[arg(long, short = 'n')]
    pub dry_run: bool,
}

/// `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export file; `-` reads standard input
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: PathBuf,

    /// The file's format [default: recognised from the content]
    #[arg(long, value_enum, default_value_t = ImportFormat::Auto)]
    pub format: ImportFormat,

    /// Show what would be imported; change nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,
}

/// `import --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// Recognise the format from the content
    Auto,
    /// otpauth:// (and steam://) URIs, one a line
    Uri,
    /// Google Authenticator otpauth-migration:// URIs, one a line
    Migration,
    /// Aegis JSON export, plain or encrypted (password from the terminal or `$AUTHCLI_IMPORT_PASSPHRASE`)
    Aegis,
    /// 2FAS .2fas backup, plain or encrypted (password as for aegis)
    #[value(name = "2fas")]
    TwoFas,
    /// Bitwarden JSON or CSV export (unencrypted)
    Bitwarden,
    /// andOTP JSON backup (unencrypted)
    Andotp,
    /// `FreeOTP+` JSON export
    Freeotp,
    /// Proton Authenticator JSON export (unencrypted)
    Proton,
    /// authcli's own `export --format json`
    Json,
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Accounts to export (same rules as `code`) [default: all]
    #[arg(value_name = "QUERY")]
    pub queries: Vec<String>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ExportFormat::Uri)]
    pub format: ExportFormat,

    /// Write to this new file (uri, json, migration) or folder of PNG files (qr, migration-qr)
    /// instead of the terminal; `-` is stdout
    #[arg(long, short = 'o', value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub output: Option<PathBuf>,

    /// Do not ask before revealing secrets (required without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `export --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// otpauth:// URIs, one a line
    Uri,
    /// authcli JSON ({"version":1,"accounts":[…]}), readable by `import`
    Json,
    /// One QR code per account, drawn in the terminal (or PNG files with --output)
    Qr,
    /// Google Authenticator otpauth-migration:// URIs, 10 accounts each
    Migration,
    /// The migration URIs as QR codes (Google Authenticator, Aegis and 2FAS scan them)
    MigrationQr,
}

/// `passwd`.
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Read the new passphrase from the first line of FILE (`$AUTHCLI_NEW_PASSPHRASE` comes first)
    #[arg(long, env = "AUTHCLI_NEW_PASSPHRASE_FILE", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub new_passphrase_file: Option<PathBuf>,
}

/// `rekey`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["to_passphrase", "to_identity", "add_recipient", "remove_recipient", "trust"])))]
pub struct RekeyArgs {
    /// Protect the vault with a passphrase instead of keys
    #[arg(long, conflicts_with_all = ["to_identity", "add_recipient", "remove_recipient"])]
    pub to_passphrase: bool,

    /// Protect the vault with this age identity (created if absent) instead of a passphrase
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub to_identity: Option<PathBuf>,

    /// Seal the identity that --to-identity creates with a passphrase (as `age -p` does)
    #[arg(long, requires = "to_identity")]
    pub protect_identity: bool,

    /// Also encrypt to this age (age1…) or SSH public key; repeatable
    #[arg(long, value_name = "RECIPIENT")]
    pub add_recipient: Vec<String>,

    /// Stop encrypting to this recipient; repeatable (the last one cannot be removed)
    #[arg(long, value_name = "RECIPIENT", conflicts_with = "to_identity")]
    pub remove_recipient: Vec<String>,

    /// Read the new passphrase (for --to-passphrase) from the first line of FILE
    #[arg(long, env = "AUTHCLI_NEW_PASSPHRASE_FILE", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub new_passphrase_file: Option<PathBuf>,

    /// Accept every recipient the vault lists now as yours on this computer (after adding a key
    /// on another computer); authcli never writes to recipients you have not accepted
    #[arg(long, conflicts_with = "to_passphrase")]
    pub trust: bool,
}

/// `keychain`.
#[derive(Debug, Args)]
pub struct KeychainArgs {
    #[command(subcommand)]
    pub action: KeychainAction,
}

/// What `keychain` does.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum KeychainAction {
    /// Store the vault passphrase (from the usual sources) once it has opened the vault
    Store,
    /// Remove the vault passphrase from the keychain
    Forget,
    /// Tell whether the keychain holds the vault passphrase
    Status,
}

/// `unlock`.
#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// How long the agent stays: 90s, 15m, 8h, 1h30m (at most 7 days) [default: `unlock_for`
    /// in the config file, else 15m]
    #[arg(long = "for", env = "AUTHCLI_UNLOCK_FOR", value_name = "DURATION")]
    pub duration: Option<String>,
}

/// `__agent`.
#[derive(Debug, Args)]
pub struct AgentServeArgs {
    /// Exit after this many seconds
    pub seconds: u64,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `generate-assets`.
#[derive(Debug, Args)]
pub struct GenerateAssetsArgs {
    /// Folder that gets completions/ and man/
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// `__clipboard-serve`.
#[derive(Debug, Args)]
pub struct ClipboardServeArgs {
    /// Clear after this many seconds
    pub seconds: u64,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
