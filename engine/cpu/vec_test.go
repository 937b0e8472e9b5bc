package cpu

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

var vecLens = []int{0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 127, 896, 1001}

func TestDot(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(5))
		for _, n := range vecLens {
			a, b := randSlice(r, n), randSlice(r, n+3) // b longer: only len(a) counts
			var want float64
			for i := range a {
				want += float64(a[i]) * float64(b[i])
			}
			got := Dot(a, b)
			assertClose(t, fmt.Sprintf("n=%d", n), []float32{got}, []float64{want}, n)
		}
	})
}

func TestAxpy(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(6))
		for _, n := range vecLens {
			x, y := randSlice(r, n), randSlice(r, n+2)
			alpha := float32(r.NormFloat64())
			want := make([]float64, n+2)
			for i := range y {
				want[i] = float64(y[i])
				if i < n {
					want[i] += float64(alpha) * float64(x[i])
				}
			}
			Axpy(alpha, x, y)
			assertClose(t, fmt.Sprintf("n=%d", n), y, want, 1)
		}
	})
}

func TestRMSNorm(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, n := range []int{1, 3, 64, 896} {
		for _, eps := range []float32{1e-6, 1e-2} {
			x, w := randSlice(r, n), randSlice(r, n)
			var ss float64
			for _, v := range x {
				ss += float64(v) * float64(v)
			}
			inv := 1 / math.Sqrt(ss/float64(n)+float64(eps))
			want := make([]float64, n)
			for i := range x {
				want[i] = float64(x[i]) * inv * float64(w[i])
			}
			out := make([]float32, n)
			RMSNorm(out, x, w, eps)
			assertClose(t, fmt.Sprintf("n=%d eps=%g", n, eps), out, want, 1)
			RMSNorm(x, x, w, eps) // in place must give the same result
			assertClose(t, fmt.Sprintf("in place n=%d", n), x, want, 1)
		}
	}
	// All-zero input: eps keeps the result finite (zero).
	out := []float32{7, 7}
	RMSNorm(out, []float32{0, 0}, []float32{1, 1}, 1e-6)
	if out[0] != 0 || out[1] != 0 {
		t.Fatalf("RMSNorm(0) = %v, want zeros", out)
	}
}

func TestSiLUMul(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		// Specials first, then a sweep over the whole useful range; the total
		// length (1000+) is not a multiple of the vector width, so the
		// scalar tail runs too.
		g := []float32{0, 1, -1, 20, -20, -86.9, -87.1, -100, 100, 88.5, -88.5,
			float32(math.Inf(1)), float32(math.Inf(-1))}
		for v := float32(-95); v < 95; v += 0.19 {
			g = append(g, v)
		}
		u := make([]float32, len(g))
		r := rand.New(rand.NewSource(8))
		for i := range u {
			u[i] = float32(r.NormFloat64())
		}
		u[0], u[1] = 1, 0 // 0·silu(1)
		out := make([]float32, len(g))
		SiLUMul(out, g, u)
		for i := range g {
			gg, uu := float64(g[i]), float64(u[i])
			var want float64
			switch {
			case math.IsInf(gg, 1):
				want = gg * uu
			case math.IsInf(gg, -1):
				want = 0
			default:
				want = gg / (1 + math.Exp(-gg)) * uu
			}
			// Below g = -87 kernels may flush to 0 (|true value| < 1e-35).
			got := float64(out[i])
			if got == want || math.Abs(got-want) <= 2e-6*math.Abs(want)+1e-35 {
				continue
			}
			t.Errorf("SiLUMul(%v, %v) = %v, want %v", g[i], u[i], got, want)
		}
	})
}

// BenchmarkSiLUMul is one MLP row of Qwen2.5-0.5B (ffn 4864).
func BenchmarkSiLUMul(b *testing.B) {
	g, u, out := make([]float32, 4864), make([]float32, 4864), make([]float32, 4864)
	for i := range g {
		g[i] = float32(i%97)/10 - 5
		u[i] = 1
	}
	for b.Loop() {
		SiLUMul(out, g, u)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(g)), "ns/elem")
}

func TestSoftmax(t *testing.T) {
	forEachPath(t, testSoftmax)
}

