package tasks

// MinLevel and MaxLevel bound a question's difficulty. Levels outside the range are clamped by
// Generate and score zero in Score, so a peer cannot ask us to build an absurdly large question.
const (
	MinLevel = 1
	MaxLevel = 5
)

// Question is one drawn question. Everything needed to score answers travels with it, so a peer's
// question can be re-scored locally. Peers' data is untrusted: Score recomputes the truth from
// (Task, Seed, Level) and ignores Prompt and Answer.
type Question struct {
	Task   string `json:"task"`   // registry name, e.g. "arithmetic"
	Seed   uint64 `json:"seed"`   // the question is a pure function of (Task, Seed, Level)
	Level  int    `json:"level"`  // difficulty MinLevel..MaxLevel
	Prompt string `json:"prompt"` // what the model sees (the user message); asks for <answer>…</answer>
	Answer string `json:"answer"` // the canonical right answer (for display and tests)
}

// Task is one family of procedurally generated questions with an exact, rule-based verifier. The
// round loop draws questions through the registry, so a new family (for example a code task with a
// local judge, see doc.go) only has to implement this interface and call Register.
type Task interface {
	// Name is the registry key; lowercase letters, digits, '-' and '_' so it fits a mix setting.
	Name() string
	// Describe is one line for the settings UI.
	Describe() string
	// Generate builds the question for (seed, level); it must be deterministic on every platform and
	// Go release, because peers re-create each other's questions from the seed.
	Generate(seed uint64, level int) Question
	// Check compares an extracted answer with the question's truth. It must recompute the truth from
	// (q.Seed, q.Level) and never trust q.Answer or q.Prompt, which may come from a peer.
	Check(q Question, answer string) bool
}

// Extractor is optionally implemented by a task whose answers are not a short text inside
// <answer>…</answer> (a code task wants the ```python fence). Score then uses Extract instead of
// the <answer> rule; format is clamped to [0, FormatReward].
type Extractor interface {
	Extract(completion string) (answer string, format float64)
}

// ValidLevel reports whether level is inside MinLevel..MaxLevel.
func ValidLevel(level int) bool { return level >= MinLevel && level <= MaxLevel }

// clampLevel maps any level into the valid range, so Generate never builds an unbounded question.
func clampLevel(level int) int {
	if level < MinLevel {
		return MinLevel
	}
	if level > MaxLevel {
		return MaxLevel
	}
	return level
}

// SystemPrompt is the system message for every built-in task: think first, then put only the final
// answer inside <answer></answer>, which is what Score extracts and the format reward checks.
const SystemPrompt = "You are a careful problem solver. Think through the problem step by step, then give " +
	"your final answer exactly once, in the form <answer>your answer</answer>. Put only the final answer " +
	"inside the tags, with no explanation or units, and follow the answer format the question asks for."
