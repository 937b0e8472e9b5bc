package experiment

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The window's experiment — experiment.Desktop, cut to 3 rounds for CI — leaves results that Last
// reads back: a decodable plot at the path the window loads, the summary, and a headline with
// the 4/4 gain; before it there are none, and StartOver clears only a finished experiment.
func TestDesktopExperimentLast(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real nodes")
	}
	out := filepath.Join(t.TempDir(), "experiments", "sharing")
	if _, ok, err := Last(out); ok || err != nil {
		t.Fatalf("Last before any experiment = %v, %v; want none and no error", ok, err)
	}
	o := Desktop(out, t.TempDir(), func(s string) { t.Log(s) })
	if o.Nodes != 2 || len(o.Mixings) != 2 || o.Seeds != 1 || o.Rounds != 10 || !isDemo(o.Model) {
		t.Fatalf("desktop options %+v, want 2 nodes, 8/0 and 4/4, 1 seed, 10 rounds of the demo", o)
	}
	o.Rounds = 3
	if err := Run(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	r, ok, err := Last(out)
	if err != nil || !ok {
		t.Fatalf("Last after the run = %v, %v", ok, err)
	}
	if r.Plot != filepath.Join(out, PlotFile) || r.Written.IsZero() {
		t.Errorf("plot %q written %v", r.Plot, r.Written)
	}
	f, err := os.Open(r.Plot)
	if err != nil {
		t.Fatal(err)
	}
	_, err = png.Decode(f)
	f.Close()
	if err != nil {
		t.Errorf("plot: %v", err)
	}
	if !strings.Contains(r.Summary, "| 4/4 | 1 |") {
		t.Errorf("summary:\n%s", r.Summary)
	}
	for _, want := range []string{"no sharing (8/0)", "4/4 ", "1 seed(s), 3 rounds"} {
		if !strings.Contains(r.Headline, want) {
			t.Errorf("headline %q lacks %q", r.Headline, want)
		}
	}

	// Every run is finished: StartOver clears them so the next Run plays anew; the results stay.
	if err := StartOver(o); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, runsDir)); !os.IsNotExist(err) {
		t.Errorf("finished runs were not cleared: %v", err)
	}
	if _, ok, _ := Last(out); !ok {
		t.Error("StartOver removed the last results")
	}
}

// A stopped experiment (some runs finished) keeps its runs, so the next Run continues it.
func TestStartOverKeepsStoppedExperiment(t *testing.T) {
	out := t.TempDir()
	o := Desktop(out, t.TempDir(), nil)
	kept := filepath.Join(out, runsDir, run{Mix: o.Mixings[0], Seed: 1}.key()+".csv")
	if err := os.MkdirAll(filepath.Dir(kept), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kept, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := StartOver(o); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the finished run of a stopped experiment is gone: %v", err)
	}
}

func TestHeadline(t *testing.T) {
	for _, tc := range []struct {
		stats []ConfigStats
		want  string
	}{
		{nil, "No finished run yet."},
		{[]ConfigStats{{Config: "8/0", Seeds: []int{1, 2}, Curve: make([]float64, 10), Gain: 0},
			{Config: "4/4", Gain: -0.133}, {Config: "2/6", Gain: 0.05}},
			"Cumulative reward against no sharing (8/0): 4/4 -13.3 %, 2/6 +5.0 % — 2 seed(s), 10 rounds."},
		{[]ConfigStats{{Config: "4/4", Seeds: []int{1}}}, "No comparison with no sharing (8/0) yet: run the experiment to the end."},
	} {
		if got := Headline(tc.stats); got != tc.want {
			t.Errorf("Headline = %q, want %q", got, tc.want)
		}
	}
}
