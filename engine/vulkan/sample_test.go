package vulkan

import (
	"fmt"
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"

	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// TestSampleMatchesCPUSampler runs the device sampling kernel (sample.comp)
// through conformance.RunSampleKernel, the check every GPU backend's
// sampling kernel passes: the CPU's token (or a token of its nucleus with
// top-p) from the CPU's seeded uniforms, log-probs within float32
// rounding, a uniform rounded up to 1 still picking a kept token, and
// rows with NaN or only -Inf flagged.
func TestSampleMatchesCPUSampler(t *testing.T) {
	d := device(t)
	conformance.RunSampleKernel(t, func(logits, u []float32, B, V int, a gpu.SampleArgs) ([]uint32, []float32, []uint32, error) {
		lg, ub := up(t, d, logits), up(t, d, u)
		tb, lb, sb := zeros(t, d, B), zeros(t, d, 2*B), zeros(t, d, B)
		run(t, d, func(r *gpu.Recorder) { r.Sample(tb, lb, sb, lg, ub, B, V, a) })
		bits := func(f []float32) []uint32 {
			v := make([]uint32, len(f))
			for i, x := range f {
				v[i] = math.Float32bits(x)
			}
			return v
		}
		return bits(down(t, d, tb, B)), down(t, d, lb, 2*B), bits(down(t, d, sb, B)), nil
	})
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
