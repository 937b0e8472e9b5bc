package swarm

import (
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
	// BytesIn/BytesOut are all libp2p traffic of this host.
	BytesIn, BytesOut int64
}

// counters are the node's live counters.
type counters struct {
	published, accepted, synced, duplicates atomic.Uint64
	mu                                      sync.Mutex
	dropped                                 map[DropReason]uint64
	badByPeer                               map[string]uint64 // drops blamed on a directly connected peer
}

func newCounters() *counters {
	return &counters{dropped: map[DropReason]uint64{}, badByPeer: map[string]uint64{}}
}

// drop counts a refused message and blames the peer that handed it to us
// (which may differ from its claimed author).
func (c *counters) drop(reason DropReason, from string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropped[reason]++
	if from != "" {
		c.badByPeer[from]++
	}
}

func (c *counters) bad(from string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.badByPeer[from]
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
