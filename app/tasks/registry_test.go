package tasks

import (
	"slices"
	"strings"
	"testing"
)

// Test-only tasks that exercise the plug-in paths of Score. Their names start with "test-", so the
// built-in lists in other tests are unaffected.
type panicTask struct{}

func (panicTask) Name() string     { return "test-panic" }
func (panicTask) Describe() string { return "panics in Check" }
func (panicTask) Generate(seed uint64, l int) Question {
	return Question{Task: "test-panic", Seed: seed, Level: l}
}
func (panicTask) Check(Question, string) bool { panic("buggy plug-in") }

// fenceTask is shaped like a CodeZero task: the answer is the body of a ```python fence.
type fenceTask struct{}

func (fenceTask) Name() string     { return "test-fence" }
func (fenceTask) Describe() string { return "answer in a python fence" }
func (fenceTask) Generate(seed uint64, l int) Question {
	return Question{Task: "test-fence", Seed: seed, Level: l}
}
func (fenceTask) Check(_ Question, code string) bool { return strings.TrimSpace(code) == "print(1)" }
func (fenceTask) Extract(c string) (string, float64) {
	_, rest, ok := strings.Cut(c, "```python")
	if !ok {
		return "", -5 // out of range on purpose: Score must clamp it
	}
	body, _, _ := strings.Cut(rest, "```")
	return body, 99 // also out of range
}

func init() {
	Register(panicTask{})
	Register(fenceTask{})
}

func TestRegistry(t *testing.T) {
	names := Names()
	for _, n := range builtinNames {
		if !slices.Contains(names, n) {
			t.Errorf("built-in task %q missing from Names() = %v", n, names)
		}
		task := mustTask(t, n)
		if task.Name() != n || task.Describe() == "" {
			t.Errorf("task %q: Name() = %q, Describe() = %q", n, task.Name(), task.Describe())
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("Names() not sorted: %v", names)
	}
	if _, ok := Get("nope"); ok {
		t.Error(`Get("nope") found a task`)
	}
}

// namedTask is a task with an arbitrary name, to test name validation.
type namedTask struct {
	panicTask
	name string
}

func (n namedTask) Name() string { return n.name }

func TestTryRegister(t *testing.T) {
	tests := []struct {
		name string
		task Task
		want string
	}{
		{"nil", nil, "nil task"},
		{"duplicate", mustTask(t, "arithmetic"), "already registered"},
		{"duplicate under another type", namedTask{name: "dates"}, "already registered"},
	}
	for _, bad := range []string{"", "Upper", "with space", "x=y", "a,b", strings.Repeat("a", 41), "1abc", "-a"} {
		tests = append(tests, struct {
			name string
			task Task
			want string
		}{"name " + bad, namedTask{name: bad}, "name must match"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := TryRegister(tc.task)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("TryRegister error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	// The first registration wins: arithmetic and dates are still the built-ins.
	if d := mustTask(t, "arithmetic").Describe(); !strings.Contains(d, "precedence") {
		t.Errorf("arithmetic replaced: %q", d)
	}
	if _, isFake := mustTask(t, "dates").(namedTask); isFake {
		t.Error("dates replaced by a later registration")
	}
}

func TestScorePluginPaths(t *testing.T) {
	if got := Score(Question{Task: "test-panic", Level: 1}, wrap("x")); got != (Reward{}) {
		t.Errorf("panicking task: Score = %+v, want zero", got)
	}
	q := Question{Task: "test-fence", Level: 1}
	tests := []struct {
		completion string
		want       Reward
	}{
		{"```python\nprint(1)\n```", Reward{FormatReward, CorrectReward, FormatReward + CorrectReward}},
		{"```python\nprint(2)\n```", Reward{FormatReward, 0, FormatReward}},
		{"<answer>print(1)</answer>", Reward{}},
	}
	for _, tc := range tests {
		if got := Score(q, tc.completion); got != tc.want {
			t.Errorf("Score(%q) = %+v, want %+v", tc.completion, got, tc.want)
		}
	}
}
