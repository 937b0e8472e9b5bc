package session

import (
	"context"
	"testing"
	"time"
)

// Hosting alone: the newcomer test saw "1 peer connected" on the dashboard while the node's log
// said peers=0. The one connection was the host's own bootnode (a second libp2p host in the same
// process); it is not a peer and must not be counted. The leaderboard lists only this node.
func TestHostAloneCountsNoPeers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a dev chain and a node")
	}
	m := newMachine(t)
	host := m.session(t, func(o *Options) { o.RoundLength = 2 * time.Second })
	start(t, host, Choice{Mode: ModeHost})
	defer host.Stop()
	waitFor(t, 90*time.Second, "the host playing two rounds", host, func() bool { return rounds(host) >= 2 })
	if n := host.PeersConnected(); n != 0 {
		t.Errorf("alone, the host reports %d peers connected", n)
	}
	lb, err := host.Leaderboard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range lb.Rows {
		if !r.Self {
			t.Errorf("alone, the leaderboard lists another peer: %+v (self is %s)", r, host.Snapshot().PeerID)
		}
	}
}
