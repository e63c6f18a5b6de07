#!/usr/bin/env bash
# Builds a static x86_64-unknown-linux-musl authcli on Debian 12 with no rustup target: Debian's
# Rust builds std from source (-Zbuild-std), musl-gcc links against Debian's musl, and LLVM's
# libunwind.a gives std its unwinder (with a shim for the one glibc symbol it calls,
# __fprintf_chk). Then checks that the binary is static and runs: --version, a key vault, a TOTP
# code against oathtool. (The release workflow builds the published archives differently: rustup's
# musl targets and cargo-zigbuild.) A debug build, dependencies at opt-level 0, to keep it short.
# Needs (Debian 12): apt-get install -y rustc-web cargo-web rust-web-src musl-tools \
#   libunwind-14-dev oathtool
set -euo pipefail
cd "$(dirname "$0")/.."
for t in /usr/bin/rustc /usr/bin/cargo musl-gcc /usr/lib/llvm-14/lib/libunwind.a oathtool; do
  command -v "$t" >/dev/null || [ -e "$t" ] || { echo "musl-static.sh needs $t (see the header of this script)" >&2; exit 1; }
done
target=${CARGO_TARGET_DIR:-target}/musl-build
mkdir -p "$target/unwind"
unwind=$(cd "$target/unwind" && pwd)
cat > "$unwind/chk.c" <<'C'
#include <stdarg.h>
#include <stdio.h>
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...) {
    (void)flag;
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}
C
musl-gcc -O2 -c "$unwind/chk.c" -o "$unwind/chk.o"
cp /usr/lib/llvm-14/lib/libunwind.a "$unwind/libunwind.a"
ar rs "$unwind/libunwind.a" "$unwind/chk.o" 2>/dev/null

# relocation-model=static: musl-gcc's specs make a -static-pie link dynamic; -static is static.
RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc \
  RUSTFLAGS="-C link-self-contained=no -C relocation-model=static -L native=$unwind" \
  /usr/bin/cargo build -Zbuild-std=std,panic_abort --target x86_64-unknown-linux-musl \
  --config 'profile.dev.package."*".opt-level=0' \
  --target-dir "$target" --locked --bin authcli --quiet
bin=$target/x86_64-unknown-linux-musl/debug/authcli

fail() { echo "FAIL: $*" >&2; exit 1; }
file "$bin"
file "$bin" | grep -q 'statically linked' || fail "$bin is not statically linked"
! ldd "$bin" >/dev/null 2>&1 || fail "ldd lists libraries for $bin"
echo "ok: static ($(du -h "$bin" | cut -f1))"
"$bin" --version
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AUTHCLI_VAULT=$work/vault.age AUTHCLI_IDENTITY=$work/key.txt HOME=$work
"$bin" init --identity "$work/key.txt" >/dev/null 2>&1 || fail "init"
"$bin" add --uri 'otpauth://totp/Test:me?secret=JBSWY3DPEHPK3PXP&issuer=Test' >/dev/null 2>&1 || fail "add"
t=$(date +%s)
want=$(oathtool --totp -N "@$t" -b JBSWY3DPEHPK3PXP) got=$("$bin" code test --at "$t")
[ "$want" = "$got" ] || fail "code: oathtool says $want, authcli $got"
echo "ok: TOTP code matches oathtool ($got)"
echo "musl static: all passed"
