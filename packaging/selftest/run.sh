#!/usr/bin/env bash
# Checks the packaging files here, without a release: packs BINARY as the x86_64 musl archive,
# makes a SHA256SUMS (with stand-ins for the other archives), fills copies of the formula,
# manifest and PKGBUILD with packaging/fill.sh, then
#   - the Homebrew formula: Ruby syntax, and its install block run against the extracted archive
#     through a stand-in for Homebrew's DSL (brew-mock.rb);
#   - the Scoop manifest: valid JSON, filled hash and folder;
#   - the PKGBUILD: makepkg builds authcli-bin from the archive (run as nobody; makepkg refuses root).
# Needs: ruby, jq, makepkg with libarchive-tools and fakeroot (Debian: apt-get install ruby jq
#   makepkg pacman-package-manager libarchive-tools fakeroot).
# Usage: packaging/selftest/run.sh BINARY   (a Linux authcli, ideally scripts/musl-static.sh's)
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BINARY" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/../../Cargo.toml" | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

mkdir -p "$work/dist"
"$here/../archive.sh" x86_64-unknown-linux-musl "$version" "$1" "$work/dist" >/dev/null
for t in aarch64-unknown-linux-musl.tar.gz x86_64-apple-darwin.tar.gz aarch64-apple-darwin.tar.gz \
    x86_64-pc-windows-msvc.zip; do
  echo "stand-in for $t" > "$work/dist/authcli-$version-$t"
done
(cd "$work/dist" && sha256sum -- * > SHA256SUMS)
cp -r "$here/.." "$work/packaging"
"$work/packaging/fill.sh" "$version" "$work/dist/SHA256SUMS" authcli/authcli

ruby -c "$work/packaging/homebrew/authcli.rb" >/dev/null
(cd "$work" && tar xzf "dist/authcli-$version-x86_64-unknown-linux-musl.tar.gz" \
  && cd "authcli-$version-x86_64-unknown-linux-musl" \
  && ruby "$here/brew-mock.rb" "$work/packaging/homebrew/authcli.rb" | tail -n 1)

want=$(awk '/x86_64-pc-windows-msvc.zip/ { print $1 }' "$work/dist/SHA256SUMS")
[ "$(jq -r '.architecture."64bit".hash' "$work/packaging/scoop/authcli.json")" = "$want" ]
[ "$(jq -r '.architecture."64bit".extract_dir' "$work/packaging/scoop/authcli.json")" = "authcli-$version-x86_64-pc-windows-msvc" ]
echo "scoop: manifest filled ($version)"

mkdir "$work/aur"
cp "$work/packaging/aur/PKGBUILD" "$work/dist/authcli-$version-x86_64-unknown-linux-musl.tar.gz" "$work/aur/"
chmod -R a+rwX "$work/aur"
(cd "$work/aur" && su nobody -s /bin/bash -c "HOME=$work/aur makepkg -d -f --noconfirm" >makepkg.log 2>&1) \
  || { cat "$work/aur/makepkg.log"; exit 1; }
pkg=$(ls "$work"/aur/authcli-bin-*.pkg.tar.*)
for f in usr/bin/authcli usr/share/man/man1/authcli.1.gz usr/share/bash-completion/completions/authcli \
    usr/share/zsh/site-functions/_authcli usr/share/fish/vendor_completions.d/authcli.fish \
    usr/share/licenses/authcli-bin/LICENSE-MIT; do
  bsdtar -tf "$pkg" | grep -qx "$f" || { echo "FAIL: $f not in $(basename "$pkg")" >&2; exit 1; }
done
echo "aur: makepkg built $(basename "$pkg") with the binary, man pages, completions and licences"
echo "packaging selftest: all passed"
