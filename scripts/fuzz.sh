#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ for SECONDS each (default 600), seeded from the project's
# own fixtures and the shared interop files when present, and prints each target's executions.
# Needs cargo-fuzz (cargo install cargo-fuzz); works on stable through RUSTC_BOOTSTRAP=1.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-600}; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(otpauth migration vault_toml import qr_decode)
export RUSTC_BOOTSTRAP=1
interop=../../shared/interop

mkdir -p corpus/{otpauth,migration,vault_toml,import,qr_decode}
cat > corpus/otpauth/entra <<'S'
otpauth://totp/Contoso%3Anome.cognome%40unipi.it?secret=jbswy3dpehpk3pxp&issuer=Microsoft
S
printf '%s' 'otpauth://hotp/Token:hw?secret=JBSWY3DPEHPK3PXR&counter=5&issuer=Token&digits=8&algorithm=SHA256' > corpus/otpauth/hotp
printf '%s' 'steam://JBSWY3DPEHPK3PXP' > corpus/otpauth/steam
printf '%s' 'phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fexample.com' > corpus/otpauth/push
printf 'version = 1\n[[accounts]]\nname = "a"\nissuer = "I"\naccount = "x"\ntype = "hotp"\nsecret = "JBSWY3DPEHPK3PXP"\nalgorithm = "SHA256"\ndigits = 8\ncounter = 3\nadded = 2026-11-24T10:15:00Z\n' > corpus/vault_toml/hotp
if [ -d "$interop" ]; then
  # migration: the raw protobuf bytes of the public Google examples
  for f in "$interop"/google-authenticator/example_export.txt "$interop"/google-authenticator/test_plus_problem_export.txt; do
    sed -n 's/.*data=//p' "$f" | head -3 | while read -r d; do
      printf '%s' "$d" | python3 -c 'import sys,urllib.parse,base64; s=urllib.parse.unquote(sys.stdin.read().strip()); s+="="*(-len(s)%4); sys.stdout.buffer.write(base64.b64decode(s))' > "corpus/migration/$(basename "$f")-$RANDOM" || true
    done
  done
  i=0
  for f in "$interop"/aegis-testdata/*; do
    i=$((i + 1)); { printf '\x00'; cat "$f"; } > "corpus/import/$i"
  done
fi
cp ../tests/fixtures/screenshots/*1366x768* corpus/qr_decode/ 2>/dev/null || true
cp ../examples/setup-page.png corpus/qr_decode/ 2>/dev/null || true

cargo fuzz build -O >/dev/null
run_one() {
  local t=$1 secs=$2 log
  log=$(mktemp)
  if cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    echo "$t: ${secs}s, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}') executions, no crash"
  else
    echo "$t: CRASH or error, log in $log"; tail -30 "$log"
  fi
}
export -f run_one
# Two at a time: one per core.
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c "run_one {} $secs"
