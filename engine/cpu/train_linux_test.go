//go:build linux

package cpu

import (
	"fmt"
	"math/rand"
	"runtime"
	"testing"
)

// BenchmarkBackwardProductsCPU is BenchmarkBackwardProducts on one thread,
// reporting GFLOP per CPU-second of that thread (best of the runs), which
// stays meaningful on a shared machine; compare with BenchmarkPeakFMA and
// BenchmarkKernelCPU (the forward products).
func BenchmarkBackwardProductsCPU(b *testing.B) {
	prev := Threads()
	SetThreads(1)
	defer SetThreads(prev)
	const M = 254
	r := rand.New(rand.NewSource(1))
	for _, nk := range [][2]int{{1152, 896}, {896, 896}, {9728, 896}, {896, 4864}} {
		out, in := nk[0], nk[1]
		w, dy, x := randSlice(r, out*in), randSlice(r, M*out), randSlice(r, M*in)
		dx, dw := make([]float32, M*in), make([]float32, out*in)
		scratch := make([]float32, max(MatMulNNScratch(M, in, out, false), MatMulTNAccNNScratch(M, out, in)))
		for _, c := range []struct {
			name string
			run  func()
		}{
			{"dX/MatMulNN", func() { MatMulNN(dx, dy, w, M, in, out, false, scratch) }},
			{"dW/MatMulTNAccNN", func() { MatMulTNAccNN(dw, dy, x, M, out, in, scratch) }},
			{"fwd/MatMulT", func() { MatMulT(dy, x, w, nil, M, out, in) }},
		} {
			b.Run(fmt.Sprintf("%s/out=%d/in=%d", c.name, out, in), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				c.run()
				best := 1e9
				for b.Loop() {
					t0 := threadCPU()
					c.run()
					if d := threadCPU() - t0; d > 0 && d < best {
						best = d
					}
				}
				b.ReportMetric(2*float64(M)*float64(out)*float64(in)/best/1e9, "cpuGFLOP/s")
			})
		}
	}
}
