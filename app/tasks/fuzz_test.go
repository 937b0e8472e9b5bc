package tasks

import (
	"testing"
	"unicode/utf8"
)

// FuzzScore feeds arbitrary completions and question fields (as a peer could send them) to Score:
// it must not panic, must stay in range, and must not depend on the Prompt/Answer fields.
func FuzzScore(f *testing.F) {
	f.Add("arithmetic", uint64(1), 1, "p", "a", "<answer>4</answer>")
	f.Add("dates", uint64(99), 3, "", "", "<ANSWER>2024-02-30</answer>")
	f.Add("fractions", uint64(5), 2, "x", "3/4", "<answer>\\frac{3}{4}")
	f.Add("sorting", uint64(7), 5, "", "", "<answer>[1e999999999, -.5, +3]</answer>")
	f.Add("logic", uint64(0), 0, "", "", "<answer>true</answer>")
	f.Add("algebra", ^uint64(0), 6, "", "", "< answer >x = -0</ answer >")
	f.Add("", uint64(3), 1, "", "", "\xff<answer>\xfe</answer>")
	f.Add("test-panic", uint64(3), 1, "", "", "<answer>1</answer>")
	f.Add("multiplication", uint64(3), 4, "", "", "<answer>1,234,567.000</answer><answer>")
	f.Fuzz(func(t *testing.T, task string, seed uint64, level int, prompt, answer, completion string) {
		q := Question{Task: task, Seed: seed, Level: level, Prompt: prompt, Answer: answer}
		r := Score(q, completion)
		if r.Total != r.Format+r.Correct {
			t.Fatalf("Total %v != Format %v + Correct %v", r.Total, r.Format, r.Correct)
		}
		if (r.Format != 0 && r.Format != FormatReward) || (r.Correct != 0 && r.Correct != CorrectReward) {
			t.Fatalf("reward out of range: %+v", r)
		}
		if r != (Reward{}) {
			if _, ok := Get(task); !ok || !ValidLevel(level) || !utf8.ValidString(completion) || len(completion) > MaxCompletionBytes {
				t.Fatalf("non-zero reward %+v for a question or completion that must score zero", r)
			}
		}
		bare := Question{Task: task, Seed: seed, Level: level}
		if r2 := Score(bare, completion); r2 != r {
			t.Fatalf("reward depends on Prompt/Answer: %+v vs %+v", r, r2)
		}
	})
}

// FuzzCheck runs every built-in Check on arbitrary answers: no panic, and the canonical answer is
// always accepted.
func FuzzCheck(f *testing.F) {
	f.Add(uint64(1), 1, "42")
	f.Add(uint64(2), 5, "x = +4.000")
	f.Add(uint64(3), 3, "[\"a\", 'b', c]")
	f.Add(uint64(4), 2, "\\dfrac{ 1 }{ 2 }")
	f.Add(uint64(5), 4, "Feb 30, 2024")
	f.Add(uint64(6), 0, "")
	f.Fuzz(func(t *testing.T, seed uint64, level int, answer string) {
		for _, name := range builtinNames {
			task, _ := Get(name)
			q := task.Generate(seed, level)
			if !task.Check(q, q.Answer) {
				t.Fatalf("%s seed %d level %d: canonical answer %q rejected", name, seed, level, q.Answer)
			}
			_ = task.Check(q, answer)
			q.Level = level
			_ = task.Check(q, answer)
		}
	})
}
