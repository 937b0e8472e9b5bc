// Package cpu holds the compute kernels of the engine's CPU backend: matrix
// products (GEMV/GEMM with f32 or bf16 weights), the vector helpers the Qwen2
// model needs, and the persistent worker pool that runs them on all cores.
//
// Everything is row-major. Weights use PyTorch's Linear layout [N,K], so a
// forward projection is out = x·wᵀ (MatMulT, MatMulTBF16); MatMul (dX = dY·W)
// and MatMulTNAcc (dW += dYᵀ·X) are the two products a backward pass needs.
//
// # Kernel selection
//
// On amd64 the hot loops are assembly chosen once at start-up from CPUID
// (see KernelName): "avx512bf16" (AVX-512 plus VDPBF16PS), "avx512", "avx2"
// (AVX2+FMA), else "portable". Every other GOARCH uses the portable Go code.
// SWARMDESK_CPU_PORTABLE=1 forces the portable code and
// SWARMDESK_CPU_KERNELS=<name> a slower supported set, to rule the assembly
// in or out when chasing a numerical problem. The tests run every set the
// machine supports against float64 references.
//
// Within a set, products pick a strategy by M (rows of x):
//   - M ≤ 4 (decode): row-streaming GEMV, w read front to back once, split
//     over threads by output column. Memory bound.
//   - 4 < M < 16: register tiles of 4 x rows × 6 w rows.
//   - M ≥ 16 (prefill, training): outer-product micro-kernels on packed
//     panels of 32 (AVX-512) or 16 (AVX2) x rows, w values broadcast from the
//     weight rows directly (no weight packing). Compute bound.
//
// # Threads
//
// One persistent pool (SetThreads, default GOMAXPROCS) runs every product;
// the caller takes part. Between products an idle participant polls for
// 200 µs before it parks, because decoding issues ~100 products per token
// and a futex wake-up per product left one core streaming the weights alone
// (12.3 → 14.9 tok/s for F32 decode of Qwen2.5-0.5B on 2 threads).
//
// # Numerics
//
// Sums are float32 with several partial accumulators, so results differ
// from a sequential float32 loop by normal rounding (the tests bound the
// difference against float64). With bf16 weights on an AVX512_BF16 CPU and
// M ≥ 8, x is also rounded to bf16 (round to nearest even) so VDPBF16PS can
// be used, as llama.cpp does; with M < 8, or without that instruction, x
// stays float32 and only the weights are bf16.
//
// # Errors
//
// Shapes come from validated model configurations, so a slice shorter than
// its shape is a programming error inside the engine and panics with a
// message naming the function, the argument and the sizes, like an index
// out of range would. Callers that take shapes from files must validate
// them first.
package cpu
