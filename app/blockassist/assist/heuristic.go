package assist

import "github.com/swarmdesk/swarmdesk/app/blockassist/world"

// Heuristic is the per-voxel model for goals outside the catalog. It encodes
// building habits the AssistanceZero paper saw its assistant learn:
//
//   - walls continue up: once the human starts a layer by stacking blocks on
//     the layer below, the rest of that layer's outline is predicted to
//     follow the layer below;
//   - outlines close: the first wall layer (y=2) runs around the footprint
//     of the floor the human laid, corners and edges each in the material
//     the human used for them;
//   - floors fill: once the human replaces ground with a floor block inside
//     the footprint of what they built, the rest of the footprint follows;
//   - corrections stick: a block the human removed from a voxel is never
//     predicted there again.
//
// Each rule's confidence is the Laplace-smoothed rate at which the human's
// own actions in that layer agreed with the rule, so a rule the human does
// not follow (a roof that steps in, windows) turns itself off.
type Heuristic struct {
	placed  map[int]world.Block // human-placed blocks still standing
	vetoed  map[vetoKey]bool    // (voxel, block) the human removed
	evCount int
}

type vetoKey struct {
	v int
	b world.Block
}

// NewHeuristic returns an empty model.
func NewHeuristic() *Heuristic {
	return &Heuristic{placed: map[int]world.Block{}, vetoed: map[vetoKey]bool{}}
}

// Observe records a human action.
func (h *Heuristic) Observe(e Event) {
	h.evCount++
	v := e.Action.Voxel
	switch e.Action.Type {
	case world.Place:
		h.placed[v] = e.Action.Block
	case world.Break:
		delete(h.placed, v)
		if e.Prev != world.Air {
			h.vetoed[vetoKey{v, e.Prev}] = true
		}
	}
}

// Vetoed reports whether the human removed block b from voxel v before.
func (h *Heuristic) Vetoed(v int, b world.Block) bool { return h.vetoed[vetoKey{v, b}] }

// guess is one rule's prediction for a voxel.
type guess struct {
	b    world.Block
	conf float64
}

// predict returns, per voxel, the rule prediction (conf 0 = none).
func (h *Heuristic) predict(cur *world.Grid) map[int]guess {
	out := map[int]guess{}
	h.outline(cur, out)
	h.wallsUp(cur, out)
	h.floorFill(cur, out)
	for v, g := range out {
		if h.vetoed[vetoKey{v, g.b}] {
			delete(out, v)
		}
	}
	return out
}

func laplace(agree, n int) float64 { return float64(agree+1) / float64(n+2) }

// wallsUp: for each layer y ≥ 3 (world y; walls start on the ground at
// y=2) and each material b, count the human's placements at y that sit on a
// human-built b block at y−1 and how many of them are b again. Once at
// least two agree, predict b on every other human-built b block of layer
// y−1. The rule is per material so stacking logs (tree trunks, corner
// posts) says nothing about the cobblestone fence next to them, and it
// switches off for a layer once the human has started a higher one.
func (h *Heuristic) wallsUp(cur *world.Grid, out map[int]guess) {
	top := 0
	var perLayer [world.Height]int
	for v := range h.placed {
		y := world.VecOf(v).Y
		perLayer[y]++
	}
	for y := world.Height - 1; y >= 0; y-- {
		if perLayer[y] >= 2 {
			top = y
			break
		}
	}
	type key struct {
		y int
		b world.Block
	}
	agree, seen := map[key]int{}, map[key]int{}
	for v, b := range h.placed {
		p := world.VecOf(v)
		if p.Y < 3 {
			continue
		}
		below := p.Add(world.Vec{Y: -1})
		bb, ok := h.placed[below.Index()]
		if !ok || cur[below.Index()] != bb {
			continue
		}
		k := key{p.Y, bb}
		seen[k]++
		if b == bb {
			agree[k]++
		}
	}
	for k, a := range agree {
		if a < 2 || top > k.y {
			continue
		}
		var targets []int
		for v, b := range h.placed {
			p := world.VecOf(v)
			if p.Y != k.y-1 || b != k.b || cur[v] != b {
				continue
			}
			if above := p.Add(world.Vec{Y: 1}).Index(); cur[above] == world.Air {
				targets = append(targets, above)
			}
		}
		// Extrapolating far beyond the evidence is less certain: a few
		// stacked tree trunks say little about a whole canopy.
		conf := laplace(a, seen[k]) * min(1, 4*float64(a)/float64(max(1, len(targets))))
		for _, v := range targets {
			out[v] = guess{k.b, conf}
		}
	}
}

