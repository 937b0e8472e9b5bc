package tasks

import (
	"strings"
	"testing"
)

// builtinNames are the tasks this package ships; tests that register fakes use other names.
var builtinNames = []string{"algebra", "arithmetic", "counting", "dates", "fractions", "logic", "multiplication", "sorting"}

// seedsPerLevel is how many seeds the per-task table tests walk at every level.
const seedsPerLevel = 60

func mustTask(t testing.TB, name string) Task {
	t.Helper()
	task, ok := Get(name)
	if !ok {
		t.Fatalf("task %q not registered", name)
	}
	return task
}

// wrap puts ans into a completion the way a model would.
func wrap(ans string) string {
	return "Let me think step by step.\nDone.\n<answer>" + ans + "</answer>"
}

// scoresCorrect reports whether Score gives ans full correctness.
func scoresCorrect(q Question, ans string) bool { return Score(q, wrap(ans)).Correct == CorrectReward }

// eachQuestion calls f for every level and seedsPerLevel seeds of task name.
func eachQuestion(t *testing.T, name string, f func(t *testing.T, q Question)) {
	t.Helper()
	task := mustTask(t, name)
	for level := MinLevel; level <= MaxLevel; level++ {
		for seed := range uint64(seedsPerLevel) {
			q := task.Generate(seed*7919+uint64(level), level)
			f(t, q)
			if t.Failed() {
				t.Fatalf("stopped at seed %d level %d:\n%s", q.Seed, q.Level, q.Prompt)
			}
		}
	}
}

// block returns the i-th blank-line separated block of a prompt.
func block(t *testing.T, prompt string, i int) string {
	t.Helper()
	parts := strings.Split(prompt, "\n\n")
	if i >= len(parts) {
		t.Fatalf("prompt has %d blocks, want block %d:\n%s", len(parts), i, prompt)
	}
	return parts[i]
}

// checkSpellings asserts every accepted spelling scores Correct=1 and every rejected one 0.
func checkSpellings(t *testing.T, q Question, accepted, rejected []string) {
	t.Helper()
	for _, a := range accepted {
		if !scoresCorrect(q, a) {
			t.Errorf("answer %q rejected, want accepted (truth %q)\n%s", a, q.Answer, q.Prompt)
		}
	}
	for _, a := range rejected {
		if scoresCorrect(q, a) {
			t.Errorf("answer %q accepted, want rejected (truth %q)\n%s", a, q.Answer, q.Prompt)
		}
	}
}
