package tasks

import "fmt"

// multiplication: one multi-digit product, a × b. Accepted answers: see parseGroupedInteger
// ("1234567", "1,234,567", "1 234 567", "1234567.0").
func init() {
	Register(&builtin{
		name:     "multiplication",
		describe: "Multi-digit multiplication (2×2 up to 5×5 digits)",
		gen:      genMultiplication,
		match:    matchGroupedInteger,
	})
}

var (
	mulDigitsA = [MaxLevel]int{2, 3, 3, 4, 5}
	mulDigitsB = [MaxLevel]int{2, 2, 3, 4, 5}
)

func genMultiplication(r *rng, level int) problem {
	a := randDigits(r, levelParam(mulDigitsA, level))
	b := randDigits(r, levelParam(mulDigitsB, level))
	return problem{
		text:    fmt.Sprintf("What is %d * %d?", a, b),
		answer:  fmt.Sprint(a * b),
		example: "56088",
	}
}

// randDigits returns a random number with exactly n decimal digits (1 <= n <= 9).
func randDigits(r *rng, n int) int64 {
	lo := int64(1)
	for range n - 1 {
		lo *= 10
	}
	return lo + int64(r.intn(int(9*lo)))
}
