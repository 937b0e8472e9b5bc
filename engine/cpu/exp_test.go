package cpu

import (
	"math"
	"testing"
)

func TestExpf32(t *testing.T) {
	worst := 0.0
	for x := float32(-104); x < 89; x += 0.0137 {
		want := math.Exp(float64(x))
		got := float64(expf32(x))
		if want > math.MaxFloat32 {
			if !math.IsInf(got, 1) {
				t.Fatalf("expf32(%v) = %v, want +Inf (overflow)", x, got)
			}
			continue
		}
		if want < 1.2e-38 { // subnormal range: absolute error
			if math.Abs(got-want) > 2e-45 {
				t.Fatalf("expf32(%v) = %v, want %v", x, got, want)
			}
			continue
		}
		rel := math.Abs(got-want) / want
		worst = math.Max(worst, rel)
		if rel > 3e-7 {
			t.Fatalf("expf32(%v) = %v, want %v (rel err %g)", x, got, want, rel)
		}
	}
	t.Logf("worst relative error %g", worst)
	specials := []struct{ in, want float32 }{
		{0, 1}, {float32(math.Inf(1)), float32(math.Inf(1))}, {float32(math.Inf(-1)), 0}, {89, float32(math.Inf(1))}, {-110, 0},
	}
	for _, s := range specials {
		if got := expf32(s.in); got != s.want {
			t.Errorf("expf32(%v) = %v, want %v", s.in, got, s.want)
		}
	}
	if got := expf32(float32(math.NaN())); got == got {
		t.Errorf("expf32(NaN) = %v, want NaN", got)
	}
}

func BenchmarkExpf32(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%200) - 100
	}
	var s float32
	for b.Loop() {
		for _, v := range x {
			s += expf32(v)
		}
	}
	_ = s
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/exp")
}

func BenchmarkMathExp(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%200) - 100
	}
	var s float32
	for b.Loop() {
		for _, v := range x {
			s += float32(math.Exp(float64(v)))
		}
	}
	_ = s
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/exp")
}
