package chart

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// Drawing constants, in Fyne units.
const (
	minWidth    = 240
	minHeight   = 160
	lineWidth   = 1.5
	dotRadius   = 2
	markRadius  = 4
	swatchW     = 12
	swatchH     = 3
	yTickPixels = 28 // vertical room per value-axis label
	xTickPixels = 80 // horizontal room per time or number label
)

// renderer draws a Chart from pooled canvas objects: lines, dots and labels are created once and
// reused on every refresh, so a live chart does not churn the allocator or the painter's caches.
type renderer struct {
	c    *Chart
	size fyne.Size

	objects []fyne.CanvasObject

	title, xTitle, yTitle, empty, note *canvas.Text

	grid     pool[*canvas.Line]
	labels   pool[*canvas.Text]
	swatches pool[*canvas.Rectangle]
	segs     pool[*canvas.Line]
	dots     pool[*canvas.Circle]

	guide    *canvas.Line
	marker   *canvas.Circle
	readBack *canvas.Rectangle
	readText *canvas.Text

	dec    []Point // decimation buffer, kept between refreshes
	yTicks []float64
	xTicks []float64
}

// pool hands out objects in order and keeps them for the next rebuild.
type pool[T any] struct {
	items []T
	used  int
	make  func() T
}

func (p *pool[T]) next() T {
	if p.used == len(p.items) {
		p.items = append(p.items, p.make())
	}
	p.used++
	return p.items[p.used-1]
}

func newRenderer(c *Chart) *renderer {
	r := &renderer{
		c:        c,
		title:    &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}},
		xTitle:   &canvas.Text{},
		yTitle:   &canvas.Text{},
		empty:    &canvas.Text{Alignment: fyne.TextAlignCenter},
		note:     &canvas.Text{Alignment: fyne.TextAlignCenter},
		guide:    &canvas.Line{StrokeWidth: 1},
		marker:   &canvas.Circle{StrokeWidth: 2},
		readBack: &canvas.Rectangle{StrokeWidth: 1, CornerRadius: 4},
		readText: &canvas.Text{},
	}
	r.grid.make = func() *canvas.Line { return &canvas.Line{StrokeWidth: 1} }
	r.labels.make = func() *canvas.Text { return &canvas.Text{} }
	r.swatches.make = func() *canvas.Rectangle { return &canvas.Rectangle{} }
	r.segs.make = func() *canvas.Line { return &canvas.Line{StrokeWidth: lineWidth} }
	r.dots.make = func() *canvas.Circle { return &canvas.Circle{} }
	return r
}

func (r *renderer) Destroy() {}

func (r *renderer) Layout(size fyne.Size) {
	r.size = size
	r.rebuild()
}

func (r *renderer) MinSize() fyne.Size { return fyne.NewSize(minWidth, minHeight) }

func (r *renderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *renderer) Refresh() {
	r.rebuild()
	canvas.Refresh(r.c)
}

// text places a pooled label and returns its size.
func (r *renderer) text(s string, size float32, col color.Color, pos fyne.Position) fyne.Size {
	t := r.labels.next()
	t.Text, t.TextSize, t.Color = s, size, col
	t.TextStyle = fyne.TextStyle{}
	t.Alignment = fyne.TextAlignLeading
	ms := t.MinSize()
	t.Move(pos)
	t.Resize(ms)
	r.objects = append(r.objects, t)
	return ms
}

func (r *renderer) line(p *pool[*canvas.Line], a, b fyne.Position, col color.Color) {
	l := p.next()
	l.Position1, l.Position2, l.StrokeColor = a, b, col
	r.objects = append(r.objects, l)
}

// style is the theme's colours and sizes one rebuild draws with.
type style struct {
	th                 fyne.Theme
	v                  fyne.ThemeVariant
	fg, dim, sep       color.Color
	pad, textSize, cap float32 // padding, text and caption sizes
	capH               float32 // a caption line's height
}