func testSoftmax(t *testing.T) {
	ninf := float32(math.Inf(-1))
	long := make([]float32, 1003) // vector body plus scalar tail
	for i := range long {
		long[i] = float32(i%37)*0.7 - 12
		if i%11 == 0 {
			long[i] = ninf
		}
	}
	tests := []struct {
		name string
		in   []float32
	}{
		{"empty", nil},
		{"one", []float32{3}},
		{"simple", []float32{1, 2, 3}},
		{"large", []float32{1000, 1001, 999}}, // overflows exp without the max shift
		{"tiny", []float32{-1000, -1001, -999}},
		{"masked", []float32{0.5, ninf, 1.5, ninf}},
		{"long", long},
		{"wide range", []float32{0, -50, -86, -88, -90, -200}},
	}
	for _, tc := range tests {
		x := append([]float32(nil), tc.in...)
		Softmax(x)
		if len(tc.in) == 0 {
			continue
		}
		m := math.Inf(-1)
		for _, v := range tc.in {
			m = math.Max(m, float64(v))
		}
		var sum float64
		want := make([]float64, len(tc.in))
		for i, v := range tc.in {
			want[i] = math.Exp(float64(v) - m)
			sum += want[i]
		}
		for i := range want {
			want[i] /= sum
		}
		assertClose(t, tc.name, x, want, 1)
	}
	nanRow := make([]float32, 40)
	nanRow[33] = float32(math.NaN())
	for _, in := range [][]float32{{ninf, ninf}, {1, float32(math.NaN())}, nanRow} {
		Softmax(in)
		for _, v := range in {
			if v == v {
				t.Errorf("Softmax of an all -Inf / NaN row gave %v, want NaN", v)
			}
		}
	}
}

func TestBF16(t *testing.T) {
	tests := []struct {
		in   float32
		want uint16
	}{
		{0, 0}, {1, 0x3f80}, {-2, 0xc000},
		{math.Float32frombits(0x3f808000), 0x3f80}, // tie, even stays
		{math.Float32frombits(0x3f818000), 0x3f82}, // tie, odd rounds up
		{math.Float32frombits(0x3f808001), 0x3f81}, // above the tie
		{math.Float32frombits(0x7f7fffff), 0x7f80}, // max float rounds to +Inf
		{float32(math.Inf(-1)), 0xff80},
	}
	for _, tc := range tests {
		if got := F32ToBF16(tc.in); got != tc.want {
			t.Errorf("F32ToBF16(%v) = %#04x, want %#04x", tc.in, got, tc.want)
		}
	}
	nan := F32ToBF16(float32(math.NaN()))
	if v := BF16ToF32(nan); !math.IsNaN(float64(v)) {
		t.Errorf("F32ToBF16(NaN) = %#04x, not a NaN", nan)
	}
	// A NaN whose payload sits only in the low bits must stay a NaN.
	if v := BF16ToF32(F32ToBF16(math.Float32frombits(0x7f800001))); !math.IsNaN(float64(v)) {
		t.Errorf("low-payload NaN became %v", v)
	}
}

func TestParallelForCoversRange(t *testing.T) {
	prev := Threads()
	defer SetThreads(prev)
	for _, threads := range []int{1, 2, 3, 8} {
		SetThreads(threads)
		if Threads() != threads {
			t.Fatalf("Threads() = %d after SetThreads(%d)", Threads(), threads)
		}
		for _, n := range []int{0, 1, 2, 5, 100, 1001} {
			seen := make([]int32, n)
			ParallelFor(n, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					seen[i]++
				}
			})
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("threads=%d n=%d: index %d visited %d times", threads, n, i, c)
				}
			}
		}
	}
}

func TestParallelForNested(t *testing.T) {
	prev := Threads()
	defer SetThreads(prev)
	SetThreads(2)
	const outer, inner = 16, 64
	var cells [outer][inner]int32
	ParallelFor(outer, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			ParallelFor(inner, func(l, h int) {
				for i := l; i < h; i++ {
					cells[o][i]++
				}
			})
		}
	})
	for o := range cells {
		for i, c := range cells[o] {
			if c != 1 {
				t.Fatalf("cell %d,%d visited %d times", o, i, c)
			}
		}
	}
}

// BenchmarkParallelForOverhead is the fixed cost of one pool dispatch at 2
// threads (empty chunks), paid ~170 times per decoded token.
func BenchmarkParallelForOverhead(b *testing.B) {
	prev := Threads()
	SetThreads(2)
	defer SetThreads(prev)
	var sink [2]int
	for b.Loop() {
		parallelChunks(2, 1, 2, func(lo, hi int) { sink[lo]++ })
	}
}
