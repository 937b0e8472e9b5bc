package ui

import (
	"fmt"
	"slices"
	"time"

	"github.com/swarmdesk/swarmdesk/app/node"
)

// roundClock estimates when the next round starts, so the dashboard can count down instead of
// showing a bar that idles in the "waiting" phase and then jumps. The node only reports phase
// changes; the round length comes from the hosted swarm's timer (network.round_seconds) when
// this computer runs it, and otherwise from the spacing of the rounds played so far.
type roundClock struct {
	// length is the time between round starts; 0 while unknown.
	length time.Duration
	// anchor is a moment a round started (or, before one was seen, ended); zero while unknown.
	anchor time.Time
	// exact is true when anchor is a round's start seen live.
	exact bool
}

// roundLengthFrom is the median gap between rounds in hist (oldest first), or 0 with fewer
// than three rounds. Gaps longer than an hour (the node was away) are left out.
func roundLengthFrom(hist []node.RoundMetrics) time.Duration {
	var gaps []time.Duration
	for i := 1; i < len(hist); i++ {
		g := hist[i].Time.Sub(hist[i-1].Time)
		if g > 0 && g <= time.Hour {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) < 2 {
		return 0
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2]
}

// next is when the following round should start, seen from now: the anchor plus whole round
// lengths, the first such moment after now. ok is false while the length or anchor is unknown.
func (c roundClock) next(now time.Time) (time.Time, bool) {
	if c.length <= 0 || c.anchor.IsZero() {
		return time.Time{}, false
	}
	if !now.After(c.anchor) {
		return c.anchor.Add(c.length), true
	}
	k := now.Sub(c.anchor)/c.length + 1
	return c.anchor.Add(k * c.length), true
}

// progress is how far through the current round length now is, 0..1.
func (c roundClock) progress(now time.Time) (float64, bool) {
	n, ok := c.next(now)
	if !ok {
		return 0, false
	}
	left := n.Sub(now)
	return 1 - float64(left)/float64(c.length), true
}

// countdownText says when the next round starts, in minutes and seconds.
func countdownText(left time.Duration) string {
	if left < time.Second {
		return "next round any moment now"
	}
	s := int(left.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("next round in about %dh %02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("next round in %d:%02d", s/60, s%60)
}
