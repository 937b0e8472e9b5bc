package tasks

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Mix says how often each task is drawn: task name → weight. A zero or absent weight means the task
// is not drawn. It comes from the config setting parsed by ParseMix.
type Mix map[string]float64

// MaxDraw caps how many questions one Draw call may build.
const MaxDraw = 1 << 16

// DefaultMix is every registered task with weight 1, like reasoning-gym's composite dataset in the
// reference swarm, except the demo model's own tasks (DemoOnly).
func DefaultMix() Mix {
	m := Mix{}
	for _, n := range Names() {
		if t, _ := Get(n); isDemoOnly(t) {
			continue
		}
		m[n] = 1
	}
	return m
}

func isDemoOnly(t Task) bool {
	d, ok := t.(DemoOnly)
	return ok && d.DemoOnly()
}

// Validate rejects unknown task names, negative or non-finite weights, and a mix whose weights are
// all zero; the error names every offender so the settings UI can show it.
func (m Mix) Validate() error {
	var unknown, bad []string
	total := 0.0
	for name, w := range m {
		if _, ok := Get(name); !ok {
			unknown = append(unknown, strconv.Quote(name))
		}
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			bad = append(bad, fmt.Sprintf("%s=%v", name, w))
			continue
		}
		total += w
	}
	sort.Strings(unknown)
	sort.Strings(bad)
	var errs []error
	if len(unknown) > 0 {
		errs = append(errs, fmt.Errorf("unknown task %s (known: %s)",
			strings.Join(unknown, ", "), strings.Join(Names(), ", ")))
	}
	if len(bad) > 0 {
		errs = append(errs, fmt.Errorf("weights must be finite and >= 0: %s", strings.Join(bad, ", ")))
	}
	if len(errs) == 0 && (total <= 0 || math.IsInf(total, 0)) {
		errs = append(errs, fmt.Errorf("weights sum to %v; give at least one task a positive finite weight", total))
	}
	if len(errs) > 0 {
		return fmt.Errorf("tasks: mix: %w", errors.Join(errs...))
	}
	return nil
}

// ParseMix reads a mix setting such as "arithmetic=2,dates=1,sorting=1". Spaces around names and
// weights are ignored; an empty setting means DefaultMix. The result is validated.
func ParseMix(s string) (Mix, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultMix(), nil
	}
	m := Mix{}
	for i, item := range strings.Split(s, ",") {
		name, weight, ok := strings.Cut(item, "=")
		name, weight = strings.TrimSpace(name), strings.TrimSpace(weight)
		if !ok || name == "" || weight == "" {
			return nil, fmt.Errorf("tasks: parse mix: item %d %q: want name=weight", i+1, strings.TrimSpace(item))
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("tasks: parse mix: task %q given twice", name)
		}
		w, err := strconv.ParseFloat(weight, 64)
		if err != nil {
			return nil, fmt.Errorf("tasks: parse mix: weight of %q: %w", name, err)
		}
		m[name] = w
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("tasks: parse mix %q: %w", s, err)
	}
	return m, nil
}

// String renders the mix in ParseMix's syntax, names sorted.
func (m Mix) String() string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + strconv.FormatFloat(m[n], 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// Draw picks n questions deterministically from seed with the mix's weights. level 1..5 fixes the
// difficulty; level 0 draws each question's level uniformly from 1..5 (see DrawRange).
func Draw(m Mix, seed uint64, n int, level int) ([]Question, error) {
	if level == 0 {
		return DrawRange(m, seed, n, MinLevel, MaxLevel)
	}
	return DrawRange(m, seed, n, level, level)
}

// DrawRange is Draw with each question's level drawn uniformly from [minLevel, maxLevel]. The same
// (mix, seed, n, range) always gives the same questions, so a round's questions can be re-derived.
func DrawRange(m Mix, seed uint64, n int, minLevel, maxLevel int) ([]Question, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("tasks: draw: %w", err)
	}
	if n < 0 || n > MaxDraw {
		return nil, fmt.Errorf("tasks: draw: n=%d, want 0..%d", n, MaxDraw)
	}
	if !ValidLevel(minLevel) || !ValidLevel(maxLevel) || minLevel > maxLevel {
		return nil, fmt.Errorf("tasks: draw: levels %d..%d, want %d <= min <= max <= %d",
			minLevel, maxLevel, MinLevel, MaxLevel)
	}
	names := make([]string, 0, len(m))
	for name, w := range m {
		if w > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names) // map order is random; the draw must not be
	cum := make([]float64, len(names))
	total := 0.0
	for i, name := range names {
		total += m[name]
		cum[i] = total
	}
	r := newRNG("draw", seed, 0)
	out := make([]Question, 0, n)
	for range n {
		x := float64(r.float64() * total) // explicit conversion: no fused multiply-add, same on all CPUs
		i := sort.SearchFloat64s(cum, x)
		for i < len(cum)-1 && cum[i] <= x {
			i++
		}
		if i >= len(names) {
			i = len(names) - 1
		}
		t, ok := Get(names[i])
		if !ok {
			return nil, fmt.Errorf("tasks: draw: task %q vanished from the registry", names[i])
		}
		lvl := r.between(minLevel, maxLevel)
		out = append(out, t.Generate(r.next(), lvl))
	}
	return out, nil
}
