package assist

import (
	"fmt"
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
	state   State // what the last Act decided, for the window
}

// State says what the assistant is doing, or what it waits for, so the window can tell a player
// why it places nothing: by design it acts only where the player has built and only when sure.
type State struct {
	Reason Reason
	// Sure is the highest probability the assistant gives any block it could place in the
	// area it may work in (0..1); it places only above (1+Threshold)/2.
	Sure float64
}

// Reason is why the assistant did or did not edit the world on a tick.
type Reason int

const (
	// Editing: it placed or broke a block (or tried to).
	Editing Reason = iota
	// Walking: it knows what to do and walks there.
	Walking
	// WaitingFirstBlocks: the player has not placed or broken anything yet.
	WaitingFirstBlocks
	// WaitingOutline: every open voxel inside the player's outline is done or was touched
	// by the player a moment ago; it works only inside the area and up to the layer the
	// player has built on.
	WaitingOutline
	// WaitingSure: there are open voxels in the area, but it is not sure enough of any.
	WaitingSure
	// Blocked: it knows what to place but cannot reach any such voxel now.
	Blocked
)

// Sentence is the status line for the window.
func (s State) Sentence() string {
	switch s.Reason {
	case Walking:
		return "The assistant is walking to a block it will place."
	case WaitingFirstBlocks:
		return "The assistant waits for your first blocks: it helps where you build."
	case WaitingOutline:
		return "The assistant waits: it fills only inside the area and up to the layer you have built on. " +
			"Mark the corners of a floor or wall and it fills in between."
	case Blocked:
		return "The assistant knows where a block goes but cannot reach it from where it stands."
	case WaitingSure:
		return fmt.Sprintf("The assistant is not sure yet what you are building (best guess %.0f %%): "+
			"keep building and it joins in once it is sure.", 100*s.Sure)
	}
	return ""
}

// State reports what the last Act decided.
func (a *Assistant) State() State { return a.state }

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
	act, st := a.act(obs)
	a.state = st
	return act
}

func (a *Assistant) act(obs *Observation) (world.Action, State) {
	a.Pred.Predict(obs, &a.m)
	var cands []candidate
	open, sure := 0, 0.0
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
			open++
			for b := world.Dirt; b <= world.Wool; b++ {
				sure = max(sure, p[b])
			}
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
		st := State{Reason: WaitingSure, Sure: sure}
		switch {
		case a.topY < 0:
			st.Reason = WaitingFirstBlocks
		case open == 0:
			st.Reason = WaitingOutline
		}
		return a.park(obs), st
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].gain > cands[j].gain })
	feet := obs.Players[obs.Self]
	for _, c := range cands {
		if CanDo(obs.Cur, obs.Players, feet, c.act) {
			// Take the best doable action only if nothing much better is
			// waiting elsewhere; otherwise still act (a bird in the hand).
			return c.act, State{Reason: Editing, Sure: sure}
		}
	}
	for i, c := range cands {
		if i >= a.Cfg.Candidates {
			break
		}
		if m, ok := StepToward(obs.Cur, obs.Players, obs.Self, c.act); ok {
			return m, State{Reason: Walking, Sure: sure}
		}
	}
	return a.park(obs), State{Reason: Blocked, Sure: sure}
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
