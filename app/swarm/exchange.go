package swarm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Gather leaves gossip syncGrace to deliver before pulling with the sync
// protocol (pulling at once would fetch every rollout a second time), then
// re-asks peers every resyncEvery while something is missing.
const (
	syncGrace   = time.Second
	resyncEvery = time.Second
	// gatherSettle is how long the store must stay quiet once every peer has
	// shared before Gather returns (see gatherWhy).
	gatherSettle = 500 * time.Millisecond
)

// Publish signs r with the node key and gossips it. It fills r.PeerID, and
// r.BatchID when empty, and advances the node's round to r.Round. It fails
// for an invalid rollout, a (round, batch) already published, or more than
// Limits.MaxPerPeerRound rollouts in a round.
func (n *Node) Publish(ctx context.Context, r Rollout) error {
	r = r.clone()
	r.PeerID = n.ID()
	if r.BatchID == "" {
		r.BatchID = BatchID(r.Question)
	}
	n.store.setRound(r.Round)
	raw, err := Sign(r, n.cfg.Key, n.cfg.Limits)
	if err != nil {
		return fmt.Errorf("publish round %d: %w", r.Round, err)
	}
	switch why := n.store.add(r, raw); why {
	case "":
	case DropReplay:
		return fmt.Errorf("publish round %d: batch %s already published this round", r.Round, r.BatchID)
	case DropRate:
		return fmt.Errorf("publish round %d: more than %d rollouts this round", r.Round, n.cfg.Limits.MaxPerPeerRound)
	default:
		return fmt.Errorf("publish round %d: refused (%s); is SetRound current?", r.Round, why)
	}
	n.counters.published.Add(1)
	// raw is never reused or modified: pubsub keeps a reference to it.
	if err := n.topic.Publish(ctx, raw); err != nil {
		return fmt.Errorf("publish round %d: gossip: %w", r.Round, err)
	}
	return nil
}

// Gather returns every rollout known for round, including this node's own,
// sorted by author then batch id. It pulls missing rollouts from all
// connected peers in parallel (so no single slow peer blocks it) and returns
// as soon as every connected swarm peer that trains (not Config.Observer)
// and every author of the previous round this node knows has contributed,
// or when deadline passes — whichever is first. Call
// WaitPeers after New first: with no peers connected Gather returns at once. Reaching the deadline is not an error: the
// result is simply what arrived. Gather advances the node's round to round.
func (n *Node) Gather(ctx context.Context, round uint64, deadline time.Duration) ([]Rollout, error) {
	return n.gather(ctx, round, deadline, 0)
}

// GatherN is Gather that waits for rollouts from at least want distinct
// authors (this node included) instead of from every connected peer — the
// analogue of hivemind's world size, for peers not directly connected.
func (n *Node) GatherN(ctx context.Context, round uint64, want int, deadline time.Duration) ([]Rollout, error) {
	if want < 1 {
		want = 1
	}
	return n.gather(ctx, round, deadline, want)
}

func (n *Node) gather(ctx context.Context, round uint64, deadline time.Duration, want int) ([]Rollout, error) {
	out, _, err := n.gatherWhy(ctx, round, deadline, want)
	return out, err
}

// gatherWhy is gather that also reports whether it finished because the
// round was complete (true) rather than because of the deadline.
func (n *Node) gatherWhy(ctx context.Context, round uint64, deadline time.Duration, want int) ([]Rollout, bool, error) {
	n.store.setRound(round)
	if cur := n.store.round(); round+n.cfg.Limits.RoundWindow < cur {
		return nil, false, fmt.Errorf("gather round %d: node is at round %d, that round is no longer kept", round, cur)
	}
	gctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	asked := map[peer.ID]time.Time{}
	start := time.Now()
	done := make(chan peer.ID, 64)
	inflight := map[peer.ID]bool{}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	expect := n.expectedAuthors(round)
	for {
		changed := n.store.wait()
		authors := n.store.authors(round)
		peers := n.swarmPeers()
		if roundComplete(authors, n.trainers(peers), expect, want) {
			// A peer's groups come as separate gossip messages a few milliseconds apart, and
			// its first one already makes the round look complete: wait until nothing has
			// arrived for gatherSettle, so the rest of every peer's groups are in too.
			select {
			case <-changed:
				continue
			case <-time.After(gatherSettle):
				return n.store.rollouts(round), true, nil
			case <-gctx.Done():
				out := n.store.rollouts(round)
				if err := ctx.Err(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
					return out, false, fmt.Errorf("gather round %d: %w", round, err)
				}
				return out, true, nil
			case <-n.ctx.Done():
				return n.store.rollouts(round), false, errors.New("gather: node closed")
			}
		}
		// Gather needs peers that have not contributed, and any peer while an
		// expected author is missing; GatherN wants authors we may only reach
		// through any peer.
		anyPeer := want > 0 || !roundComplete(authors, nil, expect, 0)
		for _, p := range peers {
			if time.Since(start) < syncGrace {
				break
			}
			if inflight[p] || time.Since(asked[p]) < resyncEvery || !anyPeer && len(authors[p.String()]) > 0 {
				continue
			}
			asked[p], inflight[p] = time.Now(), true
			go func() {
				_ = n.syncFrom(gctx, p, round) // failures are counted; gossip may still deliver
				select {
				case done <- p:
				case <-gctx.Done():
				}
			}()
		}
		select {
		case <-gctx.Done():
			out := n.store.rollouts(round)
			if err := ctx.Err(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return out, false, fmt.Errorf("gather round %d: %w", round, err)
			}
			return out, false, nil
		case <-n.ctx.Done():
			return n.store.rollouts(round), false, errors.New("gather: node closed")
		case p := <-done:
			delete(inflight, p)
		case <-changed:
		case <-tick.C:
		}
	}
}

// roundComplete decides whether gathering can stop early: with want set, once want authors
// have shared; otherwise once every connected peer that trains (trainers) has shared and
// every author of the previous round (expect) has shared as many batches as it did then.
// Waiting only for direct peers ended a gather while a sender reached only through others
// was still generating (the soak test's 20-node swarm lost such rollouts), and stopping at an
// author's first batch ended one with a single gossip message of 32 still missing and never
// pulled; the previous round is the swarm as this node last saw it, and an author that has
// left, or shares fewer batches this round, costs at most the gather's deadline, once.
func roundComplete(authors map[string][]string, trainers []string, expect map[string]int, want int) bool {
	if want > 0 {
		return len(authors) >= want
	}
	for _, p := range trainers {
		if len(authors[p]) == 0 {
			return false
		}
	}
	for p, n := range expect {
		if len(authors[p]) < max(n, 1) {
			return false
		}
	}
	return true
}

// trainers are the peers of ps that train, as strings.
func (n *Node) trainers(ps []peer.ID) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if n.isTrainer(p) {
			out = append(out, p.String())
		}
	}
	return out
}

// expectedAuthors are the authors of the round before round (this node left out), each
// with how many batches it shared then: the peers a gather of round waits for besides its
// direct ones, and how much of each it waits for.
func (n *Node) expectedAuthors(round uint64) map[string]int {
	if round == 0 {
		return nil
	}
	self := n.ID()
	out := map[string]int{}
	for a, batches := range n.store.authors(round - 1) {
		if a != self {
			out[a] = len(batches)
		}
	}
	return out
}

// isTrainer reports whether p advertises that it publishes rollouts
// (Config.Observer unset), learned through identify.
func (n *Node) isTrainer(p peer.ID) bool {
	ok, err := n.h.Peerstore().SupportsProtocols(p, n.trainerID)
	return err == nil && len(ok) > 0
}
