package experiment

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Folder is where the window and `swarmdesk experiment sharing` keep the sharing experiment,
// under the app's data folder: one fixed place, so the window finds the last results whichever
// of the two ran them.
func Folder(dataDir string) string { return filepath.Join(dataDir, "experiments", "sharing") }

// Desktop is the experiment the window's Run button plays: small enough for a desktop while the
// node runs (2 nodes, no sharing against half shared, 1 seed, 10 rounds of the built-in demo,
// a few minutes), so a host sees the answer's shape; the command line runs the full one.
func Desktop(out, cacheDir string, progress func(string)) Options {
	return Options{Out: out, Nodes: 2, Mixings: []Mixing{{8, 0}, {4, 4}}, Seeds: 1, Rounds: 10,
		Model: "demo", CacheDir: cacheDir, Offline: true, Progress: progress}
}

// StartOver clears the finished runs of o when every one of them is finished, so that running
// o again plays a new experiment; a stopped experiment keeps its finished runs and continues.
// The last results (CSV, summary, plot) stay until the new runs replace them.
func StartOver(o Options) error {
	o = o.withDefaults()
	dir := filepath.Join(o.Out, runsDir)
	for seed := 1; seed <= o.Seeds; seed++ {
		for _, mix := range o.Mixings {
			if _, err := os.Stat(filepath.Join(dir, run{Mix: mix, Seed: seed}.key()+".csv")); err != nil {
				return nil // not all finished: continue it
			}
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clear the finished runs in %s: %w (delete that folder by hand)", dir, err)
	}
	return nil
}

// Results is the last experiment written in a folder, as the window shows it.
type Results struct {
	Plot     string    // path of the plot (PlotFile)
	Summary  string    // the summary table (SummaryFile), Markdown
	Headline string    // its key line: each configuration's gain over no sharing
	Written  time.Time // when the results were written
}

// Last reads the results in out; ok is false when no experiment has written any yet.
func Last(out string) (r Results, ok bool, err error) {
	sum, err := os.ReadFile(filepath.Join(out, SummaryFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Results{}, false, nil
	} else if err != nil {
		return Results{}, false, fmt.Errorf("read the experiment's summary: %w", err)
	}
	plot := filepath.Join(out, PlotFile)
	st, err := os.Stat(plot)
	if err != nil {
		return Results{}, false, fmt.Errorf("the experiment's plot: %w (run the experiment again)", err)
	}
	f, err := os.Open(filepath.Join(out, RewardsFile))
	if err != nil {
		return Results{}, false, fmt.Errorf("read the experiment's rewards: %w (run the experiment again)", err)
	}
	rows, err := ReadRows(f)
	f.Close()
	if err != nil {
		return Results{}, false, fmt.Errorf("read %s: %w (run the experiment again)", filepath.Join(out, RewardsFile), err)
	}
	return Results{Plot: plot, Summary: string(sum), Headline: Headline(Summarize(rows, DefaultMixings)),
		Written: st.ModTime()}, true, nil
}

// Headline says in one line what the summary found: how each configuration that shares did
// against no sharing, in cumulative reward, over how many seeds and rounds.
func Headline(stats []ConfigStats) string {
	var parts []string
	base := ""
	for _, s := range stats {
		if strings.HasSuffix(s.Config, "/0") && base == "" {
			base = s.Config
			continue
		}
		if !math.IsNaN(s.Gain) {
			parts = append(parts, fmt.Sprintf("%s %+.1f %%", s.Config, 100*s.Gain))
		}
	}
	if len(stats) == 0 {
		return "No finished run yet."
	}
	if base == "" || len(parts) == 0 {
		return "No comparison with no sharing (8/0) yet: run the experiment to the end."
	}
	return fmt.Sprintf("Cumulative reward against no sharing (%s): %s — %d seed(s), %d rounds.",
		base, strings.Join(parts, ", "), len(stats[0].Seeds), len(stats[0].Curve))
}
