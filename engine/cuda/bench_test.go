package cuda

import (
	"fmt"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
)

// Benchmarks for scripts/gpu-check.sh; without a device they skip.

func benchBackend(b *testing.B) *Backend {
	b.Helper()
	be, err := NewBackend(0)
	if err != nil {
		b.Skipf("no CUDA device: %s", Explain(err))
	}
	b.Cleanup(func() { be.Close() })
	return be
}

// BenchmarkGemm is x·Wᵀ with bf16 weights on Qwen2.5-0.5B's shapes, our
// kernels (GEMV for M=1, mma.sync for the rest) against cublasGemmEx
// (bf16 inputs, fp32 compute) when cuBLAS is found. Ours reads fp32
// activations and rounds them while staging; cuBLAS is given bf16
// activations, so it reads half the activation bytes.
func BenchmarkGemm(b *testing.B) {
	be := benchBackend(b)
	be.SetGraphs(false)
	blas, blasErr := FindCUBLAS()
	var bh *blasHandle
	if blasErr == nil {
		var err error
		if bh, err = be.newBlasHandle(blas); err != nil {
			b.Logf("cuBLAS found but unusable: %v", err)
			bh = nil
		} else {
			b.Cleanup(func() { bh.close(be) })
		}
	}
	for _, M := range []int{1, 64, 512} {
		for _, nk := range [][2]int{{896, 896}, {1152, 896}, {9728, 896}, {896, 4864}, {151936, 896}} {
			N, K := nk[0], nk[1]
			x, err := be.Alloc(backend.F32, M*K)
			if err != nil {
				b.Fatal(err)
			}
			xb, _ := be.Alloc(backend.BF16, M*K)
			w, _ := be.Alloc(backend.BF16, N*K)
			y, err := be.Alloc(backend.F32, M*N)
			if err != nil {
				b.Fatal(err)
			}
			flops := 2 * float64(M) * float64(N) * float64(K)
			name := fmt.Sprintf("%dx%dx%d", M, N, K)
			b.Run(name+"_ours", func(b *testing.B) {
				be.Begin()
				for i := 0; i < b.N; i++ {
					be.Gemm(backend.Whole(y), backend.Whole(x), backend.Whole(w), backend.View{}, backend.Gemm{M: M, N: N, K: K, TransB: true})
				}
				if err := be.Flush(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			if bh != nil {
				b.Run(name+"_cublas", func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						if err := be.blasGemmBF16(bh, ptr(backend.Whole(y)), ptr(backend.Whole(xb)), ptr(backend.Whole(w)), M, N, K); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
			for _, buf := range []backend.Buffer{x, xb, w, y} {
				be.Free(buf)
			}
		}
	}
}

// BenchmarkModel runs Qwen2.5-0.5B's shape (random bf16 weights, nothing is
// downloaded) on the CUDA backend (engine/backend/conformance's
// BenchModel): rollouts at batch 1 and 64 (decode tok/s over all answers,
// decode steps replayed as CUDA graphs), batch 64 with a bf16 KV cache,
// and prefill.
func BenchmarkModel(b *testing.B) {
	be := benchBackend(b)
	conformance.BenchModel(b, be, conformance.ModelBench{Shape: conformance.Qwen05BBF16, Prompt: 64, NewTok: 128, KVBF16: true,
		ResetPeak: be.ResetPeak, Peak: be.PeakMemory,
		Rollout: func(b *testing.B) func() {
			c0, r0 := be.GraphStats()
			return func() {
				c1, r1 := be.GraphStats()
				b.ReportMetric(float64(c1-c0), "graph-captures")
				b.ReportMetric(float64(r1-r0), "graph-replays")
			}
		}})
}
