package tasks

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// A small recursive-descent evaluator for the formula syntax, written apart from the generator:
//
//	formula := term [("and"|"or"|"implies"|"iff") term]
//	term    := "not" term | VAR | "(" formula ")"
type formulaParser struct {
	toks []string
	pos  int
	vals map[string]bool
	err  error
}

func (p *formulaParser) next() string {
	if p.pos >= len(p.toks) {
		p.err = fmt.Errorf("unexpected end")
		return ""
	}
	p.pos++
	return p.toks[p.pos-1]
}

func (p *formulaParser) formula() bool {
	l := p.term()
	if p.pos >= len(p.toks) || p.toks[p.pos] == ")" {
		return l
	}
	op := p.next()
	r := p.term()
	switch op {
	case "and":
		return l && r
	case "or":
		return l || r
	case "implies":
		return !l || r
	case "iff":
		return l == r
	}
	p.err = fmt.Errorf("unknown operator %q", op)
	return false
}

func (p *formulaParser) term() bool {
	switch tok := p.next(); tok {
	case "not":
		return !p.term()
	case "(":
		v := p.formula()
		if p.next() != ")" {
			p.err = fmt.Errorf("missing )")
		}
		return v
	default:
		v, ok := p.vals[tok]
		if !ok {
			p.err = fmt.Errorf("unknown variable %q", tok)
		}
		return v
	}
}

func evalFormula(src string, vals map[string]bool) (bool, error) {
	src = strings.NewReplacer("(", " ( ", ")", " ) ").Replace(src)
	p := &formulaParser{toks: strings.Fields(src), vals: vals}
	v := p.formula()
	if p.err == nil && p.pos != len(p.toks) {
		p.err = fmt.Errorf("trailing tokens %v", p.toks[p.pos:])
	}
	return v, p.err
}

// Syllogisms are judged by brute force over Venn diagrams: three terms give 8 regions, and a model
// says which regions have members. The conclusion follows iff it holds in every model of the premises.
var sylStatementRe = regexp.MustCompile(`^(All|No|Some) (\w+) are (not )?(\w+)\.$`)

type sylStatement struct {
	q    string
	x, y string
}

func parseSyl(t *testing.T, s string) sylStatement {
	t.Helper()
	m := sylStatementRe.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("statement %q does not match %s", s, sylStatementRe)
	}
	q := strings.ToLower(m[1])
	if m[3] != "" {
		if q != "some" {
			t.Fatalf("statement %q: only \"Some … are not …\" may negate", s)
		}
		q = "some-not"
	}
	return sylStatement{q, m[2], m[4]}
}

func (s sylStatement) holds(model uint, idx map[string]int) bool {
	x, y := idx[s.x], idx[s.y]
	for region := range 8 {
		if model&(1<<region) == 0 {
			continue
		}
		inX, inY := region&(1<<x) != 0, region&(1<<y) != 0
		switch {
		case s.q == "all" && inX && !inY, s.q == "no" && inX && inY:
			return false
		case s.q == "some" && inX && inY, s.q == "some-not" && inX && !inY:
			return true
		}
	}
	return s.q == "all" || s.q == "no"
}

func sylFollows(p1, p2, c sylStatement) bool {
	idx := map[string]int{}
	for _, s := range []sylStatement{p1, p2, c} {
		for _, term := range []string{s.x, s.y} {
			if _, ok := idx[term]; !ok {
				idx[term] = len(idx)
			}
		}
	}
	for model := range uint(256) {
		if p1.holds(model, idx) && p2.holds(model, idx) && !c.holds(model, idx) {
			return false
		}
	}
	return true
}

var (
	logicGivenRe = regexp.MustCompile(`([A-Z]) = (true|false)`)
	sylLinesRe   = regexp.MustCompile(`Premise 1: (.+)\nPremise 2: (.+)\nConclusion: (.+)\n`)
)

func TestLogic(t *testing.T) {
	counts := map[string]int{}
	eachQuestion(t, "logic", func(t *testing.T, q Question) {
		var want bool
		if m := sylLinesRe.FindStringSubmatch(q.Prompt); m != nil {
			want = sylFollows(parseSyl(t, m[1]), parseSyl(t, m[2]), parseSyl(t, m[3]))
			counts[fmt.Sprint("syllogism ", want)]++
		} else {
			vals := map[string]bool{}
			for _, g := range logicGivenRe.FindAllStringSubmatch(block(t, q.Prompt, 0), -1) {
				vals[g[1]] = g[2] == "true"
			}
			src := block(t, q.Prompt, 1)
			v, err := evalFormula(src, vals)
			if err != nil {
				t.Fatalf("formula %q: %v", src, err)
			}
			want = v
			counts[fmt.Sprint("formula ", want)]++
			for _, op := range []string{"implies", "iff"} {
				if strings.Contains(src, op) {
					counts[op]++
					if (op == "implies" && q.Level < 2) || (op == "iff" && q.Level < 3) {
						t.Fatalf("level %d uses %q: %s", q.Level, op, src)
					}
				}
			}
		}
		if q.Answer != fmt.Sprint(want) {
			t.Fatalf("answer %q, independent evaluation %v", q.Answer, want)
		}
		yes, no := []string{"true", "True", "TRUE", "t", "yes", "1", "true.", " true "}, []string{"false", "False", "FALSE", "f", "no", "0", "false."}
		if !want {
			yes, no = no, yes
		}
		checkSpellings(t, q, yes, append(no, "", "maybe", "true or false", "truee"))
	})
	for _, k := range []string{"syllogism true", "syllogism false", "formula true", "formula false", "implies", "iff"} {
		if counts[k] < 10 {
			t.Errorf("only %d questions of kind %q; counts %v", counts[k], k, counts)
		}
	}
}

func TestSyllogismForms(t *testing.T) {
	// Every hard-coded form must agree with the Venn-diagram judge, whatever the generator draws.
	terms := []string{"as", "bs", "cs"}
	for i, f := range syllogisms {
		p1, p2, c := parseSyl(t, f.p1.text(terms)), parseSyl(t, f.p2.text(terms)), parseSyl(t, f.c.text(terms))
		if got := sylFollows(p1, p2, c); got != f.valid {
			t.Errorf("form %d (%s %s ⟹ %s): marked valid=%v, Venn says %v", i, f.p1.text(terms), f.p2.text(terms), f.c.text(terms), f.valid, got)
		}
	}
}

func TestEvalFormula(t *testing.T) {
	vals := map[string]bool{"P": true, "Q": false}
	tests := []struct {
		src  string
		want bool
	}{
		{"P and Q", false},
		{"not P or P", true},
		{"not (P and Q)", true},
		{"(P implies Q) iff not P", true},
		{"Q implies (P and Q)", true},
		{"P implies Q", false},
	}
	for _, tc := range tests {
		got, err := evalFormula(tc.src, vals)
		if err != nil || got != tc.want {
			t.Errorf("evalFormula(%q) = %v, %v; want %v", tc.src, got, err, tc.want)
		}
	}
}
