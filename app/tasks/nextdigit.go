package tasks

import "strconv"

// NextDigit is the demo task: "which digit comes after 7?" (after 9 comes 0). A real model finds
// it trivial, but it is what swarmdesk's built-in demo model (app/models) can learn within
// minutes on a laptop CPU, so a new user sees the reward rise without downloading anything. It
// is a Task like any other — the question reads as text and the answer comes in <answer> tags —
// so the round loop, sharing, scoring and the chain run exactly as with a real model.
//
// It is left out of DefaultMix (see DemoOnly): a real model trains on the real tasks unless a mix
// names it. Accepted answers: the digit alone ("8"), as parseInteger reads it.
const NextDigit = "next-digit"

// The question's text around its digit. The demo tokenizer holds each as one token, so they are
// exported for it.
const (
	NextDigitBefore = "Which digit comes after "
	NextDigitAfter  = "? After nine comes zero. Put the digit inside <answer></answer>."
)

func init() { Register(nextDigit{}) }

// DemoOnly is implemented by tasks that only make sense for the demo model; DefaultMix skips them.
type DemoOnly interface{ DemoOnly() bool }

type nextDigit struct{}

func (nextDigit) Name() string   { return NextDigit }
func (nextDigit) DemoOnly() bool { return true }
func (nextDigit) Describe() string {
	return "Say which digit comes after a digit (the built-in demo model's task)"
}

// draw is the question's digit and its label: a pure function of the seed (the level changes
// nothing, there is only one difficulty). The label — three letters, "Question kqv." — makes
// the prompts of a round differ: peers tell shared question groups apart by their text, and ten
// digits alone would repeat within a round.
func (nextDigit) draw(seed uint64) (digit int, label string) {
	r := newRNG(NextDigit, seed, MinLevel)
	digit = r.intn(10)
	b := make([]byte, 3)
	for i := range b {
		b[i] = byte('a' + r.intn(26))
	}
	return digit, string(b)
}

func (t nextDigit) digit(seed uint64) int { d, _ := t.draw(seed); return d }

// Generate builds the question. The prompt holds no other digit, so the only digit the model
// sees is the one it must count on from.
func (t nextDigit) Generate(seed uint64, level int) Question {
	d, label := t.draw(seed)
	return Question{
		Task: NextDigit, Seed: seed, Level: clampLevel(level),
		Prompt: "Question " + label + ". " + NextDigitBefore + strconv.Itoa(d) + NextDigitAfter,
		Answer: strconv.Itoa((d + 1) % 10),
	}
}

// Check recomputes the truth from the seed.
func (t nextDigit) Check(q Question, answer string) bool {
	if q.Task != NextDigit || !ValidLevel(q.Level) || len(answer) > maxAnswerBytes {
		return false
	}
	return matchInteger(strconv.Itoa((t.digit(q.Seed)+1)%10), clean(answer))
}