// floorFill: the footprint is the bounding box of human-placed blocks at
// y ≥ 2; if the human replaced ground voxels (y=1) inside it with one block
// kind, predict that kind for the rest of the footprint's ground.
func (h *Heuristic) floorFill(cur *world.Grid, out map[int]guess) {
	minX, minZ, maxX, maxZ := world.Width, world.Depth, -1, -1
	counts := map[world.Block]int{}
	n := 0
	for v, b := range h.placed {
		p := world.VecOf(v)
		if p.Y >= 2 {
			minX, maxX = min(minX, p.X), max(maxX, p.X)
			minZ, maxZ = min(minZ, p.Z), max(maxZ, p.Z)
		}
		if p.Y == world.DirtY && b != world.Dirt { // restoring ground is not a floor
			counts[b]++
			n++
		}
	}
	if maxX-minX < 2 || maxZ-minZ < 2 || n < 3 {
		return
	}
	best, bc := world.Air, 0
	for b, c := range counts {
		if c > bc || (c == bc && b < best) {
			best, bc = b, c
		}
	}
	conf := laplace(bc, n)
	for x := minX; x <= maxX; x++ {
		for z := minZ; z <= maxZ; z++ {
			v := world.Vec{X: x, Y: world.DirtY, Z: z}.Index()
			if cur[v] == world.Dirt || cur[v] == world.Air {
				out[v] = guess{best, conf}
			}
		}
	}
}

// outline predicts the first wall layer (world y=2) on the border of the
// footprint: the bounding box of the floor the human laid (non-dirt blocks
// at y=1). Corners and edges are separate classes, each predicted in
// the material the human used most for it; placements off the border count
// against the rule.
func (h *Heuristic) outline(cur *world.Grid, out map[int]guess) {
	minX, minZ, maxX, maxZ := world.Width, world.Depth, -1, -1
	for v, b := range h.placed {
		p := world.VecOf(v)
		if p.Y == world.DirtY && b == world.Dirt {
			continue // restoring ground is not a floor
		}
		// Only the floor fixes the footprint: wall blocks alone extend it
		// while the human is still building along it.
		if p.Y == world.DirtY {
			minX, maxX = min(minX, p.X), max(maxX, p.X)
			minZ, maxZ = min(minZ, p.Z), max(maxZ, p.Z)
		}
	}
	if maxX-minX < 2 || maxZ-minZ < 2 {
		return
	}
	const y = world.DirtY + 1
	class := func(x, z int) int { // 0 corner, 1 edge, -1 inside
		bx, bz := x == minX || x == maxX, z == minZ || z == maxZ
		switch {
		case bx && bz:
			return 0
		case bx || bz:
			return 1
		}
		return -1
	}
	var counts [2]map[world.Block]int
	var n [2]int
	counts[0], counts[1] = map[world.Block]int{}, map[world.Block]int{}
	off := 0
	for v, b := range h.placed {
		p := world.VecOf(v)
		if p.Y != y {
			continue
		}
		c := class(p.X, p.Z)
		if c < 0 {
			off++
			continue
		}
		counts[c][b]++
		n[c]++
	}
	for c := 0; c < 2; c++ {
		best, bc := world.Air, 0
		for b, k := range counts[c] {
			if k > bc || (k == bc && b < best) {
				best, bc = b, k
			}
		}
		if bc < 2 {
			continue
		}
		conf := laplace(bc, n[c]+off)
		for x := minX; x <= maxX; x++ {
			for z := minZ; z <= maxZ; z++ {
				if class(x, z) != c {
					continue
				}
				v := world.Vec{X: x, Y: y, Z: z}.Index()
				if cur[v] == world.Air {
					out[v] = guess{best, conf}
				}
			}
		}
	}
}
