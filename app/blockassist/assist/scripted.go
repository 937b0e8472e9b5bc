package assist

import "github.com/swarmdesk/swarmdesk/app/blockassist/world"

// ScriptedBuilder is a simulated human that sees the goal and builds it
// bottom-up in raster order, breaking wrong blocks first. It stands in for a
// player in tests and benchmarks (MBAG evaluates assistants with human
// models the same way).
type ScriptedBuilder struct {
	Goal  *world.Grid
	climb int // ticks left of climbing out after breaking free
	focus int // 1 + voxel dug open by digOut and to be finished first; 0 none
}

// Next returns the builder's action for this tick.
func (s *ScriptedBuilder) Next(cur *world.Grid, players []world.Vec, self int) world.Action {
	feet := players[self]
	if s.climb > 0 {
		s.climb--
		if world.FreeSpace(cur, players, self, feet.Add(world.Vec{Y: 1})) {
			return world.Move(world.MovePosY)
		}
		for _, m := range moves[:2] { // step aside if something is above
			d, _ := m.MoveDelta()
			if world.FreeSpace(cur, players, self, feet.Add(d)) {
				return world.Move(m)
			}
		}
	}
	if s.focus > 0 {
		v := s.focus - 1
		if cur[v] == s.Goal[v] {
			s.focus = 0
		} else {
			a := world.PlaceAt(world.VecOf(v), s.Goal[v])
			if cur[v] != world.Air {
				a = world.BreakAt(world.VecOf(v))
			}
			if CanDo(cur, players, feet, a) {
				s.focus = 0
				return a
			}
			if m, ok := StepToward(cur, players, self, a); ok {
				return m
			}
			s.focus = 0
		}
	}
	var pending []world.Action
	for y := 1; y < world.Height; y++ {
		for x := 0; x < world.Width; x++ {
			for z := 0; z < world.Depth; z++ {
				v := world.Vec{X: x, Y: y, Z: z}
				c, g := cur.At(v), s.Goal.At(v)
				if c == g {
					continue
				}
				var a world.Action
				if c != world.Air {
					a = world.BreakAt(v)
				} else {
					a = world.PlaceAt(v, g)
				}
				if CanDo(cur, players, feet, a) {
					return a
				}
				pending = append(pending, a)
			}
		}
		if len(pending) > 0 {
			break // finish the lowest unfinished layer first
		}
	}
	for _, a := range pending {
		if m, ok := StepToward(cur, players, self, a); ok {
			return m
		}
	}
	// Nothing reachable in this layer: go for anything reachable anywhere.
	for i := 0; i < world.NumVoxels; i++ {
		v := world.VecOf(i)
		if cur[i] == s.Goal[i] || v.Y == 0 {
			continue
		}
		a := world.PlaceAt(v, s.Goal[i])
		if cur[i] != world.Air {
			a = world.BreakAt(v)
		}
		if CanDo(cur, players, feet, a) {
			return a
		}
		if m, ok := StepToward(cur, players, self, a); ok {
			return m
		}
	}
	if a, ok := s.digOut(cur, players, self); ok {
		return a
	}
	return s.escape(cur, players, self)
}

// digOut handles a goal voxel sealed in by finished blocks (say, a floor
// hole under a wall): break a neighbour to open it, as a person would; the
// neighbour is re-placed later because it is a goal voxel again.
func (s *ScriptedBuilder) digOut(cur *world.Grid, players []world.Vec, self int) (world.Action, bool) {
	feet := players[self]
	order := []world.Vec{{Y: 1}, {X: 1}, {X: -1}, {Z: 1}, {Z: -1}}
	for i := 0; i < world.NumVoxels; i++ {
		v := world.VecOf(i)
		if cur[i] == s.Goal[i] || v.Y == 0 {
			continue
		}
		for _, d := range order {
			n := v.Add(d)
			if !cur.At(n).Breakable() {
				continue
			}
			a := world.BreakAt(n)
			if CanDo(cur, players, feet, a) {
				s.focus = i + 1
				return a, true
			}
			if m, ok := StepToward(cur, players, self, a); ok {
				return m, true
			}
		}
	}
	return world.NoopAction, false
}

// escape is what a stuck person does when walled in under a roof: break a
// block above and climb out (it counts as a human action, as it would).
func (s *ScriptedBuilder) escape(cur *world.Grid, players []world.Vec, self int) world.Action {
	feet := players[self]
	for dy := 2; dy < world.Height-feet.Y; dy++ {
		v := feet.Add(world.Vec{Y: dy})
		if cur.At(v).Solid() {
			if a := world.BreakAt(v); CanDo(cur, players, feet, a) {
				s.climb = 2 * world.Height
				return a
			}
			break
		}
	}
	if world.FreeSpace(cur, players, self, feet.Add(world.Vec{Y: 1})) {
		return world.Move(world.MovePosY)
	}
	return world.NoopAction
}
