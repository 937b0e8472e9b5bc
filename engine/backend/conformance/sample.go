package conformance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// SampleKernel runs a device's sampling kernel once on B rows of V logits
// with the arguments a and one uniform per row, and returns its outputs:
// tokens [B], log-probs [2B] (LogProb, RawLogProb per row) and status [B].
type SampleKernel func(logits, u []float32, B, V int, a gpu.SampleArgs) (tok []uint32, lp []float32, status []uint32, err error)

// RunSampleKernel checks a device sampling kernel against engine/sample's
// CPU sampler, row by row with the uniforms of the CPU's seeded streams:
// greedy, plain temperature (id-order draw) and top-k (descending-order
// draw) pick the CPU's token; with top-p the token lies in the CPU's
// nucleus (the CPU walks that nucleus in its own binned order, which is why
// gpu.PlanSample sends top-p without top-k to the host). Log-probs match
// within float32 rounding. A uniform that rounded up to 1 still picks a
// kept token, and rows with NaN or only -Inf are flagged, not sampled.
func RunSampleKernel(t *testing.T, run SampleKernel) {
	r := rand.New(rand.NewPCG(23, 24))
	B, V := 16, 1000
	logits := make([]float32, B*V)
	for i := range logits {
		logits[i] = float32(r.NormFloat64() * 3)
	}
	// Row 15 has ties among its best values (top-k keeps lower ids); row 14
	// holds two finite logits, at both ends, among -Inf.
	for j := 0; j < V; j++ {
		logits[15*V+j] = float32(j % 7)
		logits[14*V+j] = float32(math.Inf(-1))
	}
	logits[14*V+5], logits[14*V+V-1] = 1, 1
	const seed = 99
	for _, p := range []sample.Params{
		{},
		{Temperature: 0.7},
		{Temperature: 1},
		{Temperature: 1.3, TopK: 5},
		{Temperature: 1, TopK: 40},
		{Temperature: 0.5, TopK: 1},
		{Temperature: 0.8, TopP: 0.9},
		{Temperature: 1, TopK: 50, TopP: 0.5},
		{Temperature: 2, TopK: 7, TopP: 0.3},
	} {
		t.Run(fmt.Sprintf("T%v_k%d_p%v", p.Temperature, p.TopK, p.TopP), func(t *testing.T) {
			u := make([]float32, B)
			for b := range u {
				u[b] = float32(sample.New(p, seed, b).Uniform())
			}
			u[3] = 1 // float32(x) of an x just below 1
			tok, lp, st, err := run(logits, u, B, V, gpu.SampleArgs{Temperature: p.Temperature, TopK: p.TopK, TopP: p.TopP})
			if err != nil {
				t.Fatal(err)
			}
			for b := 0; b < B; b++ {
				row := logits[b*V : (b+1)*V]
				if st[b] != 0 {
					t.Fatalf("row %d: status %d", b, st[b])
				}
				want, err := sample.New(p, seed, b).Sample(row)
				if err != nil {
					t.Fatal(err)
				}
				got := int(tok[b])
				kept, logZ := Nucleus(row, p)
				if _, ok := kept[got]; !ok {
					t.Errorf("row %d: token %d outside the CPU's kept set (%d tokens)", b, got, len(kept))
					continue
				}
				if (p.TopP == 0 || p.TopP >= 1) && b != 3 && got != want.Token {
					t.Errorf("row %d: token %d, CPU %d", b, got, want.Token)
					continue
				}
				wantLP := 0.0
				if !p.Greedy() {
					wantLP = float64(row[got])/float64(p.Temperature) - logZ
				}
				if math.Abs(float64(lp[2*b])-wantLP) > 1e-4 {
					t.Errorf("row %d: LogProb %v, want %v", b, lp[2*b], wantLP)
				}
				if raw := RawLogProb(row, got); math.Abs(float64(lp[2*b+1])-raw) > 1e-4 {
					t.Errorf("row %d: RawLogProb %v, want %v", b, lp[2*b+1], raw)
				}
			}
		})
	}
	t.Run("invalid rows", func(t *testing.T) {
		bad := make([]float32, 3*V)
		bad[3] = float32(math.NaN())
		bad[V+7] = float32(math.Inf(1))
		for j := 0; j < V; j++ {
			bad[2*V+j] = float32(math.Inf(-1))
		}
		_, _, st, err := run(bad, []float32{0.5, 0.5, 0.5}, 3, V, gpu.SampleArgs{Temperature: 1})
		if err != nil {
			t.Fatal(err)
		}
		for b, s := range st {
			if s != 1 {
				t.Errorf("row %d (NaN, +Inf, all -Inf): status %d, want 1", b, s)
			}
		}
	})
}

// Nucleus is the kept set of engine/sample's rules (top-k with ties to the
// lower id, then the smallest descending prefix reaching top-p; tokens at
// -Inf are never kept) and the log of its total tempered weight exp(l/T):
// what a device draw with top-p must land in.
func Nucleus(row []float32, p sample.Params) (map[int]struct{}, float64) {
	ids := make([]int, 0, len(row))
	for i, x := range row {
		if !math.IsInf(float64(x), -1) {
			ids = append(ids, i)
		}
	}
	sort.SliceStable(ids, func(a, b int) bool { return row[ids[a]] > row[ids[b]] })
	if p.Greedy() {
		return map[int]struct{}{ids[0]: {}}, 0
	}
	if p.TopK > 0 && p.TopK < len(row) {
		ids = ids[:min(p.TopK, len(ids))]
	}
	invT := 1 / float64(p.Temperature)
	m := float64(row[ids[0]])
	w := make([]float64, len(ids))
	var z float64
	for i, id := range ids {
		w[i] = math.Exp((float64(row[id]) - m) * invT)
		z += w[i]
	}
	if p.TopP > 0 && p.TopP < 1 {
		var cum float64
		for i := range ids {
			cum += w[i] / z
			if cum >= float64(p.TopP) {
				ids = ids[:i+1]
				break
			}
		}
		z = 0
		for i := range ids {
			z += w[i]
		}
	}
	kept := map[int]struct{}{}
	for _, id := range ids {
		kept[id] = struct{}{}
	}
	return kept, m*invT + math.Log(z)
}

// RawLogProb is log softmax(row)[tok] in float64.
func RawLogProb(row []float32, tok int) float64 {
	m := math.Inf(-1)
	for _, v := range row {
		m = math.Max(m, float64(v))
	}
	var z float64
	for _, v := range row {
		z += math.Exp(float64(v) - m)
	}
	return float64(row[tok]) - m - math.Log(z)
}
