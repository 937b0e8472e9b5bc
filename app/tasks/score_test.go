package tasks

import (
	"strings"
	"testing"
)

func TestScoreFormat(t *testing.T) {
	q := mustTask(t, "multiplication").Generate(1, 1)
	right, wrong := q.Answer, q.Answer+"9"
	full := Reward{FormatReward, CorrectReward, FormatReward + CorrectReward}
	formatOnly := Reward{FormatReward, 0, FormatReward}
	correctOnly := Reward{0, CorrectReward, CorrectReward}
	pad := func(n int, s string) string { return strings.Repeat("x", n-len(s)) + s }
	tests := []struct {
		name       string
		completion string
		want       Reward
	}{
		{"well formed", "<think>easy</think>\n<answer>" + right + "</answer>", full},
		{"well formed, wrong", "<answer>" + wrong + "</answer>", formatOnly},
		{"no tags", "The answer is " + right, Reward{}},
		{"empty completion", "", Reward{}},
		{"tag case", "<ANSWER>" + right + "</Answer>", full},
		{"tag whitespace", "< answer >\n " + right + " \n</ answer >", full},
		{"two answers, last right", "<answer>" + wrong + "</answer> no wait <answer>" + right + "</answer>", correctOnly},
		{"two answers, last wrong", "<answer>" + right + "</answer> no wait <answer>" + wrong + "</answer>", Reward{}},
		{"unclosed at end", "reasoning <answer>" + right, correctOnly},
		{"unclosed at end, trailing space", "<answer> " + right + " \n", correctOnly},
		{"unclosed after a closed pair", "<answer>" + wrong + "</answer> hmm <answer>" + right, correctOnly},
		{"nested open", "<answer><answer>" + right + "</answer>", correctOnly},
		{"stray close only", right + "</answer>", Reward{}},
		{"close before open", "</answer>" + wrong + "<answer>" + right, correctOnly},
		{"empty answer", "<answer></answer>", Reward{}},
		{"blank answer", "<answer>  \n </answer>", Reward{}},
		{"text after the answer", "<answer>" + right + "</answer>\nHope this helps!", full},
		{"answer with words", "<answer>The product is " + right + "</answer>", formatOnly},
		{"other tag", "<answers>" + right + "</answers>", Reward{}},
		{"invalid UTF-8", "<answer>" + right + "</answer>\xff", Reward{}},
		{"at the size cap", pad(MaxCompletionBytes, "<answer>"+right+"</answer>"), full},
		{"over the size cap", pad(MaxCompletionBytes+1, "<answer>"+right+"</answer>"), Reward{}},
		{"huge", strings.Repeat("<answer>", 1<<20) + right + "</answer>", Reward{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Score(q, tc.completion); got != tc.want {
				t.Errorf("Score = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestScoreRejectsBadQuestions(t *testing.T) {
	good := mustTask(t, "arithmetic").Generate(5, 2)
	completion := wrap(good.Answer)
	if got := Score(good, completion); got.Total != FormatReward+CorrectReward {
		t.Fatalf("control: Score = %+v", got)
	}
	tests := []struct {
		name string
		edit func(q *Question)
	}{
		{"unknown task", func(q *Question) { q.Task = "arithmetics" }},
		{"empty task", func(q *Question) { q.Task = "" }},
		{"task case", func(q *Question) { q.Task = "Arithmetic" }},
		{"level 0", func(q *Question) { q.Level = 0 }},
		{"level 6", func(q *Question) { q.Level = 6 }},
		{"negative level", func(q *Question) { q.Level = -1 }},
		{"huge level", func(q *Question) { q.Level = 1 << 40 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := good
			tc.edit(&q)
			if got := Score(q, completion); got != (Reward{}) {
				t.Errorf("Score = %+v, want zero", got)
			}
		})
	}
}

func TestScoreForgedQuestion(t *testing.T) {
	// A peer's question is re-scored against the truth recomputed from (Task, Seed, Level).
	for _, name := range builtinNames {
		t.Run(name, func(t *testing.T) {
			task := mustTask(t, name)
			q := task.Generate(77, 3)
			forged := q
			forged.Answer = "lie"
			forged.Prompt = "Say lie. Put your final answer inside <answer></answer>."
			if got := Score(forged, wrap("lie")); got.Correct != 0 {
				t.Errorf("forged Answer field accepted: %+v", got)
			}
			if got := Score(forged, wrap(q.Answer)); got.Correct != CorrectReward {
				t.Errorf("true answer rejected for a forged prompt: %+v", got)
			}
			// Changing the level changes the question: the truth is that level's.
			other := forged
			other.Level = 5
			truth5 := task.Generate(77, 5).Answer
			if got := Score(other, wrap(truth5)); got.Correct != CorrectReward {
				t.Errorf("level-5 truth %q rejected: %+v", truth5, got)
			}
			if truth5 != q.Answer && Score(other, wrap(q.Answer)).Correct != 0 {
				t.Errorf("level-3 truth %q accepted for the level-5 question", q.Answer)
			}
		})
	}
}

func TestCheckRejectsForeignQuestion(t *testing.T) {
	// Check must not judge another task's question, even with the same seed and level.
	alg := mustTask(t, "algebra")
	q := mustTask(t, "arithmetic").Generate(3, 2)
	if alg.Check(q, q.Answer) {
		t.Error("algebra.Check accepted an arithmetic question")
	}
	q.Level = 9
	if mustTask(t, "arithmetic").Check(q, q.Answer) {
		t.Error("Check accepted level 9")
	}
}

func TestExtractAnswer(t *testing.T) {
	tests := []struct {
		in     string
		answer string
		format float64
		found  bool
	}{
		{"<answer>42</answer>", "42", FormatReward, true},
		{"<answer> 42 </answer>", "42", FormatReward, true},
		{"<answer>1</answer><answer>2</answer>", "2", 0, true},
		{"<answer>2", "2", 0, true},
		{"42", "", 0, false},
		{"</answer>", "", 0, false},
		{"<answer></answer>", "", 0, true},
		{"<Answer>a\nb</ANSWER>", "a\nb", FormatReward, true},
	}
	for _, tc := range tests {
		a, f, ok := ExtractAnswer(tc.in)
		if a != tc.answer || f != tc.format || ok != tc.found {
			t.Errorf("ExtractAnswer(%q) = %q, %v, %v; want %q, %v, %v", tc.in, a, f, ok, tc.answer, tc.format, tc.found)
		}
	}
}
