package tasks

import (
	"sort"
	"strconv"
	"strings"
)

// sorting: sort numbers (integers, negatives from level 2, decimals from level 4) or words, ascending
// or descending; the answer is the comma-separated list. Accepted: items separated by commas with any
// spacing, optionally wrapped in [] or (); numbers compared by value ("5", "+5", "5.0" are the same;
// see parseDecimal), words case-insensitively, optionally quoted. Missing, extra or reordered items are
// wrong.
func init() {
	Register(&builtin{
		name:     "sorting",
		describe: "Sort a list of numbers or words",
		gen:      genSorting,
		match:    matchSorted,
	})
}

var (
	sortCount = [MaxLevel]int{4, 6, 8, 10, 12}
	sortMax   = [MaxLevel]int{99, 99, 999, 999, 9999} // largest magnitude, in units of the last decimal
	sortScale = [MaxLevel]int{0, 0, 0, 1, 2}          // decimal places
	sortNeg   = [MaxLevel]bool{false, true, true, true, true}
)

var sortWords = []string{
	"apple", "river", "candle", "mountain", "zebra", "orbit", "lantern", "pepper", "quartz", "violin",
	"meadow", "harbor", "cobalt", "falcon", "gravel", "island", "jungle", "kettle", "lemon", "marble",
	"nectar", "oyster", "pillow", "rocket", "saddle", "timber", "umbrella", "velvet", "walnut", "yarn",
	"anchor", "basket", "castle", "dragon", "engine", "forest", "garden", "hammer", "igloo", "jacket",
	"kernel", "ladder", "magnet", "needle", "orange", "pencil", "rabbit", "silver", "tunnel", "window",
	"apron", "banana", "carrot", "candy", "marker", "market", "planet", "plank", "stone", "story",
}

func genSorting(r *rng, level int) problem {
	n := levelParam(sortCount, level)
	desc := r.chance(1, 2)
	order := "ascending"
	if desc {
		order = "descending"
	}
	var items []string
	var text, example string
	if r.chance(1, 3) {
		for _, i := range r.perm(len(sortWords))[:n] {
			items = append(items, sortWords[i])
		}
		text = "Sort these words in " + order + " alphabetical order: " + strings.Join(items, ", ")
		sort.Strings(items)
		example = "apple, banana, cherry"
	} else {
		maxV, scale, neg := levelParam(sortMax, level), levelParam(sortScale, level), sortNeg[clampLevel(level)-1]
		seen := map[int]bool{}
		var vals []int
		for len(vals) < n {
			v := r.between(0, maxV)
			if neg && r.chance(1, 2) {
				v = -v
			}
			if !seen[v] {
				seen[v] = true
				vals = append(vals, v)
			}
		}
		for _, v := range vals {
			items = append(items, fixedPoint(v, scale))
		}
		text = "Sort these numbers in " + order + " order: " + strings.Join(items, ", ")
		sort.Ints(vals)
		items = items[:0]
		for _, v := range vals {
			items = append(items, fixedPoint(v, scale))
		}
		example = "-3, 1, 7"
	}
	if desc {
		for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
			items[i], items[j] = items[j], items[i]
		}
	}
	return problem{
		text:    text + "\n\nAnswer with the sorted list, comma-separated.",
		answer:  strings.Join(items, ", "),
		example: example,
	}
}

// fixedPoint renders v / 10^scale with exactly scale decimals ("-0.5" for v=-5, scale=1).
func fixedPoint(v, scale int) string {
	if scale == 0 {
		return strconv.Itoa(v)
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := strconv.Itoa(v)
	for len(s) <= scale {
		s = "0" + s
	}
	return sign + s[:len(s)-scale] + "." + s[len(s)-scale:]
}

// splitList splits a comma-separated answer, dropping one pair of surrounding brackets and the
// quotes around each item.
func splitList(s string) []string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && ((s[0] == '[' && s[len(s)-1] == ']') || (s[0] == '(' && s[len(s)-1] == ')')) {
		s = s[1 : len(s)-1]
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if len(p) >= 2 && (p[0] == '"' || p[0] == '\'') && p[len(p)-1] == p[0] {
			p = p[1 : len(p)-1]
		}
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// matchSorted compares item by item: by value when the truth item is a number, else by lower-case text.
func matchSorted(truth, given string) bool {
	want, got := splitList(truth), splitList(given)
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if wv, ok := parseDecimal(want[i]); ok {
			gv, ok := parseDecimal(got[i])
			if !ok || wv.Cmp(gv) != 0 {
				return false
			}
			continue
		}
		if !strings.EqualFold(want[i], got[i]) {
			return false
		}
	}
	return true
}
