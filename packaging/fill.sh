#!/usr/bin/env bash
# Writes a release's version and archive checksums into the Homebrew formula, the Scoop manifest
# and the AUR PKGBUILD under packaging/ (in place). The release workflow runs it and attaches the
# filled files to the GitHub release.
# Usage: packaging/fill.sh VERSION SHA256SUMS [OWNER/REPO]
#   VERSION     without the leading v (0.2.0)
#   SHA256SUMS  sha256sum's output over the archives (authcli-VERSION-TARGET.tar.gz / .zip)
#   OWNER/REPO  where the releases live (default: $GITHUB_REPOSITORY, else left as it is)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 VERSION SHA256SUMS [OWNER/REPO]" >&2; exit 2; }
version=${1#v} sums=$2 repo=${3:-${GITHUB_REPOSITORY:-}}
dir=$(cd "$(dirname "$0")" && pwd)
brew=$dir/homebrew/authcli.rb scoop=$dir/scoop/authcli.json aur=$dir/aur/PKGBUILD

# The checksum of authcli-VERSION-TARGET.EXT from SHA256SUMS (text or binary mode lines).
sum_of() {
  local file=authcli-$version-$1.$2 sum
  sum=$(awk -v f="$file" '$2 == f || $2 == "*" f { print $1 }' "$sums")
  [[ $sum =~ ^[0-9a-f]{64}$ ]] || { echo "fill.sh: no sha256 for $file in $sums" >&2; exit 1; }
  echo "$sum"
}

# Homebrew: the version line, then each `sha256 "…" # TARGET` line.
sed -i.bak -E "s/^(  version )\"[^\"]*\"/\1\"$version\"/" "$brew"
for target in aarch64-apple-darwin x86_64-apple-darwin aarch64-unknown-linux-musl x86_64-unknown-linux-musl; do
  sum=$(sum_of "$target" tar.gz)
  sed -i.bak -E "s/sha256 \"[0-9a-f]*\" # $target\$/sha256 \"$sum\" # $target/" "$brew"
done

# Scoop: version, URL, hash and folder of the 64-bit archive.
target=x86_64-pc-windows-msvc
sum=$(sum_of "$target" zip)
tmp=$(mktemp)
jq --indent 4 --arg v "$version" --arg h "$sum" --arg t "$target" '
  .version = $v
  | .architecture."64bit".url |= sub("/download/v[^/]*/.*$"; "/download/v\($v)/authcli-\($v)-\($t).zip")
  | .architecture."64bit".hash = $h
  | .architecture."64bit".extract_dir = "authcli-\($v)-\($t)"' "$scoop" > "$tmp"
mv "$tmp" "$scoop"

# AUR: pkgver, pkgrel back to 1, one checksum per architecture.
sed -i.bak -E -e "s/^pkgver=.*/pkgver=$version/" -e "s/^pkgrel=.*/pkgrel=1/" "$aur"
for arch in x86_64 aarch64; do
  sum=$(sum_of "$arch-unknown-linux-musl" tar.gz)
  sed -i.bak -E "s/^sha256sums_$arch=.*/sha256sums_$arch=('$sum')/" "$aur"
done

# Where the releases live.
if [ -n "$repo" ]; then
  for f in "$brew" "$scoop" "$aur"; do
    sed -i.bak -E "s#https://github\.com/[^/\"']+/[^/\"']+#https://github.com/$repo#g" "$f"
  done
fi
rm -f "$brew.bak" "$aur.bak" "$scoop.bak"

# A version with a dash (0.2.0-rc.1) is no valid pkgver: makepkg would refuse it.
[[ $version != *-* ]] || echo "fill.sh: warning: pkgver $version has a dash; makepkg refuses it" >&2
if grep -n '"0\{64\}"\|(.0\{64\}.)' "$brew" "$scoop" "$aur"; then
  echo "fill.sh: a checksum was left unfilled (above)" >&2; exit 1
fi
echo "filled $version into packaging/{homebrew/authcli.rb,scoop/authcli.json,aur/PKGBUILD}"
