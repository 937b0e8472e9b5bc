package render

import (
	"image"
	"image/color"
	"math"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Options select overlays.
type Options struct {
	// Goal, if set, draws the blueprint: missing goal blocks as translucent
	// ghosts and wrong blocks tinted red, as MBAG's goal-visible player sees.
	Goal    *world.Grid
	Players []world.Vec // drawn as slim 0.6×2×0.6 columns (see avatarHalf)
	// Target, if set, outlines that voxel with thin dark edges: the block under the cursor,
	// so the player sees what a click would break or build against before clicking.
	Target *world.Vec
}

// outlineColor is the target outline, blended over the block so edges stay visible on both
// bright (wool, glass) and dark (bedrock) blocks.
var outlineColor = color.RGBA{15, 15, 20, 255}

// outlinePixels is the outline's width in pixels.
const outlinePixels = 1.3

// Render draws g as seen from cam into img (every pixel is written).
func Render(img *image.RGBA, g *world.Grid, cam Camera, opt Options) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return
	}
	l := cam.lens(float64(w), float64(h))
	// World size of one pixel per unit of ray distance, so the outline stays as thin near as far.
	pixel := 2 * l.tanHalf / float64(h)
	var occ [world.NumVoxels]int8
	for i := range occ {
		occ[i] = -1
	}
	for i, p := range opt.Players {
		for _, v := range []world.Vec{p, p.Add(world.Vec{Y: 1})} {
			if v.InBounds() {
				occ[v.Index()] = int8(i % len(PlayerColor))
			}
		}
	}
	for py := 0; py < h; py++ {
		for px := 0; px < w; px++ {
			d := l.dir(float64(px)+0.5, float64(py)+0.5)
			img.SetRGBA(b.Min.X+px, b.Min.Y+py, trace(g, &occ, cam.Eye, d, &opt, pixel))
		}
	}
}

// trace follows the ray through the voxel grid (walk) and shades the first opaque surface: a
// textured block face or a player. See-through layers passed on the way (blueprint ghosts,
// glass) are composited front to back.
func trace(g *world.Grid, occ *[world.NumVoxels]int8, o, d [3]float64, opt *Options, pixel float64) color.RGBA {
	goal := opt.Goal
	// Premultiplied colour and coverage of the see-through layers in front.
	var acc [3]float64
	accA := 0.0
	ghostA := 0.0
	prev := world.Air
	out, opaque := Sky, false
	walk(o, d, func(v world.Vec, t float64, face int) bool {
		i := v.Index()
		blk := g[i]
		if occ[i] >= 0 {
			if f, hit := avatarHit(o, d, v); hit {
				out, opaque = over(acc, accA, shade(PlayerColor[occ[i]], f)), true
				return false
			}
		}
		if blk.Solid() && blk != prev {
			u, w, fu, fw := faceUV(o, d, t, [3]int{v.X, v.Y, v.Z}, face)
			tex := &faceTex[blk]
			if blk == world.Dirt && v.Y == world.DirtY {
				tex = groundTex
			}
			c := tex[face][texIndex(u, w)]
			if goal != nil && goal[i] != blk {
				c = blendKeep(c, WrongTint, 0.55)
			}
			if opt.Target != nil && v == *opt.Target && onEdge(u, w, fu, fw, d, pixel*t) {
				c = blend(c, outlineColor, 0.85)
			}
			if c.A == 255 {
				out, opaque = over(acc, accA, c), true
				return false
			}
			a := float64(c.A) / 255 * (1 - accA)
			acc[0] += float64(c.R) * a
			acc[1] += float64(c.G) * a
			acc[2] += float64(c.B) * a
			accA += a
		}
		if !blk.Solid() && goal != nil && goal[i].Solid() && ghostA < 0.6 {
			// Ghosts stay flat (untextured): the blueprint must not be mistaken for blocks.
			gc := shade(Palette[goal[i]], face)
			a := 0.22 * (1 - accA)
			acc[0] += float64(gc.R) * a
			acc[1] += float64(gc.G) * a
			acc[2] += float64(gc.B) * a
			accA += a
			ghostA += a
		}
		prev = blk
		return true
	})
	if opaque {
		return out
	}
	return over(acc, accA, Sky)
}

