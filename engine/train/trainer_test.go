package train

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// tinyModel loads a fresh copy of the standard tiny model (F32 weights).
func tinyModel(t testing.TB, c testmodel.Tiny, seed uint64) *qwen2.Model {
	t.Helper()
	dir := t.TempDir()
	if err := testmodel.Write(dir, c, seed); err != nil {
		t.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.F32})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func demoTrainer(t testing.TB, m *qwen2.Model, lr float64) *Trainer {
	t.Helper()
	cfg := Config{Optim: DefaultOptimConfig()}
	cfg.Optim.LR = lr
	tr, err := New(m, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

var testTask = DemoTask

func TestDemoRewardRises(t *testing.T) {
	m := tinyModel(t, DemoModel, 3)
	tr := demoTrainer(t, m, 3e-3)
	var rewards, losses []float64
	cfg := DemoConfig{Task: testTask, Steps: 60, Seed: 5}
	if err := RunDemo(context.Background(), tr, cfg, func(st DemoStep) {
		rewards = append(rewards, st.MeanReward)
		losses = append(losses, st.AnswerLoss)
		if math.IsNaN(st.Loss) || math.IsNaN(st.GradNorm) {
			t.Fatalf("step %d: loss %v grad norm %v", st.Step, st.Loss, st.GradNorm)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(rewards) != 60 {
		t.Fatalf("%d steps reported, want 60", len(rewards))
	}
	avg := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	before, after := avg(rewards[:10]), avg(rewards[len(rewards)-10:])
	t.Logf("mean reward: first 10 steps %.3f, last 10 steps %.3f", before, after)
	if after < before+0.3 {
		t.Fatalf("reward did not rise clearly: %.3f → %.3f (%v)", before, after, rewards)
	}
	// The answer loss starts near log(vocab) (a near-uniform model) and falls.
	if first, last := losses[0], losses[len(losses)-1]; !(first > 2.5 && last < first-1) {
		t.Fatalf("answer loss %.3f → %.3f, want a clear fall from about log 32 = 3.47", first, last)
	}
}

// The loss of one fixed batch (sampling log-probs held fixed) falls over
// repeated steps on it: the gradient points the right way end to end.
func TestFixedBatchLossFalls(t *testing.T) {
	m := tinyModel(t, testmodel.Default(), 4)
	tr := demoTrainer(t, m, 1e-3)
	groups, err := demoRollouts(m, DemoConfig{Task: testTask, Questions: 3, Answers: 4, MaxNew: 3, Temperature: 1, Seed: 9}.withDefaults(), 1)
	if err != nil {
		t.Fatal(err)
	}
	// Make sure the batch has something to learn.
	for gi := range groups {
		for ai := range groups[gi].Answers {
			groups[gi].Answers[ai].Reward = float64(ai % 2)
		}
	}
	var losses []float64
	for range 10 {
		st, err := tr.Step(groups)
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, st.Loss)
	}
	t.Logf("losses %v", losses)
	if !(losses[9] < losses[0]-0.05) {
		t.Fatalf("loss on a fixed batch did not fall over 10 steps: %v", losses)
	}
}

// Gradient accumulation: one micro-batch per answer gives the same gradient
// as the whole step in one pass, up to float32 summation order.
func TestMicroBatchesMatchOneBatch(t *testing.T) {
	groups := func(m *qwen2.Model) []Group {
		g, err := demoRollouts(m, DemoConfig{Task: testTask, Questions: 2, Answers: 3, MaxNew: 4, Temperature: 1, Seed: 2}.withDefaults(), 1)
		if err != nil {
			t.Fatal(err)
		}
		for gi := range g {
			for ai := range g[gi].Answers {
				g[gi].Answers[ai].Reward = float64(ai)
			}
		}
		return g
	}
	var params [][]float32
	for _, mb := range []int{1, 6} {
		m := tinyModel(t, testmodel.Default(), 6)
		cfg := Config{Optim: DefaultOptimConfig(), MicroBatch: mb}
		cfg.Optim.LR = 1e-2
		tr, err := New(m, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Step(groups(m)); err != nil {
			t.Fatal(err)
		}
		params = append(params, slices.Clone(tr.grad))
	}
	maxDiff := func(a, b []float32) (d float64) {
		for i := range a {
			d = max(d, math.Abs(float64(a[i]-b[i])))
		}
		return d
	}
	if d := maxDiff(params[0], make([]float32, len(params[0]))); d < 1e-4 {
		t.Fatalf("the gradient is (nearly) zero (max %g): nothing was compared", d)
	}
	if d := maxDiff(params[0], params[1]); d > 1e-5 {
		t.Fatalf("clipped gradients differ by %g between micro-batch 1 and 6", d)
	}
	// (The updated weights are not compared: Adam's first step moves each
	// weight by about ±lr whatever the gradient's size, so a gradient of
	// 1e-12 that rounding turns to -1e-12 flips a whole step.)
}

func TestStepRefusesBadInput(t *testing.T) {
	m := tinyModel(t, testmodel.Default(), 1)
	tr := demoTrainer(t, m, 1e-3)
	before := slices.Clone(m.Trainable())
	ok := Answer{Tokens: []int{1, 2}, LogProbs: []float32{-1, -2}, Reward: 1}
	tests := []struct {
		name   string
		groups []Group
		want   string
	}{
		{"no groups", nil, "at least one group"},
		{"empty prompt", []Group{{Answers: []Answer{ok}}}, "empty prompt"},
		{"no answers", []Group{{Prompt: []int{1}}}, "no answers"},
		{"empty answer", []Group{{Prompt: []int{1}, Answers: []Answer{ok, {}}}}, "answer 1 is empty"},
		{"log-prob count", []Group{{Prompt: []int{1}, Answers: []Answer{ok, {Tokens: []int{3}, LogProbs: []float32{-1, -1}}}}}, "sampling log-probs"},
		{"NaN reward", []Group{{Prompt: []int{1}, Answers: []Answer{ok, {Tokens: []int{3}, LogProbs: []float32{-1}, Reward: math.NaN()}}}}, "reward NaN"},
		{"token outside vocab", []Group{{Prompt: []int{1}, Answers: []Answer{ok, {Tokens: []int{1 << 20}, LogProbs: []float32{-1}}}}}, "vocab"},
	}
	for _, tt := range tests {
		_, err := tr.Step(tt.groups)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
	if !slices.Equal(before, m.Trainable()) {
		t.Fatal("a refused step changed the weights")
	}
	if tr.Opt.Step != 0 {
		t.Fatalf("a refused step advanced the optimizer to step %d", tr.Opt.Step)
	}
}

func TestMemoryLimit(t *testing.T) {
	m := tinyModel(t, testmodel.Default(), 1)
	cfg := Config{MemoryLimit: 1 << 10}
	tr, err := New(m, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups := []Group{{Prompt: []int{1, 2}, Answers: []Answer{
		{Tokens: []int{3}, LogProbs: []float32{-1}, Reward: 1},
		{Tokens: []int{4}, LogProbs: []float32{-1}, Reward: 0},
	}}}
	before := slices.Clone(m.Trainable())
	_, err = tr.Step(groups)
	if err == nil || !strings.Contains(err.Error(), "more than") || !strings.Contains(err.Error(), "memory_limit_mb") {
		t.Fatalf("err = %v, want a refusal naming the limit setting", err)
	}
	if !slices.Equal(before, m.Trainable()) {
		t.Fatal("a refused step changed the weights")
	}
	// The plan counts what is really there.
	plan := tr.Plan(mustItems(t, tr, groups))
	n := int64(len(m.Trainable()))
	if plan.Weights != 4*int64(len(m.Params.F32)) || plan.Grads != 4*n || plan.Optimizer != 8*n || plan.Activations <= 0 {
		t.Fatalf("plan %+v for %d parameters", plan, n)
	}
	tr.cfg.MemoryLimit = plan.Total()
	if _, err := tr.Step(groups); err != nil {
		t.Fatalf("a step that fits the limit exactly was refused: %v", err)
	}
}

func mustItems(t *testing.T, tr *Trainer, g []Group) []item {
	t.Helper()
	items, _, err := tr.items(g)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func TestNewRefuses(t *testing.T) {
	m := tinyModel(t, testmodel.Default(), 1)
	if _, err := New(m, nil, Config{GRPO: GRPOConfig{EpsLow: 0.2, EpsHigh: 0.28, Beta: 0.04}}); err == nil || !strings.Contains(err.Error(), "reference") {
		t.Fatalf("β>0 without a reference model: %v", err)
	}
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Default(), 1); err != nil {
		t.Fatal(err)
	}
	bf, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.BF16})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(bf, nil, Config{})
	if err == nil {
		_, err = tr.Step([]Group{{Prompt: []int{1}, Answers: []Answer{{Tokens: []int{2}, LogProbs: []float32{-1}, Reward: 1}, {Tokens: []int{3}, LogProbs: []float32{-1}}}}})
	}
	if err == nil || !strings.Contains(err.Error(), "F32") {
		t.Fatalf("training a BF16 model: %v, want advice to load F32 weights", err)
	}
}

// With β > 0 the frozen reference enters the loss: the KL to it starts at
// zero (the policy is the reference) and grows as training moves away.
func TestKLToReference(t *testing.T) {
	m := tinyModel(t, DemoModel, 2)
	ref := tinyModel(t, DemoModel, 2)
	cfg := Config{Optim: DefaultOptimConfig(), GRPO: GRPOConfig{EpsLow: 0.2, EpsHigh: 0.28, Beta: 0.04}}
	cfg.Optim.LR = 1e-2
	tr, err := New(m, ref, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var kls []float64
	for step := int64(1); step <= 4; step++ {
		groups, err := demoRollouts(m, DemoConfig{Task: testTask, Seed: 3}.withDefaults(), step)
		if err != nil {
			t.Fatal(err)
		}
		st, err := tr.Step(groups)
		if err != nil {
			t.Fatal(err)
		}
		kls = append(kls, st.KL)
	}
	if math.Abs(kls[0]) > 1e-6 || !(kls[3] > 1e-4) {
		t.Fatalf("KL per step %v: want 0 at the start and growing once the policy moved", kls)
	}
	if slices.Equal(ref.Trainable(), m.Trainable()) {
		t.Fatal("the policy did not move")
	}
}

// MicroBatch 0 takes the largest micro-batch whose plan fits the memory
// limit, so a roomy machine makes fewer, faster passes.
func TestAutoMicroBatch(t *testing.T) {
	m := tinyModel(t, testmodel.Default(), 1)
	groups, err := demoRollouts(m, DemoConfig{Task: testTask, Questions: 2, Answers: 3, MaxNew: 5, Temperature: 1, Seed: 4}.withDefaults(), 1)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(m, nil, Config{})
	if err != nil {
		t.Fatal(err)
	}
	items := mustItems(t, tr, groups)
	if got := tr.microBatchSize(items); got != 2 {
		t.Fatalf("no limit: micro-batch %d, want 2", got)
	}
	for _, want := range []int{1, 3, 6} {
		tr.cfg.MemoryLimit = tr.plan(items, want).Total()
		if got := tr.microBatchSize(items); got != want {
			t.Errorf("limit = plan of %d: micro-batch %d", want, got)
		}
	}
	tr.cfg.MicroBatch = 4
	if got := tr.microBatchSize(items); got != 4 {
		t.Fatalf("MicroBatch 4 set: got %d", got)
	}
}
