package node

import (
	"bytes"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/swarm"
)

// With Config.PhasePause the node logs (and pauses at) fixed points inside generation, the
// training step and the submission, in that order, so a fault test's kill lands inside them;
// without it there are none. Peers' rollouts are counted by author in the round's metrics.
func TestFaultPointsMarkThePhases(t *testing.T) {
	for _, pause := range []time.Duration{0, 20 * time.Millisecond} {
		ch := newFakeChain()
		ch.round = 3
		ex := &fakeExchange{inbox: map[uint64][]swarm.Rollout{3: {{Round: 3, PeerID: "peer-a"}, {Round: 3, PeerID: "peer-a"}, {Round: 3, PeerID: "peer-b"}}}}
		cfg := testConfig()
		cfg.Questions, cfg.PhasePause = 4, pause
		var buf bytes.Buffer
		n := fakeNode(t, cfg, ch, ex, t.TempDir(), func(d *Deps) { d.Logger = slog.New(slog.NewTextHandler(&buf, nil)) })
		c := collect(n)
		stop := runNode(n)
		waitFor(t, 30*time.Second, "round 3 played and submitted", func() bool {
			s := n.State()
			return s.NextRound > 3 && s.PendingSubmissions == 0
		})
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range regexp.MustCompile(`msg="fault point" round=3 phase=(\w+) at="([^"]*)"`).FindAllStringSubmatch(buf.String(), -1) {
			got = append(got, m[1]+": "+m[2])
		}
		want := []string{"generate: question 1 of 4", "generate: question 3 of 4", "train: before the optimizer step",
			"train: after the optimizer step", "submit: before the reward", "submit: before the vote", "submit: after the vote"}
		if pause == 0 {
			want = nil
		}
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Errorf("pause %s: fault points\n%q\nwant\n%q", pause, got, want)
		}
		rs := c.rounds()
		if len(rs) == 0 || rs[0].PeerRolloutsFrom["peer-a"] != 2 || rs[0].PeerRolloutsFrom["peer-b"] != 1 || len(rs[0].PeerRolloutsFrom) != 2 {
			t.Fatalf("peer rollouts by author: %+v", rs)
		}
	}
}
