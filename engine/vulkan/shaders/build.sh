#!/usr/bin/env bash
# Compiles the compute shaders to the SPIR-V the engine embeds (../spv).
# Fixed flags so the bytes are reproducible: CI runs this with --check and
# fails if a rebuild differs from the committed files. Needs glslc (Debian
# package glslc).
#   build.sh          rebuild ../spv/*.spv
#   build.sh --check  rebuild into a temporary folder and compare
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../spv"
check=0
if [ "${1:-}" = --check ]; then
  check=1
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
if ! command -v glslc >/dev/null; then
  echo "glslc not found: apt install glslc" >&2
  exit 1
fi
mkdir -p "$out"
flags=(--target-env=vulkan1.1 -O -Werror -x glsl -fshader-stage=compute)
compile() { # name source [defines...]
  local name=$1 src=$2
  shift 2
  glslc "${flags[@]}" "$@" -o "$out/$name.spv" "$here/$src"
}
for src in "$here"/*.comp; do
  base=$(basename "$src" .comp)
  case $base in gemm | gemv | embed | flash_attn) continue ;; esac
  compile "$base" "$base.comp"
done
compile gemm_f32 gemm.comp -DBTYPE=0
compile gemm_bf16 gemm.comp -DBTYPE=1
compile gemm_f16 gemm.comp -DBTYPE=2
compile gemv_f32 gemv.comp -DBTYPE=0
compile gemv_bf16 gemv.comp -DBTYPE=1
compile gemv_f16 gemv.comp -DBTYPE=2
compile embed embed.comp
compile embed_bf16 embed.comp -DTBF16
# One flash-attention kernel per head width (engine/backend/gpu's FlashHeadDims).
for d in 16 32 64 128; do
  compile flash_attn_d$d flash_attn.comp -DHEAD_D=$d
done
if [ $check = 1 ]; then
  if ! diff -r "$out" "$here/../spv" >/dev/null; then
    echo "engine/vulkan/spv is out of date or not reproducible: run engine/vulkan/shaders/build.sh and commit" >&2
    diff -rq "$out" "$here/../spv" >&2 || true
    exit 1
  fi
  echo "SPIR-V kernels are reproducible ($(ls "$out" | wc -l) files)"
fi
