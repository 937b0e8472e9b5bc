package cpu

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkPeakFMA calibrates the machine: 12 independent AVX-512 FMA chains,
// reported per CPU-second of the thread (cpuGFLOP/s), to compare kernels
// against while other processes load the box.
func BenchmarkPeakFMA(b *testing.B) {
	if !detectX86().avx512 {
		b.Skip("no AVX-512")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	best := 1e9
	const n = 1 << 22
	for b.Loop() {
		t0 := threadCPU()
		peakFMA(n)
		if d := threadCPU() - t0; d > 0 && d < best {
			best = d
		}
	}
	b.ReportMetric(float64(n)*12*32/best/1e9, "cpuGFLOP/s")
}

// BenchmarkReadBW measures streaming read bandwidth with the Dot kernel over
// 256 MiB at 1 and 2 threads: the ceiling for memory-bound decode GEMVs
// measured under the same machine load.
func BenchmarkReadBW(b *testing.B) {
	a := make([]float32, 64<<20)
	for i := range a {
		a[i] = 1
	}
	prev := Threads()
	defer SetThreads(prev)
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", th), func(b *testing.B) {
			SetThreads(th)
			b.SetBytes(int64(4 * len(a)))
			for b.Loop() {
				parallelChunks(len(a), 4096, th, func(lo, hi int) { Dot(a[lo:hi], a[lo:hi]) })
			}
		})
	}
}
