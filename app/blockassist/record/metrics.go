package record

import (
	"fmt"
	"math"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// PlayerMetrics are MBAG's per-player counts (mbag/evaluation/metrics.py).
type PlayerMetrics struct {
	Name                 string  `json:"name"`
	NumNoop              int     `json:"num_noop"`
	NumUnintentionalNoop int     `json:"num_unintentional_noop"`
	NumPlaceBlock        int     `json:"num_place_block"`
	NumBreakBlock        int     `json:"num_break_block"`
	NumMove              int     `json:"num_move"`
	NumCorrectPlaceBlock int     `json:"num_correct_place_block"`
	NumCorrectBreakBlock int     `json:"num_correct_break_block"`
	PlaceBlockAccuracy   float64 `json:"place_block_accuracy"` // NaN-free: 0 when no places
	BreakBlockAccuracy   float64 `json:"break_block_accuracy"`
	GoalDependentReward  int     `json:"goal_dependent_reward"`
}

// Metrics are MBAG's episode metrics plus the human study's headline number.
type Metrics struct {
	GoalSimilarity int     `json:"goal_similarity"`
	GoalDistance   int     `json:"goal_distance"`
	GoalPercentage float64 `json:"goal_percentage"`
	// GoalPercentageByMinute[m] is goal_percentage_{m+1}_min: the value at
	// the last tick whose wall time is within m+1 minutes.
	GoalPercentageByMinute []float64       `json:"goal_percentage_by_minute"`
	Players                []PlayerMetrics `json:"players"`
	Ticks                  int             `json:"ticks"`
	Completed              bool            `json:"completed"`
	TicksToFinish          int             `json:"ticks_to_finish"` // -1 if never complete
	// HumanActionsToFinish is the number of place+break actions all human
	// players made until the goal was first complete (-1 if never).
	HumanActionsToFinish int    `json:"human_actions_to_finish"`
	EndReason            string `json:"end_reason"`
}

// Compute replays s and derives its metrics. It accepts sessions without an
// End record (crash) and reports EndReason "unfinished".
func Compute(s *Session) (*Metrics, error) {
	env, err := Replay(s, nil)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	init := env.InitialSimilarity()
	m := &Metrics{TicksToFinish: -1, HumanActionsToFinish: -1, EndReason: "unfinished"}
	if s.End != nil {
		m.EndReason = s.End.Reason.String()
	}
	m.Players = make([]PlayerMetrics, len(s.Meta.Players))
	for i, p := range s.Meta.Players {
		m.Players[i].Name = p.Name
	}
	humanActs := 0
	pct := 0.0
	for i, t := range s.Ticks {
		for p, ps := range t.Players {
			pm := &m.Players[p]
			pm.GoalDependentReward += int(ps.Reward)
			switch ps.Effective.Type {
			case 0:
				pm.NumNoop++
				if ps.Attempted.Type != 0 {
					pm.NumUnintentionalNoop++
				}
			case 1:
				pm.NumPlaceBlock++
				if ps.Correct {
					pm.NumCorrectPlaceBlock++
				}
			case 2:
				pm.NumBreakBlock++
				if ps.Correct {
					pm.NumCorrectBreakBlock++
				}
			default:
				pm.NumMove++
			}
			if s.Meta.Players[p].Human && (ps.Effective.Type == 1 || ps.Effective.Type == 2) {
				humanActs++
			}
		}
		pct = pctOf(init, int(t.Similarity))
		minute := int(t.WallMs / 60000)
		for len(m.GoalPercentageByMinute) <= minute {
			m.GoalPercentageByMinute = append(m.GoalPercentageByMinute, lastOr(m.GoalPercentageByMinute))
		}
		m.GoalPercentageByMinute[minute] = pct
		if m.TicksToFinish < 0 && int(t.Similarity) == len(s.Goal) {
			m.TicksToFinish = i + 1
			m.HumanActionsToFinish = humanActs
		}
	}
	for i := range m.Players {
		pm := &m.Players[i]
		pm.PlaceBlockAccuracy = ratio(pm.NumCorrectPlaceBlock, pm.NumPlaceBlock)
		pm.BreakBlockAccuracy = ratio(pm.NumCorrectBreakBlock, pm.NumBreakBlock)
	}
	m.Ticks = len(s.Ticks)
	m.GoalSimilarity = env.Similarity()
	m.GoalDistance = len(s.Goal) - m.GoalSimilarity
	m.GoalPercentage = pct
	if len(s.Ticks) == 0 {
		m.GoalPercentage = pctOf(init, env.Similarity())
	}
	m.Completed = env.Complete()
	return m, nil
}

func pctOf(init, sim int) float64 { return world.GoalPercent(init, sim) }

func lastOr(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return xs[len(xs)-1]
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	r := float64(a) / float64(b)
	if math.IsNaN(r) {
		return 0
	}
	return r
}
