package tasks

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// legsByName is the test's own leg table, singular and plural.
var legsByName = map[string]int{
	"chicken": 2, "chickens": 2, "duck": 2, "ducks": 2, "ostrich": 2, "ostriches": 2, "parrot": 2, "parrots": 2,
	"penguin": 2, "penguins": 2, "dog": 4, "dogs": 4, "cat": 4, "cats": 4, "cow": 4, "cows": 4, "horse": 4,
	"horses": 4, "sheep": 4, "pig": 4, "pigs": 4, "goat": 4, "goats": 4, "zebra": 4, "zebras": 4,
	"spider": 8, "spiders": 8, "scorpion": 8, "scorpions": 8, "ant": 6, "ants": 6, "bee": 6, "bees": 6,
	"beetle": 6, "beetles": 6, "grasshopper": 6, "grasshoppers": 6, "butterfly": 6, "butterflies": 6,
	"crab": 10, "crabs": 10, "lobster": 10, "lobsters": 10, "snake": 0, "snakes": 0,
}

var (
	countListRe = regexp.MustCompile(`in total if you have (.+)\?`)
	countItemRe = regexp.MustCompile(`^(\d+) ([a-z]+)$`)
)

func TestCounting(t *testing.T) {
	kinds := map[int]int{1: 2, 2: 3, 3: 4, 4: 5, 5: 6}
	eachQuestion(t, "counting", func(t *testing.T, q Question) {
		m := countListRe.FindStringSubmatch(q.Prompt)
		if m == nil {
			t.Fatalf("prompt does not match %s", countListRe)
		}
		items := strings.Split(strings.Replace(m[1], " and ", ", ", 1), ", ")
		if len(items) != kinds[q.Level] {
			t.Fatalf("level %d: %d kinds of animal, want %d", q.Level, len(items), kinds[q.Level])
		}
		total, seen := 0, map[string]bool{}
		for _, it := range items {
			im := countItemRe.FindStringSubmatch(it)
			if im == nil {
				t.Fatalf("item %q does not match %s", it, countItemRe)
			}
			legs, ok := legsByName[im[2]]
			if !ok {
				t.Fatalf("unknown animal %q", im[2])
			}
			n := atoi(t, im[1])
			if (n == 1) != !strings.HasSuffix(im[2], "s") && im[2] != "sheep" {
				t.Fatalf("item %q: singular/plural mismatch", it)
			}
			if seen[strings.TrimSuffix(im[2], "s")] {
				t.Fatalf("animal %q listed twice", im[2])
			}
			seen[strings.TrimSuffix(im[2], "s")] = true
			total += n * legs
		}
		want := fmt.Sprint(total)
		if q.Answer != want {
			t.Fatalf("answer %q, independent count %s", q.Answer, want)
		}
		accepted := []string{want, "+" + want, want + ".0", " " + want + "\n", "**" + want + "**"}
		rejected := []string{fmt.Sprint(total + 1), fmt.Sprint(total - 2), want + " legs", "twenty", want + ".5", "-" + want}
		if total == 0 {
			rejected = rejected[:len(rejected)-1] // "-0" is 0
		}
		checkSpellings(t, q, accepted, rejected)
	})
}
