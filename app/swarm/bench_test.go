package swarm

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
)

// BenchmarkRound20Nodes measures, on loopback, the time from "all 20 nodes
// publish their rollout" until every node's GatherN holds all 20, and the
// libp2p bytes each node sends per round. Rollouts carry two 4 KiB answers
// (rl-swarm sized). Run: go test -run XXX -bench Round20 ./app/swarm/
func BenchmarkRound20Nodes(b *testing.B) {
	benchRound(b, startSwarm(b, 20))
}

// BenchmarkRound20NodesRSA is the same with RSA-2048 identities, as
// rl-swarm's swarm.pem uses (gossipsub and envelope signatures are RSA).
func BenchmarkRound20NodesRSA(b *testing.B) {
	keys := make([]crypto.PrivKey, 20)
	for i := range keys {
		k, _, err := crypto.GenerateRSAKeyPair(2048, rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		keys[i] = k
	}
	benchRound(b, startSwarmKeys(b, keys))
}

func benchRound(b *testing.B, nodes []*Node) {
	n := len(nodes)
	answer := strings.Repeat("x", 4<<10)
	round := uint64(0)
	runRound := func() {
		round++
		for _, nd := range nodes {
			nd.SetRound(round)
		}
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i, nd := range nodes {
			r := testRollout(nd.ID(), round, fmt.Sprintf("b%d", i))
			r.Answers = []string{answer, answer}
			if err := nd.Publish(context.Background(), r); err != nil {
				b.Fatal(err)
			}
		}
		for _, nd := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := nd.GatherN(context.Background(), round, n, 60*time.Second)
				if err == nil && len(got) != n {
					err = fmt.Errorf("gathered %d of %d", len(got), n)
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	sent := func() int64 {
		var s int64
		for _, nd := range nodes {
			s += nd.Stats().BytesOut
		}
		return s
	}
	// Warm-up rounds let the gossip mesh form (heartbeat is 1 s).
	runRound()
	time.Sleep(2 * time.Second)
	runRound()
	b.ResetTimer()
	var elapsed time.Duration
	var bytes int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		time.Sleep(1100 * time.Millisecond) // bandwidth meters update once a second
		before := sent()
		b.StartTimer()
		start := time.Now()
		runRound()
		elapsed += time.Since(start)
		b.StopTimer()
		time.Sleep(1100 * time.Millisecond)
		bytes += sent() - before
		b.StartTimer()
	}
	var acc, syn uint64
	dropped := map[DropReason]uint64{}
	for _, nd := range nodes {
		st := nd.Stats()
		acc += st.Accepted
		syn += st.Synced
		for k, v := range st.Dropped {
			dropped[k] += v
		}
	}
	b.Logf("rollouts accepted %d, of which repaired by sync %d; dropped %v", acc, syn, dropped)
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N), "ms/round")
	b.ReportMetric(float64(bytes)/float64(b.N)/float64(n), "bytes/node/round")
	b.ReportMetric(float64(len(answer)*2), "payload-bytes")
}

// BenchmarkDecode measures the receive-side cost of one rl-swarm sized
// envelope (parse + schema + signature), the work every node does for every
// rollout of every peer.
func BenchmarkDecode(b *testing.B) {
	for _, kind := range []string{"ed25519", "rsa2048"} {
		b.Run(kind, func(b *testing.B) {
			key := edKey(b)
			if kind == "rsa2048" {
				key = rsaKey(b, 0)
			}
			r := testRollout(idOf(b, key), 1, "bench")
			r.Answers = []string{strings.Repeat("x", 4<<10), strings.Repeat("y", 4<<10)}
			raw, err := Sign(r, key, Limits{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Decode(raw, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
