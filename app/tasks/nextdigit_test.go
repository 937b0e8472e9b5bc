package tasks

import (
	"strconv"
	"strings"
	"testing"
)

func TestNextDigit(t *testing.T) {
	task := mustTask(t, NextDigit)
	seen, prompts := map[string]bool{}, map[string]bool{}
	for seed := range uint64(200) {
		q := task.Generate(seed, 3)
		d := strings.IndexAny(q.Prompt, "0123456789")
		if d < 0 || strings.IndexAny(q.Prompt[d+1:], "0123456789") >= 0 {
			t.Fatalf("seed %d: the prompt must hold exactly one digit: %q", seed, q.Prompt)
		}
		prompts[q.Prompt] = true
		want := strconv.Itoa((int(q.Prompt[d]-'0') + 1) % 10)
		seen[want] = true
		for _, tc := range []struct {
			completion string
			want       float64
		}{
			{"<answer>" + want + "</answer>", FormatReward + CorrectReward},
			{"<answer> " + want + " </answer>", FormatReward + CorrectReward},
			{"<answer>" + want, CorrectReward}, // ran out of tokens: right, but not well formed
			{"<answer>" + strconv.Itoa((int(q.Prompt[d]-'0')+2)%10) + "</answer>", FormatReward},
			{want, 0}, // no tag
		} {
			if got := Score(q, tc.completion); got.Total != tc.want {
				t.Fatalf("seed %d %q: %q scores %+v, want %v", seed, q.Prompt, tc.completion, got, tc.want)
			}
		}
		forged := q
		forged.Answer, forged.Prompt = "3", "Question abc. Which digit comes after 2?"
		if task.Check(forged, "3") != (want == "3") {
			t.Fatalf("Check trusted the question's text instead of its seed")
		}
	}
	if len(prompts) < 195 {
		t.Errorf("200 seeds gave only %d distinct prompts; a round's shared groups need distinct texts", len(prompts))
	}
	if len(seen) != 10 {
		t.Errorf("200 seeds gave only the answers %v", seen)
	}
	if _, ok := DefaultMix()[NextDigit]; ok {
		t.Error("the demo task is in the default mix")
	}
}
