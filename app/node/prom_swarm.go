package node

import (
	"github.com/swarmdesk/swarmdesk/app/swarm"
)

// swarmStatser is what the node reads of a *swarm.Node for the metrics.
type swarmStatser interface{ Stats() swarm.Stats }

// swarmFamilies are the swarm's counters, when the exchange is a *swarm.Node: rollouts by
// fate, drops by reason, and by peer (who sent what was dropped, and its current score), so an
// operator sees an attack — or a misconfigured peer — from the metrics alone.
func (n *Node) swarmFamilies() []promMetric {
	sw, ok := n.deps.Swarm.(swarmStatser)
	if !ok {
		return nil
	}
	return swarmPromFamilies(sw.Stats())
}

// maxPromPeers bounds the per-peer series, most drops first: a flood from many fresh
// identities must not blow up the scrape.
const maxPromPeers = 50

func swarmPromFamilies(st swarm.Stats) []promMetric {
	c := func(name, help string, v uint64) promMetric {
		return promMetric{name: "swarmdesk_swarm_" + name, help: help, kind: "counter", samples: []promSample{{value: float64(v)}}}
	}
	out := []promMetric{
		c("published_total", "Rollouts this node published.", st.Published),
		c("accepted_total", "Peers' rollouts accepted (gossip and sync).", st.Accepted),
		c("duplicates_total", "Harmless second copies of accepted rollouts.", st.Duplicates),
		{name: "swarmdesk_swarm_peers", help: "Connected swarm peers.", kind: "gauge", samples: []promSample{{value: float64(st.Peers)}}},
	}
	byReason := promMetric{name: "swarmdesk_swarm_dropped_total", help: "Messages from peers refused, by reason.", kind: "counter"}
	for _, r := range swarm.AllDropReasons {
		byReason.samples = append(byReason.samples, promSample{labels: map[string]string{"reason": string(r)}, value: float64(st.Dropped[r])})
	}
	byPeer := promMetric{name: "swarmdesk_swarm_peer_dropped_total", help: "Messages refused, by the peer that sent them and reason (the peers with most drops).", kind: "counter"}
	blamed := promMetric{name: "swarmdesk_swarm_peer_blamed_total", help: "Of a peer's refused messages, those held against its score.", kind: "counter"}
	score := promMetric{name: "swarmdesk_swarm_peer_score", help: "The gossip score this node gives a peer that sent refused messages.", kind: "gauge"}
	for i, p := range st.DroppedBy {
		if i == maxPromPeers {
			break
		}
		for _, r := range sortedKeys(p.Reasons) {
			byPeer.samples = append(byPeer.samples, promSample{labels: map[string]string{"peer": p.Peer, "reason": string(r)}, value: float64(p.Reasons[r])})
		}
		blamed.samples = append(blamed.samples, promSample{labels: map[string]string{"peer": p.Peer}, value: float64(p.Blamed)})
		score.samples = append(score.samples, promSample{labels: map[string]string{"peer": p.Peer}, value: p.Score})
	}
	out = append(out, byReason, byPeer, blamed, score)
	if len(st.DroppedBy) > maxPromPeers {
		out = append(out, promMetric{name: "swarmdesk_swarm_peer_dropped_unlisted", help: "Peers with refused messages left out of the per-peer series.", kind: "gauge",
			samples: []promSample{{value: float64(len(st.DroppedBy) - maxPromPeers)}}})
	}
	return out
}
