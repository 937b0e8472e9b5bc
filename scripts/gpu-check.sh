#!/usr/bin/env bash
# One-command device check for a machine with a real GPU (see issue 21):
#   scripts/gpu-check.sh
# 1. lists the Vulkan devices,
# 2. runs the Vulkan parity suite ON THE GPU (SWARMDESK_VULKAN_REQUIRE_GPU=1:
#    a software device such as lavapipe does not count, the suite fails
#    instead of skipping when no GPU is usable),
#    including the cooperative-matrix GEMM parity test (TestCoopMatrixParity:
#    tensor-core GEMMs vs the host and the tiled kernel, on bf16 matrices
#    where the driver has VK_KHR_shader_bfloat16 and on fp16 ones; it
#    skips, saying why, where the driver lacks VK_KHR_cooperative_matrix
#    16x16x16 f16 or bf16),
# 3. runs the kernel benchmarks (cooperative-matrix vs tiled GEMM among them) and the whole model (Qwen2.5-0.5B shape,
#    random weights) on Vulkan: rollouts at batch 1 and 64 (batch 64 again
#    with a bf16 KV cache), prefill, and one GRPO step trained on the device
#    (F32 master weights, AdamW on the GPU),
# 4. on an NVIDIA GPU, the same for CUDA (engine/cuda, issue 22): doctor's
#    CUDA section, the CUDA parity suite (SWARMDESK_CUDA_REQUIRE_GPU=1: no
#    skipping), our GEMM against cuBLAS where cuBLAS is found, and the whole
#    model on CUDA (rollouts at batch 1 and 64 replayed as CUDA graphs and
#    sampled on the device, batch 64 again with a bf16 KV cache, prefill,
#    peak device memory; GRPO step on the device),
# 5. where Python has torch + transformers + CUDA, measures PyTorch on the
#    Qwen2.5-0.5B shape (generate at batch 1 and 64, one GRPO-style step),
# and prints one table. Meant to finish well inside 8 minutes on an H100.
# Needs Go 1.26 and a Vulkan or CUDA driver; nothing is downloaded.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export SWARMDESK_VULKAN_REQUIRE_GPU=${SWARMDESK_VULKAN_REQUIRE_GPU:-1}
benchtime=${BENCHTIME:-20x}

echo "== Vulkan devices"
if command -v vulkaninfo >/dev/null; then
  vulkaninfo --summary 2>/dev/null | sed -n '/^Devices:/,$p' | grep -E 'GPU[0-9]|deviceName|deviceType|apiVersion|driverName|driverInfo' || true
else
  echo "(vulkaninfo not installed; the parity suite's TestProbe lists the devices)"
fi

echo "== parity suite (engine/vulkan, on the GPU)"
start=$(date +%s.%N)
go test -count=1 -v ./engine/vulkan -run . 2>&1 | tee "$out/parity.txt" | grep -E '^(--- |ok|FAIL|PASS)|vulkan:[0-9]' || true
parity_s=$(echo "$(date +%s.%N) - $start" | bc)
parity=PASS
grep -q '^FAIL' "$out/parity.txt" && parity=FAIL
grep -q -- '--- SKIP' "$out/parity.txt" && parity="$parity (some tests skipped)"

echo "== kernel benchmarks (benchtime $benchtime)"
go test -count=1 -run '^$' -bench 'Gemm|Attention|Sample|AdamW|EmptyBatch' -benchtime="$benchtime" ./engine/vulkan 2>&1 | tee "$out/bench.txt" | grep -E '^Benchmark|^ok|FAIL' || true

echo "== whole model on Vulkan (Qwen2.5-0.5B shape, random weights: bf16 rollouts; training on f32 weights with an f32 and a bf16 tape)"
go test -count=1 -run '^$' -bench 'Model|TrainStep' -benchtime=1x -timeout 20m ./engine/vulkan 2>&1 | tee "$out/model.txt" | grep -E '^Benchmark|^ok|FAIL' || true
cat "$out/model.txt" >> "$out/bench.txt"

