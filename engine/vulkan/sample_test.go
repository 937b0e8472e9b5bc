package vulkan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"

	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// cpuUniform is the first uniform number engine/sample's Sampler for (seed,
// seq) draws: the same PCG stream (sample.New's seeding, repeated here
// because the test must feed the device the very same number).
func cpuUniform(seed uint64, seq int) float64 {
	x := uint64(seq) + 0x5eed
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	x ^= x >> 31
	return rand.New(rand.NewPCG(seed, x)).Float64()
}

// TestSampleMatchesCPUSampler runs the device sampling step on rows of
// logits with the uniforms of engine/sample's seeded streams. Greedy,
// plain temperature (id-order draw) and top-k (descending-order draw) must
// pick the CPU's token; with top-p the token must lie in the CPU's nucleus.
// Log-probabilities must match the CPU's within float32 rounding.
func TestSampleMatchesCPUSampler(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(23, 24))
	B, V := 16, 1000
	logits := make([]float32, B*V)
	for i := range logits {
		logits[i] = float32(r.NormFloat64() * 3)
	}
	// Row 15 has ties among its best values (top-k keeps lower ids).
	for j := 0; j < V; j++ {
		logits[15*V+j] = float32(j % 7)
	}
	lb := up(t, d, logits)
	tok, lp, st := zeros(t, d, B), zeros(t, d, 2*B), zeros(t, d, B)
	const seed = 99
	for _, p := range []sample.Params{
		{},
		{Temperature: 0.7},
		{Temperature: 1},
		{Temperature: 1.3, TopK: 5},
		{Temperature: 1, TopK: 40},
		{Temperature: 0.8, TopP: 0.9},
		{Temperature: 1, TopK: 50, TopP: 0.5},
	} {
		t.Run(fmt.Sprintf("T%v_k%d_p%v", p.Temperature, p.TopK, p.TopP), func(t *testing.T) {
			u := make([]float32, B)
			for b := range u {
				u[b] = float32(cpuUniform(seed, b))
			}
			ub := up(t, d, u)
			run(t, d, func(bt *gpu.Recorder) {
				bt.Sample(tok, lp, st, lb, ub, B, V, gpu.SampleArgs{Temperature: p.Temperature, TopK: p.TopK, TopP: p.TopP})
			})
			toks := make([]uint32, B)
			if err := DownloadU32(d, tok, 0, toks); err != nil {
				t.Fatal(err)
			}
			lps := down(t, d, lp, 2*B)
			status := make([]uint32, B)
			if err := DownloadU32(d, st, 0, status); err != nil {
				t.Fatal(err)
			}
			for b := 0; b < B; b++ {
				row := logits[b*V : (b+1)*V]
				if status[b] != 0 {
					t.Fatalf("row %d: status %d", b, status[b])
				}
				want, err := sample.New(p, seed, b).Sample(row)
				if err != nil {
					t.Fatal(err)
				}
				got := int(toks[b])
				kept, logZ := conformance.Nucleus(row, p)
				if p.TopP == 0 || p.TopP >= 1 {
					if got != want.Token {
						t.Errorf("row %d: token %d, CPU %d", b, got, want.Token)
						continue
					}
				} else if _, ok := kept[got]; !ok {
					t.Errorf("row %d: token %d outside the CPU's kept set (%d tokens)", b, got, len(kept))
					continue
				}
				wantLP := 0.0
				if !p.Greedy() {
					wantLP = float64(row[got])/float64(p.Temperature) - logZ
				}
				if math.Abs(float64(lps[2*b])-wantLP) > 1e-4 {
					t.Errorf("row %d: LogProb %v, want %v", b, lps[2*b], wantLP)
				}
				if math.Abs(float64(lps[2*b+1])-conformance.RawLogProb(row, got)) > 1e-4 {
					t.Errorf("row %d: RawLogProb %v, want %v", b, lps[2*b+1], conformance.RawLogProb(row, got))
				}
			}
		})
	}
	// A row with NaN is refused (status 1), not sampled.
	bad := make([]float32, V)
	bad[3] = float32(math.NaN())
	ub := up(t, d, []float32{0.5})
	run(t, d, func(bt *gpu.Recorder) {
		bt.Sample(tok, lp, st, up(t, d, bad), ub, 1, V, gpu.SampleArgs{Temperature: 1})
	})
	status := make([]uint32, 1)
	if err := DownloadU32(d, st, 0, status); err != nil || status[0] != 1 {
		t.Fatalf("NaN logits: status %v, %v; want 1", status, err)
	}
}

// TestGenerateSamplesOnDeviceLikeCPU runs whole rollouts on Vulkan, where
// each decode step samples on the device (Model.DecodeSample: only tokens
// and log-probs come back), against the CPU model's rollouts with the same
// seed: the same tokens, and raw log-probs within 1e-4. The device draws
// with float32 cumulative sums where the CPU uses float64, so a draw within
// ~1e-7 of a boundary between two tokens could pick the neighbour; with
// these seeds none does (a failure here names the step, to tell such a tie
// from a real bug by the gap between the two tokens' probabilities).
// Top-p without top-k samples on the host (see engine/backend/gpu's PlanSample) and is
// here to show that path replays the CPU too.
func TestGenerateSamplesOnDeviceLikeCPU(t *testing.T) {
	device(t)
	cpuM, vkM := conformance.TinyModel(t, qwen2.F32), conformance.TinyModel(t, qwen2.F32)
	be, err := NewBackend(Options{Index: -1, AllowCPU: true})
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	if err := vkM.UseBackend(be); err != nil {
		t.Fatal(err)
	}
	prompt := []int{3, 14, 15, 92, 65, 35}
	for _, p := range []sample.Params{
		{},
		{Temperature: 1},
		{Temperature: 0.7, TopK: 20},
		{Temperature: 1, TopP: 0.9},
		{Temperature: 0.9, TopK: 50, TopP: 0.8},
	} {
		t.Run(fmt.Sprintf("T%v_k%d_p%v", p.Temperature, p.TopK, p.TopP), func(t *testing.T) {
			opt := qwen2.GenerateOptions{N: 3, MaxNew: 10, Temperature: p.Temperature, TopK: p.TopK, TopP: p.TopP, Seed: 17, StopIDs: []int{}}
			want, _, err := cpuM.Generate(prompt, opt)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := vkM.Generate(prompt, opt)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				for j := range want[i].Tokens {
					if j >= len(got[i].Tokens) || got[i].Tokens[j] != want[i].Tokens[j] {
						t.Fatalf("answer %d step %d: device %v, CPU %v", i, j, got[i].Tokens, want[i].Tokens)
					}
					if d := math.Abs(float64(got[i].LogProbs[j] - want[i].LogProbs[j])); d > 1e-4 {
						t.Fatalf("answer %d step %d: raw log-prob %v on the device, %v on the CPU", i, j, got[i].LogProbs[j], want[i].LogProbs[j])
					}
					if d := math.Abs(float64(got[i].SampleLogProbs[j] - want[i].SampleLogProbs[j])); d > 1e-4 {
						t.Fatalf("answer %d step %d: sampling log-prob %v on the device, %v on the CPU", i, j, got[i].SampleLogProbs[j], want[i].SampleLogProbs[j])
					}
				}
			}
		})
	}
}
