package sample

import (
	"math"
	"testing"
)

// BenchmarkSample measures the per-token cost of sampling over Qwen's
// 151,936-entry vocabulary, which Generate pays once per answer per step.
func BenchmarkSample(b *testing.B) {
	V := 151936
	logits := make([]float32, V)
	for i := range logits {
		logits[i] = float32(math.Sin(float64(i)*0.7)*3 + math.Cos(float64(i)*0.013)*2)
	}
	for _, c := range []struct {
		name string
		p    Params
	}{
		{"greedy", Params{}},
		{"temp1", Params{Temperature: 1}},
		{"topk50", Params{Temperature: 0.8, TopK: 50}},
		{"topp0.95", Params{Temperature: 1, TopP: 0.95}},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := New(c.p, 1, 0)
			for i := 0; i < b.N; i++ {
				if _, err := s.Sample(logits); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
