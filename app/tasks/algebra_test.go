package tasks

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var (
	algPromptRe = regexp.MustCompile(`^Solve for x: (.+) = (.+)\n`)
	algTermRe   = regexp.MustCompile(`^([+-]?)(\d*)(x?)$`)
)

// parseLinear reads "3x - 5", "-x + 2", "7" into (coefficient of x, constant).
func parseLinear(t *testing.T, side string) (a, b int) {
	t.Helper()
	s := strings.NewReplacer(" + ", " +", " - ", " -").Replace(strings.TrimSpace(side))
	for _, term := range strings.Fields(s) {
		m := algTermRe.FindStringSubmatch(term)
		if m == nil || (m[2] == "" && m[3] == "") {
			t.Fatalf("bad term %q in %q", term, side)
		}
		v := 1
		if m[2] != "" {
			v = atoi(t, m[2])
		}
		if m[1] == "-" {
			v = -v
		}
		if m[3] == "x" {
			a += v
		} else {
			b += v
		}
	}
	return a, b
}

func TestAlgebra(t *testing.T) {
	eachQuestion(t, "algebra", func(t *testing.T, q Question) {
		m := algPromptRe.FindStringSubmatch(q.Prompt)
		if m == nil {
			t.Fatalf("prompt does not match %s", algPromptRe)
		}
		a, b := parseLinear(t, m[1])
		d, e := parseLinear(t, m[2])
		if a == d {
			t.Fatalf("%s = %s has no unique solution", m[1], m[2])
		}
		if (e-b)%(a-d) != 0 {
			t.Fatalf("%s = %s: x is not an integer", m[1], m[2])
		}
		x := (e - b) / (a - d)
		if (q.Level >= 4) != (d != 0) {
			t.Fatalf("level %d: x on the right side = %v", q.Level, d != 0)
		}
		want := fmt.Sprint(x)
		if q.Answer != want {
			t.Fatalf("answer %q, independent solution %d", q.Answer, x)
		}
		accepted := []string{want, "x = " + want, "x=" + want, "X = " + want, " x =  " + want + " ", want + ".0", "x = " + want + ".0"}
		if x >= 0 {
			accepted = append(accepted, "+"+want, "x = +"+want)
		}
		rejected := []string{fmt.Sprint(x + 1), "x = " + fmt.Sprint(x-1), want + "x", "y = " + want, "x = = " + want, "x", ""}
		if x != 0 {
			rejected = append(rejected, fmt.Sprint(-x))
		}
		checkSpellings(t, q, accepted, rejected)
	})
}

func TestLinear(t *testing.T) {
	tests := []struct {
		a, b int
		want string
	}{
		{3, 5, "3x + 5"}, {-1, -2, "-x - 2"}, {1, 0, "x"}, {0, 7, "7"}, {0, 0, "0"}, {-12, 4, "-12x + 4"},
	}
	for _, tc := range tests {
		if got := linear(tc.a, tc.b); got != tc.want {
			t.Errorf("linear(%d, %d) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}
