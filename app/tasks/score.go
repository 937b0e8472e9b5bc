package tasks

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Reward is what one completion earns: Format for a well-formed answer tag, Correct for a right
// answer, Total = Format + Correct. GRPO trains on Total.
type Reward struct{ Format, Correct, Total float64 }

// Reward sizes. Correctness dominates; the small format term teaches a fresh model the tag early on
// without ever outweighing a right answer.
const (
	FormatReward  = 0.2
	CorrectReward = 1.0
)

// MaxCompletionBytes caps a completion Score looks at; a longer one (a runaway generation or a
// hostile peer) earns nothing and costs no work.
const MaxCompletionBytes = 64 << 10

// maxAnswerBytes caps an extracted answer a built-in Check will parse; no right answer is that long.
const maxAnswerBytes = 4 << 10

var (
	openTagRe  = regexp.MustCompile(`(?i)<\s*answer\s*>`)
	closeTagRe = regexp.MustCompile(`(?i)<\s*/\s*answer\s*>`)
)

// Score rewards one completion for question q. It never panics and never trusts q.Prompt or q.Answer.
//
// Extraction: the LAST <answer>…</answer> pair counts; the tags may differ in case and carry spaces
// ("<ANSWER>", "< answer >", "</ answer>"). When the completion ends inside an opened tag (the model
// ran out of tokens), the text after that last opening tag is the answer, but Format is 0.
//
// Format (FormatReward) requires exactly one opening and one closing tag, in that order, around a
// non-empty answer. Correct (CorrectReward) requires the task's Check to accept the trimmed answer.
//
// Zero reward: unknown task, level outside 1..5, completion over MaxCompletionBytes or not valid
// UTF-8, no answer tag at all, or a task implementation that panics.
func Score(q Question, completion string) (rw Reward) {
	defer func() {
		if recover() != nil {
			rw = Reward{}
		}
	}()
	if len(completion) > MaxCompletionBytes || !utf8.ValidString(completion) || !ValidLevel(q.Level) {
		return Reward{}
	}
	t, ok := Get(q.Task)
	if !ok {
		return Reward{}
	}
	var answer string
	var format float64
	if ex, ok := t.(Extractor); ok {
		answer, format = ex.Extract(completion)
		if math.IsNaN(format) || format < 0 {
			format = 0
		}
		format = math.Min(format, FormatReward)
	} else {
		var found bool
		answer, format, found = ExtractAnswer(completion)
		if !found {
			return Reward{}
		}
	}
	if t.Check(q, answer) {
		rw.Correct = CorrectReward
	}
	rw.Format = format
	rw.Total = rw.Format + rw.Correct
	return rw
}

// ExtractAnswer applies Score's <answer> rule to a completion: the trimmed text of the last answer
// tag, the format reward it earns, and whether any answer was found.
func ExtractAnswer(completion string) (answer string, format float64, found bool) {
	if len(completion) > MaxCompletionBytes {
		return "", 0, false
	}
	opens := openTagRe.FindAllStringIndex(completion, -1)
	closes := closeTagRe.FindAllStringIndex(completion, -1)
	if len(opens) == 0 {
		return "", 0, false
	}
	lastOpen := opens[len(opens)-1]
	if len(closes) == 0 || lastOpen[0] > closes[len(closes)-1][0] {
		// Unclosed final tag: tolerated, but not well formed.
		return strings.TrimSpace(completion[lastOpen[1]:]), 0, true
	}
	lastClose := closes[len(closes)-1]
	open := -1
	for i := len(opens) - 1; i >= 0; i-- {
		if opens[i][1] <= lastClose[0] {
			open = i
			break
		}
	}
	if open < 0 {
		return "", 0, false
	}
	answer = strings.TrimSpace(completion[opens[open][1]:lastClose[0]])
	if len(opens) == 1 && len(closes) == 1 && answer != "" {
		format = FormatReward
	}
	return answer, format, true
}
