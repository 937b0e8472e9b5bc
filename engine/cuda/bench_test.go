package cuda

import (
	"fmt"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
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
// downloaded) on the CUDA backend: rollouts at batch 1 and 64 (decode tok/s
// over all answers, decode steps replayed as CUDA graphs) and prefill.
// Training of a model on a device runs on the CPU backend in this build,
// so there is no device GRPO-step figure yet.
func BenchmarkModel(b *testing.B) {
	be := benchBackend(b)
	shape := testmodel.Tiny{Layers: 24, Hidden: 896, Heads: 14, KVHeads: 2, HeadDim: 64, FFN: 4864,
		Vocab: 151936, MaxPos: 4096, BF16: true}
	prompt, newTok := 64, 128
	dir := b.TempDir()
	if err := testmodel.Write(dir, shape, 1); err != nil {
		b.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.BF16})
	if err != nil {
		b.Fatal(err)
	}
	if err := m.UseBackend(be); err != nil {
		b.Fatal(err)
	}
	V := m.Config.VocabSize
	toks := func(n int) []int {
		t := make([]int, n)
		for i := range t {
			t[i] = (i*7919 + 13) % V
		}
		return t
	}
	// The last case keeps the KV cache in bf16 (Model.SetKVCacheDType):
	// its peak-MiB against rollout_batch64's is the memory saved.
	for _, c := range []struct {
		n    int
		kv   backend.DType
		name string
	}{{1, backend.F32, ""}, {64, backend.F32, ""}, {64, backend.BF16, "_kvbf16"}} {
		n := c.n
		b.Run(fmt.Sprintf("rollout_batch%d%s", n, c.name), func(b *testing.B) {
			if err := m.SetKVCacheDType(c.kv); err != nil {
				b.Fatal(err)
			}
			defer m.SetKVCacheDType(backend.F32)
			opt := qwen2.GenerateOptions{N: n, MaxNew: newTok, Temperature: 1, TopK: 50, TopP: 0.9, Seed: 1, StopIDs: []int{}}
			var tps float64
			be.ResetPeak()
			c0, r0 := be.GraphStats()
			for i := 0; i < b.N; i++ {
				_, st, err := m.Generate(toks(prompt), opt)
				if err != nil {
					b.Fatal(err)
				}
				tps += st.DecodeTokPerS
			}
			c1, r1 := be.GraphStats()
			b.ReportMetric(tps/float64(b.N), "tok/s")
			b.ReportMetric(float64(be.PeakMemory())/(1<<20), "peak-MiB")
			b.ReportMetric(float64(c1-c0), "graph-captures")
			b.ReportMetric(float64(r1-r0), "graph-replays")
		})
	}
	b.Run("prefill512", func(b *testing.B) {
		p := toks(512)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			c, err := m.NewCache(len(p))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.Prefill(c, p); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(p)*b.N)/b.Elapsed().Seconds(), "tok/s")
	})
}
