package tasks

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// Shared answer normalisation. Every built-in matcher first gets the answer through clean; what each
// task accepts beyond that is documented on its matcher.

// clean trims whitespace and the decorations small models like to wrap answers in: markdown bold and
// code marks, TeX dollars and \boxed{…}; it also turns the Unicode minus into '-'.
func clean(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "*`$ \t\r\n")
	if strings.HasPrefix(s, `\boxed{`) && strings.HasSuffix(s, "}") {
		s = strings.TrimSpace(s[len(`\boxed{`) : len(s)-1])
	}
	return strings.ReplaceAll(s, "\u2212", "-")
}

var (
	intRe     = regexp.MustCompile(`^([+-]?)(\d{1,19})(?:\.0*)?$`)
	groupedRe = regexp.MustCompile(`^([+-]?)(\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d{1,3}(?:_\d{3})+)(?:\.0*)?$`)
	decimalRe = regexp.MustCompile(`^[+-]?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})$`)
)

// parseInteger reads an integer answer: optional sign, digits, and optionally a decimal point followed
// only by zeros ("28", "+28", "-7", "28.0", "28."). Fractions, exponents and words are rejected.
func parseInteger(s string) (int64, bool) {
	m := intRe.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseInt(m[1]+m[2], 10, 64)
	return v, err == nil
}

// parseGroupedInteger is parseInteger that also accepts thousands separators, used consistently and
// in groups of three: "1,234,567", "1 234 567", "1_234_567".
func parseGroupedInteger(s string) (int64, bool) {
	if v, ok := parseInteger(s); ok {
		return v, true
	}
	m := groupedRe.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	digits := strings.NewReplacer(",", "", " ", "", "_", "").Replace(m[2])
	return parseInteger(m[1] + digits)
}

// parseDecimal reads a plain decimal number ("12", "-3.50", "+.5") exactly. Exponents and fractions
// are refused, so a hostile "1e999999999" cannot make big.Rat allocate.
func parseDecimal(s string) (*big.Rat, bool) {
	if !decimalRe.MatchString(s) {
		return nil, false
	}
	s = strings.TrimSuffix(s, ".")
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// matchInteger accepts what parseInteger accepts, equal to the integer truth.
func matchInteger(truth, given string) bool {
	t, ok1 := parseInteger(truth)
	g, ok2 := parseInteger(given)
	return ok1 && ok2 && t == g
}

// matchGroupedInteger accepts what parseGroupedInteger accepts, equal to the integer truth.
func matchGroupedInteger(truth, given string) bool {
	t, ok1 := parseInteger(truth)
	g, ok2 := parseGroupedInteger(given)
	return ok1 && ok2 && t == g
}

// word normalises a one-word answer: lower case, without trailing sentence punctuation or quotes.
func word(s string) string {
	return strings.ToLower(strings.Trim(s, " \t\r\n.!\"'"))
}

// gcd is the greatest common divisor of |a| and |b| (gcd(0, 0) = 0).
func gcd(a, b int) int {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
