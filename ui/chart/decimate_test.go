package chart

import (
	"math"
	"testing"
)

func pts(ys ...float64) []Point {
	out := make([]Point, len(ys))
	for i, y := range ys {
		out[i] = Point{X: float64(i), Y: y}
	}
	return out
}

func samePoints(a, b []Point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		ax, bx := a[i].X, b[i].X
		ay, by := a[i].Y, b[i].Y
		if (ax != bx && !(math.IsNaN(ax) && math.IsNaN(bx))) || (ay != by && !(math.IsNaN(ay) && math.IsNaN(by))) {
			return false
		}
	}
	return true
}

func TestDecimate(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		in     []Point
		lo, hi float64
		cols   int
		want   []Point
	}{
		{
			name: "fits: unchanged",
			in:   pts(1, 2, 3), lo: 0, hi: 2, cols: 10,
			want: pts(1, 2, 3),
		},
		{
			name: "fits: NaN X dropped",
			in:   []Point{{0, 1}, {nan, 2}, {2, 3}}, lo: 0, hi: 2, cols: 10,
			want: []Point{{0, 1}, {2, 3}},
		},
		{
			// Eight points into two columns of four: each column keeps its low and its high, in
			// the order they came, so the spike at x=5 survives.
			name: "min and max per column",
			in:   pts(3, 1, 4, 2, 2, 9, 2, 2), lo: 0, hi: 8, cols: 2,
			want: []Point{{1, 1}, {2, 4}, {4, 2}, {5, 9}},
		},
		{
			name: "high before low keeps order",
			in:   pts(5, 9, 0, 5, 5, 5, 5, 5), lo: 0, hi: 8, cols: 2,
			want: []Point{{1, 9}, {2, 0}, {4, 5}},
		},
		{
			name: "gap survives",
			in:   pts(1, 2, nan, 3, 4, 5, 6, 7), lo: 0, hi: 8, cols: 2,
			want: []Point{{0, 1}, {1, 2}, gap, {3, 3}, {4, 4}, {7, 7}},
		},
		{
			name: "infinite Y is a gap",
			in:   pts(1, 1, 1, math.Inf(1), 1, 1, 1, 1), lo: 0, hi: 8, cols: 2,
			want: []Point{{0, 1}, gap, {4, 1}},
		},
		{
			name: "flat column is one point",
			in:   pts(2, 2, 2, 2, 2, 2, 2, 2), lo: 0, hi: 8, cols: 2,
			want: []Point{{0, 2}, {4, 2}},
		},
		{
			name: "points outside the range land in the edge columns",
			in:   []Point{{-5, 1}, {0, 2}, {1, 3}, {2, 4}, {9, 5}, {10, 6}}, lo: 0, hi: 2, cols: 2,
			want: []Point{{-5, 1}, {0, 2}, {1, 3}, {10, 6}},
		},
		{
			name: "zero columns passes through",
			in:   pts(1, 2), lo: 0, hi: 1, cols: 0,
			want: pts(1, 2),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decimate(nil, tt.in, tt.lo, tt.hi, tt.cols)
			if !samePoints(got, tt.want) {
				t.Errorf("Decimate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecimateBoundsOutputAndReusesBuffer(t *testing.T) {
	in := make([]Point, 10000)
	for i := range in {
		in[i] = Point{X: float64(i), Y: math.Sin(float64(i) / 50)}
	}
	in[7777].Y = 100 // a single spike among ten thousand points
	buf := make([]Point, 0, 1000)
	out := Decimate(buf, in, 0, 9999, 400)
	if len(out) > 800 {
		t.Fatalf("%d points for 400 columns, want at most 800", len(out))
	}
	if &out[0] != &buf[:1][0] {
		t.Error("Decimate did not reuse the buffer it was given")
	}
	spike := false
	for _, p := range out {
		spike = spike || p.Y == 100
	}
	if !spike {
		t.Error("the spike was decimated away")
	}
	allocs := testing.AllocsPerRun(10, func() { out = Decimate(out, in, 0, 9999, 400) })
	if allocs != 0 {
		t.Errorf("steady-state Decimate allocates %v times", allocs)
	}
}