func (r *renderer) style() style {
	th, v := r.c.themeVariant()
	capSize := th.Size(theme.SizeNameCaptionText)
	return style{th: th, v: v,
		fg: th.Color(theme.ColorNameForeground, v), dim: th.Color(theme.ColorNamePlaceHolder, v),
		sep: th.Color(theme.ColorNameSeparator, v), pad: th.Size(theme.SizeNamePadding),
		textSize: th.Size(theme.SizeNameText), cap: capSize,
		capH: fyne.MeasureText("0", capSize, fyne.TextStyle{}).Height}
}

// rebuild recomputes every object from the chart's data and the current size. The plot area it
// lays out is the one piece of the widget's state it sets: hovering maps the mouse through it.
func (r *renderer) rebuild() {
	c := r.c
	st := r.style()
	r.objects = r.objects[:0]
	r.grid.used, r.labels.used, r.swatches.used, r.segs.used, r.dots.used = 0, 0, 0, 0, 0

	top, bottom := r.drawHeader(st)
	p, ystep, ok := r.layoutPlot(st, top, bottom)
	c.plot = p
	if !ok {
		c.hover = Hover{}
		r.drawEmpty(st, top, bottom)
		return
	}
	r.xTitle.Hidden = false
	r.drawValueAxis(st, p, ystep)
	r.drawXAxis(st, p)
	r.drawSeries(p)
	r.drawNote(st, p)
	if c.hovering {
		c.updateHover()
	}
	if _, ok := c.Hovered(); ok {
		r.drawHover(st.th, st.v, st.pad, st.cap)
	}
}

// drawHeader adds the title, the legend flowing after it and wrapping onto further rows, the
// value axis' title and the x axis' title (placed once the plot is known), and returns the room
// left for the plot: from top to bottom.
func (r *renderer) drawHeader(st style) (top, bottom float32) {
	c := r.c
	pad, capSize, capH := st.pad, st.cap, st.capH
	w, h := r.size.Width, r.size.Height
	r.title.Text, r.title.TextSize, r.title.Color = c.Title, st.textSize, st.fg
	ts := r.title.MinSize()
	r.title.Move(fyne.NewPos(pad, pad))
	r.title.Resize(ts)
	r.objects = append(r.objects, r.title)
	x, y := pad+ts.Width+2*pad, pad
	rowH := max(ts.Height, capH)
	if c.Title == "" {
		x = pad
	}
	for i, s := range c.series {
		if s.Name == "" {
			continue
		}
		tw := fyne.MeasureText(s.Name, capSize, fyne.TextStyle{}).Width
		if x > pad && x+swatchW+4+tw > w-pad {
			x, y = pad, y+rowH
		}
		sw := r.swatches.next()
		sw.FillColor = c.seriesColor(i, s)
		sw.Move(fyne.NewPos(x, y+(rowH-swatchH)/2))
		sw.Resize(fyne.NewSize(swatchW, swatchH))
		r.objects = append(r.objects, sw)
		r.text(s.Name, capSize, st.fg, fyne.NewPos(x+swatchW+4, y+(rowH-capH)/2))
		x += swatchW + 4 + tw + 2*pad
	}
	y += rowH
	if c.YTitle != "" {
		r.yTitle.Text, r.yTitle.TextSize, r.yTitle.Color = c.YTitle, capSize, st.dim
		r.yTitle.Move(fyne.NewPos(pad, y))
		r.yTitle.Resize(r.yTitle.MinSize())
		r.objects = append(r.objects, r.yTitle)
		y += capH
	}

	bottom = h - pad
	if c.XTitle != "" {
		r.xTitle.Text, r.xTitle.TextSize, r.xTitle.Color = c.XTitle, capSize, st.dim
		xs := r.xTitle.MinSize()
		bottom -= xs.Height
		r.xTitle.Resize(xs)
		r.objects = append(r.objects, r.xTitle) // moved once the plot's centre is known
	}
	bottom -= capH + 2        // x tick labels
	return y + capH/2, bottom // half a label above the top grid line
}

// drawEmpty shows the chart's Empty text where the plot would be.
func (r *renderer) drawEmpty(st style, top, bottom float32) {
	r.empty.Text, r.empty.TextSize, r.empty.Color = r.c.Empty, st.textSize, st.dim
	es := r.empty.MinSize()
	r.empty.Resize(fyne.NewSize(r.size.Width, es.Height))
	r.empty.Move(fyne.NewPos(0, top+(max(bottom-top, es.Height)-es.Height)/2))
	r.objects = append(r.objects, r.empty)
	if r.c.XTitle != "" {
		r.xTitle.Hidden = true
	}
}

