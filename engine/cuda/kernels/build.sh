#!/usr/bin/env bash
# Regenerates the PTX the CUDA backend embeds (../ptx) from the kernel
# sources here, with our own generator (cmd/ptxgen: NVRTC through purego,
# no CUDA toolkit). CI runs it with --check and fails when the committed
# PTX is not what the committed sources compile to. Needs NVRTC 11.8 as
# Debian packages it (non-free: apt install libnvrtc11.2); another NVRTC
# version writes other bytes, so the check insists on 11.8.
#   build.sh          rebuild ../ptx/*.ptx
#   build.sh --check  rebuild into a temporary folder and compare
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out="$here/../ptx"
check=0
if [ "${1:-}" = --check ]; then
  check=1
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
cd "$root"
go run ./engine/cuda/cmd/ptxgen -out "$out" -want-nvrtc 11.8
if [ $check = 1 ]; then
  if ! diff -r -x README.md "$out" "$here/../ptx" >/dev/null; then
    echo "engine/cuda/ptx is out of date or not reproducible: run engine/cuda/kernels/build.sh and commit" >&2
    diff -rq -x README.md "$out" "$here/../ptx" >&2 || true
    exit 1
  fi
  echo "PTX kernels are reproducible ($(ls "$out" | wc -l) files)"
fi
