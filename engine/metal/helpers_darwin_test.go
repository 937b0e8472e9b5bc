//go:build darwin

package metal

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randv(r *rand.Rand, n int, scale float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = (r.Float32()*2 - 1) * scale
	}
	return v
}
func near[W float32 | float64](t testing.TB, what string, got []float32, want []W, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst, at := 0.0, -1
	for i := range got {
		e := math.Abs(float64(got[i])-float64(want[i])) / (1 + math.Abs(float64(want[i])))
		if e > worst || math.IsNaN(e) {
			worst, at = e, i
		}
		if math.IsNaN(e) {
			break
		}
	}
	if worst > tol || at >= 0 && math.IsNaN(worst) {
		t.Fatalf("%s: element %d = %v, want %v (rel err %.3g > %.3g)", what, at, got[at], want[at], worst, tol)
	}
}