// avatarHalf is half an avatar's width: 0.6 like a Minecraft player, so an avatar standing next
// to the camera no longer fills the view as a whole voxel-wide column did.
const avatarHalf = 0.3

// avatarHit intersects the ray with the avatar's slim box inside voxel v (full height, centred
// in x and z) and returns the face id it enters through.
func avatarHit(o, d [3]float64, v world.Vec) (int, bool) {
	lo := [3]float64{float64(v.X) + 0.5 - avatarHalf, float64(v.Y), float64(v.Z) + 0.5 - avatarHalf}
	hi := [3]float64{float64(v.X) + 0.5 + avatarHalf, float64(v.Y) + 1, float64(v.Z) + 0.5 + avatarHalf}
	tn, tf, face := math.Inf(-1), math.Inf(1), 3
	for k := 0; k < 3; k++ {
		if d[k] == 0 {
			if o[k] < lo[k] || o[k] > hi[k] {
				return 0, false
			}
			continue
		}
		a, b := (lo[k]-o[k])/d[k], (hi[k]-o[k])/d[k]
		f := 2 * k
		if a > b {
			a, b, f = b, a, 2*k+1
		}
		if a > tn {
			tn, face = a, f
		}
		tf = min(tf, b)
	}
	return face, tn <= tf && tf > 0
}

// faceUV is where the ray at distance t meets the face it entered cell through, as texture
// coordinates (u right, w down; sides keep "down" along −y so textures stand upright) and the
// axes they were taken from. Taking the fraction against the cell (not math.Floor of the hit
// point) keeps rounding at voxel borders from wrapping to the opposite texel.
func faceUV(o, d [3]float64, t float64, cell [3]int, face int) (u, w float64, fu, fw int) {
	switch face / 2 {
	case 0:
		fu, fw = 2, 1
	case 1:
		fu, fw = 0, 2
	default:
		fu, fw = 0, 1
	}
	u = o[fu] + d[fu]*t - float64(cell[fu])
	w = o[fw] + d[fw]*t - float64(cell[fw])
	if face/2 != 1 {
		w = 1 - w
	}
	return u, w, fu, fw
}

// onEdge reports whether (u, w) lies within the outline band of the face. size is one pixel's
// world size at the hit; each band widens by how foreshortened its axis is (the length of the
// axis's unit vector seen perpendicular to the ray), so edges do not vanish at grazing angles.
func onEdge(u, w float64, fu, fw int, d [3]float64, size float64) bool {
	eu := outlinePixels * size / math.Sqrt(max(1-d[fu]*d[fu], 0.05))
	ew := outlinePixels * size / math.Sqrt(max(1-d[fw]*d[fw], 0.05))
	return u < eu || u > 1-eu || w < ew || w > 1-ew
}

// Face ids: 2k = entered through the −k side (moving +k), 2k+1 = through
// the +k side. shade lights tops brightest like Minecraft's ambient light.
func shade(c color.RGBA, face int) color.RGBA {
	f := faceLight[face]
	return color.RGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), 255}
}

// faceLight is the light factor per face id (x sides, bottom, top, z sides).
var faceLight = [6]float64{0.8, 0.8, 0.5, 1.0, 0.65, 0.65}

func blend(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

// blendKeep is blend that keeps a's alpha, so a wrong glass block stays see-through.
func blendKeep(a, b color.RGBA, t float64) color.RGBA {
	c := blend(a, b, t)
	c.A = a.A
	return c
}

// over puts the premultiplied see-through layers acc (coverage a) over the opaque colour c.
func over(acc [3]float64, a float64, c color.RGBA) color.RGBA {
	if a == 0 {
		return c
	}
	l := func(x uint8, y float64) uint8 { return uint8(min(float64(x)*(1-a)+y+0.5, 255)) }
	return color.RGBA{l(c.R, acc[0]), l(c.G, acc[1]), l(c.B, acc[2]), 255}
}
