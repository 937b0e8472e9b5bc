// Package assist is the BlockAssist assistant: it infers the player's goal
// from their actions (never from the goal itself, like MBAG's mask_goal) and
// acts only when its expected gain in goal similarity is positive — the
// one-step special case of AssistanceZero's planner. A learned goal model
// (e.g. the 3D conv goal head) plugs in through the Predictor interface.
package assist

import "github.com/swarmdesk/swarmdesk/app/blockassist/world"

// Event is one effective place or break by a human player, with the block
// that was there before: the evidence goal inference learns from.
type Event struct {
	Tick   int
	Player int
	Action world.Action
	Prev   world.Block
}

// Observation is everything the assistant may look at in one tick. It has
// no goal field on purpose.
type Observation struct {
	Tick           int
	Cur            *world.Grid
	Players        []world.Vec
	Self           int
	Humans         []int // indices of human players
	LastInteracted *[world.NumVoxels]int8
}

// Marginals holds, per voxel, a probability distribution over the goal
// block at that voxel — the output of MBAG's goal head.
type Marginals [world.NumVoxels][world.NumBlocks]float64

// Predictor infers per-voxel goal marginals. Observe is called once for
// every human place/break in order; Predict fills out for the current
// state. A learned network can ignore Observe and read the observation.
type Predictor interface {
	Observe(e Event)
	Predict(obs *Observation, out *Marginals)
}

// ExpectedGain is E[Δ similarity] of turning voxel v from cur into next
// under the marginals p: Σ_g p(g)·(sim(next,g) − sim(cur,g)). For a place
// into air it reduces to 2·p(next) − 1, so acting needs p(next) > ½.
func ExpectedGain(p *[world.NumBlocks]float64, cur, next world.Block) float64 {
	g := 0.0
	for b := range p {
		if p[b] == 0 {
			continue
		}
		g += p[b] * float64(world.VoxelSimilarity(next, world.Block(b))-world.VoxelSimilarity(cur, world.Block(b)))
	}
	return g
}
