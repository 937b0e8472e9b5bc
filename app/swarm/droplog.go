package swarm

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// peerDrops is the per-peer drop table with names and current scores.
func (n *Node) peerDrops() []PeerDrops {
	out := n.counters.peerDrops()
	n.mu.Lock()
	defer n.mu.Unlock()
	for i := range out {
		out[i].Name = n.cfg.Namer(out[i].Peer)
		if id, err := peer.Decode(out[i].Peer); err == nil {
			out[i].Score = n.scores[id]
		}
	}
	return out
}

// dropLogLoop writes at most one line per Config.DropLogEvery summarising
// the messages dropped since the previous line, so an attack shows in the
// log without the log becoming the attack's amplifier.
func (n *Node) dropLogLoop() {
	defer n.wg.Done()
	if n.cfg.Logger == nil {
		return
	}
	t := time.NewTicker(min(time.Second, n.cfg.DropLogEvery))
	defer t.Stop()
	var last time.Time
	prev := map[DropReason]uint64{} // the counters start at zero with the node
	prevBy := map[string]uint64{}
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		if time.Since(last) < n.cfg.DropLogEvery {
			continue
		}
		cur := n.counters.snapshot()
		line, total := dropDelta(prev, cur)
		if total == 0 {
			continue
		}
		by := n.peerDrops()
		n.cfg.Logger.Warn("dropped messages from peers", "count", total, "reasons", line, "peers", topDroppers(by, prevBy, 3))
		prev, last = cur, time.Now()
		prevBy = map[string]uint64{}
		for _, p := range by {
			prevBy[p.Peer] = p.Total
		}
	}
}

// dropDelta formats the per-reason growth from prev to cur ("round=3 rate=1").
func dropDelta(prev, cur map[DropReason]uint64) (string, uint64) {
	var parts []string
	var total uint64
	for _, r := range AllDropReasons {
		if d := cur[r] - prev[r]; d > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", r, d))
			total += d
		}
	}
	return strings.Join(parts, " "), total
}

// topDroppers names the k peers with the most new drops since prevBy.
func topDroppers(by []PeerDrops, prevBy map[string]uint64, k int) string {
	type row struct {
		name string
		d    uint64
		sc   float64
	}
	var rows []row
	for _, p := range by {
		if d := p.Total - prevBy[p.Peer]; d > 0 {
			rows = append(rows, row{p.Name + " (" + shortID(p.Peer) + ")", d, p.Score})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].d > rows[j].d })
	var parts []string
	for i, r := range rows {
		if i == k {
			parts = append(parts, fmt.Sprintf("+%d more", len(rows)-k))
			break
		}
		parts = append(parts, fmt.Sprintf("%s: %d, score %.0f", r.name, r.d, r.sc))
	}
	return strings.Join(parts, "; ")
}
