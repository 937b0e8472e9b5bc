package swarm

import (
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
)

// A rollout whose author's membership could not be looked up (the chain
// timed out or erred, e.g. right after a restart when the member cache is
// empty and the chain is busy) is not a non-member's: dropping it as one
// lost it for good, because the sync protocol only asks for authors a node
// has nothing from. Such rollouts are held, for their own round only, and
// looked up again with back-off; when the round ends with the look-up still
// failing they are dropped as DropMemberLookup. Neither outcome is blamed on
// the sender: the failure is ours.

// Bounds of the held rollouts: per forwarding peer (count and bytes) and in
// all, so a flood while the chain is down cannot grow memory without end.
const (
	maxHeldPerPeer      = 64
	maxHeldBytesPerPeer = 8 << 20
	maxHeldTotal        = 2048
)

// Back-off between look-ups of a held rollout's author.
const (
	heldRetryFirst = 200 * time.Millisecond
	heldRetryMax   = 2 * time.Second
	heldTick       = 100 * time.Millisecond
)

type heldRollout struct {
	env   *envelope
	raw   []byte
	src   string
	msgID string
	next  time.Time
	wait  time.Duration
}

// heldSet is the node's held rollouts, oldest first.
type heldSet struct {
	mu      sync.Mutex
	list    []*heldRollout
	perPeer map[string]int
	bytes   map[string]int
}

func newHeldSet() *heldSet { return &heldSet{perPeer: map[string]int{}, bytes: map[string]int{}} }

// add holds h; false when a bound is reached.
func (s *heldSet) add(h *heldRollout) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.list) >= maxHeldTotal || s.perPeer[h.src] >= maxHeldPerPeer || s.bytes[h.src]+len(h.raw) > maxHeldBytesPerPeer {
		return false
	}
	s.list = append(s.list, h)
	s.perPeer[h.src]++
	s.bytes[h.src] += len(h.raw)
	return true
}

// take removes and returns the held rollouts for which pick is true.
func (s *heldSet) take(pick func(*heldRollout) bool) []*heldRollout {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*heldRollout
	keep := s.list[:0]
	for _, h := range s.list {
		if !pick(h) {
			keep = append(keep, h)
			continue
		}
		out = append(out, h)
		if s.perPeer[h.src]--; s.perPeer[h.src] <= 0 {
			delete(s.perPeer, h.src)
			delete(s.bytes, h.src)
		} else {
			s.bytes[h.src] -= len(h.raw)
		}
	}
	clear(s.list[len(keep):])
	s.list = keep
	return out
}

func (s *heldSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.list)
}

// hold keeps a rollout whose membership look-up failed, if it is of the
// current round (or later) and the bounds allow; otherwise it is dropped as
// DropMemberLookup at once. Gossip is ignored either way (not forwarded,
// not blamed).
func (n *Node) hold(env *envelope, raw []byte, src, msgID string, now time.Time) pubsub.ValidationResult {
	h := &heldRollout{env: env, raw: raw, src: src, msgID: msgID, next: now.Add(heldRetryFirst), wait: heldRetryFirst}
	if env.Rollout.Round < n.store.round() || !n.held.add(h) {
		n.counters.note(DropMemberLookup, src)
	}
	return pubsub.ValidationIgnore
}

// retryHeld looks up again the authors of the held rollouts that are due at
// now (one look-up per author): a member's rollouts are adopted, a
// non-member's dropped as DropMember, and a failed look-up backs off again.
// Rollouts of a round that has ended are dropped first (expireHeld).
func (n *Node) retryHeld(now time.Time) {
	n.expireHeld()
	due := n.held.take(func(h *heldRollout) bool { return !now.Before(h.next) })
	type answer struct {
		member bool
		err    error
	}
	answers := map[string]answer{}
	for _, h := range due {
		a, ok := answers[h.env.Rollout.PeerID]
		if !ok {
			a.member, a.err = n.cfg.IsMember(h.env.Rollout.PeerID)
			answers[h.env.Rollout.PeerID] = a
		}
		switch {
		case a.err != nil:
			h.wait = min(2*h.wait, heldRetryMax)
			h.next = now.Add(h.wait)
			if !n.held.add(h) {
				n.counters.note(DropMemberLookup, h.src)
			}
		case !a.member:
			n.counters.note(DropMember, h.src)
		default:
			if n.adopt(h.env, h.raw, h.src, h.msgID) == pubsub.ValidationAccept && h.msgID == "" {
				n.counters.synced.Add(1)
			}
		}
	}
}

// expireHeld drops, as DropMemberLookup, the held rollouts of rounds before
// the node's current one: their round ended with the look-up still failing.
func (n *Node) expireHeld() {
	cur := n.store.round()
	for _, h := range n.held.take(func(h *heldRollout) bool { return h.env.Rollout.Round < cur }) {
		n.counters.note(DropMemberLookup, h.src)
	}
}

// heldLoop retries the held rollouts until the node stops.
func (n *Node) heldLoop() {
	defer n.wg.Done()
	t := time.NewTicker(heldTick)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case now := <-t.C:
			if n.held.len() > 0 {
				n.retryHeld(now)
			}
		}
	}
}
