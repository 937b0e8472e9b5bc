package cpu

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

func TestExpSub(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(11))
		for _, n := range append(vecLens, 1<<15+17, 100000) {
			x := randSlice(r, n)
			for i := range x {
				x[i] *= 4
			}
			m := float32(r.NormFloat64())
			want := make([]float64, n)
			var sum float64
			for i, v := range x {
				want[i] = math.Exp(float64(v) - float64(m))
				sum += want[i]
			}
			got := ExpSub(x, m)
			assertClose(t, fmt.Sprintf("n=%d values", n), x, want, 1)
			if d := math.Abs(float64(got)-sum) / math.Max(sum, 1e-30); d > 1e-5 {
				t.Fatalf("n=%d: sum %v, want %v (rel %g)", n, got, sum, d)
			}
		}
	})
}

func TestExpSubDeterministicAcrossThreads(t *testing.T) {
	prev := Threads()
	defer SetThreads(prev)
	r := rand.New(rand.NewSource(12))
	x0 := randSlice(r, 200000)
	var sums []float32
	for _, th := range []int{1, 2, 5} {
		SetThreads(th)
		x := append([]float32(nil), x0...)
		sums = append(sums, ExpSub(x, 1))
	}
	if sums[0] != sums[1] || sums[0] != sums[2] {
		t.Fatalf("ExpSub sum depends on thread count: %v", sums)
	}
}

func TestSiLUMulBackward(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(13))
		for _, n := range append(vecLens, 1<<15+5) {
			g, u, d := randSlice(r, n), randSlice(r, n), randSlice(r, n)
			for i := range g {
				g[i] *= 5
			}
			if n > 4 { // saturated lanes
				g[0], g[1], g[2] = -100, 100, -90
			}
			dg, du := make([]float32, n), make([]float32, n)
			SiLUMulBackward(dg, du, d, g, u)
			wg, wu := make([]float64, n), make([]float64, n)
			for i := range g {
				gv := float64(g[i])
				s := 1 / (1 + math.Exp(-gv))
				wu[i] = float64(d[i]) * gv * s
				wg[i] = float64(d[i]) * float64(u[i]) * s * (1 + gv*(1-s))
			}
			assertClose(t, fmt.Sprintf("n=%d dup", n), du, wu, 4)
			assertClose(t, fmt.Sprintf("n=%d dgate", n), dg, wg, 4)
		}
	})
}

// TestSiLUMulBackwardFiniteDifference checks the formula itself against
// central differences of silu(g)·u in float64.
func TestSiLUMulBackwardFiniteDifference(t *testing.T) {
	f := func(g, u float64) float64 { return g / (1 + math.Exp(-g)) * u }
	for _, c := range [][2]float32{{0.3, -1.2}, {-2.5, 0.7}, {4, 2}, {-0.01, 3}} {
		dg, du := make([]float32, 1), make([]float32, 1)
		SiLUMulBackward(dg, du, []float32{1}, []float32{c[0]}, []float32{c[1]})
		g, u, h := float64(c[0]), float64(c[1]), 1e-6
		wg := (f(g+h, u) - f(g-h, u)) / (2 * h)
		wu := (f(g, u+h) - f(g, u-h)) / (2 * h)
		if math.Abs(float64(dg[0])-wg) > 1e-5*(1+math.Abs(wg)) || math.Abs(float64(du[0])-wu) > 1e-5*(1+math.Abs(wu)) {
			t.Fatalf("g=%v u=%v: got (%v, %v), want (%v, %v)", g, u, dg[0], du[0], wg, wu)
		}
	}
}

// nnShapes adds the backward products' block edges (12-row panels, 32-column
// strips, nnKC-step reduction blocks, over K for MatMulNN and over M for
// MatMulTNAccNN) to the usual shapes.
var nnShapes = append(append([][3]int{}, testShapes...),
	[3]int{12, 32, 128}, [3]int{25, 64, 129}, [3]int{11, 96, 300}, [3]int{254, 64, 40}, [3]int{37, 70, 260},
	[3]int{12, 32, nnKC}, [3]int{25, 64, nnKC + 1}, [3]int{2*nnKC + 3, 40, 24}, [3]int{nnKC + 1, 33, 17})

