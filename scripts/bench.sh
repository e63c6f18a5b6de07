#!/usr/bin/env bash
# Benchmarks `authcli code` against oathtool, side by side with hyperfine, on key-based vaults of
# 1, 100 and 10,000 accounts; the passphrase vault's unlock, and its codes through the unlock agent;
# and the TOML parse floor at 10,000. Both programs run directly (hyperfine -N, no shell and no
# `env` wrapper: an extra exec would cost authcli ~0.7 ms here); the vault is given by --vault.
# Needs: hyperfine, oathtool, age (apt-get install -y hyperfine oathtool age).
#
# Page cache: how a binary's pages got into memory changes its start-up time by up to 20 % here
# (a file the linker or `cp` just wrote is cached in other folio sizes than one read from disk).
# So, as root, every measurement starts from a dropped page cache: both programs are read from
# disk, as after a reboot, then warmed up. Without root the figures depend on that history.
# RUST_BACKTRACE makes every error capture a backtrace (1.4 ms in a static binary): unset here.
#
# hyperfine runs one command's batch, then the other's; on a shared VM the machine's speed drifts
# between batches. So each comparison is also run in turns (scripts/interleave.py: A B A B ...),
# whose ratio is the one to quote.
set -euo pipefail
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
cold_cache() {
  if [ -w /proc/sys/vm/drop_caches ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi
}
[ -w /proc/sys/vm/drop_caches ] || echo "note: not root, so the page cache is not dropped before each run" >&2
cd "$(dirname "$0")/.."
for t in hyperfine oathtool age python3; do
  command -v "$t" >/dev/null || { echo "bench.sh needs $t (apt-get install -y $t)" >&2; exit 1; }
done
cargo build --release --locked --quiet
cargo build --release --locked --quiet --example toml_floor
out=${CARGO_TARGET_DIR:-$PWD/target}/release
bin=$out/authcli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
secret=JBSWY3DPEHPK3PXP
export AUTHCLI_IDENTITY=$work/key.txt
"$bin" --vault "$work/init.age" init >/dev/null 2>&1  # creates the identity

make_vault() { # N → $work/vN.age, account "acct-N/2" is the one we ask for
  local n=$1 v=$work/v$1.age
  AUTHCLI_VAULT=$v "$bin" init >/dev/null 2>&1
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) {
      s = ""; x = i; for (k = 0; k < 16; k++) { s = s substr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", (x % 32) + 1, 1); x = int(x / 32) + k * 7 + 3 }
      printf "otpauth://totp/Service%d:user%d@example.com?secret=%s&issuer=Service%d\n", i, i, s, i } }' \
    | AUTHCLI_VAULT=$v "$bin" add --uri - 2>/dev/null
  echo "$v"
}

echo "== authcli code vs oathtool --totp (wall time, hyperfine) =="
for n in 1 100 10000; do
  v=$(make_vault $n)
  q=service$((n / 2))
  printf '\n-- %d accounts (vault %s KiB) --\n' "$n" $(( $(stat -c %s "$v") / 1024 ))
  cold_cache
  hyperfine -N --warmup 10 --runs 200 --style basic \
    "$bin --vault $v code $q" \
    "oathtool --totp -b $secret" 2>&1 | grep -E 'Time|±|faster|Benchmark'
  echo "   in turns (500 runs each):"
  python3 scripts/interleave.py 500 "$bin --vault $v code $q" "oathtool --totp -b $secret"
done

echo
echo "== startup floor: authcli with nothing to open (exits 1 at once: no such vault) vs oathtool =="
cold_cache
hyperfine -N -i --warmup 20 --runs 200 --style basic \
  "$bin --vault $work/missing.age code x" \
  "oathtool --totp -b $secret" 2>&1 | grep -E 'Time|±|faster|Benchmark'

echo
echo "== TOML parse floor at 10,000 accounts =="
age -d -i "$AUTHCLI_IDENTITY" -o "$work/plain.toml" "$work/v10000.age"
"$out/examples/toml_floor" "$work/plain.toml"
echo "   in turns (100 runs each): authcli code (read, decrypt, parse, pick) vs a process that only"
echo "   reads the plaintext and parses it with the toml crate (the target: at most 1.5x)"
python3 scripts/interleave.py 100 "$bin --vault $work/v10000.age code service5000" \
  "$out/examples/toml_floor --once $work/plain.toml"
rm -f "$work/plain.toml"

echo
echo "== import --dry-run: time against the number of accounts (linear means 20,000 take ~4x 5,000) =="
for n in 5000 20000; do
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) {
      s = ""; x = i; for (k = 0; k < 16; k++) { s = s substr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", (x % 32) + 1, 1); x = int(x / 32) + k * 7 + 3 }
      printf "otpauth://totp/Imported%d:user%d@example.com?secret=%s&issuer=Imported%d\n", i, i, s, i } }' > "$work/import$n.txt"
done
python3 scripts/interleave.py 5 "$bin --vault $work/v100.age import $work/import20000.txt --dry-run" \
  "$bin --vault $work/v100.age import $work/import5000.txt --dry-run"

echo
echo "== passphrase vault: unlock (scrypt work factor 18, by design ~0.6-1 s) =="
unset AUTHCLI_IDENTITY
export AUTHCLI_PASSPHRASE=bench-passphrase
AUTHCLI_VAULT=$work/pass.age "$bin" init >/dev/null 2>&1
echo "otpauth://totp/X:y?secret=$secret&issuer=X" | AUTHCLI_VAULT=$work/pass.age "$bin" add --uri - 2>/dev/null
hyperfine -N --warmup 1 --runs 5 --style basic "$bin --vault $work/pass.age code x" 2>&1 | grep -E 'Time|±|Benchmark'

echo
echo "== passphrase vault through the unlock agent vs oathtool --totp =="
export XDG_RUNTIME_DIR=$work/run
mkdir -m 700 "$XDG_RUNTIME_DIR"
AUTHCLI_VAULT=$work/pass.age "$bin" unlock --for 5m 2>/dev/null
trap 'AUTHCLI_VAULT=$work/pass.age "$bin" lock 2>/dev/null; rm -rf "$work"' EXIT
unset AUTHCLI_PASSPHRASE  # from here on only the agent can open the vault
"$bin" --vault "$work/pass.age" code x >/dev/null || { echo "the agent did not answer" >&2; exit 1; }
cold_cache
hyperfine -N --warmup 10 --runs 200 --style basic \
  "$bin --vault $work/pass.age code x" \
  "oathtool --totp -b $secret" 2>&1 | grep -E 'Time|±|faster|Benchmark'
echo "   in turns (500 runs each):"
python3 scripts/interleave.py 500 "$bin --vault $work/pass.age code x" "oathtool --totp -b $secret"

if command -v pass >/dev/null && command -v gpg >/dev/null && pass otp --help >/dev/null 2>&1; then
  echo
  echo "== for scale: pass-otp (a GPG-encrypted pass entry, key without passphrase) vs oathtool --totp =="
  export GNUPGHOME=$work/gnupg PASSWORD_STORE_DIR=$work/pass-store
  mkdir -m 700 "$GNUPGHOME"
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key bench@example.com default default never 2>/dev/null
  pass init bench@example.com >/dev/null
  echo "otpauth://totp/X:y?secret=$secret&issuer=X" | pass otp insert bench >/dev/null
  pass otp bench >/dev/null
  python3 scripts/interleave.py 100 "pass otp bench" "oathtool --totp -b $secret"
  gpgconf --kill gpg-agent 2>/dev/null || true
fi
