package ui

import (
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/app/swarm"
)

func TestPeerViewText(t *testing.T) {
	cases := []struct {
		name string
		v    session.PeerView
		want []string
		none []string
	}{
		{"stopped", session.PeerView{}, nil, []string{"Refused"}},
		{"honest swarm", session.PeerView{
			Connected: []swarm.PeerInfo{{Name: "swift owl", Score: 2.5, Bootnode: true}, {Name: "calm fox", Score: 1, Relayed: true}},
			Dropped:   map[swarm.DropReason]uint64{swarm.DropRound: 0},
		}, []string{"swift owl: score 2.5, bootnode", "calm fox: score 1.0, relayed"}, []string{"Refused"}},
		{"under attack", session.PeerView{
			Dropped: map[swarm.DropReason]uint64{swarm.DropSignature: 7, swarm.DropRound: 2},
			Senders: []swarm.PeerDrops{
				{Name: "sly rat", Total: 7, Blamed: 7, Score: -300, Reasons: map[swarm.DropReason]uint64{swarm.DropSignature: 7}},
				{Name: "slow cow", Total: 2, Score: 0.4, Reasons: map[swarm.DropReason]uint64{swarm.DropRound: 2}},
			},
		}, []string{
			"Refused 9 messages (signature 7, round 2)",
			"from sly rat: signature 7; 7 held against it; score -300.0",
			"from slow cow: round 2; not held against it; score 0.4",
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := peerViewText(tc.v)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			for _, w := range tc.none {
				if strings.Contains(got, w) {
					t.Errorf("unexpected %q in:\n%s", w, got)
				}
			}
			if len(tc.want) == 0 && got != "" {
				t.Errorf("want nothing shown, got %q", got)
			}
		})
	}
}
