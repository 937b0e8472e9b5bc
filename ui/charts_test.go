package ui

import (
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/ui/chart"
)

// chartsNow is the fixed "now" of these tests.
var chartsNow = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

// chartsRound is a round that answered (and trained when loss > 0) at now - ago.
func chartsRound(n uint64, ago time.Duration, reward, loss float64) node.RoundMetrics {
	return node.RoundMetrics{
		Round: n, Time: chartsNow.Add(-ago), Answers: 4, Reward: reward,
		RewardByTask: map[string]float64{"math": reward + 0.1},
		AnswerTokens: 100 + float64(n), GenTokPerS: 50,
		Trained: loss > 0, Loss: loss, TrainTokPerS: 200,
	}
}

// ys lists the Y values of a series, "NaN" gaps included.
func ys(s chart.Series) []float64 {
	out := make([]float64, len(s.Points))
	for i, p := range s.Points {
		out[i] = p.Y
	}
	return out
}

// finiteYs lists the Y values of a series without its gaps.
func finiteYs(s chart.Series) []float64 {
	out := []float64{}
	for _, p := range s.Points {
		if !math.IsNaN(p.Y) {
			out = append(out, p.Y)
		}
	}
	return out
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.IsNaN(a[i]) != math.IsNaN(b[i]) || math.Abs(a[i]-b[i]) > 1e-9 {
			return false
		}
	}
	return true
}

