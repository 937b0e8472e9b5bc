package tasks

import (
	"fmt"
	"strconv"
	"strings"
)

// counting: total legs of a group of animals ("3 spiders, 2 chickens" → 28). Only animals with an
// uncontroversial leg count are used. Accepted answers: see parseInteger ("28", "+28", "28.0").
func init() {
	Register(&builtin{
		name:     "counting",
		describe: "Count the legs of a group of animals",
		gen:      genCounting,
		match:    matchInteger,
	})
}

type animal struct {
	one, many string
	legs      int
}

var animals = []animal{
	{"chicken", "chickens", 2}, {"duck", "ducks", 2}, {"ostrich", "ostriches", 2}, {"parrot", "parrots", 2},
	{"penguin", "penguins", 2}, {"dog", "dogs", 4}, {"cat", "cats", 4}, {"cow", "cows", 4},
	{"horse", "horses", 4}, {"sheep", "sheep", 4}, {"pig", "pigs", 4}, {"goat", "goats", 4},
	{"zebra", "zebras", 4}, {"spider", "spiders", 8}, {"scorpion", "scorpions", 8}, {"ant", "ants", 6},
	{"bee", "bees", 6}, {"beetle", "beetles", 6}, {"grasshopper", "grasshoppers", 6},
	{"butterfly", "butterflies", 6}, {"crab", "crabs", 10}, {"lobster", "lobsters", 10}, {"snake", "snakes", 0},
}

var (
	countKinds = [MaxLevel]int{2, 3, 4, 5, 6}
	countMax   = [MaxLevel]int{5, 10, 15, 25, 50}
)

func genCounting(r *rng, level int) problem {
	order := r.perm(len(animals))[:levelParam(countKinds, level)]
	parts := make([]string, len(order))
	total := 0
	for i, idx := range order {
		a := animals[idx]
		n := r.between(1, levelParam(countMax, level))
		total += n * a.legs
		name := a.many
		if n == 1 {
			name = a.one
		}
		parts[i] = fmt.Sprintf("%d %s", n, name)
	}
	list := strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	return problem{
		text: "Your task is to count how many legs there are in total when given a list of animals.\n\n" +
			"Now, how many legs are there in total if you have " + list + "?",
		answer:  strconv.Itoa(total),
		example: "28",
	}
}
