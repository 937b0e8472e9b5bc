package tasks

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var sortPromptRe = regexp.MustCompile(`^Sort these (words|numbers) in (ascending|descending)(?: alphabetical)? order: (.+)\n`)

func TestSorting(t *testing.T) {
	counts := map[string]int{}
	eachQuestion(t, "sorting", func(t *testing.T, q Question) {
		m := sortPromptRe.FindStringSubmatch(q.Prompt)
		if m == nil {
			t.Fatalf("prompt does not match %s", sortPromptRe)
		}
		counts[m[1]]++
		counts[m[2]]++
		items := strings.Split(m[3], ", ")
		if want := 2 + 2*q.Level; len(items) != want {
			t.Fatalf("level %d: %d items, want %d", q.Level, len(items), want)
		}
		sorted := append([]string(nil), items...)
		if m[1] == "words" {
			sort.Strings(sorted)
		} else {
			sort.Slice(sorted, func(i, j int) bool {
				a, err1 := strconv.ParseFloat(sorted[i], 64)
				b, err2 := strconv.ParseFloat(sorted[j], 64)
				if err1 != nil || err2 != nil {
					t.Fatalf("not numbers: %q %q", sorted[i], sorted[j])
				}
				return a < b
			})
		}
		if m[2] == "descending" {
			for i, j := 0, len(sorted)-1; i < j; i, j = i+1, j-1 {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
		want := strings.Join(sorted, ", ")
		if q.Answer != want {
			t.Fatalf("answer %q, independent sort %q", q.Answer, want)
		}
		alt := make([]string, len(sorted)) // same values, other spellings
		for i, s := range sorted {
			switch {
			case m[1] == "words":
				alt[i] = `"` + strings.ToUpper(s) + `"`
			case strings.Contains(s, "."):
				alt[i] = s + "0"
			case !strings.HasPrefix(s, "-"):
				alt[i] = "+" + s
			default:
				alt[i] = s + ".0"
			}
		}
		swapped := append([]string(nil), sorted...)
		swapped[0], swapped[1] = swapped[1], swapped[0]
		reversed := append([]string(nil), sorted...)
		sort.Sort(sort.Reverse(sort.StringSlice(reversed)))
		accepted := []string{want, strings.Join(sorted, ","), "[" + want + "]", "(" + want + ")", strings.Join(alt, " , ")}
		rejected := []string{
			strings.Join(swapped, ", "), strings.Join(sorted[1:], ", "), want + ", " + sorted[0], m[3] + "x",
			strings.Join(sorted, " "), strings.Join(sorted, "; "), "",
		}
		if m[3] != want {
			rejected = append(rejected, m[3]) // the unsorted input
		}
		checkSpellings(t, q, accepted, rejected)
	})
	for _, k := range []string{"words", "numbers", "ascending", "descending"} {
		if counts[k] < 30 {
			t.Errorf("only %d %q questions; counts %v", counts[k], k, counts)
		}
	}
}

func TestFixedPoint(t *testing.T) {
	tests := []struct {
		v, scale int
		want     string
	}{
		{5, 0, "5"}, {-5, 1, "-0.5"}, {5, 2, "0.05"}, {1234, 2, "12.34"}, {-120, 1, "-12.0"}, {0, 1, "0.0"},
	}
	for _, tc := range tests {
		if got := fixedPoint(tc.v, tc.scale); got != tc.want {
			t.Errorf("fixedPoint(%d, %d) = %q, want %q", tc.v, tc.scale, got, tc.want)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	ok := []string{"1", "+1", "-1", "1.50", ".5", "-0.05", "12."}
	bad := []string{"", "1e9", "1e999999999", "1/2", "0x10", "1.2.3", "--1", "Inf", "NaN", strings.Repeat("9", 40)}
	for _, s := range ok {
		if _, good := parseDecimal(s); !good {
			t.Errorf("parseDecimal(%q) failed", s)
		}
	}
	for _, s := range bad {
		if _, good := parseDecimal(s); good {
			t.Errorf("parseDecimal(%q) accepted", s)
		}
	}
}
