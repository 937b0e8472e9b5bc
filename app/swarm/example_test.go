package swarm_test

import (
	"context"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/swarmdesk/swarmdesk/app/swarm"
)

// Example shows one round as the node core would run it: join through the
// bootnodes, publish this node's rollout, gather everyone's.
func Example() {
	ctx := context.Background()
	var key crypto.PrivKey // from app/identity (swarm.pem)
	var bootnodes []string // from config or the coordinator's getBootnodes()
	if key == nil {
		return // the example needs a real identity
	}
	n, err := swarm.New(ctx, swarm.Config{
		Key:       key,
		Bootstrap: bootnodes,
		Namer:     func(id string) string { return id }, // identity.Name
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer n.Close()
	_ = n.WaitPeers(ctx, 1)

	const round = 42 // coordinator currentRound()
	n.SetRound(round)
	q := "What is 6*7?"
	err = n.Publish(ctx, swarm.Rollout{Round: round, Task: "gsm8k", Question: q, BatchID: swarm.BatchID(q),
		Answers: []string{"42", "6*7=42"}, Meta: map[string]string{"answer": "42"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	rollouts, err := n.Gather(ctx, round, 30*time.Second)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rollouts {
		fmt.Println(r.PeerID, r.BatchID, len(r.Answers))
	}
	for _, p := range n.Peers() {
		fmt.Println(p.Name, p.Latency, p.Shared)
	}
}

// ExampleHostSwarm starts a bootnode for a private swarm and prints the
// addresses to share.
func ExampleHostSwarm() {
	var key crypto.PrivKey // from app/identity
	if key == nil {
		return
	}
	n, err := swarm.HostSwarm(context.Background(), swarm.Config{Key: key})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer n.Close()
	for _, a := range n.Addrs() {
		fmt.Println(a) // e.g. /ip4/192.168.1.20/tcp/4001/p2p/Qm…
	}
}
