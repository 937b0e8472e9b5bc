package models

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// TestDemoLearns makes the demo model as a fresh install does, then plays the round loop's
// essentials — the demo's questions, answers sampled from the model, tasks.Score, one GRPO step
// per round with models.Demo's sizes — and checks that the model starts in the answer format
// with some right answers and that the reward rises within 20 rounds. Everything is seeded.
func TestDemoLearns(t *testing.T) {
	cache := t.TempDir()
	t0 := time.Now()
	dir, err := EnsureDemo(cache, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("made the demo model in %v", time.Since(t0))
	if again, err := EnsureDemo(cache, func(string) { t.Error("the second EnsureDemo made the model again") }); err != nil || again != dir {
		t.Fatalf("second EnsureDemo: %q, %v", again, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "model.safetensors")); err != nil || fi.Size() > 2<<20 {
		t.Fatalf("model.safetensors: %v, %v (a demo model must stay small)", fi, err)
	}
	m, tok := loadDemo(t, dir)
	task, _ := tasks.Get(tasks.NextDigit)
	cfg := train.Config{Optim: train.DefaultOptimConfig(), MicroBatch: 64}
	cfg.Optim.LR = Demo.LR
	tr, err := train.New(m, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var rewards, formats []float64
	for range 20 {
		var groups []train.Group
		var sum, format float64
		for range Demo.Questions {
			q := task.Generate(rng.Uint64(), tasks.MinLevel)
			p := PromptTokens(tok, q)
			outs, _, err := m.Generate(p, qwen2.GenerateOptions{N: Demo.Answers, MaxNew: Demo.MaxNewTokens, Temperature: 1,
				Seed: rng.Uint64(), StopIDs: tok.EOSIDs()})
			if err != nil {
				t.Fatal(err)
			}
			g := train.Group{Prompt: p}
			for _, c := range outs {
				toks := c.Tokens
				if c.Finish == "stop" {
					toks = toks[:len(toks)-1]
				}
				text, _ := tok.Decode(toks)
				r := tasks.Score(q, text)
				sum += r.Total
				format += r.Format
				g.Answers = append(g.Answers, train.Answer{Tokens: c.Tokens, LogProbs: c.LogProbs, Reward: r.Total})
			}
			groups = append(groups, g)
		}
		n := float64(Demo.Questions * Demo.Answers)
		rewards, formats = append(rewards, sum/n), append(formats, format/n)
		if _, err := tr.Step(groups); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("rewards by round: %.2f", rewards)
	if formats[0] < 0.9*tasks.FormatReward {
		t.Errorf("the fresh demo model answers in the <answer> format only %.0f%% of the time", 100*formats[0]/tasks.FormatReward)
	}
	if rewards[0] < tasks.FormatReward+0.05 {
		t.Errorf("the fresh demo model's first reward %.2f: it should get some answers right before training", rewards[0])
	}
	first, last := mean(rewards[:5]), mean(rewards[15:])
	if last < first+0.1 {
		t.Errorf("the reward did not rise: rounds 1–5 %.2f, rounds 16–20 %.2f", first, last)
	}
}

func loadDemo(t *testing.T, dir string) (*qwen2.Model, *tokenizer.Tokenizer) {
	t.Helper()
	tok, err := tokenizer.Load(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return m, tok
}

func TestDemoTokenizer(t *testing.T) {
	data, err := demoTokenizerJSON()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := tasks.Get(tasks.NextDigit)
	p := PromptTokens(tok, q.Generate(5, 1))
	if len(p) > 48 {
		t.Errorf("a demo prompt is %d tokens; the demo vocabulary should keep it short", len(p))
	}
	text, err := tok.Decode(p)
	if err != nil || !strings.Contains(text, tasks.SystemPrompt) || !strings.Contains(text, q.Generate(5, 1).Prompt) {
		t.Errorf("decoding the prompt gives %q, %v", text, err)
	}
	if tok.VocabSize() != demoShape.Vocab {
		t.Errorf("tokenizer has %d ids, the model %d", tok.VocabSize(), demoShape.Vocab)
	}
	for _, s := range []string{"<answer>", "</answer>"} {
		if _, ok := tok.TokenID(s); !ok {
			t.Errorf("the demo tokenizer has no token %s", s)
		}
	}
}

func TestIsDemo(t *testing.T) {
	for name, want := range map[string]bool{"demo": true, " Demo ": true, "./demo": false, "Qwen/Qwen2.5-0.5B-Instruct": false, "": false} {
		if IsDemo(name) != want {
			t.Errorf("IsDemo(%q) = %v", name, !want)
		}
	}
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
