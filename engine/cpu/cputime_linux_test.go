//go:build linux

package cpu

import (
	"runtime"
	"syscall"
	"testing"
	"unsafe"
)

// threadCPU returns the CPU time consumed by the calling OS thread. Used by
// BenchmarkKernelCPU to measure kernels on a shared, overloaded machine:
// time slices lost to other processes do not count.
func threadCPU() float64 {
	var ts syscall.Timespec
	const clockThreadCPUTimeID = 3
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return float64(ts.Sec) + float64(ts.Nsec)*1e-9
}

// BenchmarkKernelCPU runs the matmul shapes on one thread and reports
// GFLOP per CPU-second of that thread (cpuGFLOP/s), which stays meaningful
// when other processes compete for the cores.
func BenchmarkKernelCPU(b *testing.B) {
	prev := Threads()
	SetThreads(1)
	defer SetThreads(prev)
	forEachBenchShape(b, func(b *testing.B, M, N, K int, run func()) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		run()
		best := 1e9
		for b.Loop() {
			t0 := threadCPU()
			run()
			if d := threadCPU() - t0; d > 0 && d < best {
				best = d
			}
		}
		b.ReportMetric(2*float64(M)*float64(N)*float64(K)/best/1e9, "cpuGFLOP/s")
	})
}
