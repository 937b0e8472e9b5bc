// Package chart is the app's one line-chart widget: every chart on the charts screen is a Chart.
// Fyne has no chart widget and the community one (fyne-x) is not available to us, so this is a
// small one of our own drawn with canvas lines and text. The maths (ticks, scales, decimation)
// are pure functions, tested without a window; the widget only places what they compute.
package chart

import (
	"image/color"
	"math"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// AxisKind says how X values are read and labelled.
type AxisKind int

const (
	// AxisNumber labels X as plain numbers (round numbers, steps).
	AxisNumber AxisKind = iota
	// AxisTime reads X as Unix seconds and labels it with wall-clock times.
	AxisTime
)

// Series is one line of a chart.
type Series struct {
	Name string
	// Color names a theme colour so the line follows light and dark themes; empty picks the
	// series' place in the default palette.
	Color fyne.ThemeColorName
	// Paint, when set, is the line's fixed colour and wins over Color: for series that must
	// keep one colour whatever else is drawn (a task's colour on the charts screen).
	Paint color.Color
	// Points in ascending X (SetSeries sorts them if not). A NaN Y breaks the line.
	Points []Point
}

// Hover is what the readout shows: the data point nearest to the mouse.
type Hover struct {
	Series string
	Point  Point
	// Text is the readout as displayed, e.g. "Reward · 14:05:10 · 0.734".
	Text string
}

// Chart is a line chart with axes, a legend and a hover readout. Set the exported fields before
// showing it (or call Refresh after changing them); feed data with SetSeries on the UI goroutine.
type Chart struct {
	widget.BaseWidget

	Title  string
	XTitle string // shown under the X axis
	YTitle string // shown above the value axis, usually the unit
	XAxis  AxisKind
	// YIncludeZero keeps 0 on the value axis, for quantities where the distance from zero matters
	// (speeds, lengths) rather than the wiggle.
	YIncludeZero bool
	// Empty is shown instead of the plot while there is no point to draw.
	Empty string
	// Note is shown over the plot while there are points, for what the lines alone do not
	// say (every reward is 0 because no answer was solved yet).
	Note string
	// Location is the time zone of time-axis labels; nil means the user's local zone.
	Location *time.Location

	series []Series
	bounds dataBounds
	// xFixed holds the X range set by SetXRange (charts that share one time axis).
	xFixed         bool
	xFixLo, xFixHi float64

	hovering bool
	hoverPos fyne.Position // mouse position, widget coordinates
	hover    Hover
	hoverAt  fyne.Position // marker position, widget coordinates

	// plot maps data to widget coordinates; the renderer sets it on every layout so hover tests
	// hit what is drawn.
	plot plotArea
}

var _ desktop.Hoverable = (*Chart)(nil)

// New returns an empty chart with the given title.
func New(title string) *Chart {
	c := &Chart{Title: title, Empty: "No data yet"}
	c.ExtendBaseWidget(c)
	return c
}

// SetSeries replaces the chart's data and redraws. The chart keeps the slices it is given
// (sorting their points by X in place when they are out of order), so a caller that rebuilds
// series for every update should hand over fresh or reused slices it no longer writes to.
func (c *Chart) SetSeries(series ...Series) {
	for i := range series {
		pts := series[i].Points
		if !slices.IsSortedFunc(pts, cmpX) {
			slices.SortStableFunc(pts, cmpX)
		}
	}
	c.series = series
	c.bounds = boundsOf(series)
	if c.hovering {
		c.updateHover()
	}
	c.Refresh()
}

// SetXRange fixes the X axis to [lo, hi] whatever the data spans, so charts side by side share
// one time axis (the same ticks and label format); lo > hi, or a non-finite bound, returns to
// the data's own range. Call SetSeries or Refresh afterwards.
func (c *Chart) SetXRange(lo, hi float64) {
	c.xFixed = finite(lo) && finite(hi) && lo <= hi
	c.xFixLo, c.xFixHi = lo, hi
}

// XRange is the fixed X range set by SetXRange, and false when the chart follows its data.
func (c *Chart) XRange() (lo, hi float64, fixed bool) { return c.xFixLo, c.xFixHi, c.xFixed }

// Series returns the chart's current data (the slices given to SetSeries; do not modify).
func (c *Chart) Series() []Series { return c.series }

// Hovered returns the reading under the mouse, and false when no readout is shown.
func (c *Chart) Hovered() (Hover, bool) { return c.hover, c.hovering && c.hover.Text != "" }

// MouseIn shows the readout for the point nearest to the mouse.
func (c *Chart) MouseIn(ev *desktop.MouseEvent) { c.MouseMoved(ev) }

// MouseMoved moves the readout to the point nearest to the mouse.
func (c *Chart) MouseMoved(ev *desktop.MouseEvent) {
	c.hovering = true
	c.hoverPos = ev.Position
	c.updateHover()
	c.Refresh()
}

// MouseOut hides the readout.
func (c *Chart) MouseOut() {
	c.hovering = false
	c.hover = Hover{}
	c.Refresh()
}

// CreateRenderer is part of fyne.Widget.
func (c *Chart) CreateRenderer() fyne.WidgetRenderer {
	c.ExtendBaseWidget(c)
	return newRenderer(c)
}

func cmpX(a, b Point) int {
	switch {
	case a.X < b.X:
		return -1
	case a.X > b.X:
		return 1
	}
	return 0
}

// dataBounds is the extent of all finite points.
type dataBounds struct {
	xlo, xhi, ylo, yhi float64
	n                  int // finite points
}

func boundsOf(series []Series) dataBounds {
	b := dataBounds{xlo: math.Inf(1), xhi: math.Inf(-1), ylo: math.Inf(1), yhi: math.Inf(-1)}
	for _, s := range series {
		for _, p := range s.Points {
			if !finite(p.X) || !finite(p.Y) {
				continue
			}
			b.n++
			b.xlo, b.xhi = min(b.xlo, p.X), max(b.xhi, p.X)
			b.ylo, b.yhi = min(b.ylo, p.Y), max(b.yhi, p.Y)
		}
	}
	return b
}

// plotArea is the rectangle the data is drawn in and the data ranges it shows.
type plotArea struct {
	x, y, w, h         float32
	xlo, xhi, ylo, yhi float64
	ok                 bool
}

func (p plotArea) toScreen(pt Point) fyne.Position {
	fx := 0.5
	if p.xhi > p.xlo {
		fx = (pt.X - p.xlo) / (p.xhi - p.xlo)
	}
	fy := (pt.Y - p.ylo) / (p.yhi - p.ylo)
	return fyne.NewPos(p.x+float32(fx)*p.w, p.y+p.h-float32(fy)*p.h)
}

// hoverSlop is how far outside the plot (in pixels) the mouse may be and still get a readout, so
// points on the edge are easy to reach.
const hoverSlop = 12

// updateHover finds the point nearest to the mouse, by distance on screen.
func (c *Chart) updateHover() {
	c.hover = Hover{}
	p := c.plot
	m := c.hoverPos
	if !p.ok || m.X < p.x-hoverSlop || m.X > p.x+p.w+hoverSlop || m.Y < p.y-hoverSlop || m.Y > p.y+p.h+hoverSlop {
		return
	}
	best := float32(math.MaxFloat32)
	for _, s := range c.series {
		i, ok := nearestX(s.Points, p, m.X)
		if !ok {
			continue
		}
		at := p.toScreen(s.Points[i])
		dx, dy := at.X-m.X, at.Y-m.Y
		// Horizontal distance counts double: people aim at a moment, then pick the line.
		if d := 4*dx*dx + dy*dy; d < best {
			best = d
			c.hover = Hover{Series: s.Name, Point: s.Points[i]}
			c.hoverAt = at
		}
	}
	if best == math.MaxFloat32 {
		return
	}
	h := &c.hover
	var x string
	if c.XAxis == AxisTime {
		x = FormatInstant(h.Point.X, c.bounds.xhi, c.Location)
	} else {
		x = FormatValue(h.Point.X)
	}
	h.Text = x + " · " + FormatValue(h.Point.Y)
	if h.Series != "" {
		h.Text = h.Series + " · " + h.Text
	}
}

// nearestX returns the index of the finite point whose screen X is closest to mx. It searches
// the ascending X values, then walks outwards past gaps.
func nearestX(pts []Point, p plotArea, mx float32) (int, bool) {
	if len(pts) == 0 {
		return 0, false
	}
	xv := p.xlo
	if p.w > 0 && p.xhi > p.xlo {
		xv = p.xlo + float64((mx-p.x)/p.w)*(p.xhi-p.xlo)
	}
	i, _ := slices.BinarySearchFunc(pts, xv, func(a Point, x float64) int { return cmpX(a, Point{X: x}) })
	best, bestD := -1, math.Inf(1)
	// Right of the cut, then left; stop each walk at the first usable point.
	for j := i; j < len(pts); j++ {
		if finite(pts[j].X) && finite(pts[j].Y) {
			best, bestD = j, math.Abs(pts[j].X-xv)
			break
		}
	}
	for j := min(i, len(pts)) - 1; j >= 0; j-- {
		if finite(pts[j].X) && finite(pts[j].Y) {
			if d := math.Abs(pts[j].X - xv); d <= bestD {
				best = j
			}
			break
		}
	}
	return best, best >= 0
}

// fallbackPalette continues the theme colours for charts with many series (tasks). The values
// are mid-tones that read on light and dark backgrounds alike.
var fallbackPalette = [...]color.NRGBA{
	{R: 0x9c, G: 0x6a, B: 0xde, A: 0xff}, // purple
	{R: 0x00, G: 0xa3, B: 0xa3, A: 0xff}, // teal
	{R: 0xd0, G: 0x5c, B: 0xa8, A: 0xff}, // pink
	{R: 0x8d, G: 0x6e, B: 0x4b, A: 0xff}, // brown
}

// paletteNames are the theme colours used first, so a custom theme recolours the charts.
var paletteNames = [...]fyne.ThemeColorName{
	theme.ColorNamePrimary, theme.ColorNameWarning, theme.ColorNameSuccess, theme.ColorNameError,
}

// seriesColor resolves the colour of the i-th series in the widget's theme.
func (c *Chart) seriesColor(i int, s Series) color.Color {
	if s.Paint != nil {
		return s.Paint
	}
	th, v := c.themeVariant()
	if s.Color != "" {
		return th.Color(s.Color, v)
	}
	if i < len(paletteNames) {
		return th.Color(paletteNames[i], v)
	}
	return fallbackPalette[(i-len(paletteNames))%len(fallbackPalette)]
}

func (c *Chart) themeVariant() (fyne.Theme, fyne.ThemeVariant) {
	th := c.Theme()
	v := theme.VariantDark
	if a := fyne.CurrentApp(); a != nil {
		v = a.Settings().ThemeVariant()
	}
	return th, v
}

func (c *Chart) color(n fyne.ThemeColorName) color.Color {
	th, v := c.themeVariant()
	return th.Color(n, v)
}
