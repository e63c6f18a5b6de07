#!/usr/bin/env bash
# Type-checks authcli for Windows (x86_64-pc-windows-gnu) on a Linux machine whose rustup cannot
# fetch the Windows standard library: Debian's Rust toolchain (rustc-web) ships the standard
# library's sources, so cargo's build-std can build a Windows `std` for `cargo check`. Nothing is
# linked or run; this catches code that does not compile on Windows, not behaviour.
# Needs (Debian 12): apt-get install -y rustc-web cargo-web rust-web-src binutils-mingw-w64-x86-64
# The first run builds std (~7 min on 2 cores); later runs are incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in /usr/bin/rustc /usr/bin/cargo /usr/bin/x86_64-w64-mingw32-dlltool; do
  [ -x "$f" ] || { echo "check-windows.sh needs $f (see the header of this script)" >&2; exit 1; }
done
RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc /usr/bin/cargo check -Zbuild-std=std,panic_abort \
  --target x86_64-pc-windows-gnu --target-dir "${CARGO_TARGET_DIR:-target}/windows-check" --locked "$@"
