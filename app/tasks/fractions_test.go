package tasks

import (
	"fmt"
	"math/big"
	"regexp"
	"testing"
)

var fracPromptRe = regexp.MustCompile(`^Simplify the fraction (\d+)/(\d+) to lowest terms\.`)

func TestFractions(t *testing.T) {
	eachQuestion(t, "fractions", func(t *testing.T, q Question) {
		m := fracPromptRe.FindStringSubmatch(q.Prompt)
		if m == nil {
			t.Fatalf("prompt does not match %s", fracPromptRe)
		}
		r, ok := new(big.Rat).SetString(m[1] + "/" + m[2]) // big.Rat keeps lowest terms
		if !ok {
			t.Fatalf("bad fraction %s/%s", m[1], m[2])
		}
		n, d := r.Num().String(), r.Denom().String()
		if q.Answer != n+"/"+d {
			t.Fatalf("%s/%s: answer %q, big.Rat says %s/%s", m[1], m[2], q.Answer, n, d)
		}
		if d == "1" || m[1]+"/"+m[2] == q.Answer {
			t.Fatalf("%s/%s: trivial question (reduced %s)", m[1], m[2], q.Answer)
		}
		f, _ := r.Float64()
		accepted := []string{n + "/" + d, n + " / " + d, " " + n + "/ " + d, "+" + n + "/" + d, `\frac{` + n + "}{" + d + "}", `\dfrac{` + n + "}{" + d + "}"}
		rejected := []string{
			m[1] + "/" + m[2], // not reduced
			fmt.Sprintf("%s/%s", new(big.Int).Lsh(r.Num(), 1), new(big.Int).Lsh(r.Denom(), 1)), // 2n/2d, also not reduced
			d + "/" + n, n + "/" + d + "1", n + ":" + d, fmt.Sprint(f), "-" + n + "/" + d, n,
		}
		if n == d {
			t.Fatalf("reduced fraction %s/%s equals 1", n, d)
		}
		checkSpellings(t, q, accepted, rejected)
	})
}
