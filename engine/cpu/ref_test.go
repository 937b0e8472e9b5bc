package cpu

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// float64 references: the ground truth every kernel path is compared with.

func refMatMulT(x, w, bias []float32, M, N, K int) []float64 {
	out := make([]float64, M*N)
	for m := 0; m < M; m++ {
		for n := 0; n < N; n++ {
			var s float64
			for k := 0; k < K; k++ {
				s += float64(x[m*K+k]) * float64(w[n*K+k])
			}
			if bias != nil {
				s += float64(bias[n])
			}
			out[m*N+n] = s
		}
	}
	return out
}

func refMatMul(x, w []float32, M, N, K int) []float64 {
	out := make([]float64, M*N)
	for m := 0; m < M; m++ {
		for n := 0; n < N; n++ {
			var s float64
			for k := 0; k < K; k++ {
				s += float64(x[m*K+k]) * float64(w[k*N+n])
			}
			out[m*N+n] = s
		}
	}
	return out
}

func refMatMulTNAcc(dw0, dy, x []float32, M, N, K int) []float64 {
	out := make([]float64, N*K)
	for n := 0; n < N; n++ {
		for k := 0; k < K; k++ {
			s := float64(dw0[n*K+k])
			for m := 0; m < M; m++ {
				s += float64(dy[m*N+n]) * float64(x[m*K+k])
			}
			out[n*K+k] = s
		}
	}
	return out
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// tolerance for a dot product of length K of N(0,1) values: float32 rounding
// grows like sqrt(K)*eps*|terms|; use a generous multiple of that.
func tolFor(K int) float64 { return 1e-5 * (4 + math.Sqrt(float64(K))*2) }

func assertClose(t *testing.T, name string, got []float32, want []float64, K int) {
	t.Helper()
	tol := tolFor(K)
	for i := range want {
		d := math.Abs(float64(got[i]) - want[i])
		if d > tol*(1+math.Abs(want[i])) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: element %d = %v, want %v (diff %g, tol %g)", name, i, got[i], want[i], d, tol)
		}
	}
}

// shapes covers block-size edges: 1s, primes, values just around 8/16/32/64
// multiples, and a few larger sizes.
var testShapes = [][3]int{
	{1, 1, 1}, {1, 1, 7}, {1, 7, 1}, {3, 1, 5}, {1, 17, 33}, {2, 31, 65},
	{4, 16, 16}, {5, 33, 17}, {6, 48, 64}, {7, 64, 129}, {8, 97, 96},
	{9, 15, 255}, {13, 130, 70}, {1, 257, 300}, {16, 100, 513}, {33, 65, 31},
	{64, 64, 64}, {70, 200, 96}, {1, 1000, 64}, {128, 48, 40},
	{10, 37, 1100}, {12, 20, 2050}, {8, 9, 1030}, {2, 3, 4100}, {40, 300, 1000}, {1, 700, 900},
}

// TestZeroSizes: empty dimensions must not index empty slices, and K=0
// still defines out (bias or zero) as the empty sum.
func TestZeroSizes(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		for _, s := range [][3]int{{0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {0, 0, 0}, {20, 13, 0}} {
			M, N, K := s[0], s[1], s[2]
			bias := make([]float32, N)
			for i := range bias {
				bias[i] = float32(i + 1)
			}
			out := make([]float32, M*N)
			for i := range out {
				out[i] = -7
			}
			x, w, wb := make([]float32, M*K), make([]float32, N*K), make([]uint16, N*K)
			want := make([]float64, M*N)
			for i := range want {
				want[i] = float64(bias[i%N])
			}
			MatMulT(out, x, w, bias, M, N, K)
			assertClose(t, fmt.Sprint("MatMulT ", s), out, want, 1)
			MatMulTBF16(out, x, wb, bias, M, N, K)
			assertClose(t, fmt.Sprint("MatMulTBF16 ", s), out, want, 1)
			MatMul(out, x, make([]float32, K*N), M, N, K)
			assertClose(t, fmt.Sprint("MatMul ", s), out, make([]float64, M*N), 1)
			dw := make([]float32, N*K)
			MatMulTNAcc(dw, make([]float32, M*N), x, M, N, K)
		}
	})
}