func TestMatMulNN(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(21))
		for _, s := range nnShapes {
			M, N, K := s[0], s[1], s[2]
			x, w := randSlice(r, M*K), randSlice(r, K*N)
			want := refMatMul(x, w, M, N, K)
			out := randSlice(r, M*N) // garbage: must be overwritten
			MatMulNN(out, x, w, M, N, K, false, nil)
			assertClose(t, fmt.Sprintf("M=%d N=%d K=%d", M, N, K), out, want, K)
			// Accumulate on top of the first result, with caller scratch.
			scratch := make([]float32, MatMulNNScratch(M, N, K, true))
			MatMulNN(out, x, w, M, N, K, true, scratch)
			for i := range want {
				want[i] *= 2
			}
			assertClose(t, fmt.Sprintf("accumulate M=%d N=%d K=%d", M, N, K), out, want, 2*K)
		}
	})
}

func TestMatMulTNAccNN(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(22))
		for _, s := range nnShapes {
			M, N, K := s[0], s[1], s[2]
			dy, x, dw := randSlice(r, M*N), randSlice(r, M*K), randSlice(r, N*K)
			want := refMatMulTNAcc(dw, dy, x, M, N, K)
			MatMulTNAccNN(dw, dy, x, M, N, K, make([]float32, MatMulTNAccNNScratch(M, N, K)))
			assertClose(t, fmt.Sprintf("M=%d N=%d K=%d", M, N, K), dw, want, M+1)
		}
	})
}

// The backward products split work by output columns only, so the bits do
// not depend on the thread count (training is reproducible across machines
// with different core counts running the same kernel set).
func TestNNProductsThreadInvariant(t *testing.T) {
	prev := Threads()
	defer SetThreads(prev)
	r := rand.New(rand.NewSource(23))
	M, N, K := 70, 96, 300
	x, w, dy := randSlice(r, M*K), randSlice(r, K*N), randSlice(r, M*N)
	var outs, dws [][]float32
	for _, th := range []int{1, 2, 3} {
		SetThreads(th)
		out, dw := make([]float32, M*N), make([]float32, N*K)
		MatMulNN(out, x, w, M, N, K, false, nil)
		MatMulTNAccNN(dw, dy, x, M, N, K, nil)
		outs, dws = append(outs, out), append(dws, dw)
	}
	for i := 1; i < len(outs); i++ {
		for j := range outs[0] {
			if outs[i][j] != outs[0][j] {
				t.Fatalf("MatMulNN differs between thread counts at %d", j)
			}
		}
		for j := range dws[0] {
			if dws[i][j] != dws[0][j] {
				t.Fatalf("MatMulTNAccNN differs between thread counts at %d", j)
			}
		}
	}
}

// BenchmarkBackwardProducts compares the two backward products of a training
// step (254 rows, Qwen2.5-0.5B weight shapes, 2 threads) through MatMul /
// MatMulTNAcc (transposes into pooled scratch) and MatMulNN / MatMulTNAccNN.
// out×in are the weight's [out, in]; GFLOP/s counts 2·rows·out·in.
func BenchmarkBackwardProducts(b *testing.B) {
	prev := Threads()
	SetThreads(2)
	defer SetThreads(prev)
	const M = 254
	r := rand.New(rand.NewSource(1))
	for _, nk := range [][2]int{{1152, 896}, {896, 896}, {9728, 896}, {896, 4864}, {2048, 896}} {
		out, in := nk[0], nk[1]
		w, dy, x := randSlice(r, out*in), randSlice(r, M*out), randSlice(r, M*in)
		dx, dw := make([]float32, M*in), make([]float32, out*in)
		scratch := make([]float32, max(MatMulNNScratch(M, in, out, false), MatMulTNAccNNScratch(M, out, in)))
		for _, c := range []struct {
			name string
			run  func()
		}{
			{"dX/MatMul", func() { MatMul(dx, dy, w, M, in, out) }},
			{"dX/MatMulNN", func() { MatMulNN(dx, dy, w, M, in, out, false, scratch) }},
			{"dW/MatMulTNAcc", func() { MatMulTNAcc(dw, dy, x, M, out, in) }},
			{"dW/MatMulTNAccNN", func() { MatMulTNAccNN(dw, dy, x, M, out, in, scratch) }},
		} {
			b.Run(fmt.Sprintf("%s/out=%d/in=%d", c.name, out, in), func(b *testing.B) {
				c.run()
				for b.Loop() {
					c.run()
				}
				b.ReportMetric(2*float64(M)*float64(out)*float64(in)/(b.Elapsed().Seconds()/float64(b.N))/1e9, "GFLOP/s")
			})
		}
	}
}
