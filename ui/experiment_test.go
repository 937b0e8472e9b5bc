package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/swarmdesk/swarmdesk/app/experiment"
)

func writeTestPNG(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), experiment.PlotFile)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, image.NewRGBA(image.Rect(0, 0, 86, 50))); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExperimentCard(t *testing.T) {
	plot := writeTestPNG(t)
	for _, tc := range []struct {
		name    string
		hosting bool
		has     bool
		want    []string // visible texts
		image   bool
	}{
		{name: "not hosting", hosting: false},
		{name: "no experiment", hosting: true, want: []string{"Does sharing help?", "No experiment yet", "Run the experiment"}},
		{name: "results", hosting: true, has: true, image: true,
			want: []string{"Does sharing help?", "4/4 -13.3 %", "Run the experiment"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newFakeBackend()
			b.hosting = tc.hosting
			b.hasExp = tc.has
			b.expResults = experiment.Results{Plot: plot, Headline: "Cumulative reward against no sharing (8/0): 4/4 -13.3 %.",
				Written: time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)}
			s, _ := runningShell(t, b)
			e := s.main.dash.experiment
			if e.obj.Visible() != tc.hosting {
				t.Fatalf("card visible = %v, hosting %v", e.obj.Visible(), tc.hosting)
			}
			if !tc.hosting {
				if hasText(s.Content(), "Does sharing help?") {
					t.Error("a node that does not host shows the experiment")
				}
				return
			}
			for _, w := range tc.want {
				if !hasText(s.Content(), w) {
					t.Errorf("card lacks %q: %q", w, Texts(e.obj))
				}
			}
			if e.img.Visible() != tc.image || (tc.image && e.img.File != plot) {
				t.Errorf("image visible %v file %q, want visible %v file %q", e.img.Visible(), e.img.File, tc.image, plot)
			}
			if !tc.image && !hasText(s.Content(), "No experiment yet") {
				t.Error("no experiment and no text saying so")
			}
			if tc.image && e.img.FillMode != canvas.ImageFillContain {
				t.Errorf("fill mode %v", e.img.FillMode)
			}
		})
	}
}

// Run starts the experiment through the backend and shows its progress; when it ends the card
// reads the new results; Stop cancels a run under way.
func TestExperimentCardRunAndStop(t *testing.T) {
	plot := writeTestPNG(t)
	b := newFakeBackend()
	b.hosting = true
	b.expProgress = []string{"[1/2] config 8/0 seed 1: starting 2 nodes"}
	s, _ := runningShell(t, b)
	e := s.main.dash.experiment

	b.mu.Lock()
	b.hasExp, b.expResults = true, experiment.Results{Plot: plot, Headline: "4/4 +2.0 %"} // what the run writes
	b.mu.Unlock()
	test.Tap(findButton(s.Content(), "Run the experiment"))
	waitUntil(t, "the run to end", func() bool { return !e.run.Disabled() })
	if e.status.Text != "Done." {
		t.Errorf("after the run: %q", e.status.Text)
	}
	if n := b.experimentRuns(); n != 1 {
		t.Fatalf("RunExperiment called %d times, want 1", n)
	}
	waitUntil(t, "the new results", func() bool { return e.img.Visible() && e.img.File == plot })

	b.mu.Lock()
	b.expWait, b.expWaiting = true, make(chan struct{})
	b.mu.Unlock()
	test.Tap(findButton(s.Content(), "Run the experiment"))
	<-b.expWaiting // the progress line is shown
	if e.status.Text != "[1/2] config 8/0 seed 1: starting 2 nodes" {
		t.Errorf("progress %q", e.status.Text)
	}
	if !e.stop.Visible() || !e.run.Disabled() {
		t.Fatalf("while running: stop visible %v, run disabled %v", e.stop.Visible(), e.run.Disabled())
	}
	test.Tap(findButton(s.Content(), "Stop"))
	waitUntil(t, "the stop", func() bool { return !e.run.Disabled() })
	if !hasText(s.Content(), "Stopped.") {
		t.Errorf("after Stop: %q", Texts(e.obj))
	}
	if n := b.experimentRuns(); n != 2 {
		t.Errorf("RunExperiment called %d times, want 2", n)
	}
}
