package render

import (
	"math"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// walk visits the voxels the ray o+t·d passes through inside the world, nearest first, with a
// 3D DDA (Amanatides–Woo): visit gets the voxel, the distance t at which the ray enters it and
// the face id it enters through (see shade), and returns false to stop. Drawing (trace) and
// clicking (Pick) both walk here, so they agree on every voxel.
func walk(o, d [3]float64, visit func(v world.Vec, t float64, face int) bool) {
	t0, t1, ok := clipBox(o, d)
	if !ok {
		return
	}
	t := t0 + 1e-7
	var cell, step [3]int
	var tMax, tDelta [3]float64
	for k := 0; k < 3; k++ {
		p := o[k] + d[k]*t
		lim := [3]int{world.Width, world.Height, world.Depth}[k]
		cell[k] = min(max(int(math.Floor(p)), 0), lim-1)
		switch {
		case d[k] > 0:
			step[k], tDelta[k] = 1, 1/d[k]
			tMax[k] = t + (float64(cell[k]+1)-p)/d[k]
		case d[k] < 0:
			step[k], tDelta[k] = -1, -1/d[k]
			tMax[k] = t + (float64(cell[k])-p)/d[k]
		default:
			tMax[k], tDelta[k] = math.Inf(1), math.Inf(1)
		}
	}
	face := entryFace(o, d, t0)
	for t <= t1+1e-9 {
		v := world.Vec{X: cell[0], Y: cell[1], Z: cell[2]}
		if !v.InBounds() || !visit(v, t, face) {
			return
		}
		k := 0
		if tMax[1] < tMax[k] {
			k = 1
		}
		if tMax[2] < tMax[k] {
			k = 2
		}
		t = tMax[k]
		cell[k] += step[k]
		tMax[k] += tDelta[k]
		face = k * 2
		if step[k] < 0 {
			face++
		}
	}
}

// Picked is what a click ray points at: the first solid voxel (Hit) and the empty voxel in
// front of the face it entered (Place), where a new block would go.
type Picked struct {
	Hit      world.Vec
	Place    world.Vec
	CanPlace bool // Place is inside the world (the ray did not enter Hit from outside it)
}

// Pick returns the first solid voxel on the ray (Camera.Ray gives the one under the cursor); ok
// is false when the ray leaves the world without hitting one. Reach and line of sight are not
// checked here: the game decides (world.CanPlace/CanBreak) when it applies the action, so the
// window and the recording never disagree about what was allowed.
func Pick(g *world.Grid, o, d [3]float64) (p Picked, ok bool) {
	prev, hasPrev := world.Vec{}, false
	walk(o, d, func(v world.Vec, _ float64, _ int) bool {
		if g.At(v).Solid() {
			p, ok = Picked{Hit: v, Place: prev, CanPlace: hasPrev}, true
			return false
		}
		prev, hasPrev = v, true
		return true
	})
	return p, ok
}

func entryFace(o, d [3]float64, t0 float64) int {
	best, face := -1.0, 3
	for k := 0; k < 3; k++ {
		if d[k] == 0 {
			continue
		}
		lim := [3]float64{world.Width, world.Height, world.Depth}[k]
		plane := 0.0
		f := 2 * k
		if d[k] < 0 {
			plane, f = lim, 2*k+1
		}
		if tk := (plane - o[k]) / d[k]; tk <= t0+1e-9 && tk > best {
			best, face = tk, f
		}
	}
	return face
}

// clipBox intersects the ray with the world box; t0 ≥ 0.
func clipBox(o, d [3]float64) (t0, t1 float64, ok bool) {
	t0, t1 = 0, math.Inf(1)
	lim := [3]float64{world.Width, world.Height, world.Depth}
	for k := 0; k < 3; k++ {
		if d[k] == 0 {
			if o[k] < 0 || o[k] > lim[k] {
				return 0, 0, false
			}
			continue
		}
		a, b := (0-o[k])/d[k], (lim[k]-o[k])/d[k]
		if a > b {
			a, b = b, a
		}
		t0, t1 = max(t0, a), min(t1, b)
	}
	return t0, t1, t0 <= t1
}
