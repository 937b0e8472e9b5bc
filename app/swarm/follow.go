package swarm

import (
	"context"
	"sync"
	"time"
)

// followRound keeps the node on the coordinator's round (Config.RoundSource).
// Publish and Gather move the round of a training node, but a bootnode or
// relay does neither, and a training node spends most of a round generating
// and training: between those calls only this loop moves the store's window,
// so gossip of the new round is accepted and forwarded at once.
func (n *Node) followRound() {
	defer n.wg.Done()
	t := time.NewTicker(n.cfg.RoundPoll)
	defer t.Stop()
	for {
		n.readRound()
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// readRound asks the round source once; a failed read keeps the last round
// (the next tick retries).
func (n *Node) readRound() {
	ctx, cancel := context.WithTimeout(n.ctx, max(n.cfg.RoundPoll, 5*time.Second))
	defer cancel()
	if r, err := n.cfg.RoundSource(ctx); err == nil {
		n.SetRound(r)
	}
}

// catchUpGap is the least time between two reads of the round source
// forced by gossip from a round ahead of the window.
const catchUpGap = 200 * time.Millisecond

// roundCatchUp rate-limits forced reads of the round source.
type roundCatchUp struct {
	mu   sync.Mutex
	last time.Time
}

// catchUp is called when a verified rollout is for a round beyond the
// window: this node may have missed a round change between two polls
// (rounds can be shorter than the poll, or a poll failed). It reads the
// source at once, at most every catchUpGap, and reports whether the round
// moved. Without a source nothing can be learned.
func (n *Node) catchUp(round uint64) bool {
	if n.cfg.RoundSource == nil || round <= n.store.round()+n.cfg.Limits.RoundWindow {
		return false
	}
	n.catch.mu.Lock()
	defer n.catch.mu.Unlock()
	if round <= n.store.round()+n.cfg.Limits.RoundWindow {
		return true // another message's catch-up moved the round meanwhile
	}
	if time.Since(n.catch.last) < catchUpGap {
		return false
	}
	n.catch.last = time.Now()
	before := n.store.round()
	n.readRound()
	return n.store.round() != before
}
