package assist

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// SimResult summarises one simulated episode.
type SimResult struct {
	Ticks             int
	Complete          bool
	HumanActions      int // human place+break actions (the human study's headline)
	AssistantPlaces   int
	AssistantBreaks   int
	AssistantCorrect  int // MBAG action_correct count for the assistant
	AssistantMistakes int
}

// String formats the result for logs.
func (r SimResult) String() string {
	return fmt.Sprintf("ticks=%d complete=%v human_actions=%d assistant place=%d break=%d correct=%d wrong=%d",
		r.Ticks, r.Complete, r.HumanActions, r.AssistantPlaces, r.AssistantBreaks, r.AssistantCorrect, r.AssistantMistakes)
}

// Simulate runs a ScriptedBuilder (player 0) on goal, with the assistant as
// player 1 when a is non-nil, until the goal is complete or maxTicks pass.
// It is how the assistant is evaluated without a person, like MBAG's
// human-model rollouts.
func Simulate(goal world.Grid, a *Assistant, maxTicks int) (SimResult, error) {
	n := 1
	if a != nil {
		n = 2
	}
	env, err := world.NewEpisode(goal, world.DefaultStarts(n))
	if err != nil {
		return SimResult{}, fmt.Errorf("simulate: %w", err)
	}
	human := &ScriptedBuilder{Goal: &goal}
	var r SimResult
	acts := make([]world.Action, n)
	for env.Tick < maxTicks && !env.Complete() {
		acts[0] = human.Next(&env.Cur, env.Players, 0)
		if a != nil {
			obs := Observation{Tick: env.Tick, Cur: &env.Cur, Players: env.Players, Self: 1, Humans: []int{0}, LastInteracted: &env.LastInteracted}
			acts[1] = a.Act(&obs)
		}
		prev := env.Cur
		res, err := env.Step(acts)
		if err != nil {
			return r, err
		}
		h := res[0].Effective
		if h.Type == world.Place || h.Type == world.Break {
			r.HumanActions++
			if a != nil {
				a.Observe(Event{Tick: env.Tick - 1, Player: 0, Action: h, Prev: prev[h.Voxel]})
			}
		}
		if a != nil {
			switch res[1].Effective.Type {
			case world.Place:
				r.AssistantPlaces++
			case world.Break:
				r.AssistantBreaks++
			}
			if t := res[1].Effective.Type; t == world.Place || t == world.Break {
				if res[1].Correct {
					r.AssistantCorrect++
				} else {
					r.AssistantMistakes++
				}
			}
		}
	}
	r.Ticks, r.Complete = env.Tick, env.Complete()
	return r, nil
}
