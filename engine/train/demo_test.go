package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

func TestNextTokenTask(t *testing.T) {
	task := NextTokenTask{Base: 15, Size: 10, PromptLen: 4}
	rng := rand.New(rand.NewPCG(1, 2))
	seenWrap := false
	for range 200 {
		p, want := task.Question(rng)
		if len(p) != 4 {
			t.Fatalf("prompt %v, want 4 tokens", p)
		}
		for _, id := range p {
			if id < 15 || id >= 25 {
				t.Fatalf("prompt id %d outside [15,25)", id)
			}
		}
		last := p[3]
		if last == 24 {
			seenWrap = true
			if want != 15 {
				t.Fatalf("after 24 want 15 (wrap), got %d", want)
			}
		} else if want != last+1 {
			t.Fatalf("after %d want %d", last, want)
		}
		if task.Reward(want, []int{want, 3}) != 1 || task.Reward(want, []int{want + 1}) != 0 || task.Reward(want, nil) != 0 {
			t.Fatal("reward is 1 exactly when the first token is the wanted one")
		}
	}
	if !seenWrap {
		t.Fatal("200 questions never ended in the last id")
	}
	if err := (NextTokenTask{Base: 500, Size: 20}).validate(512); err == nil {
		t.Fatal("task ids beyond the vocabulary accepted")
	}
}

// An interrupted run resumed from its checkpoints ends bit-identical to one
// that ran straight through: weights, optimizer moments and step.
func TestDemoResumeIsBitIdentical(t *testing.T) {
	cfg := DemoConfig{Task: testTask, Steps: 6, Questions: 2, Answers: 3, Seed: 11}

	straight := tinyModel(t, testmodel.Default(), 8)
	trA := demoTrainer(t, straight, 3e-3)
	cfgA := cfg
	cfgA.CheckpointDir = t.TempDir()
	if err := RunDemo(context.Background(), trA, cfgA, nil); err != nil {
		t.Fatal(err)
	}

	cfgB := cfg
	cfgB.CheckpointDir = t.TempDir()
	// First process: stopped after its third step.
	first := tinyModel(t, testmodel.Default(), 8)
	trB := demoTrainer(t, first, 3e-3)
	ctx, cancel := context.WithCancel(context.Background())
	err := RunDemo(ctx, trB, cfgB, func(st DemoStep) {
		if st.Step == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	// Second process: a fresh model and optimizer resume from the folder.
	second := tinyModel(t, testmodel.Default(), 8)
	trC := demoTrainer(t, second, 3e-3)
	var resumed []int64
	if err := RunDemo(context.Background(), trC, cfgB, func(st DemoStep) { resumed = append(resumed, st.Step) }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(resumed, []int64{4, 5, 6}) {
		t.Fatalf("resumed run took steps %v, want 4 5 6", resumed)
	}
	same := func(what string, a, b []float32) {
		t.Helper()
		if len(a) != len(b) {
			t.Fatalf("%s: lengths %d and %d", what, len(a), len(b))
		}
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("%s differ at %d: %v vs %v", what, i, a[i], b[i])
			}
		}
	}
	same("weights", straight.Trainable(), second.Trainable())
	same("first moments", trA.Opt.M, trC.Opt.M)
	same("second moments", trA.Opt.V, trC.Opt.V)
	if trA.Opt.Step != 6 || trC.Opt.Step != 6 {
		t.Fatalf("steps %d and %d, want 6", trA.Opt.Step, trC.Opt.Step)
	}

	// Resuming with another seed is refused, not silently mixed.
	other := cfgB
	other.Seed = 12
	other.Steps = 8
	err = RunDemo(context.Background(), demoTrainer(t, tinyModel(t, testmodel.Default(), 8), 3e-3), other, nil)
	if err == nil || !strings.Contains(err.Error(), "another run") {
		t.Fatalf("resume with another seed: %v", err)
	}
}
