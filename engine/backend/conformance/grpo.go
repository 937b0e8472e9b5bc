package conformance

import (
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// RunGRPOStep runs one GRPO step with the tiny model on the backend open
// returns against the same step on the CPU: the updated weights must agree
// (WeightsMatch's Adam tolerance, so a backend that trains on the device
// passes as well as one that trains on the host and resyncs the weights),
// and the next forward pass on the device must see them.
func RunGRPOStep(t *testing.T, open func(t *testing.T) backend.Backend) {
	cpuM, devM := TinyModel(t, qwen2.F32), TinyModel(t, qwen2.F32)
	if err := devM.UseBackend(open(t)); err != nil {
		t.Fatal(err)
	}
	groups := grpoGroups(cpuM.Config.VocabSize)
	// An f32 tape on the device too: this check's tolerances are float32's
	// (RunBF16Tape checks the trainer's default bf16 tape).
	cfg := train.Config{Optim: train.DefaultOptimConfig(), Tape: train.TapeF32}
	for _, m := range []*qwen2.Model{cpuM, devM} {
		tr, err := train.New(m, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Step(groups); err != nil {
			t.Fatal(err)
		}
	}
	if err := devM.SyncToHost(); err != nil {
		t.Fatal(err)
	}
	WeightsMatch(t, "after one GRPO step", devM.Params.F32, cpuM.Params.F32, cfg.Optim.LR, 1)
	prompt := groups[0].Prompt
	cc, _ := cpuM.NewCache(len(prompt))
	dc, _ := devM.NewCache(len(prompt))
	want, err := cpuM.PrefillAll(cc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := devM.PrefillAll(dc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	if d := MaxRel(got, F64(want)); d > 1e-5 {
		t.Fatalf("after the step the device's logits differ from the CPU's by %.3g", d)
	}
}

// grpoGroups is 2 prompts × 2 answers of 6 tokens with different rewards.
func grpoGroups(V int) []train.Group {
	groups := make([]train.Group, 2)
	for g := range groups {
		groups[g].Prompt = []int{(g*31 + 1) % V, (g*17 + 5) % V, 9 % V, 2}
		for a := range 2 {
			ans := train.Answer{Tokens: make([]int, 6), LogProbs: make([]float32, 6), Reward: float64(a)}
			for i := range ans.Tokens {
				ans.Tokens[i] = (i*131 + a*7 + g*13) % V
				ans.LogProbs[i] = -3
			}
			groups[g].Answers = append(groups[g].Answers, ans)
		}
	}
	return groups
}

// WeightsMatch compares weights after the same optimizer steps on a device
// and on the CPU. Adam's first steps move each weight by about ±lr·sign(g)
// whatever |g|, so updated weights agree to 1e-3·lr except where a
// gradient element is itself at rounding level (|g| near 1e-7 of the
// largest), whose sign the two summation orders may disagree on: those may
// differ by up to 2·lr per step and are allowed, counted (a handful per
// 100k parameters).
func WeightsMatch(t *testing.T, what string, got, want []float32, lr float64, steps int) {
	t.Helper()
	WeightsMatchFlips(t, what, got, want, lr, steps, len(want)/1000+1)
}

// WeightsMatchFlips is WeightsMatch allowing up to flips sign flips: more
// than float32's handful where the gradients themselves differ more (a bf16
// tape's, by up to BF16TapeTol, flips the elements within that of zero).
func WeightsMatchFlips(t *testing.T, what string, got, want []float32, lr float64, steps, flips int) {
	t.Helper()
	tight, loose := 1e-3*lr*float64(steps)+1e-6, 2*lr*float64(steps)+1e-6
	signFlips := 0
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if d > loose {
			t.Fatalf("%s: weight %d is %v on the device, %v on the CPU (more than %d·2·lr apart)", what, i, got[i], want[i], steps)
		}
		if d > tight {
			signFlips++
		}
	}
	if signFlips > flips {
		t.Fatalf("%s: %d of %d weights differ by more than 1e-3·lr", what, signFlips, len(want))
	}
	t.Logf("%s: %d of %d weights beyond 1e-3·lr (rounding-level gradients)", what, signFlips, len(want))
}
