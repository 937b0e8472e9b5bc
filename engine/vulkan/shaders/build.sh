#!/usr/bin/env bash
# Compiles the compute shaders to the SPIR-V the engine embeds (../spv).
# Fixed flags so the bytes are reproducible: CI runs this with --check and
# fails if a rebuild differs from the committed files. Needs glslc (Debian
# package glslc).
#   build.sh          rebuild ../spv/*.spv
#   build.sh --check  rebuild into a temporary folder and compare
#
# The cooperative-matrix GEMMs (coopmat/*.comp → gemm_coopmat_*.spv) need
# GL_KHR_cooperative_matrix, which Debian bookworm's glslc (glslang 11.13)
# and glslang-tools (12) do not know. They are compiled with glslang 16.5.0
# exactly (git tag 16.5.0, commit a8d28bd082bff18ffbe80996e922b012f915cf07,
# built without its optimizer) and validated with spirv-val from
# SPIRV-Tools v2026.3 (commit 9a49b0883b9b635689a85b5647dbfcb223268151).
# coopmat/tools.sh builds both into .tools/bin from source checkouts; $GLSLANG
# and $SPIRV_VAL may point at other copies. Where that glslang is missing
# (CI: no Debian package has it) those files are left as committed and the
# script says in one line that they were not rechecked; it still checks
# that their sources are the ones they were compiled from (the SHA-256 of
# each source and the compile flags, spv/gemm_coopmat.sources, written
# when they are compiled), so a kernel edited without a rebuild fails.
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
  case $base in gemm | gemv | embed | flash_attn | kv_append) continue ;; esac
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
# The KV cache in float32 or bf16 (engine/backend/gpu's KVDTypes).
compile kv_append kv_append.comp
compile kv_append_bf16 kv_append.comp -DKV_BF16
# One flash-attention kernel per head width (engine/backend/gpu's
# FlashHeadDims), each also over a bf16 KV cache.
for d in 16 32 64 128; do
  compile flash_attn_d$d flash_attn.comp -DHEAD_D=$d
  compile flash_attn_d${d}_bf16 flash_attn.comp -DHEAD_D=$d -DKV_BF16
done

# coopmat compiles the cooperative-matrix kernels with the pinned glslang
# and validates them, or says why not and leaves the committed files out
# of the comparison (skip).
skip=()
coopsources() { # what the cooperative-matrix kernels are compiled from
  (cd "$here" && sha256sum coopmat/gemm_coopmat.comp bf16.glsl)
  echo "glslang 16.5.0 -V --target-env vulkan1.1 -S comp; gemm_coopmat_bf16: -DBTYPE=1, gemm_coopmat_f16: -DBTYPE=2"
}
coopmat() {
  local glslang=${GLSLANG:-} val=${SPIRV_VAL:-}
  if [ -z "$glslang" ]; then
    for g in "$here/.tools/bin/glslang" "$(command -v glslang || true)" "$(command -v glslangValidator || true)"; do
      if [ -n "$g" ] && [ -x "$g" ] && "$g" --version 2>/dev/null | grep -q '^Glslang Version: 11:16\.5\.0$'; then
        glslang=$g
        break
      fi
    done
  fi
  if [ -z "$glslang" ] || ! "$glslang" --version 2>/dev/null | grep -q '^Glslang Version: 11:16\.5\.0$'; then
    echo "note: cooperative-matrix kernels (spv/gemm_coopmat_*.spv) not rechecked: glslang 16.5.0 not found (Debian's is too old for GL_KHR_cooperative_matrix; build it with engine/vulkan/shaders/coopmat/tools.sh or set GLSLANG)"
    skip=(-x 'gemm_coopmat_*.spv')
    if [ $check = 1 ]; then
      coopsources >"$out/gemm_coopmat.sources"
    fi
    return
  fi
  if [ -z "$val" ] && [ -x "$here/.tools/bin/spirv-val" ]; then
    val=$here/.tools/bin/spirv-val
  fi
  local bt name
  coopsources >"$out/gemm_coopmat.sources"
  for bt in bf16:1 f16:2; do
    name=gemm_coopmat_${bt%%:*}
    "$glslang" -V --target-env vulkan1.1 --quiet -DBTYPE="${bt##*:}" -S comp -o "$out/$name.spv" "$here/coopmat/gemm_coopmat.comp"
    if [ -n "$val" ]; then
      "$val" --target-env vulkan1.1 "$out/$name.spv"
    fi
  done
  if [ -n "$val" ]; then
    echo "cooperative-matrix kernels compiled with glslang 16.5.0 and valid ($("$val" --version | head -1))"
  else
    echo "note: cooperative-matrix kernels compiled but not validated: spirv-val from SPIRV-Tools ≥ 2023.4 not found (set SPIRV_VAL)"
  fi
}
coopmat
if [ $check = 1 ]; then
  if ! cmp -s "$out/gemm_coopmat.sources" "$here/../spv/gemm_coopmat.sources"; then
    echo "the cooperative-matrix kernel sources changed since spv/gemm_coopmat_*.spv were compiled: rebuild them with glslang 16.5.0 (engine/vulkan/shaders/coopmat/tools.sh, then build.sh) and commit" >&2
    diff "$out/gemm_coopmat.sources" "$here/../spv/gemm_coopmat.sources" >&2 || true
    exit 1
  fi
  if ! diff -r "${skip[@]}" "$out" "$here/../spv" >/dev/null; then
    echo "engine/vulkan/spv is out of date or not reproducible: run engine/vulkan/shaders/build.sh and commit" >&2
    diff -rq "${skip[@]}" "$out" "$here/../spv" >&2 || true
    exit 1
  fi
  echo "SPIR-V kernels are reproducible ($(ls "$out" | wc -l) files)"
fi
