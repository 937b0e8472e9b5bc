package tasks

import (
	"fmt"
	"hash/fnv"
	"reflect"
	"testing"
)

func TestDeterminismAndVariety(t *testing.T) {
	for _, name := range builtinNames {
		task := mustTask(t, name)
		for level := MinLevel; level <= MaxLevel; level++ {
			prompts := map[string]bool{}
			for seed := range uint64(100) {
				s := seed*0x9e3779b97f4a7c15 + 12345
				a, b := task.Generate(s, level), task.Generate(s, level)
				if !reflect.DeepEqual(a, b) {
					t.Fatalf("%s level %d seed %d: two Generate calls differ:\n%+v\n%+v", name, level, s, a, b)
				}
				if a.Task != name || a.Seed != s || a.Level != level || a.Answer == "" {
					t.Fatalf("%s: bad question header %+v", name, a)
				}
				prompts[a.Prompt] = true
			}
			if len(prompts) < 90 {
				t.Errorf("%s level %d: only %d distinct prompts in 100 seeds", name, level, len(prompts))
			}
		}
	}
}

func TestOwnAnswerScoresFull(t *testing.T) {
	// Every canonical answer, wrapped as the prompt asks, earns the full reward.
	for _, name := range builtinNames {
		task := mustTask(t, name)
		for level := MinLevel; level <= MaxLevel; level++ {
			for seed := range uint64(200) {
				q := task.Generate(seed, level)
				if got := Score(q, wrap(q.Answer)); got.Total != FormatReward+CorrectReward {
					t.Fatalf("%s level %d seed %d: own answer %q scores %+v\n%s", name, level, seed, q.Answer, got, q.Prompt)
				}
			}
		}
	}
}

func TestGenerateClampsLevel(t *testing.T) {
	for _, name := range builtinNames {
		task := mustTask(t, name)
		for _, tc := range []struct{ in, want int }{{0, 1}, {-7, 1}, {6, 5}, {1 << 30, 5}, {3, 3}} {
			q := task.Generate(9, tc.in)
			if q.Level != tc.want || !reflect.DeepEqual(q, task.Generate(9, tc.want)) {
				t.Errorf("%s: Generate(9, %d) has level %d, want the level-%d question", name, tc.in, q.Level, tc.want)
			}
		}
	}
}

func promptHash(s string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return fmt.Sprintf("%016x", h.Sum64())
}

// TestGolden pins a few questions. Peers re-create each other's questions from the seed, so any
// change to a generator, its RNG use or its wording changes what a seed means: if this fails on
// purpose, give the task a new name (e.g. "arithmetic-v2") rather than updating the pins.
func TestGolden(t *testing.T) {
	golden := []struct {
		task   string
		seed   uint64
		level  int
		answer string
		prompt string // FNV-64a of the prompt
	}{
		{"algebra", 42, 1, "10", "7eb905a90299d336"},
		{"algebra", 42, 5, "-85", "8057aceb904ab6bd"},
		{"arithmetic", 42, 1, "4", "b65a2aaa919ecdab"},
		{"arithmetic", 42, 5, "-1740", "f972c7070bb25c57"},
		{"counting", 42, 1, "36", "f49a6338cffdcca6"},
		{"counting", 42, 5, "790", "52a7e3ce20f8919b"},
		{"dates", 42, 1, "2024-11-22", "1a7f860f4c5755e6"},
		{"dates", 42, 5, "1975-02-06", "27a3e5a4a19f9cf0"},
		{"fractions", 42, 1, "11/12", "e9c0963fef60ab0a"},
		{"fractions", 42, 5, "18/107", "175351a8c8c7259e"},
		{"logic", 42, 1, "true", "12b8f5464fad0707"},
		{"logic", 42, 5, "false", "82189f0e13e5cf9b"},
		{"multiplication", 42, 1, "196", "fdf2aa3d4288d86a"},
		{"multiplication", 42, 5, "3934794158", "5ecb7d8adf811bef"},
		{"sorting", 42, 1, "6, 39, 87, 89", "7674b562f926f9d1"},
		{"sorting", 42, 5, "anchor, basket, carrot, falcon, harbor, kernel, umbrella, velvet, violin, window, yarn, zebra", "d5a076fae2466d63"},
	}
	for _, g := range golden {
		q := mustTask(t, g.task).Generate(g.seed, g.level)
		if q.Answer != g.answer || promptHash(q.Prompt) != g.prompt {
			t.Errorf("%s seed %d level %d: answer %q prompt %s, pinned %q %s\n%s",
				g.task, g.seed, g.level, q.Answer, promptHash(q.Prompt), g.answer, g.prompt, q.Prompt)
		}
	}
}

// TestDrawGolden pins which (task, seed, level) a draw picks, for the same reason as TestGolden:
// peers that derive a round's questions from a shared seed must agree.
func TestDrawGolden(t *testing.T) {
	qs, err := Draw(Mix{"arithmetic": 1, "dates": 2, "logic": 1}, 42, 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range qs {
		got = append(got, fmt.Sprintf("%s/%d/%d", q.Task, q.Seed, q.Level))
	}
	want := []string{
		"dates/14667612857046369751/5", "dates/13283796976972556005/1",
		"logic/7502059712528100236/4", "dates/1446243328394403421/2",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Draw picked\n%#v\nwant\n%#v", got, want)
	}
}
