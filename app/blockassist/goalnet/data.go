package goalnet

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/record"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// sessionFile mirrors blockassist.SessionFile (a test keeps them equal);
// goalnet does not import blockassist so that blockassist may one day
// build its assistant from a trained net.
const sessionFile = "session.sdba"

// ErrNoSessions is returned by Train when the data dir holds no finished
// session to learn from.
var ErrNoSessions = errors.New("no finished BlockAssist sessions to train on: play a session first")

// example is one replay frame: the state the assistant would have seen and
// the goal it should infer.
type example struct {
	cur     world.Grid
	touched [world.NumVoxels]uint8 // 0 nobody, 1 human, 2 other player
	goal    *world.Grid
}

// dataset is what loadSessions found.
type dataset struct {
	train, eval []example
	sessions    int
	skipped     []string // "path: reason" for sessions that could not be used
}

// loadSessions reads every finished session under dataDir/sessions and
// turns it into examples. Only frames where the world changed since the
// previous kept frame are kept: ticks spent walking repeat the same input
// and would only weight training towards idle moments.
//
// Hold-out: sessions of test-split goals are evaluation data when there are
// also train-split sessions (MBAG's split: the test houses are never
// trained on). Otherwise the newest 20 % of sessions (at least one) are
// held out, and with a single session the last 20 % of its frames are.
func loadSessions(dataDir string) (*dataset, error) {
	paths, err := filepath.Glob(filepath.Join(dataDir, "sessions", "*", sessionFile))
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	sort.Strings(paths) // directory names start with the UTC start time
	type sess struct {
		ex   []example
		test bool
	}
	var all []sess
	ds := &dataset{}
	for _, p := range paths {
		s, err := record.ReadFile(p)
		if err != nil {
			ds.skipped = append(ds.skipped, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		if s.End == nil || s.Torn {
			ds.skipped = append(ds.skipped, fmt.Sprintf("%s: unfinished (run RecoverAll first)", p))
			continue
		}
		ex, err := sessionExamples(s)
		if err != nil {
			ds.skipped = append(ds.skipped, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		if len(ex) == 0 {
			continue
		}
		all = append(all, sess{ex, s.Meta.GoalSplit == string(goals.Test)})
	}
	if len(all) == 0 {
		if len(ds.skipped) > 0 {
			return nil, fmt.Errorf("%w (%d unusable: %s)", ErrNoSessions, len(ds.skipped), ds.skipped[0])
		}
		return nil, ErrNoSessions
	}
	ds.sessions = len(all)
	nTest := 0
	for _, s := range all {
		if s.test {
			nTest++
		}
	}
	switch {
	case nTest > 0 && nTest < len(all):
		for _, s := range all {
			if s.test {
				ds.eval = append(ds.eval, s.ex...)
			} else {
				ds.train = append(ds.train, s.ex...)
			}
		}
	case len(all) >= 2:
		hold := max(1, len(all)/5)
		for i, s := range all {
			if i >= len(all)-hold {
				ds.eval = append(ds.eval, s.ex...)
			} else {
				ds.train = append(ds.train, s.ex...)
			}
		}
	default:
		ex := all[0].ex
		cut := len(ex) - max(1, len(ex)/5)
		ds.train, ds.eval = ex[:cut], ex[cut:]
	}
	return ds, nil
}

// sessionExamples replays s (which validates it against the rules) and
// keeps the frames whose world differs from the previous kept one.
func sessionExamples(s *record.Session) ([]example, error) {
	human := make([]bool, len(s.Meta.Players))
	for i, p := range s.Meta.Players {
		human[i] = p.Human
	}
	goal := s.Goal
	var out []example
	var last world.Grid
	_, err := record.Replay(s, func(i int, fr *record.Frame, _ *record.Tick) error {
		if len(out) > 0 && fr.Cur == last {
			return nil
		}
		last = fr.Cur
		e := example{cur: fr.Cur, goal: &goal}
		markTouched(&e.touched, &fr.LastInteracted, func(p int) bool { return p < len(human) && human[p] })
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// markTouched converts MBAG's last-interacted player ids into the two
// input markers.
func markTouched(dst *[world.NumVoxels]uint8, li *[world.NumVoxels]int8, isHuman func(int) bool) {
	for v, p := range li {
		switch {
		case p < 0:
			dst[v] = 0
		case isHuman(int(p)):
			dst[v] = 1
		default:
			dst[v] = 2
		}
	}
}
