package experiment

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The experiment at CI size — 2 real nodes, 8/0 against 4/4, 3 rounds — writes all three
// outputs with one row per node and round; the nodes of 4/4 train on peers' groups every round
// (counted from the node's own round metrics) and those of 8/0 on none; a second run of the
// same command plays nothing again.
func TestSharingExperiment(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real nodes")
	}
	out := t.TempDir()
	var lines []string
	o := Options{Out: out, Nodes: 2, Mixings: []Mixing{{8, 0}, {4, 4}}, Seeds: 1, Rounds: 3,
		CacheDir: t.TempDir(), Offline: true, Progress: func(s string) { lines = append(lines, s); t.Log(s) }}
	if err := Run(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, RewardsFile))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadRows(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2*2*3 {
		t.Fatalf("%d rows, want 12 (2 configurations × 2 nodes × 3 rounds)", len(rows))
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Config+"/"+string(rune('0'+r.Node))+"/"+string(rune('0'+r.Round))] = true
		switch r.Config {
		case "8/0":
			if r.Adopted != 0 || r.Local != 32 {
				t.Errorf("8/0 node %d round %d trained on %d own and %d adopted groups, want 32 and 0", r.Node, r.Round, r.Local, r.Adopted)
			}
		case "4/4":
			if r.Adopted == 0 || r.Adopted > 16 || r.Local != 16 {
				t.Errorf("4/4 node %d round %d trained on %d own and %d adopted groups, want 16 and 1..16", r.Node, r.Round, r.Local, r.Adopted)
			}
		default:
			t.Errorf("unexpected configuration %q", r.Config)
		}
		if r.Reward < 0 || r.Reward > 1 {
			t.Errorf("reward %v outside [0, 1]", r.Reward)
		}
	}
	if len(seen) != 12 {
		t.Errorf("%d distinct (config, node, round), want 12", len(seen))
	}

	sum, err := os.ReadFile(filepath.Join(out, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| 8/0 | 1 |", "| 4/4 | 1 |", "+0.0 %"} {
		if !strings.Contains(string(sum), want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	pf, err := os.Open(filepath.Join(out, PlotFile))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(pf)
	pf.Close()
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != plotW || b.Dy() != plotH {
		t.Errorf("plot is %v, want %dx%d", b, plotW, plotH)
	}

	lines = nil
	if err := Run(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, l := range lines {
		if strings.Contains(l, "finished earlier") {
			kept++
		}
		if strings.Contains(l, "round ") {
			t.Errorf("the rerun played a round: %s", l)
		}
	}
	if kept != 2 {
		t.Errorf("the rerun kept %d finished runs, want 2", kept)
	}
}

func TestParseMixings(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "8/0,6/2, 4/4,2/6", want: "8/0 6/2 4/4 2/6"},
		{in: "4/4", want: "4/4"},
		{in: "0/8", err: "local at least 1"},
		{in: "4-4", err: "want local/adopted"},
		{in: "4/4,4/4", err: "twice"},
		{in: "", err: "no configuration"},
	} {
		ms, err := ParseMixings(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseMixings(%q) = %v, want error with %q", tc.in, err, tc.err)
			}
			continue
		}
		var got []string
		for _, m := range ms {
			got = append(got, m.String())
		}
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("ParseMixings(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

// Summarize: cumulative reward per seed is the sum over rounds of the nodes' mean, the spread
// is over seeds, and the gain is relative to the configuration that adopts nothing.
func TestSummarize(t *testing.T) {
	var rows []Row
	add := func(cfg string, seed int, rewards ...float64) { // two nodes, rewards per round for both
		for round, r := range rewards {
			rows = append(rows, Row{Config: cfg, Seed: seed, Node: 0, Round: round, Reward: r - 0.1},
				Row{Config: cfg, Seed: seed, Node: 1, Round: round, Reward: r + 0.1})
		}
	}
	add("8/0", 1, 0.2, 0.4) // cumulative 0.6
	add("8/0", 2, 0.4, 0.6) // 1.0
	add("4/4", 1, 0.5, 0.7) // 1.2
	add("4/4", 2, 0.7, 0.9) // 1.6
	st := Summarize(rows, []Mixing{{8, 0}, {4, 4}})
	if len(st) != 2 || st[0].Config != "8/0" || st[1].Config != "4/4" {
		t.Fatalf("configurations %+v", st)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if !near(st[0].Mean, 0.8) || !near(st[1].Mean, 1.4) || !near(st[0].SD, math.Sqrt(0.08)) {
		t.Errorf("means %v %v, sd %v", st[0].Mean, st[1].Mean, st[0].SD)
	}
	if !near(st[0].Gain, 0) || !near(st[1].Gain, 0.75) {
		t.Errorf("gains %v %v, want 0 and 0.75", st[0].Gain, st[1].Gain)
	}
	if len(st[1].Curve) != 2 || !near(st[1].Curve[0], 0.6) || !near(st[1].Min, 1.2) || !near(st[1].Max, 1.6) {
		t.Errorf("4/4: %+v", st[1])
	}
}
