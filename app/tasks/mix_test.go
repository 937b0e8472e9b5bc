package tasks

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestDrawWeights(t *testing.T) {
	m := Mix{"arithmetic": 2, "dates": 1, "sorting": 1, "logic": 0}
	qs, err := Draw(m, 2024, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, q := range qs {
		counts[q.Task]++
		if q.Level != 2 {
			t.Fatalf("fixed level 2 drew level %d", q.Level)
		}
	}
	// Expected 500/250/250; binomial sd ≈ 16 and 14, so ±5 sd is never a false alarm.
	want := map[string][2]int{"arithmetic": {420, 580}, "dates": {180, 320}, "sorting": {180, 320}}
	for name, r := range want {
		if c := counts[name]; c < r[0] || c > r[1] {
			t.Errorf("%s drawn %d times in 1000, want %d..%d (counts %v)", name, c, r[0], r[1], counts)
		}
	}
	if counts["logic"] != 0 || len(counts) != 3 {
		t.Errorf("zero-weight or absent tasks drawn: %v", counts)
	}
}

func TestDrawDeterministic(t *testing.T) {
	m := Mix{"algebra": 1, "counting": 3, "fractions": 0.5}
	a, err1 := Draw(m, 7, 50, 0)
	b, err2 := Draw(m, 7, 50, 0)
	c, err3 := Draw(m, 8, 50, 0)
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different draws")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, same draws")
	}
	levels := map[int]int{}
	for _, q := range a {
		levels[q.Level]++
	}
	if len(levels) != MaxLevel {
		t.Errorf("level 0 should spread over 1..5, got %v", levels)
	}
	r, err := DrawRange(m, 7, 200, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range r {
		if q.Level < 2 || q.Level > 3 {
			t.Fatalf("DrawRange(2, 3) drew level %d", q.Level)
		}
	}
	if qs, err := Draw(m, 7, 0, 1); err != nil || len(qs) != 0 {
		t.Errorf("Draw n=0 = %v, %v", qs, err)
	}
}

func TestDrawErrors(t *testing.T) {
	good := Mix{"arithmetic": 1}
	tests := []struct {
		name   string
		mix    Mix
		n      int
		lo, hi int
		want   string
	}{
		{"bad mix", Mix{"nope": 1}, 1, 1, 1, "unknown task"},
		{"negative n", good, -1, 1, 1, "n=-1"},
		{"huge n", good, MaxDraw + 1, 1, 1, "n="},
		{"level 6", good, 1, 6, 6, "levels"},
		{"level -1", good, 1, -1, -1, "levels"},
		{"min > max", good, 1, 4, 2, "levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DrawRange(tc.mix, 1, tc.n, tc.lo, tc.hi)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if _, err := Draw(good, 1, 1, 6); err == nil {
		t.Error("Draw level 6 accepted")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		mix  Mix
		want []string // substrings of the error; nil = valid
	}{
		{"default", DefaultMix(), nil},
		{"one task", Mix{"dates": 0.1}, nil},
		{"some zero", Mix{"dates": 1, "logic": 0}, nil},
		{"unknown names", Mix{"dates": 1, "foo": 1, "bar": 2}, []string{`"bar"`, `"foo"`, "unknown task", "known: algebra"}},
		{"negative", Mix{"dates": 1, "logic": -1}, []string{"logic=-1"}},
		{"NaN", Mix{"dates": math.NaN()}, []string{"dates=NaN"}},
		{"Inf", Mix{"dates": math.Inf(1)}, []string{"dates=+Inf"}},
		{"sum overflows", Mix{"dates": math.MaxFloat64, "logic": math.MaxFloat64}, []string{"sum to +Inf"}},
		{"all zero", Mix{"dates": 0, "logic": 0}, []string{"sum to 0"}},
		{"empty", Mix{}, []string{"sum to 0"}},
		{"nil", nil, []string{"sum to 0"}},
		{"unknown and negative", Mix{"zzz": -1}, []string{`"zzz"`, "zzz=-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.mix.Validate()
			if tc.want == nil {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error mentioning %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestParseMix(t *testing.T) {
	ok := []struct {
		in   string
		want Mix
	}{
		{"arithmetic=2,dates=1,sorting=1", Mix{"arithmetic": 2, "dates": 1, "sorting": 1}},
		{" arithmetic = 2 , dates=0.5 ", Mix{"arithmetic": 2, "dates": 0.5}},
		{"logic=1,dates=0", Mix{"logic": 1, "dates": 0}},
		{"", DefaultMix()},
		{"   ", DefaultMix()},
	}
	for _, tc := range ok {
		got, err := ParseMix(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseMix(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	bad := []struct{ in, want string }{
		{"arithmetic", "want name=weight"},
		{"arithmetic=", "want name=weight"},
		{"=2", "want name=weight"},
		{"arithmetic=1,,dates=1", "item 2"},
		{"arithmetic=1,", "item 2"},
		{"arithmetic=x", `weight of "arithmetic"`},
		{"arithmetic=1,arithmetic=2", "given twice"},
		{"foo=1", `unknown task "foo"`},
		{"arithmetic=-1", "arithmetic=-1"},
		{"arithmetic=0", "sum to 0"},
		{"arithmetic=NaN", "arithmetic=NaN"},
		{"arithmetic=1e999", "weight of"},
		{"arithmetic:2", "want name=weight"},
	}
	for _, tc := range bad {
		_, err := ParseMix(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseMix(%q) error = %v, want it to mention %q", tc.in, err, tc.want)
		}
	}
}

func TestMixStringRoundTrip(t *testing.T) {
	m := Mix{"sorting": 1, "arithmetic": 2.5, "dates": 0}
	s := m.String()
	if s != "arithmetic=2.5,dates=0,sorting=1" {
		t.Errorf("String() = %q", s)
	}
	back, err := ParseMix(s)
	if err != nil || !reflect.DeepEqual(back, m) {
		t.Errorf("ParseMix(String()) = %v, %v; want %v", back, err, m)
	}
}

func TestDefaultMix(t *testing.T) {
	m := DefaultMix()
	for _, n := range builtinNames {
		if m[n] != 1 {
			t.Errorf("DefaultMix()[%q] = %v, want 1", n, m[n])
		}
	}
	if len(m) != len(Names())-1 {
		t.Errorf("DefaultMix has %d tasks, registry %d (all but the demo's)", len(m), len(Names()))
	}
	if _, ok := m[NextDigit]; ok {
		t.Errorf("DefaultMix includes the demo task %s", NextDigit)
	}
}
