package world

import "math"

// MaxReach is MBAG's MAX_PLAYER_REACH: the farthest a click point may be
// from the player's eye.
const MaxReach = 4.5

// EyeHeight is the eye above the feet (MBAG viewpoint y + 1.6).
const EyeHeight = 1.6

// Eye returns the eye position of a player whose feet are in voxel feet.
// Players stand at voxel centres (x+0.5, y, z+0.5) because moves are whole
// voxels and teleportation is off.
func Eye(feet Vec) [3]float64 {
	return [3]float64{float64(feet.X) + 0.5, float64(feet.Y) + EyeHeight, float64(feet.Z) + 0.5}
}

var faceNormals = [6]Vec{{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}}

// clickOffsets are where on a face a click may land (3×3 samples), an
// approximation of MBAG's viewpoint click candidates.
var clickOffsets = [3]float64{0.1, 0.5, 0.9}

// CanBreak reports whether a player with feet at feet can break the block at
// v: it must be breakable and a visible face point must lie within reach with
// a clear line of sight.
func CanBreak(g *Grid, feet Vec, v Vec) bool {
	if !v.InBounds() || !g.At(v).Breakable() {
		return false
	}
	for _, n := range faceNormals {
		if g.At(v.Add(n)).Solid() { // hidden face (or world wall)
			continue
		}
		if faceVisible(g, feet, v, n) {
			return true
		}
	}
	return false
}

// CanPlace reports whether a player with feet at feet can place into v: v
// must be air and free of players, and some solid neighbour must offer a
// visible face (the face shared with v) within reach.
func CanPlace(g *Grid, feet Vec, v Vec, players []Vec) bool {
	if !v.InBounds() || g.At(v) != Air {
		return false
	}
	for _, p := range players {
		if p == v || p.Add(Vec{0, 1, 0}) == v {
			return false
		}
	}
	for _, n := range faceNormals {
		nb := v.Add(n)
		if !nb.InBounds() || !g.At(nb).Solid() {
			continue
		}
		// The clicked face belongs to nb and faces back toward v.
		if faceVisible(g, feet, nb, Vec{-n.X, -n.Y, -n.Z}) {
			return true
		}
	}
	return false
}

// faceVisible tests the 3×3 click points on the face of voxel v with outward
// normal n: the eye must be in front of the face, within reach, and the
// segment eye→point must cross only non-solid voxels.
func faceVisible(g *Grid, feet Vec, v Vec, n Vec) bool {
	eye := Eye(feet)
	base := [3]float64{float64(v.X), float64(v.Y), float64(v.Z)}
	axis := 0
	switch {
	case n.Y != 0:
		axis = 1
	case n.Z != 0:
		axis = 2
	}
	nf := [3]float64{float64(n.X), float64(n.Y), float64(n.Z)}
	var p [3]float64
	if nf[axis] > 0 {
		p[axis] = base[axis] + 1
	} else {
		p[axis] = base[axis]
	}
	if (eye[axis]-p[axis])*nf[axis] <= 0 {
		return false // eye behind or in the face plane
	}
	u, w := (axis+1)%3, (axis+2)%3
	for _, ou := range clickOffsets {
		for _, ow := range clickOffsets {
			p[u] = base[u] + ou
			p[w] = base[w] + ow
			d := math.Sqrt(sq(p[0]-eye[0]) + sq(p[1]-eye[1]) + sq(p[2]-eye[2]))
			if d > MaxReach {
				continue
			}
			if clearSegment(g, eye, p) {
				return true
			}
		}
	}
	return false
}

func sq(x float64) float64 { return x * x }

// clearSegment walks the voxels from a to just short of b (3D DDA,
// Amanatides–Woo) and reports whether none is solid. b lies on a face, so
// stopping a hair before it ends the walk on the viewer's side of the face.
func clearSegment(g *Grid, a, b [3]float64) bool {
	var dir [3]float64
	length := 0.0
	for i := range dir {
		dir[i] = b[i] - a[i]
		length += dir[i] * dir[i]
	}
	length = math.Sqrt(length)
	if length == 0 {
		return true
	}
	for i := range dir {
		dir[i] /= length
	}
	tEnd := length - 1e-6
	var cell [3]int
	var step [3]int
	var tMax, tDelta [3]float64
	for i := 0; i < 3; i++ {
		cell[i] = int(math.Floor(a[i]))
		switch {
		case dir[i] > 0:
			step[i] = 1
			tMax[i] = (float64(cell[i]+1) - a[i]) / dir[i]
			tDelta[i] = 1 / dir[i]
		case dir[i] < 0:
			step[i] = -1
			tMax[i] = (a[i] - float64(cell[i])) / -dir[i]
			tDelta[i] = -1 / dir[i]
		default:
			tMax[i] = math.Inf(1)
			tDelta[i] = math.Inf(1)
		}
	}
	for iter := 0; iter < 64; iter++ {
		if g.At(Vec{cell[0], cell[1], cell[2]}).Solid() {
			return false
		}
		i := 0
		if tMax[1] < tMax[i] {
			i = 1
		}
		if tMax[2] < tMax[i] {
			i = 2
		}
		if tMax[i] > tEnd {
			return true
		}
		cell[i] += step[i]
		tMax[i] += tDelta[i]
	}
	return true
}
