package swarm

import "testing"

// When may a gather stop before its deadline? Waiting only for direct peers let a node in a
// 20-node swarm stop while a sender it reached only through others was still generating, and
// that sender's rollouts were left out of the round (the full soak test counted them lost).
// The previous round's authors are waited for too.
func TestRoundComplete(t *testing.T) {
	has := func(ids ...string) map[string][]string {
		m := map[string][]string{}
		for _, id := range ids {
			m[id] = []string{"batch"}
		}
		return m
	}
	cases := []struct {
		name     string
		authors  map[string][]string
		trainers []string
		expect   []string
		want     int
		done     bool
	}{
		{"no peers, nothing expected", has(), nil, nil, 0, true},
		{"a direct peer missing", has("a"), []string{"a", "b"}, nil, 0, false},
		{"every direct peer in", has("a", "b"), []string{"a", "b"}, nil, 0, true},
		{"direct peers in, last round's far author missing", has("a", "b"), []string{"a", "b"}, []string{"a", "far"}, 0, false},
		{"direct peers and last round's authors in", has("a", "b", "far"), []string{"a", "b"}, []string{"far"}, 0, true},
		{"last round's author only, no direct peers yet", has(), nil, []string{"far"}, 0, false},
		{"an author with no batch does not count", map[string][]string{"a": nil}, []string{"a"}, nil, 0, false},
		{"GatherN: enough authors, expectations aside", has("a", "b"), []string{"c"}, []string{"far"}, 2, true},
		{"GatherN: too few authors", has("a"), nil, nil, 2, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := roundComplete(tc.authors, tc.trainers, tc.expect, tc.want); got != tc.done {
				t.Fatalf("roundComplete = %v, want %v", got, tc.done)
			}
		})
	}
}
