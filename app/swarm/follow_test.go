package swarm

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"
	ma "github.com/multiformats/go-multiaddr"
)

// TestBootnodeFollowsTheChainRound is issue 16's first finding: a peer that
// reaches the swarm only through the bootnode (directly, and through a
// circuit relay on the bootnode) must receive every round's rollouts, and
// the bootnode must hold nothing against the honest senders. The "chain"
// is a round counter every node reads through Config.RoundSource.
func TestBootnodeFollowsTheChainRound(t *testing.T) {
	var chainRound atomic.Uint64
	src := func(context.Context) (uint64, error) { return chainRound.Load(), nil }
	follow := func(c *Config) { c.RoundSource, c.RoundPoll = src, 20*time.Millisecond }
	// TargetPeers 1: nobody discovers anybody beyond the bootnode, so every
	// rollout has to pass through it.
	star := func(c *Config) { c.TargetPeers = 1 }
	// On loopback AutoNAT never finds the bootnode public, and a relay
	// only serves once it is; force what a real public bootnode learns.
	testHostOpts = []libp2p.Option{libp2p.ForceReachabilityPublic()}
	boot := newTestNode(t, edKey(t), nil, follow, func(c *Config) { c.Observer, c.EnableRelayService = true, true })
	testHostOpts = nil
	pubs := []*Node{
		newTestNode(t, edKey(t), boot.Addrs(), follow, star),
		newTestNode(t, edKey(t), boot.Addrs(), follow, star),
	}
	lone := newTestNode(t, edKey(t), boot.Addrs(), follow, star)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, nd := range append([]*Node{lone}, pubs...) {
		if err := nd.WaitPeers(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	// The lone peer also reaches pubs[0] through a circuit relay on the
	// bootnode (how a peer behind NAT reaches another one).
	if _, err := client.Reserve(ctx, pubs[0].Host(), peer.AddrInfo{ID: boot.Host().ID(), Addrs: boot.Host().Addrs()}); err != nil {
		t.Fatalf("relay reservation: %v", err)
	}
	circuit := boot.Addrs()[0] + "/p2p-circuit/p2p/" + pubs[0].ID()
	if _, err := ma.NewMultiaddr(circuit); err != nil {
		t.Fatal(err)
	}
	if err := lone.Connect(ctx, circuit); err != nil {
		t.Fatalf("relayed connection: %v", err)
	}
	relayed := false
	for _, p := range lone.Peers() {
		if p.ID == pubs[0].ID() {
			relayed = p.Relayed
		}
		if p.ID == pubs[1].ID() {
			t.Fatalf("the lone peer is directly connected to a publisher; the test needs the star")
		}
	}
	if !relayed {
		t.Fatalf("the lone peer's connection to %s is not relayed: %+v", pubs[0].ID(), lone.Peers())
	}

	// Everyone must know the others' topic subscriptions before the first
	// publish (in a live swarm they joined long ago).
	for len(boot.topic.ListPeers()) < 3 || len(pubs[0].topic.ListPeers()) < 1 || len(pubs[1].topic.ListPeers()) < 1 {
		if ctx.Err() != nil {
			t.Fatalf("topic peers never formed: boot %d", len(boot.topic.ListPeers()))
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a heartbeat builds the mesh

	const rounds = 6
	for round := uint64(1); round <= rounds; round++ {
		// Rounds last seconds on a real chain; a quarter of one leaves the
		// poll (20 ms here) time to see each change most of the time.
		time.Sleep(250 * time.Millisecond)
		chainRound.Store(round)
		want := publishRound(t, pubs, round)
		got, err := lone.GatherN(ctx, round, len(pubs), 15*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(pubs) {
			t.Fatalf("round %d: the lone peer received %d of %d rollouts; bootnode at round %d, stats %+v", round, len(got), len(pubs), boot.Round(), boot.Stats())
		}
		checkGathered(t, 0, got, want)
	}
	for deadline := time.Now().Add(2 * time.Second); boot.Round() != rounds && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if r := boot.Round(); r != rounds {
		t.Errorf("bootnode at round %d, chain at %d", r, rounds)
	}
	for _, pd := range boot.Stats().DroppedBy {
		if pd.Blamed > 0 {
			t.Errorf("bootnode blamed honest peer %s for %d drops (%v)", pd.Peer, pd.Blamed, pd.Reasons)
		}
	}
	for _, p := range boot.Peers() {
		if p.Score < 0 {
			t.Errorf("bootnode scores honest peer %s at %.1f", p.ID, p.Score)
		}
	}
}

// TestStaleReceiverDoesNotBlame: a receiver whose round lags (no round
// source, never gathers) drops the senders' later rounds but counts them as
// not blamed, so the honest senders keep their score.
func TestStaleReceiverDoesNotBlame(t *testing.T) {
	stale := newTestNode(t, edKey(t), nil)
	sender := newTestNode(t, edKey(t), stale.Addrs())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sender.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // one heartbeat: the mesh forms
	for round := uint64(5); round <= 7; round++ {
		if err := sender.Publish(ctx, testRollout(sender.ID(), round, "late")); err != nil {
			t.Fatal(err)
		}
	}
	waitDropped(t, stale, DropRound, 3)
	if bad := stale.counters.bad(sender.ID()); bad != 0 {
		t.Fatalf("stale receiver blamed the sender for %d drops", bad)
	}
	by := stale.Stats().DroppedBy
	if len(by) != 1 || by[0].Peer != sender.ID() || by[0].Reasons[DropRound] != 3 || by[0].Blamed != 0 {
		t.Fatalf("per-peer drops = %+v, want 3 round drops from the sender, none blamed", by)
	}
}
