#!/usr/bin/env bash
# Writes the Metal Shading Language kernels the Metal backend embeds (../msl)
# from the Vulkan backend's GLSL (engine/vulkan/shaders, the one source of
# every kernel) plus the few Metal-only helpers here: glslc → SPIR-V →
# spirv-cross --msl. Fixed tool flags so the bytes are reproducible: CI
# runs this with --check and fails if a rebuild differs from the committed
# files. Needs glslc and spirv-cross (Debian packages glslc, spirv-cross).
#   build.sh          rebuild ../msl/*.metal
#   build.sh --check  rebuild into a temporary folder and compare
#
# Conventions the Go side relies on (engine/metal/kernels.go checks them):
#   - one kernel per file, entry point named like the file;
#   - storage buffer binding N is [[buffer(N)]];
#   - the push-constant block is [[buffer(30)]] (spirv-cross puts it at 0,
#     which collides with binding 0, so it is moved here);
#   - the threadgroup size is the `gl_WorkGroupSize` constant.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
vk="$here/../../vulkan/shaders"
out="$here/../msl"
check=0
if [ "${1:-}" = --check ]; then
  check=1
  out=$(mktemp -d)
fi
for tool in glslc spirv-cross; do
  if ! command -v $tool >/dev/null; then
    echo "$tool not found: apt install $tool" >&2
    exit 1
  fi
done
mkdir -p "$out"
tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; if [ $check = 1 ]; then rm -rf "$out"; fi; }
trap cleanup EXIT
# No -O: the optimizer strips names, and named MSL is what a person debugs
# on a Mac. The Metal compiler optimizes anyway.
gflags=(--target-env=vulkan1.1 -Werror -x glsl -fshader-stage=compute)
compile() { # name source [defines...]
  local name=$1 src=$2
  shift 2
  glslc "${gflags[@]}" "$@" -o "$tmp/$name.spv" "$src"
  spirv-cross --msl --msl-version 30100 --msl-decoration-binding \
    --rename-entry-point main "$name" comp "$tmp/$name.spv" --output "$tmp/$name.raw"
  sed -E 's/(constant [A-Za-z_][A-Za-z0-9_]*& [A-Za-z_][A-Za-z0-9_]* )\[\[buffer\(0\)\]\]/\1[[buffer(30)]]/' \
    "$tmp/$name.raw" >"$out/$name.metal"
}
for src in "$vk"/*.comp "$here"/*.comp; do
  base=$(basename "$src" .comp)
  # gemm/gemv/embed are built per weight type, flash_attn per head width
  # and KV type, kv_append per KV type, below.
  case $base in gemm | gemv | embed | flash_attn | kv_append) continue ;; esac
  compile "$base" "$src"
done
compile gemm_f32 "$vk/gemm.comp" -DBTYPE=0
compile gemm_bf16 "$vk/gemm.comp" -DBTYPE=1
compile gemm_f16 "$vk/gemm.comp" -DBTYPE=2
compile gemv_f32 "$vk/gemv.comp" -DBTYPE=0
compile gemv_bf16 "$vk/gemv.comp" -DBTYPE=1
compile gemv_f16 "$vk/gemv.comp" -DBTYPE=2
compile embed "$vk/embed.comp"
compile embed_bf16 "$vk/embed.comp" -DTBF16
# The KV cache in float32 or bf16 (engine/backend/gpu's KVDTypes).
compile kv_append "$vk/kv_append.comp"
compile kv_append_bf16 "$vk/kv_append.comp" -DKV_BF16
# One flash-attention kernel per head width (engine/backend/gpu's
# FlashHeadDims), each also over a bf16 KV cache.
for d in 16 32 64 128; do
  compile flash_attn_d$d "$vk/flash_attn.comp" -DHEAD_D=$d
  compile flash_attn_d${d}_bf16 "$vk/flash_attn.comp" -DHEAD_D=$d -DKV_BF16
done
if [ $check = 1 ]; then
  if ! diff -r "$out" "$here/../msl" >/dev/null; then
    echo "engine/metal/msl is out of date or not reproducible: run engine/metal/shaders/build.sh and commit" >&2
    diff -rq "$out" "$here/../msl" >&2 || true
    exit 1
  fi
  echo "MSL kernels are reproducible ($(ls "$out" | wc -l) files)"
fi
