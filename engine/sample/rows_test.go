package sample

import (
	"math"
	"strings"
	"testing"
)

func TestRows(t *testing.T) {
	const vocab = 5
	logits := []float32{0, 1, 2, 3, 4, 4, 3, 2, 1, 0, 1, 1, 9, 1, 1}
	p := Params{Temperature: 0.7, TopK: 3}
	rows := func(seed uint64) []*Sampler {
		return []*Sampler{New(p, seed, 0), New(p, seed, 1), New(p, seed, 2)}
	}
	got := make([]Result, 3)
	if err := Rows(got, logits, vocab, rows(9)); err != nil {
		t.Fatal(err)
	}
	for i, sm := range rows(9) { // the same draws one row at a time
		want, err := sm.Sample(logits[i*vocab : (i+1)*vocab])
		if err != nil {
			t.Fatal(err)
		}
		if got[i] != want {
			t.Errorf("row %d: %+v, one at a time %+v", i, got[i], want)
		}
	}
	for _, tc := range []struct {
		name   string
		dst    int
		logits []float32
		want   string
	}{
		{"too few results", 2, logits, "into 2 results"},
		{"too few logits", 3, logits[:12], "from 12 values"},
		{"a NaN row", 3, append(append([]float32{}, logits[:10]...), 0, float32(math.NaN()), 0, 0, 0), "sample row 2"},
	} {
		err := Rows(make([]Result, tc.dst), tc.logits, vocab, rows(1))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}
