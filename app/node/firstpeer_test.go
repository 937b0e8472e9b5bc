package node

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/swarm"
)

// peeredExchange is a fakeExchange whose swarm gets its first peer at a set moment, and which
// notes when the node asked for peers and when it published.
type peeredExchange struct {
	*fakeExchange
	peerAt time.Time // zero: never

	mu        sync.Mutex
	waits     int
	firstPub  time.Time
	waitStart time.Time
}

func (p *peeredExchange) WaitPeers(ctx context.Context, want int) error {
	p.mu.Lock()
	p.waits++
	p.waitStart = time.Now()
	p.mu.Unlock()
	if p.peerAt.IsZero() {
		<-ctx.Done()
		return ctx.Err()
	}
	sleep(ctx, time.Until(p.peerAt))
	return ctx.Err()
}

func (p *peeredExchange) Publish(ctx context.Context, r swarm.Rollout) error {
	p.mu.Lock()
	if p.firstPub.IsZero() {
		p.firstPub = time.Now()
	}
	p.mu.Unlock()
	return p.fakeExchange.Publish(ctx, r)
}

// Right after a (re)start a node has no swarm peers, and what it publishes then reaches
// nobody by gossip (the soak test's restarted nodes published into nothing). The first shared
// round waits for a peer, bounded by the gather timeout, once per run.
func TestFirstRoundWaitsForAPeer(t *testing.T) {
	cfg := testConfig()
	cases := []struct {
		name      string
		peerAfter time.Duration // 0: no peer ever comes
		minWait   time.Duration // without a peer: the first publish comes at least this long after the wait began
		maxWait   time.Duration // and at most this long
	}{
		{"a peer connects after 400ms: publish after it", 400 * time.Millisecond, 0, 0},
		{"no peer comes: bounded by the gather timeout", 0, cfg.GatherTimeout - 50*time.Millisecond, cfg.GatherTimeout + 2*time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ch := newFakeChain()
			ch.round = 1
			ex := &peeredExchange{fakeExchange: &fakeExchange{}}
			n := fakeNode(t, cfg, ch, ex.fakeExchange, t.TempDir(), func(d *Deps) { d.Swarm = ex })
			if tc.peerAfter > 0 {
				ex.peerAt = time.Now().Add(tc.peerAfter) // before the node can reach its first publish
			}
			stop := runNode(n)
			defer stop()
			waitFor(t, 30*time.Second, "round 1", func() bool { return n.State().NextRound > 1 })
			ch.advance(1)
			waitFor(t, 30*time.Second, "round 2", func() bool { return n.State().NextRound > 2 })
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			ex.mu.Lock()
			defer ex.mu.Unlock()
			if ex.waits != 1 {
				t.Fatalf("WaitPeers called %d times over two rounds, want once", ex.waits)
			}
			if ex.firstPub.IsZero() {
				t.Fatal("nothing published")
			}
			waited := ex.firstPub.Sub(ex.waitStart)
			if tc.peerAfter > 0 {
				if ex.firstPub.Before(ex.peerAt) {
					t.Fatalf("published %s before the first peer came", ex.peerAt.Sub(ex.firstPub))
				}
				return
			}
			if waited < tc.minWait || waited > tc.maxWait {
				t.Fatalf("first publish %s after the wait began, want %s..%s", waited, tc.minWait, tc.maxWait)
			}
		})
	}
}
