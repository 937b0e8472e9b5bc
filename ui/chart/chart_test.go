package chart

import (
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// variantTheme pins the default theme to light or dark; the test app reports no variant of its
// own, so this is how a golden image gets a definite look.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

var t0 = float64(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC).Unix())

// sample is a deterministic two-series time chart: a noisy rising reward with a gap, and a flat
// line with a lone reading between gaps.
func sample() []Series {
	nan := math.NaN()
	var a, b []Point
	for i := range 60 {
		x := t0 + float64(i)*120
		y := 0.2 + 0.5*float64(i)/60 + 0.08*math.Sin(float64(i)*0.9)
		if i >= 30 && i < 34 {
			y = nan
		}
		a = append(a, Point{X: x, Y: y})
		switch {
		case i%10 == 0:
			b = append(b, Point{X: x, Y: 0.4})
		}
	}
	b = append(b[:3], Point{X: b[3].X, Y: nan}, Point{X: b[3].X + 60, Y: 0.45}, Point{X: b[3].X + 120, Y: nan})
	return []Series{{Name: "overall", Points: a}, {Name: "math", Points: b}}
}

func newTestChart(t *testing.T, v fyne.ThemeVariant) (*Chart, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(variantTheme{Theme: theme.DefaultTheme(), v: v})
	c := New("Reward")
	c.XAxis, c.XTitle, c.YTitle = AxisTime, "time", "mean reward"
	c.Location = time.UTC
	c.Empty = "No rounds yet"
	w := test.NewTempWindow(t, c)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 240))
	return c, w
}

// drawn sorts the renderer's current objects by kind.
func drawn(c *Chart) (segs []*canvas.Line, texts []string, dots int) {
	for _, o := range test.WidgetRenderer(c).Objects() {
		switch v := o.(type) {
		case *canvas.Line:
			if v.StrokeWidth == lineWidth {
				segs = append(segs, v)
			}
		case *canvas.Text:
			texts = append(texts, v.Text)
		case *canvas.Circle:
			dots++
		}
	}
	return segs, texts, dots
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestChartEmptyState(t *testing.T) {
	c, _ := newTestChart(t, theme.VariantLight)
	segs, texts, _ := drawn(c)
	if len(segs) != 0 || !contains(texts, "No rounds yet") {
		t.Fatalf("empty chart draws %d segments and texts %q", len(segs), texts)
	}
	c.SetSeries(Series{Name: "x", Points: []Point{{t0, 1}}})
	segs, texts, dots := drawn(c)
	if contains(texts, "No rounds yet") || len(segs) != 0 || dots != 1 {
		t.Fatalf("one point: %d segments, %d dots, texts %q; want a single dot", len(segs), dots, texts)
	}
}

func TestChartSetSeriesUpdates(t *testing.T) {
	c, _ := newTestChart(t, theme.VariantLight)
	tests := []struct {
		name     string
		series   []Series
		segments int
		legend   []string
	}{
		{"one line", []Series{{Name: "loss", Points: pts(3, 2, 1.5, 1.2)}}, 3, []string{"loss"}},
		{"two lines", []Series{{Name: "gen", Points: pts(1, 2)}, {Name: "train", Points: pts(4, 5, 6)}}, 3, []string{"gen", "train"}},
		{"gap splits a line", []Series{{Name: "r", Points: pts(1, 2, math.NaN(), 3, 4)}}, 2, []string{"r"}},
		{"unsorted input is sorted", []Series{{Name: "u", Points: []Point{{2, 1}, {0, 1}, {1, 1}}}}, 2, []string{"u"}},
		{"cleared", nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.XAxis = AxisNumber
			c.SetSeries(tt.series...)
			if len(c.Series()) != len(tt.series) {
				t.Fatalf("Series() has %d series, want %d", len(c.Series()), len(tt.series))
			}
			segs, texts, _ := drawn(c)
			if len(segs) != tt.segments {
				t.Errorf("%d segments drawn, want %d", len(segs), tt.segments)
			}
			for _, l := range tt.legend {
				if !contains(texts, l) {
					t.Errorf("legend %q missing from %q", l, texts)
				}
			}
			for _, s := range segs {
				if s.Position1.X > s.Position2.X {
					t.Errorf("segment runs backwards: %v -> %v", s.Position1, s.Position2)
				}
			}
		})
	}
}

