#!/usr/bin/env bash
# Builds the two tools ../build.sh needs for the cooperative-matrix kernels
# into ../.tools/bin (git-ignored): glslang 16.5.0 without its optimizer
# (byte-reproducible SPIR-V needs that exact version) and spirv-val from
# SPIRV-Tools v2026.3. Neither is packaged by Debian bookworm, and nothing
# is downloaded here: pass source checkouts at the pinned commits, e.g.
# clones of github.com/KhronosGroup/{glslang,SPIRV-Tools,SPIRV-Headers}.
#   tools.sh GLSLANG_SRC SPIRV_TOOLS_SRC SPIRV_HEADERS_SRC
# Needs cmake, make, g++ and python3; takes a few minutes on 2 cores.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 GLSLANG_SRC SPIRV_TOOLS_SRC SPIRV_HEADERS_SRC (checkouts of glslang 16.5.0, SPIRV-Tools v2026.3 and the SPIRV-Headers commit its DEPS names)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../.tools"
want() { # src commit
  if [ -d "$1/.git" ] && [ "$(git -C "$1" rev-parse HEAD)" != "$2" ]; then
    echo "$1 is not at $2: check out the pinned commit" >&2
    exit 1
  fi
}
want "$1" a8d28bd082bff18ffbe80996e922b012f915cf07
want "$2" 9a49b0883b9b635689a85b5647dbfcb223268151
want "$3" 29981f65241605e08b0ede4cfeb999fe3b723c6a
b=$(mktemp -d)
trap 'rm -rf "$b"' EXIT
mkdir -p "$dest/bin"
cmake -S "$1" -B "$b/glslang" -DCMAKE_BUILD_TYPE=Release -DENABLE_OPT=OFF -DGLSLANG_TESTS=OFF \
  -DENABLE_HLSL=OFF -DBUILD_SHARED_LIBS=OFF -DENABLE_SPVREMAPPER=OFF >/dev/null
make -C "$b/glslang" -j"$(nproc)" glslang-standalone >/dev/null
cp "$b/glslang/StandAlone/glslang" "$dest/bin/glslang"
cmake -S "$2" -B "$b/spirv-tools" -DCMAKE_BUILD_TYPE=Release -DSPIRV_SKIP_TESTS=ON -DSPIRV_WERROR=OFF \
  -DSPIRV-Headers_SOURCE_DIR="$3" >/dev/null
make -C "$b/spirv-tools" -j"$(nproc)" spirv-val >/dev/null
cp "$b/spirv-tools/tools/spirv-val" "$dest/bin/spirv-val"
"$dest/bin/glslang" --version | head -1
"$dest/bin/spirv-val" --version | head -1
