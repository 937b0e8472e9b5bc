#!/usr/bin/env bash
# Cross-compiles the Windows app from Linux with Debian's mingw-w64 and wraps it in an NSIS
# installer: dist/swarmdesk-<version>-windows-amd64-setup.exe. The .exe carries the icon, version
# information and a manifest (DPI awareness, common controls). When WINDOWS_SIGN_PFX (a .pfx file)
# and WINDOWS_SIGN_PASSWORD are set, osslsigncode signs the app and the installer.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
version=$(packaging/version.sh)
# Windows wants four numbers: 1.2.3~dev.gabc → 1.2.3.0
IFS=. read -r a b c _ <<<"$(echo "$version" | sed 's/[^0-9.].*//')"
version4="${a:-0}.${b:-0}.${c:-0}.0"
dist=$root/dist
out=$dist/windows-amd64
mkdir -p "$out"
for tool in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres makensis convert; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install gcc-mingw-w64-x86-64 nsis imagemagick" >&2; exit 1; }
done
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

work=$(mktemp -d)
syso=$root/zz_rsrc_windows_amd64.syso
trap 'rm -rf "$work" "$syso"' EXIT

# Resources: icon (all the sizes Explorer asks for), version info, manifest.
convert assets/icon.png -define icon:auto-resize=256,128,64,48,32,16 "$work/app.ico"
cat > "$work/app.manifest" <<MANIFEST
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity type="win32" name="io.swarmdesk.app" version="$version4" processorArchitecture="amd64"/>
  <dependency><dependentAssembly>
    <assemblyIdentity type="win32" name="Microsoft.Windows.Common-Controls" version="6.0.0.0" processorArchitecture="*" publicKeyToken="6595b64144ccf1df" language="*"/>
  </dependentAssembly></dependency>
  <application xmlns="urn:schemas-microsoft-com:asm.v3"><windowsSettings>
    <dpiAware xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">true/pm</dpiAware>
    <dpiAwareness xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">PerMonitorV2</dpiAwareness>
  </windowsSettings></application>
  <trustInfo xmlns="urn:schemas-microsoft-com:asm.v3"><security><requestedPrivileges>
    <requestedExecutionLevel level="asInvoker" uiAccess="false"/>
  </requestedPrivileges></security></trustInfo>
</assembly>
MANIFEST
commas=${version4//./,}
cat > "$work/app.rc" <<RC
1 ICON "app.ico"
1 24 "app.manifest"
1 VERSIONINFO
FILEVERSION $commas
PRODUCTVERSION $commas
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "swarmdesk"
      VALUE "FileDescription", "swarmdesk"
      VALUE "FileVersion", "$version"
      VALUE "InternalName", "swarmdesk"
      VALUE "OriginalFilename", "swarmdesk.exe"
      VALUE "ProductName", "swarmdesk"
      VALUE "ProductVersion", "$version"
      VALUE "LegalCopyright", "swarmdesk developers"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
RC
(cd "$work" && x86_64-w64-mingw32-windres app.rc -O coff -o "$syso")

echo "== swarmdesk $version windows/amd64"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
  CGO_CFLAGS="-O2 -g0 -ffile-prefix-map=$root=." \
  go build -tags migrated_fynedo -trimpath -buildvcs=false \
  -ldflags "-s -w -H=windowsgui -buildid= -X github.com/swarmdesk/swarmdesk/app/version.Version=$version" \
  -o "$out/swarmdesk.exe" .

sign() { # sign FILE
  if [ -n "${WINDOWS_SIGN_PFX:-}" ]; then
    osslsigncode sign -pkcs12 "$WINDOWS_SIGN_PFX" -pass "${WINDOWS_SIGN_PASSWORD:-}" \
      -n swarmdesk -i https://github.com/swarmdesk/swarmdesk -t http://timestamp.digicert.com \
      -in "$1" -out "$1.signed" && mv "$1.signed" "$1"
    echo "signed $1"
  fi
}
sign "$out/swarmdesk.exe"

setup=$dist/swarmdesk-$version-windows-amd64-setup.exe
makensis -V2 -DVERSION="$version" -DVERSION4="$version4" -DEXE="$out/swarmdesk.exe" \
  -DICON="$work/app.ico" -DOUT="$setup" packaging/windows/installer.nsi
sign "$setup"
for f in "$out/swarmdesk.exe" "$setup"; do
  printf '%-60s %8s MiB  sha256 %s\n' "${f#$root/}" "$(stat -c%s "$f" | awk '{printf "%.1f", $1/1048576}')" "$(sha256sum "$f" | cut -c1-16)"
done