// layoutPlot chooses both axes' ranges and the plot's place between top and bottom, leaving
// room for the value labels; it returns the value axis' tick step too (its ticks are in
// r.yTicks). ok is false when there is nothing to plot or no room for it.
func (r *renderer) layoutPlot(st style, top, bottom float32) (p plotArea, ystep float64, ok bool) {
	c, b, w := r.c, r.c.bounds, r.size.Width
	if b.n == 0 || bottom-top < 8 || w < 4*st.pad {
		return plotArea{}, 0, false
	}
	// Value axis.
	ylo, yhi := b.ylo, b.yhi
	if c.YIncludeZero {
		ylo, yhi = min(ylo, 0), max(yhi, 0)
	}
	ny := max(2, int((bottom-top)/yTickPixels))
	ylo, yhi = NiceBounds(ylo, yhi, ny)
	r.yTicks = append(r.yTicks[:0], Ticks(ylo, yhi, ny)...)
	if len(r.yTicks) > 1 {
		ystep = r.yTicks[1] - r.yTicks[0]
	}
	labelW := float32(0)
	for _, t := range r.yTicks {
		labelW = max(labelW, fyne.MeasureText(FormatTick(t, ystep), st.cap, fyne.TextStyle{}).Width)
	}

	// Time axis (or number axis): a lone point gets a little room on both sides.
	xlo, xhi := b.xlo, b.xhi
	if c.xFixed {
		xlo, xhi = c.xFixLo, c.xFixHi
	}
	if xhi == xlo {
		d := 1.0
		if c.XAxis == AxisTime {
			d = 60
		}
		xlo, xhi = xlo-d, xhi+d
	}
	p = plotArea{x: st.pad + labelW + st.pad, y: top, xlo: xlo, xhi: xhi, ylo: ylo, yhi: yhi, ok: true}
	p.w = max(1, w-p.x-2*st.pad)
	p.h = bottom - top
	return p, ystep, true
}

// drawValueAxis adds the horizontal grid lines and their labels at r.yTicks.
func (r *renderer) drawValueAxis(st style, p plotArea, ystep float64) {
	for _, t := range r.yTicks {
		at := p.toScreen(Point{X: p.xlo, Y: t})
		r.line(&r.grid, at, fyne.NewPos(p.x+p.w, at.Y), st.sep)
		s := FormatTick(t, ystep)
		sw := fyne.MeasureText(s, st.cap, fyne.TextStyle{}).Width
		r.text(s, st.cap, st.dim, fyne.NewPos(p.x-st.pad-sw, at.Y-st.capH/2))
	}
}

// drawXAxis adds the vertical grid lines with their time or number labels (a label that would
// overlap its neighbour is left out) and centres the x axis' title under the plot.
func (r *renderer) drawXAxis(st style, p plotArea) {
	c, w := r.c, r.size.Width
	nx := max(2, int(p.w/xTickPixels))
	var xstep float64
	if c.XAxis == AxisTime {
		var ts []float64
		ts, xstep = TimeTicks(p.xlo, p.xhi, nx, c.Location)
		r.xTicks = append(r.xTicks[:0], ts...)
	} else {
		r.xTicks = append(r.xTicks[:0], Ticks(p.xlo, p.xhi, nx)...)
		if len(r.xTicks) > 1 {
			xstep = r.xTicks[1] - r.xTicks[0]
		}
	}
	lastEnd := float32(math.Inf(-1))
	for _, t := range r.xTicks {
		at := p.toScreen(Point{X: t, Y: p.ylo})
		r.line(&r.grid, fyne.NewPos(at.X, p.y), fyne.NewPos(at.X, p.y+p.h+3), st.sep)
		var s string
		if c.XAxis == AxisTime {
			s = FormatTime(t, xstep, c.Location)
		} else {
			s = FormatTick(t, xstep)
		}
		sw := fyne.MeasureText(s, st.cap, fyne.TextStyle{}).Width
		lx := min(max(at.X-sw/2, 0), w-sw)
		if lx < lastEnd+st.pad {
			continue // would overlap its neighbour
		}
		lastEnd = lx + sw
		r.text(s, st.cap, st.dim, fyne.NewPos(lx, p.y+p.h+2))
	}
	if c.XTitle != "" {
		r.xTitle.Move(fyne.NewPos(p.x+(p.w-r.xTitle.Size().Width)/2, r.size.Height-st.pad-r.xTitle.Size().Height))
	}
}

