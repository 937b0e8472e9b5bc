package soak

import (
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/node"
)

// A rollout counts as lost only when it was out early enough to reach the receiver before it
// stopped gathering: the full soak run counted a slow sender's rollouts, published after its
// peers had finished gathering, as lost between nodes that stayed connected.
func TestSentTooLate(t *testing.T) {
	g := time.Date(2026, 12, 7, 3, 0, 10, 0, time.UTC) // the receiver's gather ended
	cases := []struct {
		name      string
		published time.Time
		gathered  time.Time
		late      bool
	}{
		{"out well before the gather ended: lost if missing", g.Add(-3 * time.Second), g, false},
		{"out just before the gather ended", g.Add(-deliverWithin / 2), g, true},
		{"out after the gather ended", g.Add(4 * time.Second), g, true},
		{"exactly deliverWithin before: could have arrived", g.Add(-deliverWithin), g, false},
		{"no times (an older file): cannot tell", time.Time{}, g, false},
		{"the receiver's time unknown", g, time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := sentTooLate(node.RoundMetrics{PublishedAt: tc.published}, node.RoundMetrics{GatheredAt: tc.gathered})
			if got != tc.late {
				t.Fatalf("sentTooLate = %v, want %v", got, tc.late)
			}
		})
	}
}
