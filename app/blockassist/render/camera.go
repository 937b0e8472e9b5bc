package render

import "math"

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

// lens is a camera's screen for one view size: its forward, right and up unit vectors and the
// scale from pixels to the image plane. Render and Ray both go through it, so what a click picks
// is exactly what is drawn under the cursor.
type lens struct {
	fwd, right, up [3]float64
	tanHalf        float64 // tan of half the vertical field of view
	w, h, aspect   float64
}

func (c Camera) lens(w, h float64) lens {
	yaw, pitch := c.Yaw*math.Pi/180, c.Pitch*math.Pi/180
	fwd := [3]float64{-math.Sin(yaw) * math.Cos(pitch), -math.Sin(pitch), math.Cos(yaw) * math.Cos(pitch)}
	// Screen right from yaw alone, so looking straight down stays defined.
	right := [3]float64{-math.Cos(yaw), 0, -math.Sin(yaw)}
	return lens{fwd: fwd, right: right, up: cross(right, fwd), tanHalf: math.Tan(c.FOV * math.Pi / 360),
		w: w, h: h, aspect: w / h}
}

// dir is the unit direction through point (px, py) of the view, in pixels from its top left
// corner (a pixel's centre is at +0.5).
func (l lens) dir(px, py float64) [3]float64 {
	sx := (2*px/l.w - 1) * l.tanHalf * l.aspect
	sy := (1 - 2*py/l.h) * l.tanHalf
	return norm([3]float64{
		l.fwd[0] + sx*l.right[0] + sy*l.up[0],
		l.fwd[1] + sx*l.right[1] + sy*l.up[1],
		l.fwd[2] + sx*l.right[2] + sy*l.up[2],
	})
}

// Ray is the ray from the eye through point (px, py) of a w×h view (pixels from the top left):
// what the player points at. An empty view gives the forward direction.
func (c Camera) Ray(w, h, px, py float64) (o, d [3]float64) {
	l := c.lens(w, h)
	if w <= 0 || h <= 0 {
		return c.Eye, l.fwd
	}
	return c.Eye, l.dir(px, py)
}

func cross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func norm(a [3]float64) [3]float64 {
	l := math.Sqrt(a[0]*a[0] + a[1]*a[1] + a[2]*a[2])
	return [3]float64{a[0] / l, a[1] / l, a[2] / l}
}
