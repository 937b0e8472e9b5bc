package assist

import (
	"sort"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Config tunes when the assistant acts.
type Config struct {
	// Threshold is the minimum expected gain (in similarity units) for an
	// action; MBAG's research notes suggest 0.3–0.5. A place into air needs
	// p(block) > (1+Threshold)/2.
	Threshold float64
	// RecentTicks: voxels a human touched within this many ticks are left
	// alone so the assistant never fights the player's edits.
	RecentTicks int
	// Candidates is how many top-gain targets are considered for walking.
	Candidates int
	// MaxAhead limits speculation: the assistant only edits voxels at most
	// this many layers above the highest layer the human has worked on, so
	// it helps where the player is building instead of guessing a roof
	// from a floor.
	MaxAhead int
	// Near limits the assistant to voxels within this many columns of the
	// horizontal bounding box of everything the human edited, so it does
	// not extend a floor or wall past where the player has shown it goes.
	// Negative disables the limit.
	Near int
}

// DefaultConfig is what BlockAssist mode uses.
func DefaultConfig() Config {
	return Config{Threshold: 0.4, RecentTicks: 25, Candidates: 8, MaxAhead: 0, Near: 0}
}

// Assistant picks at most one action per tick (MBAG min_action_interval).
type Assistant struct {
	Pred    Predictor
	Cfg     Config
	touched map[int]int // voxel -> last tick a human touched it
	humanBy map[int]bool
	topY    int    // highest layer a human has edited; -1 before any edit
	box     [4]int // human edit bounding box: minX, minZ, maxX, maxZ
	m       Marginals
}

// New returns an assistant using pred for goal inference.
func New(pred Predictor, cfg Config) *Assistant {
	return &Assistant{Pred: pred, Cfg: cfg, touched: map[int]int{}, humanBy: map[int]bool{}, topY: -1,
		box: [4]int{world.Width, world.Depth, -1, -1}}
}

// Observe forwards a human action to the predictor and remembers the voxel
// as recently touched.
func (a *Assistant) Observe(e Event) {
	a.Pred.Observe(e)
	a.touched[e.Action.Voxel] = e.Tick
	a.humanBy[e.Action.Voxel] = e.Action.Type == world.Place
	p := world.VecOf(e.Action.Voxel)
	a.topY = max(a.topY, p.Y)
	a.box = [4]int{min(a.box[0], p.X), min(a.box[1], p.Z), max(a.box[2], p.X), max(a.box[3], p.Z)}
}

func (a *Assistant) near(v world.Vec) bool {
	n := a.Cfg.Near
	return n < 0 || (v.X >= a.box[0]-n && v.X <= a.box[2]+n && v.Z >= a.box[1]-n && v.Z <= a.box[3]+n)
}

type candidate struct {
	act  world.Action
	gain float64
}

// Act returns the assistant's action for this tick: the doable place/break
// with the highest expected gain above the threshold, else a move toward
// the best such target it cannot reach yet, else Noop. It never breaks a
// block a human placed and never touches a recently edited voxel.
func (a *Assistant) Act(obs *Observation) world.Action {
	a.Pred.Predict(obs, &a.m)
	var cands []candidate
	for v := 0; v < world.NumVoxels; v++ {
		if t, ok := a.touched[v]; ok && obs.Tick-t < a.Cfg.RecentTicks {
			continue
		}
		if pv := world.VecOf(v); pv.Y > a.topY+a.Cfg.MaxAhead || !a.near(pv) {
			continue
		}
		cur := obs.Cur[v]
		p := &a.m[v]
		if cur == world.Air {
			best, bg := world.Air, a.Cfg.Threshold
			for b := world.Dirt; b <= world.Wool; b++ {
				if p[b] <= 0.5 {
					continue
				}
				if g := ExpectedGain(p, cur, b); g > bg {
					best, bg = b, g
				}
			}
			if best != world.Air {
				cands = append(cands, candidate{world.PlaceAt(world.VecOf(v), best), bg})
			}
			continue
		}
		if !cur.Breakable() || a.humanBy[v] {
			continue
		}
		if g := ExpectedGain(p, cur, world.Air); g > a.Cfg.Threshold {
			cands = append(cands, candidate{world.BreakAt(world.VecOf(v)), g})
		}
	}
	if len(cands) == 0 {
		return a.park(obs)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].gain > cands[j].gain })
	feet := obs.Players[obs.Self]
	for _, c := range cands {
		if CanDo(obs.Cur, obs.Players, feet, c.act) {
			// Take the best doable action only if nothing much better is
			// waiting elsewhere; otherwise still act (a bird in the hand).
			return c.act
		}
	}
	for i, c := range cands {
		if i >= a.Cfg.Candidates {
			break
		}
		if m, ok := StepToward(obs.Cur, obs.Players, obs.Self, c.act); ok {
			return m
		}
	}
	return a.park(obs)
}

// park moves an idle assistant out of the way: to the top layer (y=9,
// above the goal interior, where nothing is ever built) in the corner
// farthest from the human, so it never stands in a voxel the player is
// about to fill or blocks their way out from under a roof.
func (a *Assistant) park(obs *Observation) world.Action {
	feet := obs.Players[obs.Self]
	spot := world.Vec{Y: world.Height - 1}
	if len(obs.Humans) > 0 {
		h := obs.Players[obs.Humans[0]]
		if h.X < world.Width/2 {
			spot.X = world.Width - 1
		}
		if h.Z < world.Depth/2 {
			spot.Z = world.Depth - 1
		}
	}
	if feet == spot {
		return world.NoopAction
	}
	if m, ok := bfs(obs.Cur, obs.Players, obs.Self, func(v world.Vec) bool { return v == spot }); ok {
		return m
	}
	up := feet.Add(world.Vec{Y: 1})
	if feet.Y < world.Height-1 && world.FreeSpace(obs.Cur, obs.Players, obs.Self, up) {
		return world.Move(world.MovePosY)
	}
	return world.NoopAction
}

// Marginals returns the predictions computed by the last Act, for UIs that
// show the assistant's belief.
func (a *Assistant) Marginals() *Marginals { return &a.m }
