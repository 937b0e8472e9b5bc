package render

import (
	"image"
	"image/color"
	"math"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Camera is a pinhole camera. Yaw and pitch follow Minecraft/Malmo (degrees;
// yaw 0 looks toward +z, yaw 90 toward −x; pitch 90 looks straight down),
// so positions recorded from the game can be replayed as views.
type Camera struct {
	Eye        [3]float64
	Yaw, Pitch float64
	FOV        float64 // vertical field of view in degrees
}

// Overview is a fixed three-quarter view of the whole world.
func Overview() Camera {
	return Camera{Eye: [3]float64{-4.5, 12.5, -4.5}, Yaw: -45, Pitch: 38, FOV: 60}
}

// Options select overlays.
type Options struct {
	// Goal, if set, draws the blueprint: missing goal blocks as translucent
	// ghosts and wrong blocks tinted red, as MBAG's goal-visible player sees.
	Goal    *world.Grid
	Players []world.Vec // drawn as 1×2 columns
}

// Render draws g as seen from cam into img (every pixel is written).
func Render(img *image.RGBA, g *world.Grid, cam Camera, opt Options) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return
	}
	yaw, pitch := cam.Yaw*math.Pi/180, cam.Pitch*math.Pi/180
	fwd := [3]float64{-math.Sin(yaw) * math.Cos(pitch), -math.Sin(pitch), math.Cos(yaw) * math.Cos(pitch)}
	// Screen right from yaw alone, so looking straight down stays defined.
	right := [3]float64{-math.Cos(yaw), 0, -math.Sin(yaw)}
	up := cross(right, fwd)
	tanHalf := math.Tan(cam.FOV * math.Pi / 360)
	aspect := float64(w) / float64(h)
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
		sy := (1 - 2*(float64(py)+0.5)/float64(h)) * tanHalf
		for px := 0; px < w; px++ {
			sx := (2*(float64(px)+0.5)/float64(w) - 1) * tanHalf * aspect
			var d [3]float64
			for k := 0; k < 3; k++ {
				d[k] = fwd[k] + sx*right[k] + sy*up[k]
			}
			img.SetRGBA(b.Min.X+px, b.Min.Y+py, trace(g, &occ, cam.Eye, norm(d), opt.Goal))
		}
	}
}

// trace walks the ray through the voxel grid (3D DDA) and shades the first
// solid voxel, blending blueprint ghosts passed on the way.
func trace(g *world.Grid, occ *[world.NumVoxels]int8, o, d [3]float64, goal *world.Grid) color.RGBA {
	t0, t1, ok := clipBox(o, d)
	if !ok {
		return Sky
	}
	t := t0 + 1e-7
	var p [3]float64
	var cell, step [3]int
	var tMax, tDelta [3]float64
	for k := 0; k < 3; k++ {
		p[k] = o[k] + d[k]*t
		cell[k] = int(math.Floor(p[k]))
		lim := [3]int{world.Width, world.Height, world.Depth}[k]
		cell[k] = min(max(cell[k], 0), lim-1)
		switch {
		case d[k] > 0:
			step[k], tDelta[k] = 1, 1/d[k]
			tMax[k] = t + (float64(cell[k]+1)-p[k])/d[k]
		case d[k] < 0:
			step[k], tDelta[k] = -1, -1/d[k]
			tMax[k] = t + (float64(cell[k])-p[k])/d[k]
		default:
			tMax[k], tDelta[k] = math.Inf(1), math.Inf(1)
		}
	}
	face := entryFace(o, d, t0)
	ghostA := 0.0
	var ghost [3]float64
	for t <= t1+1e-9 {
		v := world.Vec{X: cell[0], Y: cell[1], Z: cell[2]}
		if !v.InBounds() {
			break
		}
		i := v.Index()
		blk := g[i]
		if occ[i] >= 0 {
			return mix(shade(PlayerColor[occ[i]], face), ghost, ghostA)
		}
		if blk.Solid() {
			c := shade(Palette[blk], face)
			if goal != nil && goal[i] != blk {
				c = blend(c, WrongTint, 0.55)
			}
			return mix(c, ghost, ghostA)
		}
		if goal != nil && goal[i].Solid() && ghostA < 0.6 {
			gc := shade(Palette[goal[i]], face)
			a := 0.22 * (1 - ghostA)
			for k := 0; k < 3; k++ {
				ghost[k] = (ghost[k]*ghostA + float64([3]uint8{gc.R, gc.G, gc.B}[k])*a) / (ghostA + a)
			}
			ghostA += a
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
	return mix(Sky, ghost, ghostA)
}

// Face ids: 2k = entered through the −k side (moving +k), 2k+1 = through
// the +k side. shade lights tops brightest like Minecraft's ambient light.
func shade(c color.RGBA, face int) color.RGBA {
	f := [6]float64{0.8, 0.8, 0.5, 1.0, 0.65, 0.65}[face]
	return color.RGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), 255}
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

func blend(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

func mix(c color.RGBA, ghost [3]float64, a float64) color.RGBA {
	if a == 0 {
		return c
	}
	l := func(x uint8, y float64) uint8 { return uint8(float64(x)*(1-a) + y*a + 0.5) }
	return color.RGBA{l(c.R, ghost[0]), l(c.G, ghost[1]), l(c.B, ghost[2]), 255}
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

func cross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func norm(a [3]float64) [3]float64 {
	l := math.Sqrt(a[0]*a[0] + a[1]*a[1] + a[2]*a[2])
	return [3]float64{a[0] / l, a[1] / l, a[2] / l}
}