cuda_parity="not run (no NVIDIA GPU)"
: >"$out/cuda.txt"
if [ -e /dev/nvidiactl ] || command -v nvidia-smi >/dev/null; then
  echo "== CUDA (doctor's section)"
  go run -tags migrated_fynedo . doctor 2>/dev/null | sed -n '/^NVIDIA CUDA/,/^$/p'
  echo "== CUDA parity suite (engine/cuda, on the GPU)"
  start=$(date +%s.%N)
  SWARMDESK_CUDA_REQUIRE_GPU=1 go test -count=1 -v ./engine/cuda -run . 2>&1 | tee "$out/cuda-parity.txt" | grep -E '^(--- |ok|FAIL|PASS)|    --- FAIL' || true
  cuda_s=$(echo "$(date +%s.%N) - $start" | bc)
  cuda_parity=PASS
  grep -q '^FAIL' "$out/cuda-parity.txt" && cuda_parity=FAIL
  cuda_parity="$cuda_parity in $(printf '%.1f' "$cuda_s") s"
  echo "== CUDA kernel benchmarks: our GEMM vs cuBLAS (benchtime $benchtime)"
  go test -count=1 -run '^$' -bench 'Gemm' -benchtime="$benchtime" ./engine/cuda 2>&1 | tee "$out/cuda.txt" | grep -E '^Benchmark|^ok|FAIL' || true
  echo "== whole model on CUDA (Qwen2.5-0.5B shape, random bf16 weights)"
  go test -count=1 -run '^$' -bench 'Model' -benchtime=1x -timeout 20m ./engine/cuda 2>&1 | tee -a "$out/cuda.txt" | grep -E '^Benchmark|^ok|FAIL' || true
fi

torch_rows=""
if python3 -c 'import torch, transformers; assert torch.cuda.is_available()' 2>/dev/null; then
  echo "== PyTorch + transformers on the same model shape"
  python3 scripts/gpu-check-torch.py 2>&1 | tee "$out/torch.txt" | tail -20
  torch_rows=$(grep -E '^torch ' "$out/torch.txt" || true)
fi

metric() { # benchmark-name-regex unit: "value unit" (shapes are smaller on software devices)
  awk -v pat="$1" -v unit="$2" '$1 ~ pat { for (i = 2; i < NF; i++) if ($(i+1) == unit) { print $i; exit } }' "$out/bench.txt"
}
gemm() { # M dtype
  awk -v pat="^BenchmarkGemm/$1x[0-9]+x[0-9]+_$2" '$1 ~ pat { for (i = 2; i < NF; i++) if ($(i+1) == "GFLOP/s") { sub(/^BenchmarkGemm\//, "", $1); sub(/-[0-9]+$/, "", $1); print $i " GFLOP/s (" $1 ")"; exit } }' "$out/bench.txt"
}
cmetric() { # like metric, over the CUDA benchmarks
  awk -v pat="$1" -v unit="$2" '$1 ~ pat { for (i = 2; i < NF; i++) if ($(i+1) == unit) { print $i; exit } }' "$out/cuda.txt"
}
coop() { # MxNxK kind: GFLOP/s of BenchmarkGemmCoopMatrix
  awk -v pat="^BenchmarkGemmCoopMatrix/$1_bf16_$2(-[0-9]+)?\$" '$1 ~ pat { for (i = 2; i < NF; i++) if ($(i+1) == "GFLOP/s") { print $i; exit } }' "$out/bench.txt"
}
cgemm() { # MxNxK: "ours GFLOP/s vs cuBLAS GFLOP/s (ratio)"
  local o c
  o=$(cmetric "^BenchmarkGemm/$1_ours" GFLOP/s)
  c=$(cmetric "^BenchmarkGemm/$1_cublas" GFLOP/s)
  if [ -n "$o" ] && [ -n "$c" ]; then
    echo "$o vs cuBLAS $c GFLOP/s ($(echo "scale=0; 100 * $o / $c" | bc) %)"
  else
    echo "${o:-?} GFLOP/s${c:+ vs cuBLAS $c}${o:+ (cuBLAS not found)}"
  fi
}
echo
echo "================ swarmdesk gpu-check ================"
printf '%-44s %s\n' "device" "$(grep -m1 -oE 'vulkan:[0-9]+ "[^"]+"[^,]*' "$out/parity.txt" || echo '?')"
printf '%-44s %s in %.1f s\n' "Vulkan parity suite" "$parity" "$parity_s"
printf '%-44s %s\n' "GEMM decode (M=1, bf16 weights)" "$(gemm 1 bf16)"
printf '%-44s %s\n' "GEMM batch-64 rollout (bf16 weights)" "$(gemm 64 bf16)"
printf '%-44s %s\n' "GEMM prefill (M=512, bf16 weights)" "$(gemm 512 bf16)"
printf '%-44s %s\n' "GEMM training (M=512, f32)" "$(gemm 512 f32)"
printf '%-44s %s\n' "Vulkan GEMM kind" "$(grep -m1 -oE 'cooperative-matrix GEMMs (in use|not used)[^"]*$' "$out/parity.txt" || echo '?')"
for shape in 64x4864x896 512x4864x896 512x896x4864 2048x4864x896; do
  c=$(coop $shape coop)
  if [ -n "$c" ]; then c="$c vs $(coop $shape tiled) GFLOP/s"; else c="n/a (cooperative-matrix GEMMs not in use)"; fi
  # bf16 weights on fp16 matrices too, where the device has bf16 ones.
  f=$(coop $shape coopf16m)
  if [ -n "$f" ]; then c="$c (on fp16 matrices: $f)"; fi
  printf '%-44s %s\n' "GEMM $shape bf16: coop-matrix vs tiled" "$c"
