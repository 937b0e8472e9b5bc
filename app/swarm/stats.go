package swarm

import (
	"sort"
	"sync"
	"sync/atomic"
)

// Stats are cumulative counters since the node started, for the UI and logs.
type Stats struct {
	PeerID    string
	Round     uint64
	Peers     int    // connected swarm peers
	Published uint64 // rollouts this node published
	Accepted  uint64 // rollouts from others stored (gossip + sync)
	Synced    uint64 // of Accepted, how many came through the sync protocol
	// Duplicates counts harmless second copies (one gossip message reaching
	// us on two paths, or gossip after sync); they are not drops.
	Duplicates uint64
	// Dropped counts refused messages by reason (every reason is present).
	Dropped map[DropReason]uint64
	// DroppedBy lists, per peer that handed us refused messages, how many
	// and why, most drops first. Blamed drops lower the peer's score;
	// the others (out of round, not a member, a re-publish) are not held
	// against it, because an honest peer sends them too when its view of
	// the round or the membership differs from ours for a moment.
	DroppedBy []PeerDrops
	// BytesIn/BytesOut are all libp2p traffic of this host.
	BytesIn, BytesOut int64
}

// PeerDrops is what one peer sent us that was refused.
type PeerDrops struct {
	Peer   string
	Name   string
	Total  uint64
	Blamed uint64 // of Total, the drops that lower its score
	// Reasons counts the drops by reason (only reasons that occurred).
	Reasons map[DropReason]uint64
	// Score is the gossip score we give the peer now (0 when unknown).
	Score float64
}

// TotalDropped sums Dropped over all reasons.
func (s Stats) TotalDropped() uint64 {
	var t uint64
	for _, v := range s.Dropped {
		t += v
	}
	return t
}

// maxDropPeers bounds the per-peer drop table: a flood from many fresh
// identities must not grow it without end. Past the bound, drops of new
// peers are still counted by reason, only not per peer.
const maxDropPeers = 4096

// counters are the node's live counters.
type counters struct {
	published, accepted, synced, duplicates atomic.Uint64
	mu                                      sync.Mutex
	dropped                                 map[DropReason]uint64
	badByPeer                               map[string]uint64 // drops blamed on a directly connected peer
	byPeer                                  map[string]map[DropReason]uint64
}

func newCounters() *counters {
	return &counters{dropped: map[DropReason]uint64{}, badByPeer: map[string]uint64{}, byPeer: map[string]map[DropReason]uint64{}}
}

// drop counts a refused message and blames the peer that handed it to us
// (which may differ from its claimed author): blame lowers its score.
func (c *counters) drop(reason DropReason, from string) { c.count(reason, from, true) }

// note counts a refused message of from without holding it against from.
func (c *counters) note(reason DropReason, from string) { c.count(reason, from, false) }

func (c *counters) count(reason DropReason, from string, blame bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropped[reason]++
	if from == "" {
		return
	}
	if blame {
		c.badByPeer[from]++
	}
	m := c.byPeer[from]
	if m == nil {
		if len(c.byPeer) >= maxDropPeers {
			return
		}
		m = map[DropReason]uint64{}
		c.byPeer[from] = m
	}
	m[reason]++
}

func (c *counters) bad(from string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.badByPeer[from]
}

// peerDrops returns the per-peer table sorted by most drops, then peer.
func (c *counters) peerDrops() []PeerDrops {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]PeerDrops, 0, len(c.byPeer))
	for p, m := range c.byPeer {
		pd := PeerDrops{Peer: p, Blamed: c.badByPeer[p], Reasons: make(map[DropReason]uint64, len(m))}
		for r, v := range m {
			pd.Reasons[r] = v
			pd.Total += v
		}
		out = append(out, pd)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		return out[i].Peer < out[j].Peer
	})
	return out
}

func (c *counters) snapshot() map[DropReason]uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[DropReason]uint64, len(AllDropReasons))
	for _, r := range AllDropReasons {
		out[r] = c.dropped[r]
	}
	return out
}
