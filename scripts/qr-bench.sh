#!/usr/bin/env bash
# Benchmark authcli's QR decoding against zbarimg on ~20 realistic screenshots
# (1366x768 ... 5120x2880: light, dark/inverted, tiny, blurry, JPEG q50, rotated, noisy,
# low contrast, two codes, GIF/BMP/WebP), made by scripts/make-screenshots.sh --bench.
#
#   scripts/qr-bench.sh                       # builds target/release/examples/qrdecode
#   QRDECODE_CMD="zbarimg -q --raw" scripts/qr-bench.sh                     # another decoder
#   BENCH_DIR=/tmp/qrbench RUNS=10 scripts/qr-bench.sh                     # keep/reuse images
#
# QRDECODE_CMD is run as `$QRDECODE_CMD IMAGE` and must print each payload on its own line.
# Prints, per image: decoded by authcli / by zbarimg (exact URIs), the median wall time of
# each; then the median over the 4K and 5K images and the ratio; then the peak RSS of both
# on a 5K screenshot.
# Needs: chromium qrencode imagemagick zbar-tools time (hyperfine is used when installed):
#   apt-get install -y chromium qrencode imagemagick zbar-tools time hyperfine
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"

RUNS=${RUNS:-5}
URI='otpauth://totp/Example%20Corp:demo%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp'
URI2='otpauth://totp/Example%20Corp:backup%40example.com?secret=KRSXG5CTMVRXEZLU&issuer=Example%20Corp'

for tool in zbarimg /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see the header of $0)" >&2; exit 1; }
done

if [ -z "${QRDECODE_CMD:-}" ]; then
    cargo build --release --quiet --example qrdecode
    QRDECODE_CMD="${CARGO_TARGET_DIR:-$root/target}/release/examples/qrdecode"
fi
read -r -a decoder <<<"$QRDECODE_CMD"

if [ -n "${BENCH_DIR:-}" ]; then
    dir=$BENCH_DIR
else
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi
if ! ls "$dir"/*.png >/dev/null 2>&1; then
    echo "making the images in $dir ..." >&2
    "$here/make-screenshots.sh" --bench "$dir" >/dev/null
fi

# expected IMAGE -> the sorted payloads the image holds
expected() {
    case "$1" in
        *two-codes*) printf '%s\n%s\n' "$URI" "$URI2" | sort ;;
        *) printf '%s\n' "$URI" ;;
    esac
}

# median_ms CMD... -> median wall time of RUNS runs, in milliseconds
median_ms() {
    if command -v hyperfine >/dev/null; then
        local csv
        csv=$(mktemp)
        hyperfine -N -i --warmup 1 --runs "$RUNS" --export-csv "$csv" "$(printf '%q ' "$@")" \
            >/dev/null 2>&1
        awk -F, 'NR == 2 { printf "%.0f", $4 * 1000 }' "$csv"
        rm -f "$csv"
    else
        local times=() i s e
        for ((i = 0; i < RUNS; i++)); do
            s=$(date +%s%N)
            "$@" >/dev/null 2>&1 || true
            e=$(date +%s%N)
            times+=($(((e - s) / 1000000)))
        done
        printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
    fi
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print 0 }'; }

printf '%-34s %-11s %7s %7s %7s %7s\n' image size authcli zbarimg 'a ms' 'z ms'
ours_ok=0 zbar_ok=0 total=0
big_ours=() big_zbar=()
for img in "$dir"/*; do
    name=$(basename "$img")
    size=$(identify -format '%wx%h' "$img[0]")
    want=$(expected "$name")
    got_ours=$("${decoder[@]}" "$img" 2>/dev/null | sort || true)
    got_zbar=$(zbarimg -q --raw "$img" 2>/dev/null | sort || true)
    ok_ours=no ok_zbar=no
    [ "$got_ours" = "$want" ] && ok_ours=yes && ours_ok=$((ours_ok + 1))
    [ "$got_zbar" = "$want" ] && ok_zbar=yes && zbar_ok=$((zbar_ok + 1))
    total=$((total + 1))
    t_ours=$(median_ms "${decoder[@]}" "$img")
    t_zbar=$(median_ms zbarimg -q --raw "$img")
    printf '%-34s %-11s %7s %7s %7s %7s\n' "$name" "$size" "$ok_ours" "$ok_zbar" "$t_ours" "$t_zbar"
    if [ "${size%x*}" -ge 3840 ]; then
        big_ours+=("$t_ours")
        big_zbar+=("$t_zbar")
    fi
done

echo
echo "decoded exactly: authcli $ours_ok/$total, zbarimg $zbar_ok/$total"
m_ours=$(printf '%s\n' "${big_ours[@]}" | median)
m_zbar=$(printf '%s\n' "${big_zbar[@]}" | median)
echo "median wall time on the ${#big_ours[@]} 4K/5K images: authcli $m_ours ms, zbarimg $m_zbar ms," \
    "ratio $(awk -v a="$m_ours" -v z="$m_zbar" 'BEGIN { printf "%.2f", (z > 0 ? a / z : 0) }')"

rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
for five in "$dir"/*5k*.png; do
    echo "peak RSS on $(basename "$five"): authcli $(($(rss "${decoder[@]}" "$five") / 1024)) MB," \
        "zbarimg $(($(rss zbarimg -q --raw "$five") / 1024)) MB"
done
