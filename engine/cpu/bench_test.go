package cpu

import (
	"fmt"
	"math/rand"
	"testing"
)

// Qwen2.5-0.5B projection shapes (N, K): q/o proj, k/v proj, MLP up/gate,
// MLP down, tied lm head.
var benchNK = [][2]int{{896, 896}, {128, 896}, {4864, 896}, {896, 4864}, {151936, 896}}

// benchMs are decode (1), batch-8 decode (8) and a 128-token prefill (128).
var benchMs = []int{1, 8, 128}

// forEachBenchShape runs f as a sub-benchmark per (weight type, M, N, K) with
// run performing one product.
func forEachBenchShape(b *testing.B, f func(b *testing.B, M, N, K int, run func())) {
	r := rand.New(rand.NewSource(1))
	for _, typ := range []string{"f32", "bf16"} {
		for _, nk := range benchNK {
			N, K := nk[0], nk[1]
			w := randSlice(r, N*K)
			wb := make([]uint16, len(w))
			for i, v := range w {
				wb[i] = F32ToBF16(v)
			}
			bias := randSlice(r, N)
			for _, M := range benchMs {
				x := randSlice(r, M*K)
				out := make([]float32, M*N)
				run := func() { MatMulT(out, x, w, bias, M, N, K) }
				if typ == "bf16" {
					run = func() { MatMulTBF16(out, x, wb, bias, M, N, K) }
				}
				b.Run(fmt.Sprintf("%s/M=%d/N=%d/K=%d", typ, M, N, K), func(b *testing.B) {
					f(b, M, N, K, run)
				})
			}
		}
	}
}

// BenchmarkMatMulT reports wall-clock GFLOP/s and weight-read bandwidth
// (weightGB/s) of MatMulT and MatMulTBF16 at 2 threads, the target
// configuration.
func BenchmarkMatMulT(b *testing.B) {
	prev := Threads()
	SetThreads(2)
	defer SetThreads(prev)
	forEachBenchShape(b, func(b *testing.B, M, N, K int, run func()) {
		wBytes := 4 * N * K
		if b.Name()[len("BenchmarkMatMulT/"):][:4] == "bf16" {
			wBytes = 2 * N * K
		}
		run()
		for b.Loop() {
			run()
		}
		sec := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(2*float64(M)*float64(N)*float64(K)/sec/1e9, "GFLOP/s")
		b.ReportMetric(float64(wBytes)/sec/1e9, "weightGB/s")
	})
}
