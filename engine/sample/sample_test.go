package sample

import (
	"math"
	"slices"
	"sort"
	"testing"
)

var fixed = []float32{2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0, -3.0}

// expected computes the reference distribution in float64 by sorting the
// whole vocabulary, the straightforward way.
func expected(logits []float32, p Params) []float64 {
	n := len(logits)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return logits[idx[a]] > logits[idx[b]] })
	out := make([]float64, n)
	if p.Greedy() {
		out[idx[0]] = 1
		return out
	}
	keep := n
	if p.TopK > 0 && p.TopK < n {
		keep = p.TopK
	}
	w := make([]float64, keep)
	sum := 0.0
	for j := 0; j < keep; j++ {
		w[j] = math.Exp(float64(logits[idx[j]]) / float64(p.Temperature))
		sum += w[j]
	}
	if p.TopP > 0 && p.TopP < 1 {
		cum := 0.0
		for j := range w {
			cum += w[j] / sum
			if cum >= float64(p.TopP) {
				keep = j + 1
				break
			}
		}
		sum = 0
		for j := 0; j < keep; j++ {
			sum += w[j]
		}
	}
	for j := 0; j < keep; j++ {
		out[idx[j]] = w[j] / sum
	}
	return out
}

func TestDistributions(t *testing.T) {
	cases := []struct {
		name string
		p    Params
	}{
		{"greedy", Params{}},
		{"temp1", Params{Temperature: 1}},
		{"temp0.5", Params{Temperature: 0.5}},
		{"temp2", Params{Temperature: 2}},
		{"topk3", Params{Temperature: 1, TopK: 3}},
		{"topk1", Params{Temperature: 1.3, TopK: 1}},
		{"topp0.6", Params{Temperature: 1, TopP: 0.6}},
		{"topp0.9-temp0.7", Params{Temperature: 0.7, TopP: 0.9}},
		{"topk4-topp0.8", Params{Temperature: 1, TopK: 4, TopP: 0.8}},
		{"topp1-is-off", Params{Temperature: 1, TopP: 1}},
	}
	lse := 0.0
	for _, l := range fixed {
		lse += math.Exp(float64(l))
	}
	lse = math.Log(lse)
	const N = 40000
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := expected(fixed, tc.p)
			s := New(tc.p, 1, 0)
			counts := make([]int, len(fixed))
			for range N {
				r, err := s.Sample(fixed)
				if err != nil {
					t.Fatal(err)
				}
				counts[r.Token]++
				if want[r.Token] == 0 {
					t.Fatalf("sampled token %d that the filters exclude", r.Token)
				}
				wantLP := math.Log(want[r.Token])
				if math.Abs(float64(r.LogProb)-wantLP) > 1e-5 {
					t.Fatalf("token %d: LogProb %v, want %v", r.Token, r.LogProb, wantLP)
				}
				wantRaw := float64(fixed[r.Token]) - lse
				if math.Abs(float64(r.RawLogProb)-wantRaw) > 1e-5 {
					t.Fatalf("token %d: RawLogProb %v, want %v", r.Token, r.RawLogProb, wantRaw)
				}
			}
			for i, c := range counts {
				p := want[i]
				got := float64(c) / N
				// 5 standard deviations of a binomial proportion.
				if tol := 5 * math.Sqrt(p*(1-p)/N); math.Abs(got-p) > tol+1e-9 {
					t.Errorf("token %d: frequency %.4f, want %.4f ± %.4f", i, got, p, tol)
				}
			}
		})
	}
}

func TestReproducibleBySeedAndSequence(t *testing.T) {
	p := Params{Temperature: 1, TopP: 0.95}
	draws := func(seed uint64, seq int) []int {
		s := New(p, seed, seq)
		out := make([]int, 64)
		for i := range out {
			r, err := s.Sample(fixed)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = r.Token
		}
		return out
	}
	a, b := draws(42, 3), draws(42, 3)
	if !slices.Equal(a, b) {
		t.Fatal("same (seed, seq) gave different draws")
	}
	if slices.Equal(a, draws(42, 4)) {
		t.Fatal("different sequences share a random stream")
	}
	if slices.Equal(a, draws(43, 3)) {
		t.Fatal("different seeds share a random stream")
	}
}