// drawSeries adds the series, decimated to the plot's pixel columns: one segment per pair of
// neighbours, a dot for a reading with no neighbour (the first round, or one between gaps).
func (r *renderer) drawSeries(p plotArea) {
	c := r.c
	for i, s := range c.series {
		col := c.seriesColor(i, s)
		r.dec = Decimate(r.dec, s.Points, p.xlo, p.xhi, int(p.w))
		for j, pt := range r.dec {
			if !finite(pt.Y) {
				continue
			}
			prevOK := j > 0 && finite(r.dec[j-1].Y)
			nextOK := j+1 < len(r.dec) && finite(r.dec[j+1].Y)
			at := p.toScreen(pt)
			if prevOK {
				r.line(&r.segs, p.toScreen(r.dec[j-1]), at, col)
			} else if !nextOK {
				d := r.dots.next()
				d.FillColor = col
				d.Move(fyne.NewPos(at.X-dotRadius, at.Y-dotRadius))
				d.Resize(fyne.NewSize(2*dotRadius, 2*dotRadius))
				r.objects = append(r.objects, d)
			}
		}
	}
}

// drawNote adds the chart's Note over the upper part of the plot.
func (r *renderer) drawNote(st style, p plotArea) {
	if r.c.Note == "" {
		return
	}
	r.note.Text, r.note.TextSize, r.note.Color = r.c.Note, st.textSize, st.fg
	ns := r.note.MinSize()
	r.note.Resize(fyne.NewSize(p.w, ns.Height))
	r.note.Move(fyne.NewPos(p.x, p.y+max(0, (p.h-ns.Height)/3)))
	r.objects = append(r.objects, r.note)
}

// drawHover adds the guide line, the marker on the nearest point and the readout box beside it,
// kept inside the widget.
func (r *renderer) drawHover(th fyne.Theme, v fyne.ThemeVariant, pad, capSize float32) {
	c, p := r.c, r.c.plot
	at := c.hoverAt
	r.guide.StrokeColor = th.Color(theme.ColorNamePlaceHolder, v)
	r.guide.Position1, r.guide.Position2 = fyne.NewPos(at.X, p.y), fyne.NewPos(at.X, p.y+p.h)
	col := th.Color(theme.ColorNameForeground, v)
	for i, s := range c.series {
		if s.Name == c.hover.Series {
			col = c.seriesColor(i, s)
			break
		}
	}
	r.marker.FillColor = col
	r.marker.StrokeColor = th.Color(theme.ColorNameBackground, v)
	r.marker.Move(fyne.NewPos(at.X-markRadius, at.Y-markRadius))
	r.marker.Resize(fyne.NewSize(2*markRadius, 2*markRadius))

	r.readText.Text, r.readText.TextSize = c.hover.Text, capSize
	r.readText.Color = th.Color(theme.ColorNameForeground, v)
	ts := r.readText.MinSize()
	bs := fyne.NewSize(ts.Width+2*pad, ts.Height+pad)
	bx := at.X + 2*markRadius
	if bx+bs.Width > r.size.Width {
		bx = at.X - 2*markRadius - bs.Width
	}
	bx = max(bx, 0)
	by := at.Y - 2*markRadius - bs.Height
	if by < 0 {
		by = at.Y + 2*markRadius
	}
	r.readBack.FillColor = th.Color(theme.ColorNameOverlayBackground, v)
	r.readBack.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	r.readBack.Move(fyne.NewPos(bx, by))
	r.readBack.Resize(bs)
	r.readText.Move(fyne.NewPos(bx+pad, by+pad/2))
	r.readText.Resize(ts)
	r.objects = append(r.objects, r.guide, r.marker, r.readBack, r.readText)
}
