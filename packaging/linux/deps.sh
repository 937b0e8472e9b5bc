#!/usr/bin/env bash
# Makes sure a Debian/Ubuntu machine has what building, running and testing swarmdesk needs:
# a C compiler and the X11/Wayland/OpenGL headers for Fyne, Xvfb + ImageMagick for the
# window test, python3 for the test that reads training checkpoints as Python tools do, and
# Vulkan (loader, Mesa's lavapipe software device, glslc, and the headers the struct-layout test
# compiles against) so the GPU kernels run for real in tests, and spirv-cross, which turns
# the same kernels into the Metal backend's MSL (engine/metal/shaders/build.sh). `deps.sh packaging` adds what building the installers needs (mingw-w64 for the
# Windows cross-build, NSIS, osslsigncode, dpkg-deb). `deps.sh cuda` adds what the CUDA checks need
# without a GPU: Debian's non-free component, NVRTC 11.8 (libnvrtc11.2, for the PTX generator and
# its reproducibility check) and the NVIDIA driver's user-space library libcuda.so.1 (for the
# binding-table and no-device tests). Debian's libcuda1 package cannot be installed on its own: it
# depends on nvidia-support (contrib), nvidia-alternative and the legacy-driver check and recommends
# the kernel module, i.e. the whole driver stack. So its .deb is only downloaded and its library
# unpacked into /opt/swarmdesk/libcuda1, where the tests look for it. Arguments combine
# (`deps.sh packaging cuda`). Installs what is missing with apt-get (as root, or through sudo);
# elsewhere it prints what to install.
set -euo pipefail

pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
  libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev
  xvfb xauth imagemagick libgl1-mesa-dri x11-utils python3
  glslc spirv-cross mesa-vulkan-drivers libvulkan1 libvulkan-dev)
want_cuda=0
for arg in "$@"; do
  case $arg in
    packaging) pkgs+=(gcc-mingw-w64-x86-64 nsis osslsigncode dpkg-dev binutils xz-utils) ;;
    cuda) want_cuda=1 ;;
    *) echo "deps.sh: unknown argument $arg (packaging, cuda)" >&2; exit 2 ;;
  esac
done

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
libcuda_dir=/opt/swarmdesk/libcuda1
need_nvrtc=0 need_libcuda=0
if [ $want_cuda = 1 ]; then
  dpkg-query -W -f='${Status}' libnvrtc11.2 2>/dev/null | grep -q "install ok installed" || need_nvrtc=1
  [ -e "$libcuda_dir/libcuda.so.1" ] || need_libcuda=1
fi
[ ${#missing[@]} -eq 0 ] && [ $need_nvrtc = 0 ] && [ $need_libcuda = 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Run as root or install: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if [ $need_nvrtc = 1 ] || [ $need_libcuda = 1 ]; then
  if ! grep -rqsE '^(Components:.*|deb .*)non-free( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    . /etc/os-release
    echo "Adding Debian's non-free component (for NVRTC and libcuda1)"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "${VERSION_CODENAME:?}" | $sudo tee /etc/apt/sources.list.d/swarmdesk-nonfree.sources >/dev/null
  fi
  [ $need_nvrtc = 1 ] && missing+=(libnvrtc11.2)
fi
$sudo apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_libcuda = 1 ]; then
  echo "Unpacking Debian's libcuda1 (library only, no driver stack) into $libcuda_dir"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download libcuda1 >/dev/null 2>&1 && dpkg-deb -x libcuda1_*.deb root)
  $sudo mkdir -p "$libcuda_dir"
  $sudo cp -a "$tmp"/root/usr/lib/*/nvidia/current/libcuda.so* "$libcuda_dir/"
  rm -rf "$tmp"
fi
