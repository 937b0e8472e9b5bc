package experiment

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/swarmdesk/swarmdesk/app/models"
)

// Output files in Options.Out.
const (
	RewardsFile = "rewards.csv" // every node's reward per round, all runs
	SummaryFile = "summary.md"  // cumulative reward per configuration, gain over no sharing
	PlotFile    = "reward.png"  // mean reward per round per configuration
	runsDir     = "runs"        // one CSV per finished run: what makes a rerun resume
)

// Run plays every (seed, configuration) run not already finished in o.Out — seeds outermost, so
// a stopped experiment has every configuration at the same number of seeds as far as possible —
// then writes the three outputs from all finished runs. Cancelling ctx stops the run under way
// (it is played again next time); the outputs are still written from what is finished.
func Run(ctx context.Context, o Options) error {
	o = o.withDefaults()
	if err := o.validate(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(o.Out, runsDir), 0o755); err != nil {
		return fmt.Errorf("make the output folder %s: %w (choose a writable folder with --out)", o.Out, err)
	}
	modelDir, err := resolveModel(ctx, o)
	if err != nil {
		return err
	}
	total, done := o.Seeds*len(o.Mixings), 0
	var runErr error
	for seed := 1; seed <= o.Seeds && runErr == nil; seed++ {
		for _, mix := range o.Mixings {
			r := run{Mix: mix, Seed: seed}
			path := filepath.Join(o.Out, runsDir, r.key()+".csv")
			if _, err := os.Stat(path); err == nil {
				done++
				o.Progress(fmt.Sprintf("[%d/%d] config %s seed %d: finished earlier, kept", done, total, mix, seed))
				continue
			}
			o.Progress(fmt.Sprintf("[%d/%d] config %s seed %d: starting %d nodes", done+1, total, mix, seed, o.Nodes))
			t0 := time.Now()
			rows, err := runOne(ctx, o, r, modelDir)
			if err != nil {
				runErr = fmt.Errorf("run %s seed %d: %w", mix, seed, err)
				break
			}
			if err := writeRowsFile(path, rows); err != nil {
				return err
			}
			done++
			o.Progress(fmt.Sprintf("[%d/%d] config %s seed %d: done in %s", done, total, mix, seed, time.Since(t0).Round(time.Second)))
		}
	}
	if n, err := Report(o.Out, o.Mixings); err != nil {
		return errors.Join(runErr, err)
	} else if n > 0 {
		o.Progress(fmt.Sprintf("wrote %s, %s and %s in %s from %d finished runs",
			RewardsFile, SummaryFile, PlotFile, o.Out, n))
	}
	if runErr != nil && ctx.Err() != nil {
		return fmt.Errorf("stopped; %d of %d runs are finished and kept, run the same command again to continue", done, total)
	}
	return runErr
}

// resolveModel finds (or, for the demo, makes) the model folder every node loads.
func resolveModel(ctx context.Context, o Options) (string, error) {
	name := o.Model
	if isDemo(name) {
		name = models.DemoName
	}
	dir, err := models.Resolve(ctx, name, models.Options{Offline: o.Offline, CacheDir: o.HFCache, DemoDir: o.CacheDir})
	if err != nil {
		return "", fmt.Errorf("model %s: %w", name, err)
	}
	return dir, nil
}
