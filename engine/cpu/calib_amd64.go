//go:build amd64

package cpu

// peakFMA runs n iterations of 12 independent AVX-512 FMAs. Only the
// benchmarks use it, to calibrate kernel GFLOP/s against what the (shared,
// possibly throttled) core delivers at that moment.
//
//go:noescape
func peakFMA(n int)
