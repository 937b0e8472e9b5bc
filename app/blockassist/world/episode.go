package world

import "fmt"

// NoInteraction marks a voxel nobody has touched (MBAG NO_INTERACTION).
const NoInteraction = -1

// Episode is the MBAG environment state for one episode: current and goal
// worlds, player feet positions, who last touched each voxel and the tick
// counter. The zero value is not usable; build it with NewEpisode.
type Episode struct {
	Cur, Goal      Grid
	Players        []Vec
	LastInteracted [NumVoxels]int8
	Tick           int
	initialSim     int
}

// StepResult is what one player's action did in one tick, mirroring MBAG's
// info dict: the attempted and effective action (Noop when it failed), the
// goal-dependent reward (Δ similarity at the voxel) and action_correct.
type StepResult struct {
	Attempted Action
	Effective Action
	Reward    int
	Correct   bool
}

// NewEpisode starts an episode on the standard ground with the given goal and
// player start positions. It rejects goals with invalid ids and start
// positions that are not valid player space.
func NewEpisode(goal Grid, starts []Vec) (*Episode, error) {
	if err := goal.Validate(); err != nil {
		return nil, fmt.Errorf("new env: goal: %w", err)
	}
	e := &Episode{Cur: NewGround(), Goal: goal}
	for i := range e.LastInteracted {
		e.LastInteracted[i] = NoInteraction
	}
	for i, s := range starts {
		if !e.validSpace(s, i, starts[:i]) {
			return nil, fmt.Errorf("new env: player %d start %s is not free space: pick a voxel with air at feet and head", i, s)
		}
	}
	e.Players = append([]Vec(nil), starts...)
	e.initialSim = Similarity(&e.Cur, &e.Goal)
	return e, nil
}

// DefaultStarts returns MBAG's start positions for n players: feet at y=2
// along the x axis ((i%11)+0.5, 2, i/11+0.5).
func DefaultStarts(n int) []Vec {
	s := make([]Vec, n)
	for i := range s {
		s[i] = Vec{i % Width, 2, i / Width}
	}
	return s
}

// InitialSimilarity is the similarity of the starting world to the goal.
func (e *Episode) InitialSimilarity() int { return e.initialSim }

// Similarity is the current goal similarity.
func (e *Episode) Similarity() int { return Similarity(&e.Cur, &e.Goal) }

// GoalPercent is the current MBAG goal_percentage as a fraction.
func (e *Episode) GoalPercent() float64 { return GoalPercent(e.initialSim, e.Similarity()) }

// Complete reports whether the world equals the goal (MBAG's
// terminate_on_goal_completion condition).
func (e *Episode) Complete() bool { return e.Cur == e.Goal }

// Step applies one action per player (MBAG step: players are processed in
// index order within the tick) and advances the tick. Missing actions are
// Noop; extra actions are an error.
func (e *Episode) Step(actions []Action) ([]StepResult, error) {
	if len(actions) > len(e.Players) {
		return nil, fmt.Errorf("step: %d actions for %d players", len(actions), len(e.Players))
	}
	res := make([]StepResult, len(e.Players))
	for i := range e.Players {
		a := NoopAction
		if i < len(actions) {
			a = actions[i]
		}
		res[i] = e.stepPlayer(i, a)
	}
	e.Tick++
	return res, nil
}

// Valid reports whether player p could perform a right now.
func (e *Episode) Valid(p int, a Action) bool {
	if p < 0 || p >= len(e.Players) || a.Validate() != nil {
		return false
	}
	feet := e.Players[p]
	switch a.Type {
	case Noop:
		return true
	case Place:
		return a.Block.Placeable() && CanPlace(&e.Cur, feet, VecOf(a.Voxel), e.Players)
	case Break:
		return CanBreak(&e.Cur, feet, VecOf(a.Voxel))
	}
	if d, ok := a.Type.MoveDelta(); ok {
		return e.validSpace(feet.Add(d), p, e.Players)
	}
	return false // Give: finite inventories are not supported
}

func (e *Episode) stepPlayer(p int, a Action) StepResult {
	r := StepResult{Attempted: a, Effective: NoopAction}
	if a.Type == Noop || !e.Valid(p, a) {
		return r
	}
	r.Effective = a
	switch a.Type {
	case Place, Break:
		v := a.Voxel
		prev := e.Cur[v]
		next := Air
		if a.Type == Place {
			next = a.Block
		}
		e.Cur[v] = next
		e.LastInteracted[v] = int8(p)
		r.Reward = VoxelSimilarity(next, e.Goal[v]) - VoxelSimilarity(prev, e.Goal[v])
		r.Correct = (a.Type == Place && r.Reward > 0) || (a.Type == Break && r.Reward >= 0)
	default:
		d, _ := a.Type.MoveDelta()
		e.Players[p] = e.Players[p].Add(d)
	}
	return r
}

// validSpace is MBAG's _is_valid_player_space for player self.
func (e *Episode) validSpace(feet Vec, self int, others []Vec) bool {
	return FreeSpace(&e.Cur, others, self, feet)
}

// FreeSpace reports whether player self may stand with feet at feet: feet
// in bounds, feet and head voxels air (the head may poke above the world
// top) and no overlap with any other player in players. It is exported so
// planners that only see an observation use the same rule as the env.
func FreeSpace(g *Grid, players []Vec, self int, feet Vec) bool {
	if !feet.InBounds() || g.At(feet) != Air {
		return false
	}
	head := feet.Add(Vec{0, 1, 0})
	if head.InBounds() && g.At(head) != Air {
		return false
	}
	for i, o := range players {
		if i == self {
			continue
		}
		oh := o.Add(Vec{0, 1, 0})
		if o == feet || o == head || oh == feet {
			return false
		}
	}
	return true
}
