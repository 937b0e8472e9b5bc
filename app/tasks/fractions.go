package tasks

import (
	"fmt"
	"regexp"
	"strconv"
)

// fractions: simplify a/b to lowest terms. Accepted answers: "3/4", " 3 / 4 ", "+3/4" and TeX
// "\frac{3}{4}" (also \dfrac, \tfrac); an unreduced "6/8", a decimal "0.75" or "3:4" is wrong.
func init() {
	Register(&builtin{
		name:     "fractions",
		describe: "Simplify a fraction to lowest terms",
		gen:      genFractions,
		match:    matchFraction,
	})
}

var (
	fracMax    = [MaxLevel]int{20, 30, 50, 80, 150} // largest reduced numerator/denominator
	fracFactor = [MaxLevel]int{12, 15, 20, 30, 50}  // largest common factor multiplied in
)

func genFractions(r *rng, level int) problem {
	maxPQ := levelParam(fracMax, level)
	p, q := 1, 2
	for range 64 { // rejection keeps reduced pairs uniform; a coprime pair turns up in ~2 tries
		a, b := r.between(1, maxPQ), r.between(2, maxPQ)
		if gcd(a, b) == 1 {
			p, q = a, b
			break
		}
	}
	k := r.between(2, levelParam(fracFactor, level))
	return problem{
		text:    fmt.Sprintf("Simplify the fraction %d/%d to lowest terms.\n\nAnswer as numerator/denominator.", p*k, q*k),
		answer:  fmt.Sprintf("%d/%d", p, q),
		example: "3/4",
	}
}

var (
	fracRe    = regexp.MustCompile(`^\+?(\d{1,18})\s*/\s*(\d{1,18})$`)
	texFracRe = regexp.MustCompile(`^\+?\\[dt]?frac\s*\{\s*(\d{1,18})\s*\}\s*\{\s*(\d{1,18})\s*\}$`)
)

// parseFraction reads "n/d" or \frac{n}{d} into its two non-negative integers, without reducing.
func parseFraction(s string) (num, den int64, ok bool) {
	m := fracRe.FindStringSubmatch(s)
	if m == nil {
		m = texFracRe.FindStringSubmatch(s)
	}
	if m == nil {
		return 0, 0, false
	}
	n, err1 := strconv.ParseInt(m[1], 10, 64)
	d, err2 := strconv.ParseInt(m[2], 10, 64)
	return n, d, err1 == nil && err2 == nil
}

// matchFraction requires the same numerator and denominator as the reduced truth.
func matchFraction(truth, given string) bool {
	tn, td, ok1 := parseFraction(truth)
	gn, gd, ok2 := parseFraction(given)
	return ok1 && ok2 && tn == gn && td == gd
}
