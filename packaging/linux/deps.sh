#!/usr/bin/env bash
# Makes sure a Debian/Ubuntu machine has what building, running and testing swarmdesk needs:
# a C compiler and the X11/Wayland/OpenGL headers for Fyne, Xvfb + ImageMagick for the
# window test, python3 for the test that reads training checkpoints as Python tools do, and
# Vulkan (loader, Mesa's lavapipe software device, glslc, and the headers the struct-layout test
# compiles against) so the GPU kernels run for real in tests, and spirv-cross, which turns
# the same kernels into the Metal backend's MSL (engine/metal/shaders/build.sh). `deps.sh packaging` adds what building the installers needs (mingw-w64 for the
# Windows cross-build, NSIS, osslsigncode, dpkg-deb). Installs what is missing with apt-get (as
# root, or through sudo); elsewhere it prints what to install.
set -euo pipefail

pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
  libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev
  xvfb xauth imagemagick libgl1-mesa-dri x11-utils python3
  glslc spirv-cross mesa-vulkan-drivers libvulkan1 libvulkan-dev)
if [ "${1:-}" = packaging ]; then
  pkgs+=(gcc-mingw-w64-x86-64 nsis osslsigncode dpkg-dev binutils xz-utils)
fi

if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed: swarmdesk needs Go 1.26 or newer (https://go.dev/dl/)." >&2
  exit 1
fi
gov=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n' "1.26" "$gov" | sort -V | head -1)" != "1.26" ]; then
  echo "Go $gov is too old: swarmdesk needs Go 1.26 or newer (https://go.dev/dl/)." >&2
  exit 1
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian-based system: install a C compiler, the OpenGL/X11/Wayland development headers" >&2
  echo "(see https://docs.fyne.io/started/) and, for the window test, Xvfb and ImageMagick." >&2
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Run as root or install: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
