
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'authcli' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'authcli'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'authcli' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new vault (passphrase-protected, or key-based with --identity)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add accounts from an otpauth URI, a QR code image or a base32 secret')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts (never secrets)')
            [CompletionResult]::new('code', 'code', [CompletionResultType]::ParameterValue, 'Print the current code of one account')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Show every account''s code live, with countdowns (full screen)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an account')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename an account')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge other copies of the vault (sync conflict copies, another computer''s) into it')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import accounts from another authenticator''s export file')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export accounts, secrets included: to a second device (QR codes) or a backup file')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change the passphrase of a passphrase vault')
            [CompletionResult]::new('rekey', 'rekey', [CompletionResultType]::ParameterValue, 'Switch between passphrase and key-based protection, or change the recipients')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock a passphrase vault once: a background key agent holds the passphrase until it ends')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'End the unlock agent of this vault')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Tell whether an unlock agent runs for this vault, and until when')
            [CompletionResult]::new('keychain', 'keychain', [CompletionResultType]::ParameterValue, 'Keep the vault passphrase in the OS keychain, so commands need no prompt')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'authcli;init' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Also encrypt to this age (age1…, or an age plugin''s, e.g. age1yubikey1…) or SSH public key, e.g. an offline backup key; repeatable')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Also encrypt to this age (age1…, or an age plugin''s, e.g. age1yubikey1…) or SSH public key, e.g. an offline backup key; repeatable')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('--protect-identity', '--protect-identity', [CompletionResultType]::ParameterName, 'Seal the new identity file with a passphrase (as `age -p` does), asked twice or taken from `$AUTHCLI_IDENTITY_PASSPHRASE` / --identity-passphrase-file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;add' {
            [CompletionResult]::new('--uri', '--uri', [CompletionResultType]::ParameterName, 'An otpauth:// (or otpauth-migration://, steam://) URI; `-` reads one URI a line from stdin (the safe form: a secret in an argument shows in `ps` and the shell history)')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'An image file (PNG, JPEG, GIF, BMP, WebP) with the QR code; `-` reads the image from stdin; repeat --qr for several images')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Service name, e.g. GitHub (with --secret)')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'User name at the service, e.g. me@example.com (with --secret)')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'HMAC algorithm (with --secret)')
            [CompletionResult]::new('--digits', '--digits', [CompletionResultType]::ParameterName, 'Code length, 6-10 (with --secret)')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'Seconds each code is valid (with --secret)')
            [CompletionResult]::new('--counter', '--counter', [CompletionResultType]::ParameterName, 'Initial HOTP counter (with --hotp)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('--qr-clipboard', '--qr-clipboard', [CompletionResultType]::ParameterName, 'Read the QR code from an image in the clipboard (or an otpauth URI copied as text)')
            [CompletionResult]::new('--qr-screen', '--qr-screen', [CompletionResultType]::ParameterName, 'Read the QR code from the screen: every screen is captured, in memory (on Wayland the desktop asks first; macOS needs the Screen Recording permission)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Read a base32 secret from a hidden prompt (or from stdin when it is not a terminal)')
            [CompletionResult]::new('--hotp', '--hotp', [CompletionResultType]::ParameterName, 'Counter-based (HOTP) instead of time-based (with --secret)')
            [CompletionResult]::new('--steam', '--steam', [CompletionResultType]::ParameterName, 'Steam Guard (5 characters) (with --secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'authcli;list' {
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Time for --codes: unix seconds or RFC 3339 [default: now]')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('--codes', '--codes', [CompletionResultType]::ParameterName, 'Also show each current code and the seconds left')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;code' {
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Time to compute the code for: unix seconds or RFC 3339 [default: now]')
            [CompletionResult]::new('--wait-fresh', '--wait-fresh', [CompletionResultType]::ParameterName, 'If fewer than SECS seconds are left, wait for the next code (at most one period). With --at nothing waits: the code that would follow the wait is given at once')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('--next', '--next', [CompletionResultType]::ParameterName, 'The code of the next period')
            [CompletionResult]::new('--copy', '--copy', [CompletionResultType]::ParameterName, 'Put the code on the clipboard instead of stdout; cleared after `$AUTHCLI_CLIPBOARD_SECONDS` (default 20) if it still holds the code')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON object with the code and seconds left')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;watch' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;remove' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required without a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;rename' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;merge' {
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'git merge driver: the common ancestor; then OTHER… must be OURS THEIRS, and the result is written into OURS')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show what would change without writing anything')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change without writing anything')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;import' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The file''s format [default: recognised from the content]')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show what would be imported; change nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be imported; change nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'authcli;export' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to this new file (uri, json, migration) or folder of PNG files (qr, migration-qr) instead of the terminal; `-` is stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to this new file (uri, json, migration) or folder of PNG files (qr, migration-qr) instead of the terminal; `-` is stdout')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before revealing secrets (required without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before revealing secrets (required without a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'authcli;passwd' {
            [CompletionResult]::new('--new-passphrase-file', '--new-passphrase-file', [CompletionResultType]::ParameterName, 'Read the new passphrase from the first line of FILE (`$AUTHCLI_NEW_PASSPHRASE` comes first)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;rekey' {
            [CompletionResult]::new('--to-identity', '--to-identity', [CompletionResultType]::ParameterName, 'Protect the vault with this age identity (created if absent) instead of a passphrase')
            [CompletionResult]::new('--add-recipient', '--add-recipient', [CompletionResultType]::ParameterName, 'Also encrypt to this age (age1…) or SSH public key; repeatable')
            [CompletionResult]::new('--remove-recipient', '--remove-recipient', [CompletionResultType]::ParameterName, 'Stop encrypting to this recipient; repeatable (the last one cannot be removed)')
            [CompletionResult]::new('--new-passphrase-file', '--new-passphrase-file', [CompletionResultType]::ParameterName, 'Read the new passphrase (for --to-passphrase) from the first line of FILE')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('--to-passphrase', '--to-passphrase', [CompletionResultType]::ParameterName, 'Protect the vault with a passphrase instead of keys')
            [CompletionResult]::new('--protect-identity', '--protect-identity', [CompletionResultType]::ParameterName, 'Seal the identity that --to-identity creates with a passphrase (as `age -p` does)')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'Accept every recipient the vault lists now as yours on this computer (after adding a key on another computer); authcli never writes to recipients you have not accepted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;unlock' {
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'How long the agent stays: 90s, 15m, 8h, 1h30m (at most 7 days) [default: `unlock_for` in the config file, else 15m]')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;lock' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;status' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;keychain' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Store the vault passphrase (from the usual sources) once it has opened the vault')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Remove the vault passphrase from the keychain')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Tell whether the keychain holds the vault passphrase')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'authcli;keychain;store' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;keychain;forget' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;keychain;status' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;keychain;help' {
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Store the vault passphrase (from the usual sources) once it has opened the vault')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Remove the vault passphrase from the keychain')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Tell whether the keychain holds the vault passphrase')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'authcli;keychain;help;store' {
            break
        }
        'authcli;keychain;help;forget' {
            break
        }
        'authcli;keychain;help;status' {
            break
        }
        'authcli;keychain;help;help' {
            break
        }
        'authcli;completions' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)')
            [CompletionResult]::new('--identity-passphrase-file', '--identity-passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'authcli;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new vault (passphrase-protected, or key-based with --identity)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add accounts from an otpauth URI, a QR code image or a base32 secret')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts (never secrets)')
            [CompletionResult]::new('code', 'code', [CompletionResultType]::ParameterValue, 'Print the current code of one account')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Show every account''s code live, with countdowns (full screen)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an account')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename an account')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge other copies of the vault (sync conflict copies, another computer''s) into it')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import accounts from another authenticator''s export file')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export accounts, secrets included: to a second device (QR codes) or a backup file')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change the passphrase of a passphrase vault')
            [CompletionResult]::new('rekey', 'rekey', [CompletionResultType]::ParameterValue, 'Switch between passphrase and key-based protection, or change the recipients')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock a passphrase vault once: a background key agent holds the passphrase until it ends')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'End the unlock agent of this vault')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Tell whether an unlock agent runs for this vault, and until when')
            [CompletionResult]::new('keychain', 'keychain', [CompletionResultType]::ParameterValue, 'Keep the vault passphrase in the OS keychain, so commands need no prompt')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'authcli;help;init' {
            break
        }
        'authcli;help;add' {
            break
        }
        'authcli;help;list' {
            break
        }
        'authcli;help;code' {
            break
        }
        'authcli;help;watch' {
            break
        }
        'authcli;help;remove' {
            break
        }
        'authcli;help;rename' {
            break
        }
        'authcli;help;merge' {
            break
        }
        'authcli;help;import' {
            break
        }
        'authcli;help;export' {
            break
        }
        'authcli;help;passwd' {
            break
        }
        'authcli;help;rekey' {
            break
        }
        'authcli;help;unlock' {
            break
        }
        'authcli;help;lock' {
            break
        }
        'authcli;help;status' {
            break
        }
        'authcli;help;keychain' {
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Store the vault passphrase (from the usual sources) once it has opened the vault')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Remove the vault passphrase from the keychain')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Tell whether the keychain holds the vault passphrase')
            break
        }
        'authcli;help;keychain;store' {
            break
        }
        'authcli;help;keychain;forget' {
            break
        }
        'authcli;help;keychain;status' {
            break
        }
        'authcli;help;completions' {
            break
        }
        'authcli;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
