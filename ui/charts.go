package ui

import (
	"image/color"
	"math"
	"slices"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/ui/chart"
)

// timeRange is one choice of the charts' range selector.
type timeRange struct {
	label string
	span  time.Duration // 0: everything
	empty string        // shown by a chart with nothing in the range
}

// timeRanges are the selector's choices, measured back from now. "All rounds" is the default so
// the charts are full right after a restart, however long the node was away.
var timeRanges = []timeRange{
	{"Last hour", time.Hour, "No rounds in the last hour"},
	{"Last 24 hours", 24 * time.Hour, "No rounds in the last 24 hours"},
	{"Last 7 days", 7 * 24 * time.Hour, "No rounds in the last 7 days"},
	{"All rounds", 0, "No rounds yet"},
}

const defaultRange = "All rounds"

// ChartsView is the charts screen: reward (overall and per task), training loss, answer length
// and speed, drawn from the node's round history. It holds the history itself so changing the
// range needs no trip to the node. All methods must be called on the UI goroutine.
type ChartsView struct {
	history []node.RoundMetrics
	span    time.Duration
	empty   string
	// now is the clock the range is measured back from; tests fix it.
	now func() time.Time

	// taskColors is each task's line colour, given in the order tasks first appear in the
	// history and never changed, so a task keeps its colour as new tasks arrive.
	taskColors map[string]color.Color

	reward, loss, length, speed *chart.Chart
	rangeSel                    *widget.Select
	obj                         fyne.CanvasObject
}

// NewChartsView builds the screen with no rounds; feed it with SetHistory and Add.
func NewChartsView() *ChartsView {
	v := &ChartsView{now: time.Now, taskColors: map[string]color.Color{}}
	mk := func(title, unit string, zero bool) *chart.Chart {
		c := chart.New(title)
		c.XAxis, c.YTitle, c.YIncludeZero = chart.AxisTime, unit, zero
		return c
	}
	v.reward = mk("Reward", "mean reward per answer", false)
	v.loss = mk("Training loss", "loss", false)
	v.length = mk("Answer length", "tokens per answer", true)
	v.speed = mk("Speed", "tokens per second", true)

	labels := make([]string, len(timeRanges))
	for i, r := range timeRanges {
		labels[i] = r.label
	}
	v.rangeSel = widget.NewSelect(labels, v.setRange)

	grid := &chartGrid{}
	scroll := container.NewVScroll(container.New(grid, v.reward, v.loss, v.length, v.speed))
	grid.changed = func() { fyne.Do(scroll.Refresh) }
	header := container.NewHBox(layout.NewSpacer(), widget.NewLabel("Show"), v.rangeSel)
	v.obj = container.NewBorder(header, nil, nil, nil, scroll)
	v.rangeSel.SetSelected(defaultRange) // calls setRange, which draws the empty charts
	return v
}

// Object is the screen's content.
func (v *ChartsView) Object() fyne.CanvasObject { return v.obj }

// SetHistory replaces the rounds shown, e.g. with rounds.jsonl after a restart. The view keeps
// its own copy in time order.
func (v *ChartsView) SetHistory(h []node.RoundMetrics) {
	v.history = append(v.history[:0], h...)
	if !slices.IsSortedFunc(v.history, cmpRoundTime) {
		slices.SortStableFunc(v.history, cmpRoundTime)
	}
	for _, m := range v.history {
		v.colourTasks(m)
	}
	v.update()
}

// Add records one finished round (a live EventRound). Call it on the UI goroutine. A round the
// history already holds (the event raced the history read) is not counted twice.
func (v *ChartsView) Add(m node.RoundMetrics) {
	v.colourTasks(m)
	i := sort.Search(len(v.history), func(i int) bool { return !v.history[i].Time.Before(m.Time) })
	for j := i; j < len(v.history) && v.history[j].Time.Equal(m.Time); j++ {
		if v.history[j].Round == m.Round {
			v.history[j] = m
			v.update()
			return
		}
	}
	v.history = slices.Insert(v.history, i, m)
	v.update()
}

func cmpRoundTime(a, b node.RoundMetrics) int { return a.Time.Compare(b.Time) }

// setRange is the selector's callback.
func (v *ChartsView) setRange(label string) {
	for _, r := range timeRanges {
		if r.label == label {
			v.span, v.empty = r.span, r.empty
		}
	}
	v.update()
}

