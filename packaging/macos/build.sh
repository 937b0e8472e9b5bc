#!/usr/bin/env bash
# Builds dist/swarmdesk.app (universal: arm64 + amd64) and dist/swarmdesk-<version>-macos.dmg on a
# Mac with Go ≥ 1.26 and the Xcode command-line tools. Signing and notarization run when their
# settings are present:
#   MACOS_SIGN_IDENTITY   "Developer ID Application: Name (TEAMID)"  → codesign with hardened runtime
#   MACOS_NOTARY_PROFILE  a keychain profile made by `xcrun notarytool store-credentials` → notarize + staple
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
[ "$(uname)" = Darwin ] || { echo "run this on macOS (see .github/workflows/macos.yml)" >&2; exit 1; }
version=$(packaging/version.sh)
short=$(echo "$version" | sed 's/[^0-9.].*//')
build=$(sed -n 's/^ *Build *= *\([0-9]*\)/\1/p' FyneApp.toml | head -1)
dist=$root/dist
app=$dist/swarmdesk.app
rm -rf "$app" && mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources" "$dist/macos"
export MACOSX_DEPLOYMENT_TARGET=11.0

for arch in arm64 amd64; do
  echo "== swarmdesk $version darwin/$arch"
  CGO_ENABLED=1 GOOS=darwin GOARCH=$arch go build -tags migrated_fynedo -trimpath -buildvcs=false \
    -ldflags "-s -w -buildid= -X github.com/swarmdesk/swarmdesk/app/version.Version=$version" \
    -o "$dist/macos/swarmdesk-$arch" .
done
lipo -create -output "$app/Contents/MacOS/swarmdesk" "$dist/macos/swarmdesk-arm64" "$dist/macos/swarmdesk-amd64"

# Icon: every size iconutil wants, from the 512 px PNG.
set_dir=$(mktemp -d)/icon.iconset
mkdir -p "$set_dir"
for s in 16 32 128 256 512; do
  sips -z $s $s assets/icon.png --out "$set_dir/icon_${s}x${s}.png" >/dev/null
  d=$((s * 2)); [ $d -le 512 ] && sips -z $d $d assets/icon.png --out "$set_dir/icon_${s}x${s}@2x.png" >/dev/null
done
iconutil -c icns "$set_dir" -o "$app/Contents/Resources/icon.icns"

cat > "$app/Contents/Info.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>CFBundleName</key><string>swarmdesk</string>
  <key>CFBundleDisplayName</key><string>swarmdesk</string>
  <key>CFBundleExecutable</key><string>swarmdesk</string>
  <key>CFBundleIdentifier</key><string>io.swarmdesk.app</string>
  <key>CFBundleIconFile</key><string>icon.icns</string>
  <key>CFBundlePackageType</key><string>APPL</string>
  <key>CFBundleShortVersionString</key><string>$short</string>
  <key>CFBundleVersion</key><string>$build</string>
  <key>LSMinimumSystemVersion</key><string>11.0</string>
  <key>LSApplicationCategoryType</key><string>public.app-category.developer-tools</string>
  <key>NSHighResolutionCapable</key><true/>
  <key>NSSupportsAutomaticGraphicsSwitching</key><true/>
</dict></plist>
PLIST

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp \
    --entitlements packaging/macos/entitlements.plist --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --strict --verbose=2 "$app"
else
  codesign --force --deep --sign - "$app" # ad-hoc: runs locally; Gatekeeper still asks
fi

dmg=$dist/swarmdesk-$version-macos.dmg
stage=$(mktemp -d)
cp -R "$app" "$stage/" && ln -s /Applications "$stage/Applications"
hdiutil create -volname swarmdesk -srcfolder "$stage" -ov -format UDZO "$dmg" >/dev/null
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --sign "$MACOS_SIGN_IDENTITY" --timestamp "$dmg"
fi
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
fi
ls -la "$app/Contents/MacOS/swarmdesk" "$dmg"