// A large vocabulary exercises the heap top-k and the growing top-p prefix
// against the sort-everything reference.
func TestLargeVocabFilters(t *testing.T) {
	V := 5000
	logits := make([]float32, V)
	for i := range logits {
		logits[i] = float32(math.Sin(float64(i)*12.9898)*4 + float64(i%7)*0.01)
	}
	logits[17], logits[4000] = 5, 5 // a tie at the top
	for _, p := range []Params{{Temperature: 1, TopK: 50}, {Temperature: 0.8, TopP: 0.9}, {Temperature: 1.2, TopK: 200, TopP: 0.5}} {
		want := expected(logits, p)
		s := New(p, 9, 1)
		for range 2000 {
			r, err := s.Sample(logits)
			if err != nil {
				t.Fatal(err)
			}
			if want[r.Token] == 0 {
				t.Fatalf("%+v: token %d (logit %v) should be filtered", p, r.Token, logits[r.Token])
			}
			if d := math.Abs(float64(r.LogProb) - math.Log(want[r.Token])); d > 1e-4 {
				t.Fatalf("%+v: token %d LogProb off by %g", p, r.Token, d)
			}
		}
	}
}

func TestTopKOrder(t *testing.T) {
	var tk topK
	l := []float32{1, 5, 3, 5, -2, 4}
	got := tk.largest(l, 4)
	if want := []int32{1, 3, 5, 2}; !slices.Equal(got, want) {
		t.Fatalf("largest = %v, want %v", got, want)
	}
	if got := tk.largest(l, 10); len(got) != len(l) || got[5] != 4 {
		t.Fatalf("k > len: %v", got)
	}
}

func TestBadInput(t *testing.T) {
	nan := float32(math.NaN())
	cases := []struct {
		name   string
		p      Params
		logits []float32
	}{
		{"empty", Params{Temperature: 1}, nil},
		{"nan-logit", Params{Temperature: 1}, []float32{0, nan}},
		{"inf-logit", Params{}, []float32{0, float32(math.Inf(1))}},
		{"all-neg-inf", Params{Temperature: 1}, []float32{float32(math.Inf(-1)), float32(math.Inf(-1))}},
		{"nan-temperature", Params{Temperature: nan}, []float32{0, 1}},
		{"negative-topk", Params{Temperature: 1, TopK: -1}, []float32{0, 1}},
		{"negative-topp", Params{Temperature: 1, TopP: -0.5}, []float32{0, 1}},
	}
	for _, tc := range cases {
		if _, err := New(tc.p, 0, 0).Sample(tc.logits); err == nil {
			t.Errorf("%s: want error", tc.name)
		}
	}
}

func TestStop(t *testing.T) {
	s := Stop{IDs: []int{7, 9}, MaxNew: 3}
	cases := []struct {
		tok, n int
		want   string
	}{
		{1, 1, ""}, {9, 1, FinishStop}, {1, 3, FinishLength}, {7, 3, FinishStop}, {2, 2, ""},
	}
	for _, c := range cases {
		if got := s.Check(c.tok, c.n); got != c.want {
			t.Errorf("Check(%d,%d) = %q, want %q", c.tok, c.n, got, c.want)
		}
	}
}

// FuzzSample feeds arbitrary logits and parameters: the sampler must return
// a valid token or an error, never panic.
func FuzzSample(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, float32(1), 2, float32(0.9), uint64(1))
	f.Add([]byte{255, 255, 0}, float32(0), 0, float32(0), uint64(2))
	f.Fuzz(func(t *testing.T, raw []byte, temp float32, k int, p float32, seed uint64) {
		logits := make([]float32, len(raw))
		for i, b := range raw {
			logits[i] = float32(int(b)-128) / 8
		}
		r, err := New(Params{Temperature: temp, TopK: k % 1000, TopP: p}, seed, 0).Sample(logits)
		if err != nil {
			return
		}
		if r.Token < 0 || r.Token >= len(logits) || r.RawLogProb > 1e-6 || r.LogProb > 1e-6 {
			t.Fatalf("bad result %+v for %d logits", r, len(logits))
		}
	})
}
