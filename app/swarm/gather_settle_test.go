package swarm

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// A peer that shares several groups sends them as separate messages, some milliseconds apart.
// Its first group already makes the round look complete, yet Gather must return all of them:
// before gatherSettle it returned with the first one or two and the rest of the last sharer's
// groups were left out of the round (found by the soak test, app/soak).
func TestGatherWaitsForAPeersLastGroups(t *testing.T) {
	boot := newTestNode(t, edKey(t), nil, func(c *Config) { c.EnableRelayService, c.Observer = true, true })
	a := newTestNode(t, edKey(t), boot.Addrs())
	b := newTestNode(t, edKey(t), boot.Addrs())
	nodes := []*Node{boot, a, b}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.WaitPeers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// Both advertise that they train (identify) before the round starts.
	time.Sleep(time.Second)
	const round, groups = 1, 8
	for _, nd := range nodes {
		nd.SetRound(round)
	}
	if err := b.Publish(ctx, testRollout(b.ID(), round, "b")); err != nil {
		t.Fatal(err)
	}
	go func() {
		for i := range groups {
			if err := a.Publish(ctx, testRollout(a.ID(), round, fmt.Sprint("a", i))); err != nil {
				t.Error(err)
			}
			time.Sleep(40 * time.Millisecond) // a slow signer on a busy machine
		}
	}()
	t0 := time.Now()
	got, err := b.Gather(ctx, round, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Fatalf("Gather took %s: it waited for the deadline, not for the peers", d)
	}
	fromA := 0
	for _, r := range got {
		if r.PeerID == a.ID() {
			fromA++
		}
	}
	if fromA != groups {
		t.Fatalf("gathered %d of the peer's %d groups", fromA, groups)
	}
}

// A node with CutOff set drops its connections and refuses new ones while it says so, then
// reconnects by itself: the fault tests' partition.
func TestCutOffDropsPeersAndHeals(t *testing.T) {
	var cut atomic.Bool
	boot := newTestNode(t, edKey(t), nil, func(c *Config) { c.EnableRelayService = true })
	a := newTestNode(t, edKey(t), boot.Addrs())
	b := newTestNode(t, edKey(t), boot.Addrs(), func(c *Config) { c.CutOff = cut.Load })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := b.WaitPeers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	cut.Store(true)
	waitFor(t, 10*time.Second, "the cut node to lose every peer", func() bool { return len(b.h.Network().Peers()) == 0 })
	a.SetRound(1)
	b.SetRound(1)
	if err := a.Publish(ctx, testRollout(a.ID(), 1, "during the cut")); err != nil {
		t.Fatal(err)
	}
	// Peers keep trying (a's discovery, the bootnode's relay); none gets through.
	time.Sleep(2 * time.Second)
	if n := len(b.h.Network().Peers()); n != 0 {
		t.Fatalf("a cut-off node has %d peers", n)
	}
	if got, _ := b.Gather(ctx, 1, 300*time.Millisecond); len(got) != 0 {
		t.Fatalf("a cut-off node gathered %d rollouts", len(got))
	}
	cut.Store(false)
	if err := b.WaitPeers(ctx, 2); err != nil {
		t.Fatalf("the cut did not heal: %v", err)
	}
}

func waitFor(t *testing.T, d time.Duration, what string, f func() bool) {
	t.Helper()
	for end := time.Now().Add(d); !f(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