// update redraws the four charts from the history in the selected range.
func (v *ChartsView) update() {
	var since time.Time
	if v.span > 0 {
		since = v.now().Add(-v.span)
	}
	d := buildSeries(v.history, since)
	for i := range d.reward[1:] {
		d.reward[i+1].Paint = v.taskColors[d.reward[i+1].Name]
	}
	// One time axis for all four charts: the same span gives the same ticks and label format.
	lo, hi := d.xSpan()
	for _, c := range []*chart.Chart{v.reward, v.loss, v.length, v.speed} {
		c.Empty, c.Note = v.empty, ""
		c.SetXRange(lo, hi)
	}
	if len(d.loss[0].Points) == 0 && len(d.reward[0].Points) > 0 {
		v.loss.Empty = "No training steps in this range"
	}
	if allZero(d.reward[0].Points) {
		v.reward.Note = "No answer solved yet: every reward is 0 so far"
	}
	if len(d.speed[1].Points) == 0 && len(d.loss[0].Points) > 0 {
		// Rounds trained but no token went through a backward pass: with equal rewards every
		// advantage is 0 and GRPO has nothing to learn, so there is no training speed.
		v.speed.Note = "No training speed yet: every answer scored the same, nothing to learn"
	}
	v.reward.SetSeries(d.reward...)
	v.loss.SetSeries(d.loss...)
	v.length.SetSeries(d.length...)
	v.speed.SetSeries(d.speed...)
}

// taskPalette are the task lines' colours: apart from each other and from the overall line
// (the theme's primary blue), and readable on light and dark backgrounds. With more tasks than
// colours they repeat.
var taskPalette = []color.Color{
	color.NRGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff}, // orange
	color.NRGBA{R: 0x2e, G: 0x9e, B: 0x44, A: 0xff}, // green
	color.NRGBA{R: 0xd6, G: 0x45, B: 0x41, A: 0xff}, // red
	color.NRGBA{R: 0x9b, G: 0x59, B: 0xd0, A: 0xff}, // purple
	color.NRGBA{R: 0x16, G: 0xa2, B: 0xa2, A: 0xff}, // teal
	color.NRGBA{R: 0xd3, G: 0x5f, B: 0xa0, A: 0xff}, // pink
	color.NRGBA{R: 0x9a, G: 0x7b, B: 0x4f, A: 0xff}, // brown
	color.NRGBA{R: 0x8a, G: 0x9a, B: 0x1a, A: 0xff}, // olive
}

// colourTasks gives each task of m not seen before the next colour of taskPalette.
func (v *ChartsView) colourTasks(m node.RoundMetrics) {
	names := make([]string, 0, len(m.RewardByTask))
	for n := range m.RewardByTask {
		if _, ok := v.taskColors[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names) // several new tasks in one round: a fixed order
	for _, n := range names {
		v.taskColors[n] = taskPalette[len(v.taskColors)%len(taskPalette)]
	}
}

// allZero reports whether pts has points and every finite one is 0.
func allZero(pts []chart.Point) bool {
	n := 0
	for _, p := range pts {
		if math.IsNaN(p.Y) {
			continue
		}
		if p.Y != 0 {
			return false
		}
		n++
	}
	return n > 0
}

// chartData is what the four charts show for one range of history.
type chartData struct {
	reward []chart.Series // overall first, then one per task by name
	loss   []chart.Series
	length []chart.Series
	speed  []chart.Series // generation, then training
}

// xSpan is the time range of every point of d, the shared X axis; lo > hi when there is none.
func (d chartData) xSpan() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, group := range [][]chart.Series{d.reward, d.loss, d.length, d.speed} {
		for _, s := range group {
			for _, p := range s.Points {
				if !math.IsNaN(p.Y) {
					lo, hi = min(lo, p.X), max(hi, p.X)
				}
			}
		}
	}
	return lo, hi
}

// seriesBuilder collects one line's points and breaks it where the node was away.
type seriesBuilder struct {
	pts    []chart.Point
	broken bool // the node was away since the last point: start a new stretch
}

func (b *seriesBuilder) add(x, y float64) {
	if b.broken && len(b.pts) > 0 {
		b.pts = append(b.pts, chart.Point{X: (b.pts[len(b.pts)-1].X + x) / 2, Y: math.NaN()})
	}
	b.broken = false
	b.pts = append(b.pts, chart.Point{X: x, Y: y})
}

