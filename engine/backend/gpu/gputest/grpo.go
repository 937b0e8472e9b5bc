package gputest

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// One GRPO step with the model on the device against the same step on the CPU:
// the updated weights must agree, and the next forward pass on Metal must
// see them (training of a device model runs on the host in this build, so
// this checks the weight resync; when device training lands, the same test
// checks its gradients).
func testGRPOStep(t *testing.T, open Open) {
	cpuM, mtM := tinyModel(t, qwen2.F32), tinyModel(t, qwen2.F32)
	if err := mtM.UseBackend(open(t)); err != nil {
		t.Fatal(err)
	}
	V := cpuM.Config.VocabSize
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
	for _, m := range []*qwen2.Model{cpuM, mtM} {
		tr, err := train.New(m, nil, train.Config{Optim: train.DefaultOptimConfig()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Step(groups); err != nil {
			t.Fatal(err)
		}
	}
	if d := maxRel(mtM.Params.F32, f64(cpuM.Params.F32)); d > 1e-6 {
		t.Fatalf("updated weights differ from the CPU's by %.3g", d)
	}
	prompt := groups[0].Prompt
	cc, _ := cpuM.NewCache(len(prompt))
	mc, _ := mtM.NewCache(len(prompt))
	want, err := cpuM.PrefillAll(cc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := mtM.PrefillAll(mc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxRel(got, f64(want)); d > 1e-5 {
		t.Fatalf("after the step the device's logits differ from the CPU's by %.3g", d)
	}
}
