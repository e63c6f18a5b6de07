#!/usr/bin/env bash
# Type-checks authcli for Windows (x86_64-pc-windows-gnu) and macOS (x86_64-apple-darwin) on a
# Linux machine whose rustup cannot fetch those standard libraries: Debian's Rust toolchain
# (rustc-web) ships the standard library's sources, so cargo's build-std can build a `std` for
# `cargo check`. Nothing is linked or run; this catches code that does not compile there (it found
# an RLIMIT_MEMLOCK that nix does not define on macOS), not behaviour.
# Needs (Debian 12): apt-get install -y rustc-web cargo-web rust-web-src binutils-mingw-w64-x86-64
# Usage: scripts/check-platforms.sh [TARGET…]; the first run per target builds std (~7 min).
set -euo pipefail
cd "$(dirname "$0")/.."
for f in /usr/bin/rustc /usr/bin/cargo /usr/bin/x86_64-w64-mingw32-dlltool; do
  [ -x "$f" ] || { echo "check-platforms.sh needs $f (see the header of this script)" >&2; exit 1; }
done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-pc-windows-gnu x86_64-apple-darwin)
for t in "${targets[@]}"; do
  echo "== $t"
  RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc /usr/bin/cargo check -Zbuild-std=std,panic_abort \
    --target "$t" --target-dir "${CARGO_TARGET_DIR:-target}/platform-check" --locked --all-targets
done