func TestChartsBuildSeries(t *testing.T) {
	nan := math.NaN()
	idle := chartsRound(3, 50*time.Minute, 0, 0)
	idle.Answers, idle.RewardByTask, idle.GenTokPerS = 0, nil, 0
	code := chartsRound(4, 48*time.Minute, 0.9, 0.3)
	code.RewardByTask = map[string]float64{"code": 0.8, "math": 0.95}
	hist := []node.RoundMetrics{
		chartsRound(1, 54*time.Minute, 0.2, 1.5),
		chartsRound(2, 52*time.Minute, 0.4, 0), // did not train
		idle,                                   // no answers, no training
		code,
		// Four hours away, then back: every line breaks.
		chartsRound(5, 10*time.Minute, 0.6, 0.5),
		chartsRound(6, 8*time.Minute, 0.7, 0.4),
	}
	tests := []struct {
		name   string
		since  time.Time
		reward map[string][]float64
		loss   []float64
		length []float64
		train  []float64
	}{
		{
			name: "all rounds",
			reward: map[string][]float64{
				"overall": {0.2, 0.4, 0.9, nan, 0.6, 0.7},
				"code":    {0.8},
				"math":    {0.3, 0.5, 0.95, nan, 0.7, 0.8},
			},
			loss:   []float64{1.5, 0.3, nan, 0.5, 0.4},
			length: []float64{101, 102, 104, nan, 105, 106},
			train:  []float64{200, 200, nan, 200, 200},
		},
		{
			name:  "last 30 minutes",
			since: chartsNow.Add(-30 * time.Minute),
			reward: map[string][]float64{
				"overall": {0.6, 0.7},
				"math":    {0.7, 0.8},
			},
			loss:   []float64{0.5, 0.4},
			length: []float64{105, 106},
			train:  []float64{200, 200},
		},
		{
			name:   "nothing in range",
			since:  chartsNow.Add(time.Minute),
			reward: map[string][]float64{"overall": {}},
			loss:   []float64{},
			length: []float64{},
			train:  []float64{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := buildSeries(hist, tt.since)
			if d.reward[0].Name != "overall" {
				t.Errorf("first reward series is %q, want overall", d.reward[0].Name)
			}
			if len(d.reward) != len(tt.reward) {
				t.Fatalf("%d reward series, want %d", len(d.reward), len(tt.reward))
			}
			for i, s := range d.reward {
				if i > 1 && d.reward[i-1].Name > s.Name {
					t.Errorf("task series not sorted: %q before %q", d.reward[i-1].Name, s.Name)
				}
				if want, ok := tt.reward[s.Name]; !ok || !sameFloats(ys(s), want) {
					t.Errorf("reward %q = %v, want %v", s.Name, ys(s), want)
				}
			}
			for _, c := range []struct {
				name      string
				got, want []float64
			}{
				{"loss", ys(d.loss[0]), tt.loss},
				{"answer length", ys(d.length[0]), tt.length},
				{"training speed", ys(d.speed[1]), tt.train},
			} {
				if !sameFloats(c.got, c.want) {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
		})
	}
}

func TestChartsBreakAfter(t *testing.T) {
	every := func(d time.Duration, n int) []node.RoundMetrics {
		h := make([]node.RoundMetrics, n)
		for i := range h {
			h[i].Time = chartsNow.Add(time.Duration(i) * d)
		}
		return h
	}
	tests := []struct {
		name string
		hist []node.RoundMetrics
		want time.Duration
	}{
		{"too few rounds", every(time.Minute, 2), 2 * time.Minute},
		{"fast rounds keep the floor", every(30*time.Second, 20), 2 * time.Minute},
		{"slow rounds scale", every(3*time.Minute, 20), 9 * time.Minute},
	}
	for _, tt := range tests {
		if got := breakAfter(tt.hist); got != tt.want {
			t.Errorf("%s: breakAfter = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func newTestChartsView(t *testing.T) (*ChartsView, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(chartsLightTheme{theme.DefaultTheme()})
	v := NewChartsView()
	v.now = func() time.Time { return chartsNow }
	for _, c := range []*chart.Chart{v.reward, v.loss, v.length, v.speed} {
		c.Location = time.UTC
	}
	w := test.NewTempWindow(t, v.Object())
	w.Resize(fyne.NewSize(800, 560))
	return v, w
}

// chartsLightTheme pins the default theme's light colours for the golden image.
type chartsLightTheme struct{ fyne.Theme }

func (t chartsLightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}

func TestChartsViewSetHistoryThenAdd(t *testing.T) {
	v, _ := newTestChartsView(t)
	if n := len(v.reward.Series()[0].Points); n != 0 {
		t.Fatalf("new view shows %d reward points", n)
	}
	v.SetHistory([]node.RoundMetrics{
		chartsRound(2, 20*time.Minute, 0.5, 1.0),
		chartsRound(1, 22*time.Minute, 0.4, 1.2), // out of order: the view sorts
	})
	steps := []struct {
		name    string
		add     node.RoundMetrics
		overall []float64
		loss    []float64
		series  int // reward series: overall + tasks
	}{
		{"history only", node.RoundMetrics{}, []float64{0.4, 0.5}, []float64{1.2, 1.0}, 2},
		{"live round", chartsRound(3, 18*time.Minute, 0.6, 0.9), []float64{0.4, 0.5, 0.6}, []float64{1.2, 1.0, 0.9}, 2},
		{"repeat of a known round replaces it", chartsRound(3, 18*time.Minute, 0.65, 0.9), []float64{0.4, 0.5, 0.65}, []float64{1.2, 1.0, 0.9}, 2},
		{"untrained round adds no loss", chartsRound(4, 16*time.Minute, 0.7, 0), []float64{0.4, 0.5, 0.65, 0.7}, []float64{1.2, 1.0, 0.9}, 2},
		{"new task adds a series", func() node.RoundMetrics {
			m := chartsRound(5, 14*time.Minute, 0.8, 0.8)
			m.RewardByTask["logic"] = 0.6
			return m
		}(), []float64{0.4, 0.5, 0.65, 0.7, 0.8}, []float64{1.2, 1.0, 0.9, 0.8}, 3},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.add.Round != 0 {
				v.Add(s.add)
			}
			rs := v.reward.Series()
			if len(rs) != s.series {
				t.Fatalf("%d reward series, want %d", len(rs), s.series)
			}
			if got := ys(rs[0]); !sameFloats(got, s.overall) {
				t.Errorf("overall reward = %v, want %v", got, s.overall)
			}
			if got := ys(v.loss.Series()[0]); !sameFloats(got, s.loss) {
				t.Errorf("loss = %v, want %v", got, s.loss)
			}
			if got := len(v.speed.Series()[0].Points); got != len(s.overall) {
				t.Errorf("%d generation speed points, want %d", got, len(s.overall))
			}
		})
	}
}

func TestChartsViewRangeFilters(t *testing.T) {
	v, _ := newTestChartsView(t)
	v.SetHistory([]node.RoundMetrics{
		chartsRound(1, 10*24*time.Hour, 0.1, 1),
		chartsRound(2, 3*24*time.Hour, 0.2, 1),
		chartsRound(3, 2*time.Hour, 0.3, 1),
		chartsRound(4, 30*time.Minute, 0.4, 1),
	})
	tests := []struct {
		label string
		want  []float64
		empty string
	}{
		{"Last hour", []float64{0.4}, "No rounds in the last hour"},
		{"Last 24 hours", []float64{0.3, 0.4}, "No rounds in the last 24 hours"},
		{"Last 7 days", []float64{0.2, 0.3, 0.4}, "No rounds in the last 7 days"},
		{"All rounds", []float64{0.1, 0.2, 0.3, 0.4}, "No rounds yet"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			v.rangeSel.SetSelected(tt.label)
			// Sparse rounds like these also get breaks (NaN); this test is about which rounds.
			if got := finiteYs(v.reward.Series()[0]); !sameFloats(got, tt.want) {
				t.Errorf("reward in %q = %v, want %v", tt.label, got, tt.want)
			}
			if got := len(finiteYs(v.loss.Series()[0])); got != len(tt.want) {
				t.Errorf("%d loss points in %q, want %d", got, tt.label, len(tt.want))
			}
			if v.speed.Empty != tt.empty {
				t.Errorf("empty text %q, want %q", v.speed.Empty, tt.empty)
			}
		})
	}
}

func TestChartsViewLayoutColumns(t *testing.T) {
	v, w := newTestChartsView(t)
	tests := []struct {
		name       string
		size       fyne.Size
		sideBySide bool
	}{
		{"wide window: 2x2", fyne.NewSize(900, 600), true},
		{"narrow window: one column", fyne.NewSize(500, 600), false},
		{"wide again", fyne.NewSize(1000, 700), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.Resize(tt.size)
			r, l, s := v.reward.Position(), v.loss.Position(), v.speed.Position()
			if got := l.Y == r.Y && l.X > r.X; got != tt.sideBySide {
				t.Errorf("reward at %v, loss at %v: side by side = %v, want %v", r, l, got, tt.sideBySide)
			}
			if s.Y <= r.Y {
				t.Errorf("speed chart at %v is not below reward at %v", s, r)
			}
			if v.reward.Size().Width < 300 || v.reward.Size().Height < chartCellH {
				t.Errorf("reward chart is %v", v.reward.Size())
			}
		})
	}
}

func TestChartsViewGolden(t *testing.T) {
	v, w := newTestChartsView(t)
	var hist []node.RoundMetrics
	for i := range 90 {
		f := float64(i)
		m := chartsRound(uint64(100+i), time.Duration(90-i)*2*time.Minute, 0.3+0.4*f/90+0.05*math.Sin(f), 0)
		m.RewardByTask = map[string]float64{"math": m.Reward + 0.1, "code": m.Reward - 0.15 + 0.05*math.Cos(f)}
		m.AnswerTokens = 180 - f + 20*math.Sin(f/4)
		m.GenTokPerS = 40 + 5*math.Sin(f/3)
		if i%3 == 0 {
			m.Trained, m.Loss, m.TrainTokPerS = true, 2.0*math.Exp(-f/40)+0.1, 120+10*math.Cos(f/5)
		}
		hist = append(hist, m)
	}
	v.SetHistory(hist)
	test.AssertImageMatches(t, "charts_screen.png", w.Canvas().Capture())
}

// A 40-minute pause between 5-minute rounds is a gap in every line, not a straight slope across
// it (the old threshold, ten rounds and at least ten minutes, drew it as a line).
func TestChartsPauseIsAGap(t *testing.T) {
	var hist []node.RoundMetrics
	for i := range 6 {
		hist = append(hist, chartsRound(uint64(i+1), time.Duration(90-5*i)*time.Minute, 0.1*float64(i), 0.5))
	}
	for i := range 3 {
		hist = append(hist, chartsRound(uint64(i+7), time.Duration(25-5*i)*time.Minute, 0.5, 0.5))
	}
	d := buildSeries(hist, time.Time{})
	for _, s := range []chart.Series{d.reward[0], d.loss[0], d.length[0], d.speed[0]} {
		gaps := len(s.Points) - len(finiteYs(s))
		if gaps != 1 {
			t.Errorf("%s: %d gaps, want 1 across the 40-minute pause: %v", s.Name, gaps, ys(s))
		}
	}
}

// A task keeps its colour: the colours in use do not move when a new task appears (they used
// to, by place in the sorted legend), and no two tasks share one.
func TestChartsTaskColoursStable(t *testing.T) {
	v, _ := newTestChartsView(t)
	r1 := chartsRound(1, 3*time.Minute, 0.2, 0.5)
	r1.RewardByTask = map[string]float64{"math": 0.1, "logic": 0.3}
	v.SetHistory([]node.RoundMetrics{r1})
	colours := func() map[string]color.Color {
		out := map[string]color.Color{}
		for _, s := range v.reward.Series()[1:] {
			out[s.Name] = s.Paint
		}
		return out
	}
	before := colours()
	r2 := chartsRound(2, 2*time.Minute, 0.3, 0.5)
	r2.RewardByTask = map[string]float64{"arith": 0.2, "math": 0.3, "logic": 0.4, "code": 0.1}
	v.Add(r2)
	after := colours()
	for name, c := range before {
		if after[name] != c {
			t.Errorf("task %q changed colour from %v to %v when new tasks appeared", name, c, after[name])
		}
	}
	seen := map[color.Color]string{}
	for name, c := range after {
		if c == nil {
			t.Errorf("task %q has no colour", name)
		}
		if other, ok := seen[c]; ok {
			t.Errorf("tasks %q and %q share colour %v", name, other, c)
		}
		seen[c] = name
	}
	// Reopened later with the same history, the colours are the same.
	v2, _ := newTestChartsView(t)
	v2.SetHistory([]node.RoundMetrics{r1, r2})
	for _, s := range v2.reward.Series()[1:] {
		if s.Paint != after[s.Name] {
			t.Errorf("after a restart task %q is %v, was %v", s.Name, s.Paint, after[s.Name])
		}
	}
}

// Every chart shows the same time span (the loss chart used to span only the rounds that
// trained, so its axis had other ticks and another label format), every reward of 0 is
// explained in the chart, and rounds that trained nothing say why there is no training speed.
func TestChartsSharedAxisAndNotes(t *testing.T) {
	v, _ := newTestChartsView(t)
	hist := []node.RoundMetrics{
		chartsRound(1, 3*time.Hour, 0, 0), // answered, did not train
		chartsRound(2, 2*time.Minute, 0, 0.5),
		chartsRound(3, time.Minute, 0, 0.5),
	}
	for i := range hist {
		hist[i].TrainTokPerS = 0 // equal rewards: no token had anything to learn
	}
	v.SetHistory(hist)
	if !strings.Contains(v.reward.Note, "No answer solved yet") {
		t.Errorf("all-zero reward chart note %q", v.reward.Note)
	}
	if !strings.Contains(v.speed.Note, "nothing to learn") {
		t.Errorf("speed chart note %q", v.speed.Note)
	}
	type span struct{ lo, hi float64 }
	var spans []span
	for _, c := range []*chart.Chart{v.reward, v.loss, v.length, v.speed} {
		lo, hi, fixed := c.XRange()
		if !fixed {
			t.Fatalf("chart %q follows its own data, not the shared axis", c.Title)
		}
		spans = append(spans, span{lo, hi})
	}
	for i, s := range spans {
		if s != spans[0] || s.lo != float64(hist[0].Time.Unix()) {
			t.Errorf("chart %d spans %v, want %v from the first round", i, s, spans[0])
		}
	}
	hist[2].Reward = 0.5
	v.SetHistory(hist)
	if v.reward.Note != "" {
		t.Errorf("a non-zero reward still shows the note %q", v.reward.Note)
	}
}
