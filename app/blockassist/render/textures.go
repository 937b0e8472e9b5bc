package render

import (
	"image/color"
	"math"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// texSize is the edge of every block texture in texels: Minecraft's 16×16, so blocks read as
// the familiar materials at the sizes the view draws them (a texel is one to a few pixels).
const texSize = 16

// faceTex holds each block's texture for each face id (see shade), already multiplied by that
// face's light. Textures are generated once, procedurally and deterministically, from Palette:
// no image assets to ship or license, golden images stay stable, and the ray caster's inner loop
// pays one table lookup per pixel instead of shading arithmetic.
var faceTex = buildTextures()

// Texel is the lit texture colour of block b on face (a face id as in shade) at texture
// coordinates (u, v) ∈ [0,1)², u to the right and v downward. Alpha below 255 marks
// see-through texels (glass). Out-of-range arguments give the nearest valid texel; an invalid
// block gives transparent black.
func Texel(b world.Block, face int, u, v float64) color.RGBA {
	if !b.Valid() || face < 0 || face > 5 {
		return color.RGBA{}
	}
	return faceTex[b][face][texIndex(u, v)]
}

// texIndex maps (u, v) to a texel index with nearest-neighbour sampling, clamping so that hit
// points rounded just outside a voxel still land on its border texels.
func texIndex(u, v float64) int {
	tu := min(max(int(u*texSize), 0), texSize-1)
	tv := min(max(int(v*texSize), 0), texSize-1)
	return tv*texSize + tu
}

// pattern gives a texel's brightness factor (applied to the palette colour) and alpha; top is
// true for the top and bottom faces, which differ for logs (rings rather than bark).
type pattern func(x, y int, top bool) (f float64, a uint8)

// patterns draws each block like its Minecraft texture, in broad strokes. Air has none.
var patterns = [world.NumBlocks]pattern{
	world.Bedrock:     bedrockTex,
	world.Dirt:        dirtTex,
	world.Cobblestone: cobbleTex,
	world.Glass:       glassTex,
	world.Log:         logTex,
	world.Planks:      planksTex,
	world.Stone:       stoneTex,
	world.StoneBrick:  stoneBrickTex,
	world.Wool:        woolTex,
}

func buildTextures() *[world.NumBlocks][6][texSize * texSize]color.RGBA {
	var out [world.NumBlocks][6][texSize * texSize]color.RGBA
	for b := range world.NumBlocks {
		p := patterns[b]
		if p == nil {
			continue
		}
		for face := range 6 {
			top := face == 2 || face == 3
			lf := faceLight[face]
			for y := range texSize {
				for x := range texSize {
					f, a := p(x, y, top)
					out[b][face][y*texSize+x] = scale(Palette[b], f*lf, a)
				}
			}
		}
	}
	return &out
}

// scale multiplies c's colour by f (clamped to 255) and sets alpha a.
func scale(c color.RGBA, f float64, a uint8) color.RGBA {
	s := func(x uint8) uint8 { return uint8(min(math.Round(float64(x)*f), 255)) }
	return color.RGBA{s(c.R), s(c.G), s(c.B), a}
}

// hash is a small integer hash giving deterministic white noise in [0,1) per texel and seed,
// so textures are identical on every run and architecture (no math/rand state).
func hash(x, y, seed int) float64 {
	h := uint32(x)*0x8da6b343 ^ uint32(y)*0xd8163841 ^ uint32(seed)*0xcb1ab31f
	h ^= h >> 13
	h *= 0x5bd1e995
	h ^= h >> 15
	return float64(h&0xffff) / 0x10000
}

// smooth is tileable value noise with lattice spacing cell (a divisor of texSize), for the soft
// mottling of stone and wool; plain hash noise alone looks like TV static.
func smooth(x, y, cell, seed int) float64 {
	n := texSize / cell
	gx, gy := x/cell, y/cell
	fx, fy := float64(x%cell)/float64(cell), float64(y%cell)/float64(cell)
	at := func(i, j int) float64 { return hash(i%n, j%n, seed) }
	top := at(gx, gy)*(1-fx) + at(gx+1, gy)*fx
	bot := at(gx, gy+1)*(1-fx) + at(gx+1, gy+1)*fx
	return top*(1-fy) + bot*fy
}

// GroundGreen is the grass top of the ground layer (texture average).
var GroundGreen = color.RGBA{96, 150, 58, 255}

// groundTex is the dirt of the starting ground layer (world.DirtY) drawn as a Minecraft grass
// block: a green top and a green fringe along the top of the sides. In MBAG the ground is the
// same block id as placed dirt ("grass" is an alias of dirt), so the id cannot tell them apart;
// without this a dirt block placed on the ground looked exactly like the ground around it.
var groundTex = buildGroundTexture()

func buildGroundTexture() *[6][texSize * texSize]color.RGBA {
	var out [6][texSize * texSize]color.RGBA
	for face := range 6 {
		lf := faceLight[face]
		for y := range texSize {
			for x := range texSize {
				f, _ := dirtTex(x, y, false)
				c := Palette[world.Dirt]
				// Sides: a ragged fringe 2–4 texels deep (v runs downward from the top edge).
				fringe := y < 2+int(3*hash(x, 0, 7))
				if face == 3 || (face != 2 && fringe) {
					c, f = GroundGreen, 0.9+0.2*hash(x, y, 8)
				}
				out[face][y*texSize+x] = scale(c, f*lf, 255)
			}
		}
	}
	return &out
}

func bedrockTex(x, y int, _ bool) (float64, uint8) {
	return 0.55 + 0.45*smooth(x, y, 4, 1) + 0.5*hash(x, y, 2), 255
}

func dirtTex(x, y int, _ bool) (float64, uint8) {
	f := 0.94 + 0.1*hash(x, y, 3)
	switch s := hash(x, y, 4); {
	case s > 0.88:
		f = 0.72 // dark grit
	case s < 0.06:
		f = 1.22 // pale pebbles
	}
	return f, 255
}

// cobbleSeeds are the centres of the stones: the texture is a wrapped Voronoi diagram whose
// cell borders are the mortar.
var cobbleSeeds = [...][2]float64{{2, 3}, {8, 1}, {13, 4}, {5, 8}, {11, 9}, {1, 13}, {7, 14}, {14, 14}}

func cobbleTex(x, y int, _ bool) (float64, uint8) {
	px, py := float64(x)+0.5, float64(y)+0.5
	d1, d2, near := math.Inf(1), math.Inf(1), 0
	for i, s := range cobbleSeeds {
		dx := math.Abs(px - s[0])
		dy := math.Abs(py - s[1])
		dx, dy = min(dx, texSize-dx), min(dy, texSize-dy)
		d := math.Hypot(dx, dy)
		if d < d1 {
			d1, d2, near = d, d1, i
		} else if d < d2 {
			d2 = d
		}
	}
	if d2-d1 < 1.1 {
		return 0.6, 255
	}
	return 0.88 + 0.3*hash(near, 0, 5) + 0.1*(hash(x, y, 6)-0.5) - 0.04*max(3-(d2-d1), 0), 255
}

func stoneTex(x, y int, _ bool) (float64, uint8) {
	f := 0.9 + 0.16*smooth(x, y, 4, 7) + 0.06*hash(x, y, 8)
	if hash(x, y, 9) > 0.94 {
		f -= 0.15
	}
	return f, 255
}

func stoneBrickTex(x, y int, _ bool) (float64, uint8) {
	row := y / 4
	bx := (x + (row%2)*4) % 8
	if y%4 == 3 || bx == 7 {
		return 0.62, 255 // mortar
	}
	f := 0.96 + 0.1*hash((x+(row%2)*4)/8, row, 10) + 0.05*hash(x, y, 11)
	if y%4 == 0 || bx == 0 {
		f *= 1.08 // bevelled top-left edge catches the light
	}
	return f, 255
}

func planksTex(x, y int, _ bool) (float64, uint8) {
	board := y / 4
	if y%4 == 3 {
		return 0.68, 255 // gap between boards
	}
	if x == (board*5+3)%texSize {
		return 0.74, 255 // butt joint, staggered per board
	}
	// Grain: streaks stretched along the board.
	return 0.95 + 0.08*hash(board, 0, 12) + 0.12*(hash(x/4+board*7, y, 13)-0.5), 255
}

func logTex(x, y int, top bool) (float64, uint8) {
	if !top {
		// Bark: vertical grooves broken up along their length.
		f := 0.9 + 0.2*hash(x, y/3, 14)
		if hash(x, 0, 15) > 0.7 {
			f *= 0.72
		}
		return f, 255
	}
	r := math.Hypot(float64(x)-7.5, float64(y)-7.5)
	if r > 6.6 {
		return 0.95 + 0.1*hash(x, y, 16), 255 // bark rim
	}
	if int(r)%2 == 0 {
		return 1.5, 255 // light heartwood
	}
	return 1.32, 255 // growth ring
}

func glassTex(x, y int, _ bool) (float64, uint8) {
	if x == 0 || y == 0 || x == texSize-1 || y == texSize-1 {
		return 0.85, 255 // frame
	}
	if d := x - y; d == 3 || d == 4 || x-y == -6 {
		return 1.1, 150 // glints
	}
	return 1, 40
}

func woolTex(x, y int, _ bool) (float64, uint8) {
	return 0.93 + 0.08*smooth(x, y, 4, 17) + 0.04*hash(x, y, 18), 255
}
