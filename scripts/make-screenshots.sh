#!/usr/bin/env bash
# Regenerate the realistic "set up your authenticator app" screenshots that authcli's QR
# tests decode: scripts/setup-page.html rendered by headless Chromium, the QR code embedded
# as a small PNG (1 px per module) that the browser scales up with smoothing.
#
#   scripts/make-screenshots.sh                 # committed fixtures -> tests/fixtures/screenshots/
#                                               #   and examples/setup-page.png
#   scripts/make-screenshots.sh --bench DIR     # ~20 larger/harder images for scripts/qr-bench.sh
#
# Needs: chromium, qrencode, imagemagick (apt-get install -y chromium qrencode imagemagick).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
template="$here/setup-page.html"

URI='otpauth://totp/Example%20Corp:demo%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp'
URI2='otpauth://totp/Example%20Corp:backup%40example.com?secret=KRSXG5CTMVRXEZLU&issuer=Example%20Corp'

for tool in chromium qrencode convert; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y chromium qrencode imagemagick)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# qr_uri URI THEME -> data: URI of a 1-px-per-module PNG (4-module quiet zone, ECC M)
qr_uri() {
    local fg=000000 bg=FFFFFF
    if [ "$2" = dark ]; then fg=E8E8E8 bg=1F1F1F; fi # dark theme: light modules on dark
    printf 'data:image/png;base64,%s' \
        "$(qrencode -l M -s 1 -m 4 --foreground=$fg --background=$bg -o - "$1" | base64 -w0)"
}

# shot OUT THEME WIDTH HEIGHT SCALE QR_CSS_WIDTH [SECOND_URI]
#   WIDTH x HEIGHT is the CSS viewport; the PNG is SCALE times larger (device scale factor).
shot() {
    local out=$1 theme=$2 w=$3 h=$4 scale=$5 qrw=$6 second=${7:-}
    local html="$work/page-$$-$RANDOM.html" extra=""
    if [ -n "$second" ]; then
        extra="<p>Backup device:</p><img class=\"qr\" alt=\"QR code\" src=\"$(qr_uri "$second" "$theme")\">"
    fi
    local qr
    qr=$(qr_uri "$URI" "$theme")
    # '|' cannot occur in a data: URI or in the snippets above
    sed -e "s|@THEME@|$theme|" -e "s|@QR@|$qr|" -e "s|@EXTRA@|$extra|" \
        -e "s|width: 220px; margin: 18px|width: ${qrw}px; margin: 18px|" "$template" >"$html"
    local profile
    profile=$(mktemp -d)
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --disable-sync --user-data-dir="$profile" \
        --hide-scrollbars --force-device-scale-factor="$scale" --window-size="$w,$h" \
        --screenshot="$work/raw.png" "file://$html" >/dev/null 2>&1
    rm -rf "$profile" "$html"
    case "$out" in
        *.jpg) convert "$work/raw.png" -quality "${JPEG_QUALITY:-85}" "$out" ;;
        *) convert "$work/raw.png" -strip -define png:compression-level=9 "$out" ;;
    esac
    echo "wrote $out ($(identify -format '%wx%h' "$out"), $(du -k "$out" | cut -f1) KiB)"
}

if [ "${1:-}" = --bench ]; then
    out=${2:?usage: make-screenshots.sh --bench DIR}
    mkdir -p "$out"
    t="$work/t.png"
    # name theme css-w css-h scale qr-css-width
    shot "$out/01-1366x768-light.png" light 1366 768 1 220
    shot "$out/02-1366x768-dark.png" dark 1366 768 1 220
    shot "$out/03-1920x1080-light.png" light 1920 1080 1 220
    shot "$out/04-2560x1440-dark.png" dark 2560 1440 1 220
    shot "$out/05-4k-light.png" light 1920 1080 2 220
    shot "$out/06-4k-dark.png" dark 1920 1080 2 220
    shot "$out/07-5k-light.png" light 2560 1440 2 220
    shot "$out/08-5k-dark.png" dark 2560 1440 2 220
    shot "$out/09-4k-tiny-60px.png" light 3840 2160 1 72
    shot "$out/10-4k-dark-tiny-60px.png" dark 3840 2160 1 72
    shot "$out/11-1366x768-blurry-400px.png" light 1366 768 1 400
    shot "$out/12-4k-two-codes.png" light 1920 1080 2 200 "$URI2"
    shot "$t" light 1920 1080 2 220
    convert "$t" -quality 50 "$out/13-4k-light-q50.jpg"
    shot "$t" dark 2560 1440 2 220
    convert "$t" -quality 50 "$out/14-5k-dark-q50.jpg"
    shot "$t" light 1920 1080 1 220
    convert "$t" -background white -interpolate bilinear -rotate 6 "$out/15-1080p-rotated-6deg.png"
    convert "$t" -attenuate 0.6 +noise Gaussian "$out/16-1080p-noise.png"
    convert "$t" +level 35%,70% "$out/17-1080p-low-contrast.png"
    shot "$t" light 2560 1440 2 220
    convert "$t" -background white -interpolate bilinear -rotate -4 "$out/18-5k-rotated-4deg.png"
    convert "$t" -attenuate 0.5 +noise Gaussian -quality 60 "$out/19-5k-noise-q60.jpg"
    shot "$t" dark 1920 1080 2 220
    convert "$t" -resize 50% -resize 200% "$out/20-4k-dark-soft.png"
    shot "$t" light 1366 768 1 220
    convert "$t" "$out/21-1366x768-light.gif"
    convert "$t" "$out/22-1366x768-light.bmp"
    convert "$t" -quality 80 "$out/23-1366x768-light.webp"
    exit 0
fi

fixtures="$root/tests/fixtures/screenshots"
mkdir -p "$fixtures" "$root/examples"
shot "$root/examples/setup-page.png" light 1366 768 1 220
shot "$fixtures/light-1366x768.png" light 1366 768 1 220
shot "$fixtures/dark-1366x768.png" dark 1366 768 1 220
shot "$fixtures/light-2560x1440.png" light 2560 1440 1 220
shot "$fixtures/dark-2560x1440.png" dark 2560 1440 1 220
JPEG_QUALITY=60 shot "$fixtures/dark-3840x2160.jpg" dark 1920 1080 2 220
shot "$fixtures/light-5120x2880-two-codes.png" light 2560 1440 2 200 "$URI2"
du -ch "$fixtures"/* "$root/examples/setup-page.png" | tail -1
