#!/usr/bin/env bash
# Regenerates link/hot-text.ld, the linker script that keeps the code `authcli code` runs in one
# place (x86_64 Linux; .cargo/config.toml passes it to the linker). Why: a run of `authcli code`
# touches ~0.4 MB of a 5 MB text section; scattered, that is ~30 page faults of 64 KB windows,
# which cost more than the code itself. Together, ~8 (README, "Performance").
#
# How: a release build with a linker map, `authcli code` on a 100-account vault under callgrind
# (every function that runs), then scripts/hot-text.py turns the names into section patterns.
# Rerun after a toolchain or dependency update; a stale script is harmless, just less effective.
# Needs: valgrind, python3 (apt-get install -y valgrind python3).
set -euo pipefail
cd "$(dirname "$0")/.."
for t in valgrind python3; do
  command -v "$t" >/dev/null || { echo "hot-text.sh needs $t (apt-get install -y $t)" >&2; exit 1; }
done
host=$(rustc -vV | sed -n 's/^host: //p')
[ "$host" = x86_64-unknown-linux-gnu ] || { echo "hot-text.sh is for x86_64-unknown-linux-gnu, not $host" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The build .cargo/config.toml gives (RUSTFLAGS would replace its flags, so none), plus a map
# file that says which archive member holds each C function: --config appends to the array.
# Which functions run does not depend on the current layout, so the script reproduces itself.
# HOT_TEXT_TARGET_DIR keeps that build between runs (the map's path is part of the flags, so it
# lives there too); by default it is a fresh folder, which costs a full build.
target=${HOT_TEXT_TARGET_DIR:-$work/target}
mkdir -p "$target"
target=$(cd "$target" && pwd)
map=$target/hot-text-map.txt
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
CARGO_PROFILE_RELEASE_STRIP=false CARGO_TARGET_DIR=$target cargo build --release --locked --quiet \
  --config "target.$host.rustflags = [\"-C\", \"link-arg=-Wl,-Map=$map\"]"
bin=$target/$host/release/authcli

export AUTHCLI_IDENTITY=$work/key.txt AUTHCLI_VAULT=$work/vault.age
"$bin" init >/dev/null 2>&1
for i in $(seq 0 99); do
  echo "otpauth://totp/Service$i:user$i@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Service$i"
done | "$bin" add --uri - >/dev/null 2>&1
valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.out" \
  "$bin" code service50 >/dev/null 2>"$work/valgrind.log"
python3 scripts/hot-text.py "$work/cg.out" "$map" > link/hot-text.ld
echo "wrote link/hot-text.ld"
