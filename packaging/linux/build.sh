#!/usr/bin/env bash
# Builds the Linux release into dist/: the binary, a .tar.xz with `make install`, and a .deb.
# Reproducible where the toolchain allows: -trimpath, no build ID, file times from the commit.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
version=$(packaging/version.sh)
arch=$(go env GOARCH)
dist=$root/dist
mkdir -p "$dist"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g0} -ffile-prefix-map=$root=. -ffile-prefix-map=$(go env GOMODCACHE)=mod"

echo "== swarmdesk $version linux/$arch"
bin=$dist/linux-$arch/swarmdesk
go build -tags migrated_fynedo -trimpath -buildvcs=false \
  -ldflags "-s -w -buildid= -X github.com/swarmdesk/swarmdesk/app/version.Version=$version" \
  -o "$bin" .

# The install tree, shared by the tarball and the .deb (which installs under /usr).
stage() { # stage DIR PREFIX
  local d=$1 p=$2
  rm -rf "$d"
  install -Dm755 "$bin" "$d$p/bin/swarmdesk"
  install -Dm644 packaging/linux/io.swarmdesk.app.desktop "$d$p/share/applications/io.swarmdesk.app.desktop"
  install -Dm644 assets/icon.png "$d$p/share/icons/hicolor/512x512/apps/io.swarmdesk.app.png"
  install -Dm644 packaging/linux/io.swarmdesk.app.metainfo.xml "$d$p/share/metainfo/io.swarmdesk.app.metainfo.xml"
  find "$d" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}
tarball() { # tarball DIR OUT
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$1" -cf - . | xz -T1 -9e > "$2"
}

# .tar.xz, laid out as `fyne package` does, with a Makefile for `make install`.
t=$dist/stage-tar
stage "$t" /usr/local
install -Dm644 packaging/linux/Makefile.tar "$t/Makefile"
touch -d "@$SOURCE_DATE_EPOCH" "$t/Makefile"
tarball "$t" "$dist/swarmdesk-$version-linux-$arch.tar.xz"

# .deb: Depends lists the Debian packages owning every shared library the binary links.
d=$dist/stage-deb
stage "$d" /usr
debarch=$(dpkg --print-architecture)
owner() { # owner LIBPATH: the Debian package holding a library (merged /usr aware)
  local p=$1 r
  r=$(readlink -f "$p")
  for c in "$p" "$r" "${r#/usr}" "/usr$p"; do
    dpkg -S "$c" 2>/dev/null | head -1 | cut -d: -f1 && return 0
  done
  echo "warning: no package owns $p" >&2
}
depends=$( (objdump -p "$bin" | awk '/NEEDED/{print $2}' | while read -r lib; do
  path=$(ldconfig -p | awk -v l="$lib" '$1==l {print $NF; exit}')
  [ -n "$path" ] && owner "$path"
done) | sort -u | paste -sd, | sed 's/,/, /g')
mkdir -p "$d/DEBIAN"
size=$(du -sk --apparent-size "$d/usr" | cut -f1)
cat > "$d/DEBIAN/control" <<CONTROL
Package: swarmdesk
Version: $version
Architecture: $debarch
Maintainer: swarmdesk developers <dev@swarmdesk.io>
Installed-Size: $size
Depends: ${depends:-libc6}
Recommends: gnome-keyring | kwalletmanager
Section: science
Priority: optional
Homepage: https://github.com/swarmdesk/swarmdesk
Description: join a decentralized reinforcement-learning swarm
 swarmdesk trains a small language model together with a swarm of peers:
 every round it answers questions, shares its answers, learns from
 everyone's, and records its rewards on chain. One window, no terminal.
CONTROL
touch -d "@$SOURCE_DATE_EPOCH" "$d/DEBIAN" "$d/DEBIAN/control"
deb=$dist/swarmdesk_${version}_${debarch}.deb
dpkg-deb --root-owner-group -Zxz --build "$d" "$deb" >/dev/null
rm -rf "$t" "$d"

echo "== built"
for f in "$bin" "$dist/swarmdesk-$version-linux-$arch.tar.xz" "$deb"; do
  printf '%-60s %8.1f MiB  sha256 %s\n' "${f#$root/}" "$(stat -c%s "$f" | awk '{printf "%.1f", $1/1048576}')" "$(sha256sum "$f" | cut -c1-16)"
done
echo "Depends: $depends"
