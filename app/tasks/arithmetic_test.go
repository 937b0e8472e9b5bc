package tasks

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"testing"
)

// evalGo evaluates an arithmetic expression with the Go type checker's constant arithmetic, an
// implementation independent of the generator's tree.
func evalGo(t *testing.T, src string) int64 {
	t.Helper()
	tv, err := types.Eval(token.NewFileSet(), nil, token.NoPos, src)
	if err != nil {
		t.Fatalf("go eval %q: %v", src, err)
	}
	v, exact := constant.Int64Val(tv.Value)
	if !exact {
		t.Fatalf("go eval %q: %v is not an int64", src, tv.Value)
	}
	return v
}

func TestArithmetic(t *testing.T) {
	eachQuestion(t, "arithmetic", func(t *testing.T, q Question) {
		src := block(t, q.Prompt, 1)
		// Every division must be exact: Go's untyped constant division of integers truncates, so
		// evaluating with floats as well and comparing catches an inexact one.
		want := evalGo(t, src)
		if f := evalGoFloat(t, src); f != float64(want) {
			t.Fatalf("%q: inexact division, float %v vs int %d", src, f, want)
		}
		if q.Answer != strconv.FormatInt(want, 10) {
			t.Fatalf("%q: answer %q, independent evaluation %d", src, q.Answer, want)
		}
		accepted := []string{
			fmt.Sprint(want), fmt.Sprintf(" %d ", want), fmt.Sprintf("%d.0", want), fmt.Sprintf("%d.", want),
			fmt.Sprintf("**%d**", want), fmt.Sprintf(`\boxed{%d}`, want),
		}
		if want >= 0 {
			accepted = append(accepted, fmt.Sprintf("+%d", want))
		} else {
			accepted = append(accepted, fmt.Sprintf("\u2212%d", -want))
		}
		rejected := []string{fmt.Sprint(want + 1), fmt.Sprint(want - 1), fmt.Sprintf("%d.5", want), "", "x", src}
		if want != 0 {
			rejected = append(rejected, fmt.Sprint(-want))
		}
		checkSpellings(t, q, accepted, rejected)
	})
}

// evalGoFloat evaluates src with every literal made a float, so divisions are not truncated.
func evalGoFloat(t *testing.T, src string) float64 {
	t.Helper()
	floatSrc := ""
	for i := 0; i < len(src); i++ {
		floatSrc += string(src[i])
		if src[i] >= '0' && src[i] <= '9' && (i+1 == len(src) || src[i+1] < '0' || src[i+1] > '9') {
			floatSrc += ".0"
		}
	}
	tv, err := types.Eval(token.NewFileSet(), nil, token.NoPos, floatSrc)
	if err != nil {
		t.Fatalf("go eval %q: %v", floatSrc, err)
	}
	f, _ := constant.Float64Val(tv.Value)
	return f
}

func TestArithmeticShape(t *testing.T) {
	// Over many questions the family must actually use every operator, parentheses and negatives.
	seen := map[string]bool{}
	task := mustTask(t, "arithmetic")
	for seed := range uint64(300) {
		src := block(t, task.Generate(seed, 4).Prompt, 1)
		for _, s := range []string{" + ", " - ", " * ", " / ", "(-", ") ", "(1", "(2", "(3", "(4", "(5", "(6", "(7", "(8", "(9"} {
			if strings.Contains(src, s) {
				seen[s[:2]] = true
			}
		}
	}
	for _, s := range []string{" +", " -", " *", " /", "(-", "(1", "(2"} {
		if !seen[s] {
			t.Errorf("no level-4 expression in 300 contains %q", s)
		}
	}
}
