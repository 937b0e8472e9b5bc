package tasks

// problem is what a built-in generator returns: the question text, the canonical answer, and an
// example of the answer's shape for the instruction line.
type problem struct {
	text, answer, example string
}

// builtin turns a generator and a matcher into a Task. Generate and Check both run the same
// generator from (seed, level), so Check recomputes the truth instead of trusting the Question.
type builtin struct {
	name, describe string
	gen            func(r *rng, level int) problem
	// match reports whether given (already cleaned) spells the canonical answer truth.
	match func(truth, given string) bool
}

func (b *builtin) Name() string     { return b.name }
func (b *builtin) Describe() string { return b.describe }

// Generate clamps level into 1..5 and builds the question; Question.Level is the clamped level.
func (b *builtin) Generate(seed uint64, level int) Question {
	level = clampLevel(level)
	p := b.gen(newRNG(b.name, seed, level), level)
	return Question{
		Task:   b.name,
		Seed:   seed,
		Level:  level,
		Prompt: p.text + "\n\nPut your final answer inside <answer></answer>, for example <answer>" + p.example + "</answer>.",
		Answer: p.answer,
	}
}

// Check regenerates the truth from (q.Seed, q.Level); a question for another task or with a level
// outside 1..5 is never right.
func (b *builtin) Check(q Question, answer string) bool {
	if q.Task != b.name || !ValidLevel(q.Level) || len(answer) > maxAnswerBytes {
		return false
	}
	truth := b.gen(newRNG(b.name, q.Seed, q.Level), q.Level).answer
	return b.match(truth, clean(answer))
}

// levelParam picks a per-level parameter from a table of MaxLevel entries.
func levelParam(table [MaxLevel]int, level int) int { return table[clampLevel(level)-1] }
