package soak

import (
	"math/rand/v2"
	"time"
)

// Phases the kills aim at.
var killPhases = []string{"generate", "train", "submit"}

// size is one soak run's shape.
type size struct {
	Nodes, Rounds int
	Round         time.Duration // the host's round length
	Pause         time.Duration // debug.phase_pause_ms
	Gather        int           // training.gather_seconds (the demo model caps it, see gatherDeadline)
	Kills         int
	CutFrom       int // the cut's first round, counted from the run's first round
	CutRounds     int
	HostRestartAt int // counted like CutFrom
}

// ciSize always runs in `go test ./...`; fullSize is -soak.full.
var (
	ciSize = size{Nodes: 6, Rounds: 10, Round: 6 * time.Second, Pause: 250 * time.Millisecond, Gather: 3,
		Kills: 6, CutFrom: 3, CutRounds: 3, HostRestartAt: 7}
	fullSize = size{Nodes: 20, Rounds: 50, Round: 12 * time.Second, Pause: 300 * time.Millisecond, Gather: 3,
		Kills: 30, CutFrom: 15, CutRounds: 5, HostRestartAt: 30}
)

// kill is one planned kill -9.
type kill struct {
	Node  int
	Round int     // counted from the run's first round: armed when the chain reaches it
	Phase string  // the phase to land in
	Frac  float64 // of the pause after the phase's first fault point seen; > 1 lands in the work after it
	Wait  float64 // seconds before the restart
}

// plan draws the kills from seed: phases in turn, rounds spread over the run away from the
// host's restart and the last round, never the cut node near its cut, never the same node
// twice in a row within two rounds (so each restart is checked on its own).
func (s size) plan(seed uint64) []kill {
	r := rand.New(rand.NewPCG(seed, 0x50a4))
	cut := s.Nodes - 1
	taken := map[int][]int{}
	var out []kill
	for i := 0; len(out) < s.Kills && i < 100*s.Kills; i++ {
		k := kill{
			Node:  r.IntN(s.Nodes),
			Round: 1 + r.IntN(max(1, s.Rounds-3)),
			Phase: killPhases[len(out)%len(killPhases)],
			Frac:  r.Float64() * 1.25,
			Wait:  r.Float64() * 1.5,
		}
		if k.Round >= s.HostRestartAt-1 && k.Round <= s.HostRestartAt+1 {
			continue
		}
		if k.Node == cut && k.Round >= s.CutFrom-1 && k.Round <= s.CutFrom+s.CutRounds {
			continue
		}
		near := false
		for _, lr := range taken[k.Node] {
			near = near || (k.Round-lr < 2 && lr-k.Round < 2)
		}
		if near {
			continue
		}
		taken[k.Node] = append(taken[k.Node], k.Round)
		out = append(out, k)
	}
	return out
}

// gatherDeadline is how long a node's gather may wait: training.gather_seconds, at most the
// demo model's 3 s (session.demoNode).
func (s size) gatherDeadline() time.Duration {
	return min(time.Duration(s.Gather)*time.Second, 3*time.Second)
}
