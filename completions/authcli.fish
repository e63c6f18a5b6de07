# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_authcli_global_optspecs
    string join \n vault= identity= passphrase-file= identity-passphrase-file= h/help V/version
end

function __fish_authcli_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_authcli_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_authcli_using_subcommand
    set -l cmd (__fish_authcli_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c authcli -n "__fish_authcli_needs_command" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_needs_command" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_needs_command" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_needs_command" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authcli -n "__fish_authcli_needs_command" -s V -l version -d 'Print version'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "init" -d 'Create a new vault (passphrase-protected, or key-based with --identity)'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "add" -d 'Add accounts from an otpauth URI, a QR code image or a base32 secret'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "list" -d 'List accounts (never secrets)'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "code" -d 'Print the current code of one account'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "watch" -d 'Show every account\'s code live, with countdowns (full screen)'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "remove" -d 'Remove an account'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "rename" -d 'Rename an account'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "merge" -d 'Merge other copies of the vault (sync conflict copies, another computer\'s) into it'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "import" -d 'Import accounts from another authenticator\'s export file'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "export" -d 'Export accounts, secrets included: to a second device (QR codes) or a backup file'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "passwd" -d 'Change the passphrase of a passphrase vault'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "rekey" -d 'Switch between passphrase and key-based protection, or change the recipients'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "unlock" -d 'Unlock a passphrase vault once: a background key agent holds the passphrase until it ends'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "lock" -d 'End the unlock agent of this vault'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "status" -d 'Tell whether an unlock agent runs for this vault, and until when'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "keychain" -d 'Keep the vault passphrase in the OS keychain, so commands need no prompt'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c authcli -n "__fish_authcli_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authcli -n "__fish_authcli_using_subcommand init" -s r -l recipient -d 'Also encrypt to this age (age1…, or an age plugin\'s, e.g. age1yubikey1…) or SSH public key, e.g. an offline backup key; repeatable' -r
complete -c authcli -n "__fish_authcli_using_subcommand init" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand init" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand init" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand init" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand init" -l protect-identity -d 'Seal the new identity file with a passphrase (as `age -p` does), asked twice or taken from `$AUTHCLI_IDENTITY_PASSPHRASE` / --identity-passphrase-file'
complete -c authcli -n "__fish_authcli_using_subcommand init" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand add" -l uri -d 'An otpauth:// (or otpauth-migration://, steam://) URI; `-` reads one URI a line from stdin (the safe form: a secret in an argument shows in `ps` and the shell history)' -r
complete -c authcli -n "__fish_authcli_using_subcommand add" -l qr -d 'An image file (PNG, JPEG, GIF, BMP, WebP) with the QR code; `-` reads the image from stdin; repeat --qr for several images' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand add" -l issuer -d 'Service name, e.g. GitHub (with --secret)' -r
complete -c authcli -n "__fish_authcli_using_subcommand add" -l account -d 'User name at the service, e.g. me@example.com (with --secret)' -r
complete -c authcli -n "__fish_authcli_using_subcommand add" -l algorithm -d 'HMAC algorithm (with --secret)' -r -f -a "SHA1\t'HMAC-SHA1 (what nearly every service uses)'
SHA256\t'HMAC-SHA256'
SHA512\t'HMAC-SHA512'"
complete -c authcli -n "__fish_authcli_using_subcommand add" -l digits -d 'Code length, 6-10 (with --secret)' -r
complete -c authcli -n "__fish_authcli_using_subcommand add" -l period -d 'Seconds each code is valid (with --secret)' -r
complete -c authcli -n "__fish_authcli_using_subcommand add" -l counter -d 'Initial HOTP counter (with --hotp)' -r
complete -c authcli -n "__fish_authcli_using_subcommand add" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand add" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand add" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand add" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand add" -l qr-clipboard -d 'Read the QR code from an image in the clipboard (or an otpauth URI copied as text)'
complete -c authcli -n "__fish_authcli_using_subcommand add" -l qr-screen -d 'Read the QR code from the screen: every screen is captured, in memory (on Wayland the desktop asks first; macOS needs the Screen Recording permission)'
complete -c authcli -n "__fish_authcli_using_subcommand add" -l secret -d 'Read a base32 secret from a hidden prompt (or from stdin when it is not a terminal)'
complete -c authcli -n "__fish_authcli_using_subcommand add" -l hotp -d 'Counter-based (HOTP) instead of time-based (with --secret)'
complete -c authcli -n "__fish_authcli_using_subcommand add" -l steam -d 'Steam Guard (5 characters) (with --secret)'
complete -c authcli -n "__fish_authcli_using_subcommand add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authcli -n "__fish_authcli_using_subcommand list" -l at -d 'Time for --codes: unix seconds or RFC 3339 [default: now]' -r
complete -c authcli -n "__fish_authcli_using_subcommand list" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand list" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand list" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand list" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand list" -l codes -d 'Also show each current code and the seconds left'
complete -c authcli -n "__fish_authcli_using_subcommand list" -l json -d 'Print a JSON array on stdout'
complete -c authcli -n "__fish_authcli_using_subcommand list" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand code" -l at -d 'Time to compute the code for: unix seconds or RFC 3339 [default: now]' -r
complete -c authcli -n "__fish_authcli_using_subcommand code" -l wait-fresh -d 'If fewer than SECS seconds are left, wait for the next code (at most one period). With --at nothing waits: the code that would follow the wait is given at once' -r
complete -c authcli -n "__fish_authcli_using_subcommand code" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand code" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand code" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand code" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand code" -l next -d 'The code of the next period'
complete -c authcli -n "__fish_authcli_using_subcommand code" -l copy -d 'Put the code on the clipboard instead of stdout; cleared after `$AUTHCLI_CLIPBOARD_SECONDS` (default 20) if it still holds the code'
complete -c authcli -n "__fish_authcli_using_subcommand code" -l json -d 'Print a JSON object with the code and seconds left'
complete -c authcli -n "__fish_authcli_using_subcommand code" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand watch" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand watch" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand watch" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand watch" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand watch" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand remove" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand remove" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand remove" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand remove" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand remove" -s y -l yes -d 'Do not ask for confirmation (required without a terminal)'
complete -c authcli -n "__fish_authcli_using_subcommand remove" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand rename" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rename" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rename" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rename" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rename" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand merge" -l base -d 'git merge driver: the common ancestor; then OTHER… must be OURS THEIRS, and the result is written into OURS' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand merge" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand merge" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand merge" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand merge" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand merge" -s n -l dry-run -d 'Show what would change without writing anything'
complete -c authcli -n "__fish_authcli_using_subcommand merge" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand import" -l format -d 'The file\'s format [default: recognised from the content]' -r -f -a "auto\t'Recognise the format from the content'
uri\t'otpauth:// (and steam://) URIs, one a line'
migration\t'Google Authenticator otpauth-migration:// URIs, one a line'
aegis\t'Aegis JSON export, plain or encrypted (password from the terminal or `$AUTHCLI_IMPORT_PASSPHRASE`)'
2fas\t'2FAS .2fas backup, plain or encrypted (password as for aegis)'
bitwarden\t'Bitwarden JSON or CSV export (unencrypted)'
andotp\t'andOTP JSON backup (unencrypted)'
freeotp\t'`FreeOTP+` JSON export'
proton\t'Proton Authenticator JSON export (unencrypted)'
json\t'authcli\'s own `export --format json`'"
complete -c authcli -n "__fish_authcli_using_subcommand import" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand import" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand import" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand import" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand import" -s n -l dry-run -d 'Show what would be imported; change nothing'
complete -c authcli -n "__fish_authcli_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authcli -n "__fish_authcli_using_subcommand export" -s f -l format -d 'Output format' -r -f -a "uri\t'otpauth:// URIs, one a line'
json\t'authcli JSON ({"version":1,"accounts":[…]}), readable by `import`'
qr\t'One QR code per account, drawn in the terminal (or PNG files with --output)'
migration\t'Google Authenticator otpauth-migration:// URIs, 10 accounts each'
migration-qr\t'The migration URIs as QR codes (Google Authenticator, Aegis and 2FAS scan them)'"
complete -c authcli -n "__fish_authcli_using_subcommand export" -s o -l output -d 'Write to this new file (uri, json, migration) or folder of PNG files (qr, migration-qr) instead of the terminal; `-` is stdout' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand export" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand export" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand export" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand export" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand export" -s y -l yes -d 'Do not ask before revealing secrets (required without a terminal)'
complete -c authcli -n "__fish_authcli_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c authcli -n "__fish_authcli_using_subcommand passwd" -l new-passphrase-file -d 'Read the new passphrase from the first line of FILE (`$AUTHCLI_NEW_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand passwd" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand passwd" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand passwd" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand passwd" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand passwd" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l to-identity -d 'Protect the vault with this age identity (created if absent) instead of a passphrase' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l add-recipient -d 'Also encrypt to this age (age1…) or SSH public key; repeatable' -r
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l remove-recipient -d 'Stop encrypting to this recipient; repeatable (the last one cannot be removed)' -r
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l new-passphrase-file -d 'Read the new passphrase (for --to-passphrase) from the first line of FILE' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l to-passphrase -d 'Protect the vault with a passphrase instead of keys'
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l protect-identity -d 'Seal the identity that --to-identity creates with a passphrase (as `age -p` does)'
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -l trust -d 'Accept every recipient the vault lists now as yours on this computer (after adding a key on another computer); authcli never writes to recipients you have not accepted'
complete -c authcli -n "__fish_authcli_using_subcommand rekey" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand unlock" -l for -d 'How long the agent stays: 90s, 15m, 8h, 1h30m (at most 7 days) [default: `unlock_for` in the config file, else 15m]' -r
complete -c authcli -n "__fish_authcli_using_subcommand unlock" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand unlock" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand unlock" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand unlock" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand unlock" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand lock" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand lock" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand lock" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand lock" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand lock" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand status" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand status" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand status" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand status" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand status" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and not __fish_seen_subcommand_from store forget status help" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and not __fish_seen_subcommand_from store forget status help" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and not __fish_seen_subcommand_from store forget status help" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and not __fish_seen_subcommand_from store forget status help" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and not __fish_seen_subcommand_from store forget status help" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and not __fish_seen_subcommand_from store forget status help" -f -a "store" -d 'Store the vault passphrase (from the usual sources) once it has opened the vault'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and not __fish_seen_subcommand_from store forget status help" -f -a "forget" -d 'Remove the vault passphrase from the keychain'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and not __fish_seen_subcommand_from store forget status help" -f -a "status" -d 'Tell whether the keychain holds the vault passphrase'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and not __fish_seen_subcommand_from store forget status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from store" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from store" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from store" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from store" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from store" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from forget" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from forget" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from forget" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from forget" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from forget" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from status" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from status" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from status" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from status" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from help" -f -a "store" -d 'Store the vault passphrase (from the usual sources) once it has opened the vault'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from help" -f -a "forget" -d 'Remove the vault passphrase from the keychain'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from help" -f -a "status" -d 'Tell whether the keychain holds the vault passphrase'
complete -c authcli -n "__fish_authcli_using_subcommand keychain; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authcli -n "__fish_authcli_using_subcommand completions" -l vault -d 'Vault file [default: the platform data folder, e.g. ~/.local/share/authcli/vault.age]' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand completions" -l identity -d 'age identity file or OpenSSH private key that opens a key-based vault (for `init`: the identity file to create or use)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand completions" -l passphrase-file -d 'Read the vault passphrase from the first line of FILE (`$AUTHCLI_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand completions" -l identity-passphrase-file -d 'Read the passphrase of a passphrase-protected identity file (`age -p`) from the first line of FILE (`$AUTHCLI_IDENTITY_PASSPHRASE` comes first)' -r -F
complete -c authcli -n "__fish_authcli_using_subcommand completions" -s h -l help -d 'Print help'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "init" -d 'Create a new vault (passphrase-protected, or key-based with --identity)'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "add" -d 'Add accounts from an otpauth URI, a QR code image or a base32 secret'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "list" -d 'List accounts (never secrets)'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "code" -d 'Print the current code of one account'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "watch" -d 'Show every account\'s code live, with countdowns (full screen)'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "remove" -d 'Remove an account'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "rename" -d 'Rename an account'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "merge" -d 'Merge other copies of the vault (sync conflict copies, another computer\'s) into it'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "import" -d 'Import accounts from another authenticator\'s export file'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "export" -d 'Export accounts, secrets included: to a second device (QR codes) or a backup file'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "passwd" -d 'Change the passphrase of a passphrase vault'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "rekey" -d 'Switch between passphrase and key-based protection, or change the recipients'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "unlock" -d 'Unlock a passphrase vault once: a background key agent holds the passphrase until it ends'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "lock" -d 'End the unlock agent of this vault'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "status" -d 'Tell whether an unlock agent runs for this vault, and until when'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "keychain" -d 'Keep the vault passphrase in the OS keychain, so commands need no prompt'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c authcli -n "__fish_authcli_using_subcommand help; and not __fish_seen_subcommand_from init add list code watch remove rename merge import export passwd rekey unlock lock status keychain completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c authcli -n "__fish_authcli_using_subcommand help; and __fish_seen_subcommand_from keychain" -f -a "store" -d 'Store the vault passphrase (from the usual sources) once it has opened the vault'
complete -c authcli -n "__fish_authcli_using_subcommand help; and __fish_seen_subcommand_from keychain" -f -a "forget" -d 'Remove the vault passphrase from the keychain'
complete -c authcli -n "__fish_authcli_using_subcommand help; and __fish_seen_subcommand_from keychain" -f -a "status" -d 'Tell whether the keychain holds the vault passphrase'
