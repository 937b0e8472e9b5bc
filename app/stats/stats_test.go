package stats

import "testing"

func TestMean(t *testing.T) {
	for _, tc := range []struct {
		v    []float64
		want float64
	}{{nil, 0}, {[]float64{2}, 2}, {[]float64{1, 2, 3, 6}, 3}, {[]float64{-1, 1}, 0}} {
		if got := Mean(tc.v); got != tc.want {
			t.Errorf("Mean(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
}