// forEachPath runs f once per kernel set this CPU supports, at 1 and 3
// threads so chunking edges are exercised whatever the machine's core count.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	prev := Threads()
	defer SetThreads(prev)
	for _, p := range kernelPaths() {
		for _, th := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/threads=%d", p.name, th), func(t *testing.T) {
				SetThreads(th)
				restore := p.use()
				defer restore()
				f(t)
			})
		}
	}
}

func TestMatMulT(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(1))
		for _, s := range testShapes {
			M, N, K := s[0], s[1], s[2]
			x, w, b := randSlice(r, M*K), randSlice(r, N*K), randSlice(r, N)
			for _, bias := range [][]float32{nil, b} {
				out := randSlice(r, M*N) // garbage: must be overwritten
				MatMulT(out, x, w, bias, M, N, K)
				assertClose(t, fmt.Sprintf("M=%d N=%d K=%d bias=%v", M, N, K, bias != nil), out, refMatMulT(x, w, bias, M, N, K), K)
			}
		}
	})
}

func TestMatMulTBF16(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(2))
		for _, s := range testShapes {
			M, N, K := s[0], s[1], s[2]
			x, wf, b := randSlice(r, M*K), randSlice(r, N*K), randSlice(r, N)
			w := make([]uint16, len(wf))
			for i, v := range wf {
				w[i] = F32ToBF16(v)
				wf[i] = BF16ToF32(w[i]) // reference uses the rounded weights
			}
			for _, bias := range [][]float32{nil, b} {
				out := randSlice(r, M*N)
				MatMulTBF16(out, x, w, bias, M, N, K)
				// The AVX512_BF16 path also rounds x to bf16 (like llama.cpp),
				// so compare against a reference with rounded x and a looser
				// tolerance there.
				want := refMatMulT(x, wf, bias, M, N, K)
				if bf16RoundsX(M) {
					xr := make([]float32, len(x))
					for i, v := range x {
						xr[i] = BF16ToF32(F32ToBF16(v))
					}
					want = refMatMulT(xr, wf, bias, M, N, K)
				}
				assertClose(t, fmt.Sprintf("M=%d N=%d K=%d", M, N, K), out, want, K)
			}
		}
	})
}

func TestMatMul(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(3))
		for _, s := range testShapes {
			M, N, K := s[0], s[1], s[2]
			x, w := randSlice(r, M*K), randSlice(r, K*N)
			out := randSlice(r, M*N)
			MatMul(out, x, w, M, N, K)
			assertClose(t, fmt.Sprintf("M=%d N=%d K=%d", M, N, K), out, refMatMul(x, w, M, N, K), K)
		}
	})
}

func TestMatMulTNAcc(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(4))
		for _, s := range testShapes {
			M, N, K := s[0], s[1], s[2]
			dy, x := randSlice(r, M*N), randSlice(r, M*K)
			dw := randSlice(r, N*K)
			want := refMatMulTNAcc(dw, dy, x, M, N, K)
			MatMulTNAcc(dw, dy, x, M, N, K)
			assertClose(t, fmt.Sprintf("M=%d N=%d K=%d", M, N, K), dw, want, M)
		}
	})
}

// TestConcurrentCallers runs products from several goroutines at once (two
// models, or a model plus the trainer) while the thread count changes: the
// shared pool must keep every result correct.
func TestConcurrentCallers(t *testing.T) {
	prev := Threads()
	defer SetThreads(prev)
	const callers, rounds = 4, 10
	errs := make(chan error, callers)
	for c := 0; c < callers; c++ {
		go func(c int) {
			r := rand.New(rand.NewSource(int64(100 + c)))
			M, N, K := 1+c*7, 50+c*13, 96+c*33
			x, w := randSlice(r, M*K), randSlice(r, N*K)
			want := refMatMulT(x, w, nil, M, N, K)
			out := make([]float32, M*N)
			for i := 0; i < rounds; i++ {
				MatMulT(out, x, w, nil, M, N, K)
				for j := range want {
					if d := math.Abs(float64(out[j]) - want[j]); d > tolFor(K)*(1+math.Abs(want[j])) {
						errs <- fmt.Errorf("caller %d round %d: out[%d] = %v, want %v", c, i, j, out[j], want[j])
						return
					}
				}
			}
			errs <- nil
		}(c)
	}
	for i := 1; i <= 3; i++ {
		SetThreads(i)
	}
	for c := 0; c < callers; c++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
