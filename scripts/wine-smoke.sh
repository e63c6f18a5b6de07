#!/usr/bin/env bash
# Builds authcli.exe (x86_64-pc-windows-gnu) on Linux and runs a Windows session under Wine:
# a passphrase vault in %APPDATA%, codes checked against oathtool, then the key agent over its
# named pipe: `status` (with its memory line), reads and writes with no passphrase source (the
# agent unwraps and wraps the file key; the command reads and writes the file itself), HOTP, a
# vault rewritten by another process with the same passphrase (read through the agent with no
# prompt, the agent still running), `passwd` ending the agent, and `lock` (the next command then
# fails with exit 4). Wine is not Windows: this exercises the Windows code paths (named pipe,
# token file, VirtualLock, paths, detached spawn, atomic replace), not Windows itself.
# Needs (Debian 12): apt-get install -y rustc-web cargo-web rust-web-src binutils-mingw-w64-x86-64 \
#   gcc-mingw-w64-x86-64 wine wine64 oathtool
# The first run builds std and every dependency for Windows (~15 min on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
for t in /usr/bin/rustc /usr/bin/cargo x86_64-w64-mingw32-gcc wine oathtool; do
  command -v "$t" >/dev/null || { echo "wine-smoke.sh needs $t (see the header of this script)" >&2; exit 1; }
done
target=${CARGO_TARGET_DIR:-target}/windows-build
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc \
  /usr/bin/cargo build -Zbuild-std=std,panic_abort --target x86_64-pc-windows-gnu \
  --target-dir "$target" --locked --bin authcli --quiet
exe=$(cd "$target" && pwd)/x86_64-pc-windows-gnu/debug/authcli.exe

work=$(mktemp -d)
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
trap 'wine "$exe" lock >/dev/null 2>&1 || true; wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
wine wineboot -i >/dev/null 2>&1 || true
# Rust's std asks bcryptprimitives.dll for randomness (ProcessPrng); Wine 8 lacks that DLL, so
# give it one that forwards to RtlGenRandom. (A test shim for Wine only.)
cat > "$work/bcp.c" <<'C'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n; len -= n;
    }
    return TRUE;
}
C
printf 'LIBRARY bcryptprimitives\nEXPORTS\nProcessPrng\n' > "$work/bcp.def"
x86_64-w64-mingw32-gcc -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  "$work/bcp.c" "$work/bcp.def" -ladvapi32

fail() { echo "FAIL: $*" >&2; exit 1; }
a() { wine "$exe" "$@" </dev/null; }
check() { # NAME EXPECTED ACTUAL
  [ "$2" = "$3" ] || fail "$1: expected $2, got $3"
  echo "ok: $1 ($3)"
}
s1=JBSWY3DPEHPK3PXP s2=JBSWY3DPEHPK3PXQ s3=JBSWY3DPEHPK3PXR

export AUTHCLI_PASSPHRASE=wine-smoke
a init >/dev/null 2>&1
a add --uri "otpauth://totp/GitHub:me?secret=$s1&issuer=GitHub" >/dev/null 2>&1
t=$(date +%s)
check "TOTP from the vault file" "$(oathtool --totp -N "@$t" -b $s1)" "$(a code github --at "$t")"
vault=$(find "$WINEPREFIX/drive_c/users" -path '*AppData/Roaming/authcli/vault.age')
[ -f "$vault" ] || fail "no vault in %APPDATA%"

a unlock --for 5m >/dev/null 2>&1 || fail "unlock"
unset AUTHCLI_PASSPHRASE # from here on only the agent can open the vault
st=$(a status 2>/dev/null)
echo "status: $st"
[[ $st == unlocked:\ agent* ]] || fail "status after unlock: $st"
[[ $st =~ \;\ memory\ (locked|not\ locked) ]] || fail "status has no memory line: $st"
pid=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' <<<"$st")
echo "ok: status shows the agent (pid $pid) and its memory"
t=$(date +%s)
check "TOTP through the agent" "$(oathtool --totp -N "@$t" -b $s1)" "$(a code github --at "$t")"
a add --uri "otpauth://hotp/Token:hw?secret=$s2&counter=5&issuer=Token" >/dev/null 2>&1 \
  || fail "add through the agent"
check "HOTP through the agent" "$(oathtool --hotp -c 5 -b $s2)" "$(a code token)"
a rename token hw-token >/dev/null 2>&1 || fail "rename through the agent"
check "HOTP counter saved through the agent" "$(oathtool --hotp -c 6 -b $s2)" "$(a code hw-token)"

# Another process rewrites the vault with the same passphrase (a fresh scrypt stanza the agent
# has never seen): it works on a copy, which has no agent, and renames it over the vault.
copy=$(dirname "$vault")/rewritten.age
cp "$vault" "$copy"
AUTHCLI_PASSPHRASE=wine-smoke a --vault "$(winepath -w "$copy")" \
  add --uri "otpauth://totp/Other:me?secret=$s3&issuer=Other" >/dev/null 2>&1 \
  || fail "add to the copy with the passphrase"
mv "$copy" "$vault"
t=$(date +%s)
check "TOTP from the rewritten vault through the agent" \
  "$(oathtool --totp -N "@$t" -b $s3)" "$(a code other --at "$t")"
check "HOTP counter kept in the rewritten vault" "$(oathtool --hotp -c 7 -b $s2)" "$(a code hw-token)"
st=$(a status 2>/dev/null)
[[ $st == "unlocked: agent (pid $pid)"* ]] || fail "the agent did not outlive the rewrite: $st"
echo "ok: the same agent still runs after the rewrite"

export AUTHCLI_PASSPHRASE=wine-smoke
out=$(AUTHCLI_NEW_PASSPHRASE=wine-smoke-2 a passwd 2>&1) || fail "passwd: $out"
st=$(a status 2>/dev/null)
[[ $st == locked:* ]] || fail "the agent outlived passwd: $st"
echo "ok: passwd ended the agent"
rc=0; a code github >/dev/null 2>&1 || rc=$?
check "the old passphrase after passwd exits" 4 "$rc"
rc=0; a --vault "$(winepath -w "$vault.bak")" list >/dev/null 2>&1 || rc=$?
check "the old passphrase on the backup after passwd exits" 4 "$rc"
AUTHCLI_PASSPHRASE=wine-smoke-2 a --vault "$(winepath -w "$vault.bak")" list >/dev/null 2>&1 \
  || fail "the backup does not open with the new passphrase"
echo "ok: the backup opens with the new passphrase only"

export AUTHCLI_PASSPHRASE=wine-smoke-2
a unlock --for 5m >/dev/null 2>&1 || fail "unlock with the new passphrase"
unset AUTHCLI_PASSPHRASE
t=$(date +%s)
check "TOTP through the new agent" "$(oathtool --totp -N "@$t" -b $s1)" "$(a code github --at "$t")"
a lock >/dev/null 2>&1 || fail "lock"
rc=0; a code github >/dev/null 2>&1 || rc=$?
check "code after lock with no passphrase source exits" 4 "$rc"
st=$(a status 2>/dev/null)
[[ $st == locked:* ]] || fail "status after lock: $st"
echo "ok: status after lock: $st"
echo "wine smoke: all passed"
