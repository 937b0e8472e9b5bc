package swarm

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// publishRound makes every node publish one rollout for round and returns
// the expected rollouts keyed by author.
func publishRound(t *testing.T, nodes []*Node, round uint64) map[string]Rollout {
	t.Helper()
	want := map[string]Rollout{}
	for i, n := range nodes {
		r := testRollout(n.ID(), round, fmt.Sprintf("n%d", i))
		if err := n.Publish(context.Background(), r); err != nil {
			t.Fatalf("node %d publish: %v", i, err)
		}
		want[n.ID()] = r
	}
	return want
}

// checkGathered asserts got holds exactly the expected rollouts.
func checkGathered(t *testing.T, who int, got []Rollout, want map[string]Rollout) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("node %d gathered %d rollouts, want %d", who, len(got), len(want))
	}
	for _, r := range got {
		w, ok := want[r.PeerID]
		if !ok {
			t.Fatalf("node %d gathered a rollout from unexpected author %s", who, r.PeerID)
		}
		if err := sameRollout(w, r); err != nil {
			t.Fatalf("node %d: rollout from %s: %v", who, r.PeerID, err)
		}
	}
}

func TestTenNodesSeveralRounds(t *testing.T) {
	const n, rounds = 10, 3
	nodes := startSwarm(t, n)
	var want map[string]Rollout
	for round := uint64(1); round <= rounds; round++ {
		for _, nd := range nodes {
			nd.SetRound(round)
		}
		want = publishRound(t, nodes, round)
		for i, nd := range nodes {
			got, err := nd.GatherN(context.Background(), round, n, 30*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			checkGathered(t, i, got, want)
		}
	}
	for i, nd := range nodes {
		st := nd.Stats()
		for reason, c := range st.Dropped {
			// Honest traffic may only produce benign duplicates.
			if c != 0 {
				t.Errorf("node %d dropped %d honest messages as %s", i, c, reason)
			}
		}
		if st.Published != rounds {
			t.Errorf("node %d published %d, want %d", i, st.Published, rounds)
		}
		if st.BytesOut == 0 || st.BytesIn == 0 {
			t.Errorf("node %d reports no traffic: %+v", i, st)
		}
	}
	// The peer view names peers and shows what they shared this round.
	seen := 0
	for _, p := range nodes[0].Peers() {
		if !p.Swarm {
			continue
		}
		seen++
		if p.Name == "" || !strings.HasPrefix(p.Name, "…") {
			t.Errorf("peer %s has name %q, want the default short name", p.ID, p.Name)
		}
		if len(p.Shared) != 1 || p.Shared[0] != want[p.ID].BatchID {
			t.Errorf("peer %s shared %v this round, want one batch id", p.ID, p.Shared)
		}
	}
	if seen == 0 {
		t.Fatal("bootnode sees no swarm peers")
	}
}

func TestLateJoinerCatchesUp(t *testing.T) {
	nodes := startSwarm(t, 4)
	const round = 7
	for _, nd := range nodes {
		nd.SetRound(round)
	}
	want := publishRound(t, nodes, round)
	for i, nd := range nodes {
		got, err := nd.GatherN(context.Background(), round, len(nodes), 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		checkGathered(t, i, got, want)
	}
	// The late node missed all gossip; only the sync protocol can help it.
	late := newTestNode(t, edKey(t), nodes[0].Addrs())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := late.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	late.SetRound(round)
	got, err := late.GatherN(ctx, round, len(nodes), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	checkGathered(t, len(nodes), got, want)
}

func TestLeavingNodeDoesNotStall(t *testing.T) {
	nodes := startSwarm(t, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, nd := range nodes {
		if err := nd.WaitPeers(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	leaver := nodes[3]
	stay := nodes[:3]
	if err := leaver.Close(); err != nil {
		t.Fatal(err)
	}
	const round = 2
	for _, nd := range stay {
		nd.SetRound(round)
	}
	want := publishRound(t, stay, round)
	for i, nd := range stay {
		// Deadline far beyond what the exchange needs: returning because of
		// it would mean Gather waited on the departed node.
		got, early, err := nd.gatherWhy(ctx, round, 50*time.Second, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !early {
			t.Errorf("node %d: Gather ran into its deadline instead of finishing", i)
		}
		// Gather's contract is "every connected peer contributed"; peers it
		// is not connected to may still be in flight, so check a subset.
		for _, r := range got {
			if err := sameRollout(want[r.PeerID], r); err != nil {
				t.Fatalf("node %d: %v", i, err)
			}
		}
		if len(got) < 2 {
			t.Errorf("node %d gathered %d rollouts, want at least its own and a peer's", i, len(got))
		}
	}
}

func TestRSAIdentityNodes(t *testing.T) {
	a := newTestNode(t, rsaKey(t, 0), nil, func(c *Config) {
		c.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"}
		c.Namer = func(id string) string { return "rsa-" + id[len(id)-4:] }
	})
	b := newTestNode(t, rsaKey(t, 1), a.Addrs())
	if !strings.HasPrefix(a.ID(), "Qm") {
		t.Fatalf("RSA peer id %s does not have the Qm… form rl-swarm shows", a.ID())
	}
	for _, addr := range a.Addrs() {
		if !strings.HasSuffix(addr, "/p2p/"+a.ID()) {
			t.Fatalf("address %s lacks /p2p/<id>", addr)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	want := publishRound(t, []*Node{a, b}, 1)
	for i, nd := range []*Node{a, b} {
		got, err := nd.Gather(ctx, 1, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		checkGathered(t, i, got, want)
	}
	peers := b.Peers()
	if len(peers) != 1 || peers[0].ID != a.ID() || !peers[0].Bootnode || peers[0].Name != "" && !strings.HasPrefix(peers[0].Name, "…") {
		t.Fatalf("peer view of b: %+v", peers)
	}
	if got := a.Peers(); len(got) != 1 || got[0].Name != "rsa-"+b.ID()[len(b.ID())-4:] {
		t.Fatalf("namer not applied: %+v", got)
	}
	// Latency appears once the maintenance loop has pinged the peer.
	for b.Peers()[0].Latency <= 0 {
		select {
		case <-ctx.Done():
			t.Fatal("peer latency never measured")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestObserverBootnodeDoesNotStall: a dedicated bootnode that never
// publishes must not make trainers wait for their deadline.
func TestObserverBootnodeDoesNotStall(t *testing.T) {
	boot := newTestNode(t, edKey(t), nil, func(c *Config) { c.Observer = true; c.EnableRelayService = true })
	a := newTestNode(t, edKey(t), boot.Addrs())
	b := newTestNode(t, edKey(t), boot.Addrs())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, nd := range []*Node{a, b} {
		if err := nd.WaitPeers(ctx, 2); err != nil { // the bootnode and each other (peer exchange)
			t.Fatal(err)
		}
	}
	want := publishRound(t, []*Node{a, b}, 1)
	for i, nd := range []*Node{a, b} {
		got, early, err := nd.gatherWhy(ctx, 1, 50*time.Second, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !early {
			t.Errorf("node %d waited for the observer until its deadline", i)
		}
		for _, p := range nd.Peers() {
			if p.Trainer != (p.ID != boot.ID()) {
				t.Errorf("node %d: peer %s Trainer=%v", i, p.ID, p.Trainer)
			}
		}
		checkGathered(t, i, got, want)
	}
}
