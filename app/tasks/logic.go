package tasks

import (
	"fmt"
	"strings"
)

// logic: evaluate a propositional formula under given truth values (operators not, and, or, and from
// level 2 implies, from level 3 iff; every binary operation is parenthesised), or decide whether a
// categorical syllogism's conclusion necessarily follows. Accepted answers, any case, trailing
// period allowed: "true"/"false", "t"/"f", "yes"/"no", "1"/"0".
func init() {
	Register(&builtin{
		name:     "logic",
		describe: "Evaluate a propositional formula, or judge a syllogism",
		gen:      genLogic,
		match:    matchBool,
	})
}

var (
	logicVars  = [MaxLevel]int{2, 3, 3, 4, 5}
	logicDepth = [MaxLevel]int{2, 2, 3, 3, 4}
	logicOps   = [MaxLevel]int{2, 3, 4, 4, 4} // how many of and, or, implies, iff
)

// formula is a propositional formula tree: op "var", "not", "and", "or", "implies", "iff".
type formula struct {
	op   string
	v    int
	l, r *formula
}

var varNames = []string{"P", "Q", "R", "S", "T"}

func (f *formula) eval(vals []bool) bool {
	switch f.op {
	case "not":
		return !f.l.eval(vals)
	case "and":
		return f.l.eval(vals) && f.r.eval(vals)
	case "or":
		return f.l.eval(vals) || f.r.eval(vals)
	case "implies":
		return !f.l.eval(vals) || f.r.eval(vals)
	case "iff":
		return f.l.eval(vals) == f.r.eval(vals)
	}
	return vals[f.v]
}

// text prints f with parentheses around every binary operation except the outermost.
func (f *formula) text(top bool) string {
	switch f.op {
	case "var":
		return varNames[f.v]
	case "not":
		return "not " + f.l.text(false)
	}
	s := f.l.text(false) + " " + f.op + " " + f.r.text(false)
	if top {
		return s
	}
	return "(" + s + ")"
}

func genFormula(r *rng, depth, nvars, nops int, top bool) *formula {
	if !top && (depth <= 0 || r.chance(1, 3)) {
		leaf := &formula{op: "var", v: r.intn(nvars)}
		if r.chance(1, 4) {
			return &formula{op: "not", l: leaf}
		}
		return leaf
	}
	f := &formula{
		op: []string{"and", "or", "implies", "iff"}[r.intn(nops)],
		l:  genFormula(r, depth-1, nvars, nops, false),
		r:  genFormula(r, depth-1, nvars, nops, false),
	}
	if !top && r.chance(1, 6) {
		return &formula{op: "not", l: f}
	}
	return f
}

func genLogic(r *rng, level int) problem {
	if r.chance(1, 4) {
		return genSyllogism(r)
	}
	nvars := levelParam(logicVars, level)
	nops := levelParam(logicOps, level)
	f := genFormula(r, levelParam(logicDepth, level), nvars, nops, true)
	vals := make([]bool, nvars)
	given := make([]string, nvars)
	for i := range vals {
		vals[i] = r.chance(1, 2)
		given[i] = fmt.Sprintf("%s = %t", varNames[i], vals[i])
	}
	rules := "\"not\" applies only to what directly follows it."
	if nops >= 3 {
		rules += " \"A implies B\" is false only when A is true and B is false."
	}
	if nops >= 4 {
		rules += " \"A iff B\" is true when both sides have the same value."
	}
	return problem{
		text: "Given " + strings.Join(given, ", ") + ", is the following formula true or false?\n\n" +
			f.text(true) + "\n\n" + rules,
		answer:  fmt.Sprint(f.eval(vals)),
		example: "false",
	}
}

// A statement is "All/No/Some X are (not) Y" over three terms 0, 1, 2.
type statement struct {
	q    string // "all", "no", "some", "some-not"
	x, y int
}

func (s statement) text(terms []string) string {
	switch s.q {
	case "all":
		return fmt.Sprintf("All %s are %s.", terms[s.x], terms[s.y])
	case "no":
		return fmt.Sprintf("No %s are %s.", terms[s.x], terms[s.y])
	case "some":
		return fmt.Sprintf("Some %s are %s.", terms[s.x], terms[s.y])
	}
	return fmt.Sprintf("Some %s are not %s.", terms[s.x], terms[s.y])
}

// syllogisms are forms over terms A=0, B=1, C=2 and whether the conclusion follows (without
// existential import, so every "valid" form here is valid in modern logic too).
var syllogisms = []struct {
	p1, p2, c statement
	valid     bool
}{
	{statement{"all", 0, 1}, statement{"all", 1, 2}, statement{"all", 0, 2}, true},
	{statement{"all", 0, 1}, statement{"all", 2, 1}, statement{"all", 0, 2}, false},
	{statement{"no", 0, 1}, statement{"all", 2, 0}, statement{"no", 2, 1}, true},
	{statement{"all", 0, 1}, statement{"some", 2, 0}, statement{"some", 2, 1}, true},
	{statement{"some", 0, 1}, statement{"some", 1, 2}, statement{"some", 0, 2}, false},
	{statement{"all", 0, 1}, statement{"no", 1, 2}, statement{"no", 0, 2}, true},
	{statement{"all", 0, 1}, statement{"some", 1, 2}, statement{"some", 0, 2}, false},
	{statement{"no", 0, 1}, statement{"no", 1, 2}, statement{"no", 0, 2}, false},
	{statement{"some-not", 0, 1}, statement{"all", 2, 1}, statement{"some-not", 0, 2}, true},
	{statement{"all", 0, 1}, statement{"all", 0, 2}, statement{"all", 1, 2}, false},
	{statement{"some", 0, 1}, statement{"all", 1, 2}, statement{"some", 0, 2}, true},
	{statement{"no", 0, 1}, statement{"some", 2, 1}, statement{"some-not", 2, 0}, true},
	{statement{"some-not", 0, 1}, statement{"some-not", 1, 2}, statement{"some-not", 0, 2}, false},
	{statement{"all", 0, 1}, statement{"no", 2, 0}, statement{"no", 2, 1}, false},
}

// nonsense plural nouns, so world knowledge cannot stand in for logic.
var sylTerms = []string{"wugs", "blickets", "daxes", "feps", "zorbs", "glims", "quibs", "snorks", "vels", "trunes", "mips", "florps"}

func genSyllogism(r *rng) problem {
	form := pick(r, syllogisms)
	order := r.perm(len(sylTerms))
	terms := []string{sylTerms[order[0]], sylTerms[order[1]], sylTerms[order[2]]}
	p1, p2 := form.p1, form.p2
	if r.chance(1, 2) {
		p1, p2 = p2, p1
	}
	return problem{
		text: "Assume the two premises are true.\n\nPremise 1: " + p1.text(terms) + "\nPremise 2: " + p2.text(terms) +
			"\nConclusion: " + form.c.text(terms) +
			"\n\nDoes the conclusion necessarily follow from the premises? Answer true if it must follow, false otherwise.",
		answer:  fmt.Sprint(form.valid),
		example: "true",
	}
}

// matchBool compares a yes/no style answer with "true" or "false".
func matchBool(truth, given string) bool {
	var g bool
	switch word(given) {
	case "true", "t", "yes", "1":
		g = true
	case "false", "f", "no", "0":
		g = false
	default:
		return false
	}
	return fmt.Sprint(g) == truth
}
