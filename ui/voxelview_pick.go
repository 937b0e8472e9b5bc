package ui

import (
	"math"

	"github.com/swarmdesk/swarmdesk/app/blockassist/render"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// cameraRay is the ray through pixel (px, py) of a w×h view, built with the same pinhole model
// as render.Render so that what the player clicks is exactly what is drawn under the cursor.
func cameraRay(cam render.Camera, w, h, px, py float64) (o, d [3]float64) {
	yaw, pitch := cam.Yaw*math.Pi/180, cam.Pitch*math.Pi/180
	fwd := [3]float64{-math.Sin(yaw) * math.Cos(pitch), -math.Sin(pitch), math.Cos(yaw) * math.Cos(pitch)}
	right := [3]float64{-math.Cos(yaw), 0, -math.Sin(yaw)}
	up := [3]float64{
		right[1]*fwd[2] - right[2]*fwd[1],
		right[2]*fwd[0] - right[0]*fwd[2],
		right[0]*fwd[1] - right[1]*fwd[0],
	}
	tanHalf := math.Tan(cam.FOV * math.Pi / 360)
	if w <= 0 || h <= 0 {
		return cam.Eye, fwd
	}
	sx := (2*px/w - 1) * tanHalf * (w / h)
	sy := (1 - 2*py/h) * tanHalf
	for k := 0; k < 3; k++ {
		d[k] = fwd[k] + sx*right[k] + sy*up[k]
	}
	l := math.Sqrt(d[0]*d[0] + d[1]*d[1] + d[2]*d[2])
	return cam.Eye, [3]float64{d[0] / l, d[1] / l, d[2] / l}
}

// pickResult is what a click ray points at: the first solid voxel (Hit) and the empty voxel in
// front of the face it entered (Place), where a new block would go.
type pickResult struct {
	Hit      world.Vec
	Place    world.Vec
	CanPlace bool // Place is inside the world (the ray did not enter Hit from outside it)
}

// pick walks the ray through the grid with a 3D DDA (Amanatides–Woo) and returns the first solid
// voxel; ok is false when the ray leaves the world without hitting one. Reach and line of sight
// are not checked here: the game decides (world.CanPlace/CanBreak) when it applies the action,
// so the UI and the recording never disagree about what was allowed.
func pick(g *world.Grid, o, d [3]float64) (pickResult, bool) {
	lim := [3]float64{world.Width, world.Height, world.Depth}
	t0, t1 := 0.0, math.Inf(1)
	for k := 0; k < 3; k++ {
		if d[k] == 0 {
			if o[k] < 0 || o[k] > lim[k] {
				return pickResult{}, false
			}
			continue
		}
		a, b := -o[k]/d[k], (lim[k]-o[k])/d[k]
		if a > b {
			a, b = b, a
		}
		t0, t1 = max(t0, a), min(t1, b)
	}
	if t0 > t1 {
		return pickResult{}, false
	}
	var cell, step [3]int
	var tMax, tDelta [3]float64
	for k := 0; k < 3; k++ {
		p := o[k] + d[k]*(t0+1e-9)
		cell[k] = min(max(int(math.Floor(p)), 0), int(lim[k])-1)
		switch {
		case d[k] > 0:
			step[k], tDelta[k] = 1, 1/d[k]
			tMax[k] = (float64(cell[k]+1) - o[k]) / d[k]
		case d[k] < 0:
			step[k], tDelta[k] = -1, -1/d[k]
			tMax[k] = (float64(cell[k]) - o[k]) / d[k]
		default:
			tMax[k], tDelta[k] = math.Inf(1), math.Inf(1)
		}
	}
	prev, hasPrev := world.Vec{}, false
	for {
		v := world.Vec{X: cell[0], Y: cell[1], Z: cell[2]}
		if !v.InBounds() {
			return pickResult{}, false
		}
		if g.At(v).Solid() {
			return pickResult{Hit: v, Place: prev, CanPlace: hasPrev}, true
		}
		prev, hasPrev = v, true
		k := 0
		if tMax[1] < tMax[k] {
			k = 1
		}
		if tMax[2] < tMax[k] {
			k = 2
		}
		if tMax[k] > t1+1e-9 {
			return pickResult{}, false
		}
		cell[k] += step[k]
		tMax[k] += tDelta[k]
	}
}