done
printf '%-44s %s rows/s\n' "attention prefill T=256 (14/2 heads, d64)" "$(metric 'AttentionPrefill' rows/s)"
printf '%-44s %s seq-steps/s\n' "attention decode 64 seqs x 512 ctx" "$(metric 'AttentionDecode' seq-steps/s)"
printf '%-44s %s tokens/s\n' "sampling 64 x 151936 (top-k 50, top-p .9)" "$(metric 'Sample' tokens/s)"
printf '%-44s %s GB/s\n' "AdamW 4M params" "$(metric 'AdamW' GB/s)"
printf '%-44s %s µs\n' "submit+wait floor" "$(metric 'EmptyBatch' µs/submit)"
printf '%-44s %s tok/s\n' "rollout batch 1 (our engine, Vulkan)" "$(metric 'Model/rollout_batch1-' tok/s)"
printf '%-44s %s tok/s\n' "rollout batch 64 (our engine, Vulkan)" "$(metric 'Model/rollout_batch64-' tok/s)"
printf '%-44s %s tok/s\n' "prefill 512 tokens (our engine, Vulkan)" "$(metric 'Model/prefill512' tok/s)"
printf '%-44s %s MiB\n' "peak device memory (rollout batch 64)" "$(metric 'Model/rollout_batch64-' peak-MiB)"
printf '%-44s %s tok/s, %s MiB peak\n' "rollout batch 64, bf16 KV cache (Vulkan)" "$(metric 'Model/rollout_batch64_kvbf16' tok/s)" "$(metric 'Model/rollout_batch64_kvbf16' peak-MiB)"
printf '%-44s %s tok/s (%s GFLOP/s)\n' "GRPO step, 8 x (96+256) tokens (our engine)" "$(metric 'TrainStep/tape=bf16' tok/s)" "$(metric 'TrainStep/tape=bf16' GFLOP/s)"
printf '%-44s %s tok/s\n' "GRPO step with an f32 tape" "$(metric 'TrainStep/tape=f32' tok/s)"
printf '%-44s %s MiB (f32 tape %s MiB)\n' "peak device memory (GRPO step, bf16 tape)" "$(metric 'TrainStep/tape=bf16' peak-MiB)" "$(metric 'TrainStep/tape=f32' peak-MiB)"
printf '%-44s %s\n' "CUDA parity suite" "$cuda_parity"
for shape in 1x9728x896 64x9728x896 512x9728x896 512x896x4864 64x151936x896; do
  printf '%-44s %s\n' "CUDA GEMM $shape (bf16 weights)" "$(cgemm $shape)"
done
printf '%-44s %s tok/s (%s graph replays)\n' "rollout batch 1 (our engine, CUDA)" "$(cmetric 'Model/rollout_batch1-' tok/s)" "$(cmetric 'Model/rollout_batch1-' graph-replays)"
printf '%-44s %s tok/s\n' "rollout batch 64 (our engine, CUDA)" "$(cmetric 'Model/rollout_batch64-' tok/s)"
printf '%-44s %s tok/s\n' "prefill 512 tokens (our engine, CUDA)" "$(cmetric 'Model/prefill512' tok/s)"
printf '%-44s %s MiB\n' "peak device memory (CUDA, rollout batch 64)" "$(cmetric 'Model/rollout_batch64-' peak-MiB)"
printf '%-44s %s tok/s, %s MiB peak\n' "rollout batch 64, bf16 KV cache (CUDA)" "$(cmetric 'Model/rollout_batch64_kvbf16' tok/s)" "$(cmetric 'Model/rollout_batch64_kvbf16' peak-MiB)"
if [ -n "$torch_rows" ]; then
  echo "$torch_rows"
else
  printf '%-44s %s\n' "PyTorch + transformers" "not measured (no torch/transformers/CUDA in python3)"
fi
[ "${parity%% *}" = PASS ] && [ "${cuda_parity%% *}" != FAIL ]
