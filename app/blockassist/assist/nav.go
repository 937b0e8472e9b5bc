package assist

import (
	"math"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

var moves = [6]world.ActionType{world.MovePosX, world.MoveNegX, world.MovePosY, world.MoveNegY, world.MovePosZ, world.MoveNegZ}

// CanDo reports whether a player at feet could perform a on grid g (reach,
// line of sight, placeability); players are everyone's feet positions.
func CanDo(g *world.Grid, players []world.Vec, feet world.Vec, a world.Action) bool {
	v := world.VecOf(a.Voxel)
	switch a.Type {
	case world.Place:
		return a.Block.Placeable() && world.CanPlace(g, feet, v, players)
	case world.Break:
		return world.CanBreak(g, feet, v)
	}
	return false
}

// StepToward returns the first move of a shortest flight (breadth-first over
// free player space, one voxel per move as MBAG moves) to a position from
// which a can be performed. It returns ok=false when a is already doable
// from here (no move needed) or no such position is reachable.
func StepToward(g *world.Grid, players []world.Vec, self int, a world.Action) (world.Action, bool) {
	start := players[self]
	target := world.VecOf(a.Voxel)
	tc := [3]float64{float64(target.X) + .5, float64(target.Y) + .5, float64(target.Z) + .5}
	test := func(feet world.Vec) bool {
		eye := world.Eye(feet)
		d := math.Sqrt(sqr(eye[0]-tc[0]) + sqr(eye[1]-tc[1]) + sqr(eye[2]-tc[2]))
		if d > world.MaxReach+1 {
			return false
		}
		ps := players
		if feet != start {
			ps = append([]world.Vec(nil), players...)
			ps[self] = feet
		}
		return CanDo(g, ps, feet, a)
	}
	if test(start) {
		return world.NoopAction, false
	}
	return bfs(g, players, self, test)
}

// bfs returns the first move of a shortest path from players[self] to a
// free position satisfying goal.
func bfs(g *world.Grid, players []world.Vec, self int, goal func(world.Vec) bool) (world.Action, bool) {
	start := players[self]
	test := goal
	var first [world.NumVoxels]int8
	var seen [world.NumVoxels]bool
	seen[start.Index()] = true
	queue := []world.Vec{start}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for i, m := range moves {
			d, _ := m.MoveDelta()
			n := cur.Add(d)
			if !n.InBounds() || seen[n.Index()] || !world.FreeSpace(g, players, self, n) {
				continue
			}
			seen[n.Index()] = true
			if cur == start {
				first[n.Index()] = int8(i)
			} else {
				first[n.Index()] = first[cur.Index()]
			}
			if test(n) {
				return world.Move(moves[first[n.Index()]]), true
			}
			queue = append(queue, n)
		}
	}
	return world.NoopAction, false
}

func sqr(x float64) float64 { return x * x }
