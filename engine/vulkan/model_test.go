package vulkan

import (
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// Helpers for the tests that run a whole tiny Qwen2 on the Vulkan backend
// (sample_test.go, train_test.go); the model parity checks themselves are
// engine/backend/conformance's RunModel (backend_test.go).

func tinyModel(t *testing.T, wdt qwen2.DType) *qwen2.Model {
	t.Helper()
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Tiny{Layers: 2}, 7); err != nil {
		t.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: wdt})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func maxRel(a []float32, b []float64) float64 {
	d, s := 0.0, 1e-12
	for i := range b {
		d = math.Max(d, math.Abs(float64(a[i])-b[i]))
		s = math.Max(s, math.Abs(b[i]))
	}
	return d / s
}

func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
