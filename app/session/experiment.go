package session

import (
	"context"

	"github.com/swarmdesk/swarmdesk/app/experiment"
)

// LastExperiment is the sharing experiment's last results in the data folder (the window's host
// view shows them); ok is false before any experiment wrote some.
func (s *Session) LastExperiment() (experiment.Results, bool, error) {
	return experiment.Last(experiment.Folder(s.env.Dirs.Data))
}

// RunExperiment plays the desktop-sized sharing experiment (experiment.Desktop) into the data
// folder with app/experiment's runner, reporting a line per round and run; it blocks until it
// is done, so the window calls it off the UI goroutine. Cancelling ctx stops it: the finished
// runs are kept and the next call continues; after a finished experiment the next call plays a
// new one.
func (s *Session) RunExperiment(ctx context.Context, progress func(string)) error {
	o := experiment.Desktop(experiment.Folder(s.env.Dirs.Data), s.env.Dirs.Cache, progress)
	if err := experiment.StartOver(o); err != nil {
		return err
	}
	return experiment.Run(ctx, o)
}
