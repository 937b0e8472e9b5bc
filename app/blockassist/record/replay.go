package record

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Frame is the state before one tick, as replay reconstructs it.
type Frame struct {
	Cur            world.Grid
	Players        []world.Vec
	LastInteracted [world.NumVoxels]int8
}

// Replay re-runs the session's attempted actions through the MBAG rules and
// calls visit with the state before each tick. It fails if the recorded
// effective actions, positions or similarity disagree with the rules, which
// catches corrupt or hand-edited files before they reach training.
// visit may be nil.
func Replay(s *Session, visit func(i int, before *Frame, t *Tick) error) (*world.Episode, error) {
	env, err := world.NewEpisode(s.Goal, s.StartPos)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	if env.Cur != s.Initial {
		return nil, fmt.Errorf("replay: initial world is not the MBAG ground; this build only replays standard sessions")
	}
	acts := make([]world.Action, len(s.StartPos))
	var fr Frame
	for i := range s.Ticks {
		t := &s.Ticks[i]
		if visit != nil {
			fr.Cur = env.Cur
			fr.Players = append(fr.Players[:0], env.Players...)
			fr.LastInteracted = env.LastInteracted
			if err := visit(i, &fr, t); err != nil {
				return nil, err
			}
		}
		for p := range acts {
			acts[p] = t.Players[p].Attempted
		}
		res, err := env.Step(acts)
		if err != nil {
			return nil, fmt.Errorf("replay tick %d: %w", t.Tick, err)
		}
		for p, r := range res {
			ps := t.Players[p]
			if r.Effective != ps.Effective || env.Players[p] != ps.Pos || int(ps.Reward) != r.Reward || ps.Correct != r.Correct {
				return nil, fmt.Errorf("replay diverged at tick %d player %d: recorded %v at %s, rules give %v at %s",
					t.Tick, p, ps.Effective, ps.Pos, r.Effective, env.Players[p])
			}
		}
		if int(t.Similarity) != env.Similarity() {
			return nil, fmt.Errorf("replay diverged at tick %d: similarity %d recorded, %d replayed", t.Tick, t.Similarity, env.Similarity())
		}
	}
	return env, nil
}
