package tasks

import (
	"math/big"
	"regexp"
	"strings"
	"testing"
)

var mulPromptRe = regexp.MustCompile(`^What is (\d+) \* (\d+)\?`)

// groupDigits inserts sep every three digits from the right.
func groupDigits(digits, sep string) string {
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func TestMultiplication(t *testing.T) {
	digits := map[int][2]int{1: {2, 2}, 2: {3, 2}, 3: {3, 3}, 4: {4, 4}, 5: {5, 5}}
	eachQuestion(t, "multiplication", func(t *testing.T, q Question) {
		m := mulPromptRe.FindStringSubmatch(q.Prompt)
		if m == nil {
			t.Fatalf("prompt does not match %s", mulPromptRe)
		}
		if len(m[1]) != digits[q.Level][0] || len(m[2]) != digits[q.Level][1] {
			t.Fatalf("level %d: factors %s and %s, want %v digits", q.Level, m[1], m[2], digits[q.Level])
		}
		a, _ := new(big.Int).SetString(m[1], 10)
		b, _ := new(big.Int).SetString(m[2], 10)
		want := new(big.Int).Mul(a, b).String()
		if q.Answer != want {
			t.Fatalf("%s * %s: answer %q, big.Int says %s", m[1], m[2], q.Answer, want)
		}
		plusOne := new(big.Int).Add(new(big.Int).Mul(a, b), big.NewInt(1)).String()
		accepted := []string{want, " " + want, "+" + want, want + ".0", groupDigits(want, ","), groupDigits(want, " "), groupDigits(want, "_")}
		rejected := []string{plusOne, want + "1", want[1:], want + ".5", m[1] + "*" + m[2], "1e3"}
		if len(want) > 3 {
			// A separator in the wrong place is not a grouping: "12,34" ≠ 1234.
			rejected = append(rejected, want[:len(want)-2]+","+want[len(want)-2:], groupDigits(want, ",")+"1")
		}
		checkSpellings(t, q, accepted, rejected)
	})
}

func TestParseGroupedInteger(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1234", 1234, true},
		{"1,234", 1234, true},
		{"1,234,567", 1234567, true},
		{"-1,234", -1234, true},
		{"1 234 567", 1234567, true},
		{"1_234", 1234, true},
		{"1,234.00", 1234, true},
		{"1,23,4", 0, false},
		{"1,234 567", 0, false},
		{"12,34", 0, false},
		{",234", 0, false},
		{"1234,", 0, false},
		{"99999999999999999999", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseGroupedInteger(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseGroupedInteger(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