func TestChartHoverShowsNearestPoint(t *testing.T) {
	c, w := newTestChart(t, theme.VariantLight)
	c.SetSeries(
		Series{Name: "gen", Points: []Point{{t0, 10}, {t0 + 600, 20}, {t0 + 1200, 15}}},
		Series{Name: "train", Points: []Point{{t0, 100}, {t0 + 600, math.NaN()}, {t0 + 1200, 120}}},
	)
	at := func(x, y float64) fyne.Position { return c.plot.toScreen(Point{X: x, Y: y}) }
	tests := []struct {
		name   string
		mouse  fyne.Position
		want   string
		hidden bool
	}{
		{name: "on a point", mouse: at(t0+600, 20), want: "gen · 12:10:00 · 20.00"},
		{name: "near a point", mouse: at(t0+650, 25), want: "gen · 12:10:00 · 20.00"},
		{name: "upper line wins near it", mouse: at(t0+1150, 118), want: "train · 12:20:00 · 120.0"},
		{name: "gap is skipped", mouse: at(t0+300, 100), want: "train · 12:00:00 · 100.0"},
		{name: "outside the plot", mouse: fyne.NewPos(2, 2), hidden: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			test.MoveMouse(w.Canvas(), tt.mouse)
			h, ok := c.Hovered()
			if tt.hidden {
				if ok {
					t.Fatalf("readout %q shown at %v", h.Text, tt.mouse)
				}
				return
			}
			if !ok || h.Text != tt.want {
				t.Fatalf("hover at %v = %q (%v), want %q", tt.mouse, h.Text, ok, tt.want)
			}
			_, texts, _ := drawn(c)
			if !contains(texts, tt.want) {
				t.Errorf("readout %q not drawn; texts %q", tt.want, texts)
			}
		})
	}

	test.MoveMouse(w.Canvas(), at(t0, 10))
	c.MouseOut()
	if h, ok := c.Hovered(); ok {
		t.Fatalf("readout %q still shown after MouseOut", h.Text)
	}
	_, texts, _ := drawn(c)
	for _, s := range texts {
		if len(s) > 6 && s[:6] == "gen · " {
			t.Fatalf("readout %q still drawn after MouseOut", s)
		}
	}
}

func TestChartDecimatesLongSeries(t *testing.T) {
	c, _ := newTestChart(t, theme.VariantDark)
	p := make([]Point, 10000)
	for i := range p {
		p[i] = Point{X: t0 + float64(i)*60, Y: math.Sin(float64(i) / 30)}
	}
	c.SetSeries(Series{Name: "loss", Points: p})
	segs, _, _ := drawn(c)
	if limit := 2 * int(c.plot.w); len(segs) == 0 || len(segs) > limit {
		t.Fatalf("%d segments for 10k points in a %v-wide plot, want 1..%d", len(segs), c.plot.w, limit)
	}
	r := test.WidgetRenderer(c)
	allocs := testing.AllocsPerRun(5, r.Refresh)
	// Labels are measured and formatted on every refresh; the point data must not add to that.
	if allocs > 200 {
		t.Errorf("refresh of a 10k-point chart allocates %v times", allocs)
	}
}

func TestChartGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		v    fyne.ThemeVariant
	}{{"chart_light.png", theme.VariantLight}, {"chart_dark.png", theme.VariantDark}} {
		t.Run(tt.name, func(t *testing.T) {
			c, w := newTestChart(t, tt.v)
			c.SetSeries(sample()...)
			test.MoveMouse(w.Canvas(), c.plot.toScreen(Point{X: t0 + 10*120, Y: 0.3}))
			test.AssertImageMatches(t, tt.name, w.Canvas().Capture())
		})
	}
}
