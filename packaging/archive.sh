#!/usr/bin/env bash
# Packs one release archive: authcli-VERSION-TARGET/ with the binary, the man pages, the
# completions, README.md, the licences and CHANGELOG.md; .zip for Windows targets, .tar.gz for the
# rest. Prints the archive's path.
# Usage: packaging/archive.sh TARGET VERSION BINARY OUTDIR
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 TARGET VERSION BINARY OUTDIR" >&2; exit 2; }
target=$1 version=$2 binary=$3 outdir=$4
root=$(cd "$(dirname "$0")/.." && pwd)
name=authcli-$version-$target
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/$name/man" "$stage/$name/completions"
cp "$binary" "$stage/$name/"
cp "$root"/man/*.1 "$stage/$name/man/"
cp "$root"/completions/* "$stage/$name/completions/"
cp "$root"/README.md "$root"/LICENSE-MIT "$root"/LICENSE-APACHE "$root"/CHANGELOG.md "$stage/$name/"

cd "$stage"
case $target in
  *windows*)
    rm -f "$outdir/$name.zip"
    if command -v 7z >/dev/null; then 7z a -tzip -bd "$outdir/$name.zip" "$name" >/dev/null
    else zip -qr "$outdir/$name.zip" "$name"; fi
    echo "$outdir/$name.zip" ;;
  *)
    tar -czf "$outdir/$name.tar.gz" "$name"
    echo "$outdir/$name.tar.gz" ;;
esac
