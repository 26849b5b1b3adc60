#!/usr/bin/env bash
# The Debian package of a built one-folder program: /opt/counter-post (the folder, as
# PyInstaller left it), `counter-app` and `hq-server` on the PATH, and a desktop entry.
# The window's profile is never here: it is in each clerk's data folder (platformdirs).
#   installer/linux/build-deb.sh dist/counter-post dist
# DEB_COMPRESS=none skips compressing (the test does: same contents, a third of the time).
set -euo pipefail
built=${1:?the built folder (dist/counter-post)}
out=${2:?where to write the .deb}
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/../../pyproject.toml" | head -1)
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/opt" "$root/usr/bin" "$root/usr/share/applications" "$root/DEBIAN"
cp -a "$built" "$root/opt/counter-post"
for program in counter-app hq-server; do
  # A wrapper, not a symlink: the program is found by its own folder's path.
  printf '#!/bin/sh\nexec /opt/counter-post/%s "$@"\n' "$program" > "$root/usr/bin/$program"
  chmod 0755 "$root/usr/bin/$program"
done
install -m 0644 "$here/counter-app.desktop" "$root/usr/share/applications/counter-app.desktop"
size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: counter-post
Version: $version
Architecture: $arch
Maintainer: Counter App team <counter-app@localhost>
Installed-Size: $size
Depends: libegl1, libgl1, libxkbcommon0, libfontconfig1, libglib2.0-0, libdbus-1-3, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, fonts-dejavu-core
Section: misc
Priority: optional
Description: One-window government service counter for post offices
 The counter window (counter-app) and the reference headquarters service (hq-server),
 built as one folder with its own Python. Each clerk's profile (the store, the logs,
 the printed documents) is kept in the clerk's own data folder and survives upgrades.
CONTROL
mkdir -p "$out"
deb="$out/counter-post_${version}_${arch}.deb"
dpkg-deb --root-owner-group "-Z${DEB_COMPRESS:-gzip}" --build "$root" "$deb" >/dev/null
echo "$deb"
