package chart

import "math"

// Point is one reading. X is a plain number or, on a time axis, Unix seconds. A NaN Y is a gap:
// the line stops before it and starts again after it.
type Point struct {
	X, Y float64
}

// gap is the marker Decimate writes where the line must break.
var gap = Point{X: math.NaN(), Y: math.NaN()}

// Decimate thins pts (ascending X) to at most about two points per pixel column of a plot that
// maps [lo, hi] onto cols columns: for each column it keeps the lowest and the highest reading, in
// the order they occurred. A line through the survivors covers exactly the pixels the full series
// would, so spikes stay visible, while the renderer draws a few hundred segments instead of ten
// thousand. Gaps (NaN Y) survive as gap points; points with a NaN X are dropped. The result is
// appended to dst[:0], so a caller that keeps dst between refreshes allocates nothing in the
// steady state. When pts already fits, it is copied unchanged.
func Decimate(dst, pts []Point, lo, hi float64, cols int) []Point {
	dst = dst[:0]
	if cols < 1 || len(pts) <= 2*cols || !(hi > lo) || !finite(hi-lo) {
		for _, p := range pts {
			if !math.IsNaN(p.X) {
				dst = append(dst, p)
			}
		}
		return dst
	}
	scale := float64(cols) / (hi - lo)
	col := -1
	var lowP, highP Point
	lowI, highI := -1, -1
	flush := func() {
		switch {
		case lowI < 0:
		case lowI == highI:
			dst = append(dst, lowP)
		case lowI < highI:
			dst = append(dst, lowP, highP)
		default:
			dst = append(dst, highP, lowP)
		}
		lowI, highI = -1, -1
	}
	for i, p := range pts {
		if math.IsNaN(p.X) {
			continue
		}
		c := min(max(int((p.X-lo)*scale), 0), cols-1)
		if c != col {
			flush()
			col = c
		}
		if !finite(p.Y) {
			flush()
			if n := len(dst); n > 0 && !math.IsNaN(dst[n-1].Y) {
				dst = append(dst, gap)
			}
			continue
		}
		if lowI < 0 || p.Y < lowP.Y {
			lowP, lowI = p, i
		}
		if highI < 0 || p.Y > highP.Y {
			highP, highI = p, i
		}
	}
	flush()
	return dst
}
