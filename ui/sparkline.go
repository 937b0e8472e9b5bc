package ui

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sparkline is the dashboard's small trend line: values only, no axes, scaled to its own
// minimum and maximum so a slow climb still shows. A NaN value breaks the line (a pause). The
// full charts, with axes and readouts, are on the charts screen.
type sparkline struct {
	widget.BaseWidget
	values []float64
}

func newSparkline() *sparkline {
	s := &sparkline{}
	s.ExtendBaseWidget(s)
	return s
}

// SetValues replaces the line's values, oldest first.
func (s *sparkline) SetValues(v []float64) {
	s.values = append(s.values[:0], v...)
	s.Refresh()
}

func (s *sparkline) CreateRenderer() fyne.WidgetRenderer {
	r := &sparkRenderer{s: s, base: canvas.NewLine(nil)}
	r.Refresh()
	return r
}

type sparkRenderer struct {
	s    *sparkline
	base *canvas.Line
	segs []*canvas.Line
	dots []*canvas.Circle
	objs []fyne.CanvasObject
	size fyne.Size
}

func (r *sparkRenderer) Layout(size fyne.Size) {
	r.size = size
	r.rebuild()
}

func (r *sparkRenderer) MinSize() fyne.Size { return fyne.NewSize(120, 36) }

func (r *sparkRenderer) Refresh() {
	r.rebuild()
	canvas.Refresh(r.s)
}

// points are the values' screen positions (NaN X for a break).
func sparkPoints(values []float64, size fyne.Size) []fyne.Position {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo > hi {
		return nil
	}
	const margin = 3
	w, h := size.Width-2*margin, size.Height-2*margin
	out := make([]fyne.Position, len(values))
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			out[i] = fyne.NewPos(float32(math.NaN()), 0)
			continue
		}
		fx := float32(0.5)
		if len(values) > 1 {
			fx = float32(i) / float32(len(values)-1)
		}
		fy := float32(0.5)
		if hi > lo {
			fy = float32((v - lo) / (hi - lo))
		}
		out[i] = fyne.NewPos(margin+fx*w, margin+(1-fy)*h)
	}
	return out
}

func (r *sparkRenderer) rebuild() {
	th := r.s.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	col := th.Color(theme.ColorNamePrimary, v)
	r.base.StrokeColor = th.Color(theme.ColorNameSeparator, v)
	r.base.StrokeWidth = 1
	r.base.Position1 = fyne.NewPos(0, r.size.Height-1)
	r.base.Position2 = fyne.NewPos(r.size.Width, r.size.Height-1)
	r.objs = append(r.objs[:0], r.base)
	pts := sparkPoints(r.s.values, r.size)
	ns, nd := 0, 0
	ok := func(p fyne.Position) bool { return !math.IsNaN(float64(p.X)) }
	for i, p := range pts {
		if !ok(p) {
			continue
		}
		prev := i > 0 && ok(pts[i-1])
		next := i+1 < len(pts) && ok(pts[i+1])
		switch {
		case prev:
			if ns == len(r.segs) {
				r.segs = append(r.segs, canvas.NewLine(nil))
			}
			l := r.segs[ns]
			ns++
			l.StrokeColor, l.StrokeWidth = col, 2
			l.Position1, l.Position2 = pts[i-1], p
			r.objs = append(r.objs, l)
		case !next:
			if nd == len(r.dots) {
				r.dots = append(r.dots, canvas.NewCircle(nil))
			}
			d := r.dots[nd]
			nd++
			d.FillColor = col
			d.Move(fyne.NewPos(p.X-2, p.Y-2))
			d.Resize(fyne.NewSize(4, 4))
			r.objs = append(r.objs, d)
		}
	}
}

func (r *sparkRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *sparkRenderer) Destroy()                     {}
