#!/usr/bin/env bash
# Builds authcli.exe (x86_64-pc-windows-gnu) on Linux and runs a Windows session under Wine:
# a passphrase vault in %APPDATA%, codes checked against oathtool, then the unlock agent over its
# named pipe (status, a code and writes with no passphrase source, HOTP through the agent, lock),
# and the agent ending when the vault file is replaced behind it. Wine is not Windows: this
# exercises the Windows code paths (named pipe, token file, paths, detached spawn, atomic
# replace), not Windows itself.
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
s1=JBSWY3DPEHPK3PXP s2=JBSWY3DPEHPK3PXQ

export AUTHCLI_PASSPHRASE=wine-smoke
a init >/dev/null 2>&1
a add --uri "otpauth://totp/GitHub:me?secret=$s1&issuer=GitHub" >/dev/null 2>&1
t=$(date +%s)
check "TOTP from the vault file" "$(oathtool --totp -N "@$t" -b $s1)" "$(a code github --at "$t")"

a unlock --for 5m >/dev/null 2>&1
unset AUTHCLI_PASSPHRASE # from here on only the agent can open the vault
a status 2>&1 | grep -q '^unlocked: agent' || fail "status after unlock: $(a status 2>&1)"
echo "ok: status shows the agent"
t=$(date +%s)
check "TOTP through the agent" "$(oathtool --totp -N "@$t" -b $s1)" "$(a code github --at "$t")"
a add --uri "otpauth://hotp/Token:hw?secret=$s2&counter=5&issuer=Token" >/dev/null 2>&1 \
  || fail "add through the agent"
check "HOTP through the agent" "$(oathtool --hotp -c 5 -b $s2)" "$(a code token)"
a rename token hw-token >/dev/null 2>&1 || fail "rename through the agent"
a lock >/dev/null 2>&1
rc=0; a code github >/dev/null 2>&1 || rc=$?
check "code after lock with no passphrase source exits" 4 "$rc"

export AUTHCLI_PASSPHRASE=wine-smoke
check "HOTP counter saved by the agent" "$(oathtool --hotp -c 6 -b $s2)" "$(a code hw-token)"
a unlock --for 5m >/dev/null 2>&1
vault=$(find "$WINEPREFIX/drive_c/users" -path '*AppData/Roaming/authcli/vault.age')
cp "$vault" "$work/copy" && mv "$work/copy" "$vault" # replaced behind the agent's back
sleep 3
a status 2>&1 | grep -q '^locked:' || fail "the agent outlived a replaced vault: $(a status 2>&1)"
echo "ok: the agent ended when the vault file was replaced"
echo "wine smoke: all passed"
