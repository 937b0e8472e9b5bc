package tasks

import (
	"fmt"
	"regexp"
	"strconv"
)

// algebra: solve a linear equation for an integer x: "3x + 5 = 20" (levels 1–3), x on both sides
// "3x - 4 = -2x + 21" (levels 4–5). Accepted answers: "x = 4", "x=4", "X = 4" or just "4", with the
// number spelled as parseInteger accepts ("+4", "4.0").
func init() {
	Register(&builtin{
		name:     "algebra",
		describe: "Solve a linear equation for an integer x",
		gen:      genAlgebra,
		match:    matchAlgebra,
	})
}

var (
	algA = [MaxLevel]int{9, 12, 15, 12, 25}     // largest |coefficient|
	algX = [MaxLevel]int{20, 20, 50, 50, 100}   // largest |x|
	algB = [MaxLevel]int{30, 50, 100, 100, 500} // largest |constant|
)

func genAlgebra(r *rng, level int) problem {
	maxA, maxX, maxB := levelParam(algA, level), levelParam(algX, level), levelParam(algB, level)
	x := r.between(-maxX, maxX)
	if level == 1 {
		x = r.between(0, maxX)
	}
	a := r.between(2, maxA)
	if level >= 3 && r.chance(1, 3) {
		a = -a
	}
	b := r.between(-maxB, maxB)
	if level == 1 {
		b = r.between(1, maxB)
	}
	var eq string
	if level <= 3 {
		eq = linear(a, b) + " = " + strconv.Itoa(a*x+b)
	} else {
		// d is a non-zero coefficient other than a, so x is on both sides and has one solution.
		d := r.between(-maxA, maxA-2)
		for _, skip := range []int{min(0, a), max(0, a)} {
			if d >= skip {
				d++
			}
		}
		e := a*x + b - d*x
		eq = linear(a, b) + " = " + linear(d, e)
	}
	return problem{
		text:    "Solve for x: " + eq + "\n\nx is an integer. Give its value.",
		answer:  strconv.Itoa(x),
		example: "x = -4",
	}
}

// linear prints a*x + b the way a person writes it: "3x + 5", "-x - 2", "7", "0".
func linear(a, b int) string {
	var s string
	switch a {
	case 0:
		return strconv.Itoa(b)
	case 1:
		s = "x"
	case -1:
		s = "-x"
	default:
		s = fmt.Sprintf("%dx", a)
	}
	switch {
	case b > 0:
		s += fmt.Sprintf(" + %d", b)
	case b < 0:
		s += fmt.Sprintf(" - %d", -b)
	}
	return s
}

var xPrefixRe = regexp.MustCompile(`^(?i:x\s*=\s*)`)

// matchAlgebra accepts the integer solution with or without a leading "x =".
func matchAlgebra(truth, given string) bool {
	return matchInteger(truth, xPrefixRe.ReplaceAllString(given, ""))
}
