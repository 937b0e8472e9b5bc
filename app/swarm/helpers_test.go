package swarm

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

const testSwarm = "swarmdesk-test"

func edKey(t testing.TB) crypto.PrivKey {
	t.Helper()
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// RSA-2048 keygen is slow on 2 cores, so the tests share two keys.
var (
	rsaOnce sync.Once
	rsaKeys [2]crypto.PrivKey
	rsaErr  error
)

func rsaKey(t testing.TB, i int) crypto.PrivKey {
	t.Helper()
	rsaOnce.Do(func() {
		for j := range rsaKeys {
			rsaKeys[j], _, rsaErr = crypto.GenerateRSAKeyPair(2048, rand.Reader)
			if rsaErr != nil {
				return
			}
		}
	})
	if rsaErr != nil {
		t.Fatal(rsaErr)
	}
	return rsaKeys[i]
}

func idOf(t testing.TB, k crypto.PrivKey) string {
	t.Helper()
	id, err := peer.IDFromPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// testRollout builds a valid rollout for author in round r; tag makes the
// question unique.
func testRollout(author string, round uint64, tag string) Rollout {
	q := fmt.Sprintf("round %d: what is %s squared?", round, tag)
	return Rollout{
		Round:    round,
		Task:     "gsm8k",
		Question: q,
		BatchID:  BatchID(q),
		Answers:  []string{"answer A from " + author, "answer B from " + author},
		Meta:     map[string]string{"answer": tag + "^2", "dataset": "test"},
		PeerID:   author,
	}
}

type nodeOpt func(*Config)

func newTestNode(t testing.TB, key crypto.PrivKey, boot []string, opts ...nodeOpt) *Node {
	t.Helper()
	cfg := Config{
		Key:           key,
		SwarmID:       testSwarm,
		ListenAddrs:   []string{"/ip4/127.0.0.1/tcp/0"},
		Bootstrap:     boot,
		MaintainEvery: 200 * time.Millisecond,
	}
	for _, o := range opts {
		o(&cfg)
	}
	n, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	return n
}

// startSwarm starts a bootnode (relay service on) and n-1 joiners that
// bootstrap from it, and waits until every joiner sees at least one peer.
func startSwarm(t testing.TB, n int) []*Node {
	t.Helper()
	keys := make([]crypto.PrivKey, n)
	for i := range keys {
		keys[i] = edKey(t)
	}
	return startSwarmKeys(t, keys)
}

// startSwarmKeys is startSwarm with given identities (keys[0] = bootnode).
func startSwarmKeys(t testing.TB, keys []crypto.PrivKey) []*Node {
	t.Helper()
	boot := newTestNode(t, keys[0], nil, func(c *Config) { c.EnableRelayService = true })
	nodes := []*Node{boot}
	for _, k := range keys[1:] {
		nodes = append(nodes, newTestNode(t, k, boot.Addrs()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, nd := range nodes[1:] {
		if err := nd.WaitPeers(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	return nodes
}

// sameRollout compares two rollouts field by field.
func sameRollout(a, b Rollout) error {
	if a.Round != b.Round || a.Task != b.Task || a.Question != b.Question || a.BatchID != b.BatchID || a.PeerID != b.PeerID {
		return fmt.Errorf("header differs: %+v vs %+v", a, b)
	}
	if len(a.Answers) != len(b.Answers) {
		return fmt.Errorf("answers differ: %q vs %q", a.Answers, b.Answers)
	}
	for i := range a.Answers {
		if a.Answers[i] != b.Answers[i] {
			return fmt.Errorf("answer %d differs", i)
		}
	}
	if len(a.Meta) != len(b.Meta) {
		return fmt.Errorf("meta differs: %v vs %v", a.Meta, b.Meta)
	}
	for k, v := range a.Meta {
		if b.Meta[k] != v {
			return fmt.Errorf("meta %q differs", k)
		}
	}
	return nil
}
