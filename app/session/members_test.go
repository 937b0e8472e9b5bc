package session

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/swarm"
)

// TestOnlyMembersRolloutsAreKept runs real swarm nodes against the in-process dev chain, wired as
// Start wires them: a registered peer's rollouts are kept, an unregistered peer's are dropped
// (counted as "member", not blamed), and a peer registered during a round counts from the next.
func TestOnlyMembersRolloutsAreKept(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dc, err := devchain.Start(ctx, devchain.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	host := dc.Host()
	keys := map[string]crypto.PrivKey{}
	newNode := func(boot []string, members *chain.Members) (*swarm.Node, string) {
		k, _, err := crypto.GenerateEd25519Key(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := peer.IDFromPrivateKey(k)
		keys[id.String()] = k
		cfg := swarm.Config{Key: k, SwarmID: "members-test", ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, Bootstrap: boot,
			MaintainEvery: 200 * time.Millisecond, RoundPoll: 50 * time.Millisecond}
		if members != nil {
			cfg.RoundSource, cfg.IsMember = members.RoundSource(), members.Lookup
		}
		n, err := swarm.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = n.Close() })
		return n, id.String()
	}
	recv, _ := newNode(nil, chain.NewMembers(host))
	member, memberID := newNode(recv.Addrs(), nil)
	stranger, strangerID := newNode(recv.Addrs(), nil)
	newcomer, newcomerID := newNode(recv.Addrs(), nil)
	// The host registers the others' peer IDs for them, with their keys' proofs.
	register := func(id string) error {
		host.SetPeerKey(keys[id])
		return host.RegisterPeer(ctx, id)
	}
	if err := register(memberID); err != nil {
		t.Fatal(err)
	}
	if err := recv.WaitPeers(ctx, 3); err != nil {
		t.Fatal(err)
	}
	round, _, err := host.AdvanceRound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for recv.Round() != round {
		time.Sleep(10 * time.Millisecond)
	}
	// The newcomer registers during the round.
	if err := register(newcomerID); err != nil {
		t.Fatal(err)
	}
	publish := func(n *swarm.Node, r uint64) {
		q := "what is 6*7? " + n.ID()
		if err := n.Publish(ctx, swarm.Rollout{Round: r, Task: "test", Question: q, Answers: []string{"42"}}); err != nil {
			t.Fatal(err)
		}
	}
	authors := func(r uint64) map[string]bool {
		got, err := recv.GatherN(ctx, r, 4, 3*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, ro := range got {
			out[ro.PeerID] = true
		}
		return out
	}
	for _, n := range []*swarm.Node{member, stranger, newcomer} {
		publish(n, round)
	}
	got := authors(round)
	if !got[memberID] || got[strangerID] || got[newcomerID] {
		t.Fatalf("round %d kept authors %v; want only the member %s", round, got, memberID)
	}
	next, _, err := host.AdvanceRound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for recv.Round() != next {
		time.Sleep(10 * time.Millisecond)
	}
	for _, n := range []*swarm.Node{member, stranger, newcomer} {
		publish(n, next)
	}
	got = authors(next)
	if !got[memberID] || got[strangerID] || !got[newcomerID] {
		t.Fatalf("round %d kept authors %v; want the member and the newcomer", next, got)
	}
	st := recv.Stats()
	if st.Dropped[swarm.DropMember] == 0 {
		t.Fatalf("no member drops counted: %+v", st.Dropped)
	}
	for _, pd := range st.DroppedBy {
		if pd.Blamed > 0 {
			t.Errorf("peer %s blamed for %v", pd.Peer, pd.Reasons)
		}
	}
}