// buildSeries turns the rounds at or after since (all when since is zero) into chart lines. Loss
// and training speed only come from rounds that trained, answer length and generation speed only
// from rounds with own answers, so an idle round does not pull a line to zero. A pause much longer
// than the usual round time breaks every line instead of drawing a slope across it.
func buildSeries(hist []node.RoundMetrics, since time.Time) chartData {
	start := sort.Search(len(hist), func(i int) bool { return !hist[i].Time.Before(since) })
	hist = hist[start:]
	brk := breakAfter(hist)

	var overall, loss, length, gen, train seriesBuilder
	tasks := map[string]*seriesBuilder{}
	all := []*seriesBuilder{&overall, &loss, &length, &gen, &train}
	for i, m := range hist {
		if i > 0 && m.Time.Sub(hist[i-1].Time) > brk {
			for _, b := range all {
				b.broken = true
			}
		}
		x := float64(m.Time.UnixMilli()) / 1000
		answered := m.Answers > 0 || len(m.RewardByTask) > 0
		if answered {
			overall.add(x, m.Reward)
			length.add(x, m.AnswerTokens)
		}
		for task, r := range m.RewardByTask {
			b := tasks[task]
			if b == nil {
				b = &seriesBuilder{}
				tasks[task] = b
				all = append(all, b)
			}
			b.add(x, r)
		}
		if m.GenTokPerS > 0 {
			gen.add(x, m.GenTokPerS)
		}
		if m.Trained {
			loss.add(x, m.Loss)
			if m.TrainTokPerS > 0 {
				train.add(x, m.TrainTokPerS)
			}
		}
	}
	d := chartData{
		reward: []chart.Series{{Name: "overall", Points: overall.pts}},
		loss:   []chart.Series{{Name: "loss", Points: loss.pts}},
		length: []chart.Series{{Name: "answer", Points: length.pts}},
		speed:  []chart.Series{{Name: "generation", Points: gen.pts}, {Name: "training", Points: train.pts}},
	}
	names := make([]string, 0, len(tasks))
	for n := range tasks {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		d.reward = append(d.reward, chart.Series{Name: n, Points: tasks[n].pts})
	}
	return d
}

// breakAfter is the pause between rounds that counts as the node having been away (paused,
// switched off): three times the median round interval — two rounds missed — and never under two
// minutes so a slow round is not mistaken for one. (It was ten times and ten minutes, so a
// 40-minute pause between 5-minute rounds was drawn as a straight line.)
func breakAfter(hist []node.RoundMetrics) time.Duration {
	const floor = 2 * time.Minute
	if len(hist) < 3 {
		return floor
	}
	gaps := make([]time.Duration, 0, len(hist)-1)
	for i := 1; i < len(hist); i++ {
		gaps = append(gaps, hist[i].Time.Sub(hist[i-1].Time))
	}
	slices.Sort(gaps)
	return max(floor, 3*gaps[len(gaps)/2])
}

// Chart cell sizes: two columns need this much width each to keep tick labels readable.
const (
	chartCellW = 360
	chartCellH = 220
)

// chartGrid lays the charts out 2×2 when the window is wide enough and in one column otherwise.
// A layout's minimum size cannot see the width, so it remembers the column count of its last
// layout and reports the height that needs; changed tells the scroll around it to ask again.
type chartGrid struct {
	cols    int
	changed func()
}

func (g *chartGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	cols := 1
	if size.Width >= 2*chartCellW+pad {
		cols = 2
	}
	prev := g.cols
	if prev == 0 {
		prev = 2 // what MinSize assumed
	}
	g.cols = cols
	rows := (len(objs) + cols - 1) / cols
	if rows > 0 {
		w := (size.Width - pad*float32(cols-1)) / float32(cols)
		h := max(chartCellH, (size.Height-pad*float32(rows-1))/float32(rows))
		for i, o := range objs {
			o.Move(fyne.NewPos(float32(i%cols)*(w+pad), float32(i/cols)*(h+pad)))
			o.Resize(fyne.NewSize(w, h))
		}
	}
	// Last, so that a scroll which lays us out again at once (the test driver runs fyne.Do
	// inline) has the final word over this pass's stale height.
	if cols != prev && g.changed != nil {
		g.changed()
	}
}

func (g *chartGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	cols := g.cols
	if cols == 0 {
		cols = 2 // desktop windows start wide; the first layout corrects a narrow one
	}
	rows := (len(objs) + cols - 1) / cols
	if rows == 0 {
		return fyne.Size{}
	}
	pad := theme.Padding()
	return fyne.NewSize(chartCellW, float32(rows)*chartCellH+float32(rows-1)*pad)
}
