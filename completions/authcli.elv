
use builtin;
use str;

set edit:completion:arg-completer[authcli] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'authcli'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'authcli'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a new vault (passphrase-protected, or key-based with --identity)'
            cand add 'Add accounts from an otpauth URI, a QR code image or a base32 secret'
            cand list 'List accounts (never secrets)'
            cand code 'Print the current code of one account'
            cand watch 'Show every account''s code live, with countdowns (full screen)'
            cand remove 'Remove an account'
            cand rename 'Rename an account'
            cand merge 'Merge other copies of the vault (sync conflict copies, another computer''s) into it'
            cand import 'Import accounts from another authenticator''s export file'
            cand export 'Export accounts, secrets included: to a second device (QR codes) or a backup file'
            cand passwd 'Change the passphrase of a passphrase vault'
            cand rekey 'Switch between passphrase and key-based protection, or change the recipients'
            cand unlock 'Unlock a passphrase vault once: a background key agent holds the passphrase until it ends'
            cand lock 'End the unlock agent of this vault'
            cand status 'Tell whether an unlock agent runs for this vault, and until when'
            cand keychain 'Keep the vault passphrase in the OS keychain, so commands need no prompt'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'authcli;init'= {
            cand -r 'Also encrypt to this age (age1…, or an age plugin''s, e.g. age1yubikey1…) or SSH public key, e.g. an offline backup key; repeatable'
            cand --recipient 'Also encrypt to this age (age1…, or an age plugin''s, e.g. age1yubikey1…) or SSH public key, e.g. an offline backup key; repeatable'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand --protect-identity 'Seal the new identity file with a passphrase (as `age -p` does), asked twice or taken from `$AUTHCLI_IDENTITY_PASSPHRASE` / --identity-passphrase-file'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;add'= {
            cand --uri 'An otpauth:// (or otpauth-migration://, steam://) URI; `-` reads one URI a line from stdin (the safe form: a secret in an argument shows in `ps` and the shell history)'
            cand --qr 'An image file (PNG, JPEG, GIF, BMP, WebP) with the QR code; `-` reads the image from stdin; repeat --qr for several images'
            cand --issuer 'Service name, e.g. GitHub (with --secret)'
            cand --account 'User name at the service, e.g. me@example.com (with --secret)'
            cand --algorithm 'HMAC algorithm (with --secret)'
            cand --digits 'Code length, 6-10 (with --secret)'
            cand --period 'Seconds each code is valid (with --secret)'
            cand --counter 'Initial HOTP counter (with --hotp)'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand --qr-clipboard 'Read the QR code from an image in the clipboard (or an otpauth URI copied as text)'
            cand --qr-screen 'Read the QR code from the screen: every screen is captured, in memory (on Wayland the desktop asks first; macOS needs the Screen Recording permission)'
            cand --secret 'Read a base32 secret from a hidden prompt (or from stdin when it is not a terminal)'
            cand --hotp 'Counter-based (HOTP) instead of time-based (with --secret)'
            cand --steam 'Steam Guard (5 characters) (with --secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'authcli;list'= {
            cand --at 'Time for --codes: unix seconds or RFC 3339 [default: now]'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand --codes 'Also show each current code and the seconds left'
            cand --json 'Print a JSON array on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;code'= {
            cand --at 'Time to compute the code for: unix seconds or RFC 3339 [default: now]'
            cand --wait-fresh 'If fewer than SECS seconds are left, wait for the next code (at most one period). With --at nothing waits: the code that would follow the wait is given at once'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand --next 'The code of the next period'
            cand --copy 'Put the code on the clipboard instead of stdout; cleared after `$AUTHCLI_CLIPBOARD_SECONDS` (default 20) if it still holds the code'
            cand --json 'Print a JSON object with the code and seconds left'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;watch'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;remove'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -y 'Do not ask for confirmation (required without a terminal)'
            cand --yes 'Do not ask for confirmation (required without a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;rename'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;merge'= {
            cand --base 'git merge driver: the common ancestor; then OTHER… must be OURS THEIRS, and the result is written into OURS'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -n 'Show what would change without writing anything'
            cand --dry-run 'Show what would change without writing anything'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;import'= {
            cand --format 'The file''s format [default: recognised from the content]'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -n 'Show what would be imported; change nothing'
            cand --dry-run 'Show what would be imported; change nothing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'authcli;export'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write to this new file (uri, json, migration) or folder of PNG files (qr, migration-qr) instead of the terminal; `-` is stdout'
            cand --output 'Write to this new file (uri, json, migration) or folder of PNG files (qr, migration-qr) instead of the terminal; `-` is stdout'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -y 'Do not ask before revealing secrets (required without a terminal)'
            cand --yes 'Do not ask before revealing secrets (required without a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'authcli;passwd'= {
            cand --new-passphrase-file 'Read the new passphrase from the first line of FILE (`$AUTHCLI_NEW_PASSPHRASE` comes first)'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;rekey'= {
            cand --to-identity 'Protect the vault with this age identity (created if absent) instead of a passphrase'
            cand --add-recipient 'Also encrypt to this age (age1…) or SSH public key; repeatable'
            cand --remove-recipient 'Stop encrypting to this recipient; repeatable (the last one cannot be removed)'
            cand --new-passphrase-file 'Read the new passphrase (for --to-passphrase) from the first line of FILE'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand --to-passphrase 'Protect the vault with a passphrase instead of keys'
            cand --protect-identity 'Seal the identity that --to-identity creates with a passphrase (as `age -p` does)'
            cand --trust 'Accept every recipient the vault lists now as yours on this computer (after adding a key on another computer); authcli never writes to recipients you have not accepted'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;unlock'= {
            cand --for 'How long the agent stays: 90s, 15m, 8h, 1h30m (at most 7 days) [default: `unlock_for` in the config file, else 15m]'
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;lock'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;status'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;keychain'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand store 'Store the vault passphrase (from the usual sources) once it has opened the vault'
            cand forget 'Remove the vault passphrase from the keychain'
            cand status 'Tell whether the keychain holds the vault passphrase'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'authcli;keychain;store'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;keychain;forget'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;keychain;status'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;keychain;help'= {
            cand store 'Store the vault passphrase (from the usual sources) once it has opened the vault'
            cand forget 'Remove the vault passphrase from the keychain'
            cand status 'Tell whether the keychain holds the vault passphrase'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'authcli;keychain;help;store'= {
        }
        &'authcli;keychain;help;forget'= {
        }
        &'authcli;keychain;help;status'= {
        }
        &'authcli;keychain;help;help'= {
        }
        &'authcli;completions'= {
            cand --vault 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]'
            cand --identity 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)'
            cand --passphrase-file 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)'
            cand --identity-passphrase-file 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'authcli;help'= {
            cand init 'Create a new vault (passphrase-protected, or key-based with --identity)'
            cand add 'Add accounts from an otpauth URI, a QR code image or a base32 secret'
            cand list 'List accounts (never secrets)'
            cand code 'Print the current code of one account'
            cand watch 'Show every account''s code live, with countdowns (full screen)'
            cand remove 'Remove an account'
            cand rename 'Rename an account'
            cand merge 'Merge other copies of the vault (sync conflict copies, another computer''s) into it'
            cand import 'Import accounts from another authenticator''s export file'
            cand export 'Export accounts, secrets included: to a second device (QR codes) or a backup file'
            cand passwd 'Change the passphrase of a passphrase vault'
            cand rekey 'Switch between passphrase and key-based protection, or change the recipients'
            cand unlock 'Unlock a passphrase vault once: a background key agent holds the passphrase until it ends'
            cand lock 'End the unlock agent of this vault'
            cand status 'Tell whether an unlock agent runs for this vault, and until when'
            cand keychain 'Keep the vault passphrase in the OS keychain, so commands need no prompt'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'authcli;help;init'= {
        }
        &'authcli;help;add'= {
        }
        &'authcli;help;list'= {
        }
        &'authcli;help;code'= {
        }
        &'authcli;help;watch'= {
        }
        &'authcli;help;remove'= {
        }
        &'authcli;help;rename'= {
        }
        &'authcli;help;merge'= {
        }
        &'authcli;help;import'= {
        }
        &'authcli;help;export'= {
        }
        &'authcli;help;passwd'= {
        }
        &'authcli;help;rekey'= {
        }
        &'authcli;help;unlock'= {
        }
        &'authcli;help;lock'= {
        }
        &'authcli;help;status'= {
        }
        &'authcli;help;keychain'= {
            cand store 'Store the vault passphrase (from the usual sources) once it has opened the vault'
            cand forget 'Remove the vault passphrase from the keychain'
            cand status 'Tell whether the keychain holds the vault passphrase'
        }
        &'authcli;help;keychain;store'= {
        }
        &'authcli;help;keychain;forget'= {
        }
        &'authcli;help;keychain;status'= {
        }
        &'authcli;help;completions'= {
        }
        &'authcli;help;help'= {
        }
    ]
    $completions[$command]
}
