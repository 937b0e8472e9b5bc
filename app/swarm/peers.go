package swarm

import (
	"net"
	"sort"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// PeerInfo is one row of the UI's peer view.
type PeerInfo struct {
	ID   string
	Name string // from Config.Namer
	// Addr is the remote address of the (first) live connection.
	Addr string
	// Latency is the last measured ping round trip (0 = not measured yet).
	Latency time.Duration
	// Score is the gossipsub score we give this peer (negative = misbehaving).
	Score float64
	// Swarm is true when the peer speaks this swarm's protocols (false for
	// e.g. a relay-only node).
	Swarm bool
	// Trainer is true when the peer publishes rollouts (not an observer
	// such as a dedicated bootnode).
	Trainer bool
	// Bootnode is true for peers from Config.Bootstrap.
	Bootnode bool
	// Relayed is true when we reach the peer only through a circuit relay.
	Relayed bool
	// Shared lists the batch ids this peer shared in the node's current round.
	Shared []string
	// Dropped counts messages from this peer we refused.
	Dropped uint64
}

// Peers lists connected peers sorted by name, with what each shared in the
// current round.
func (n *Node) Peers() []PeerInfo {
	round := n.store.round()
	shared := n.store.authors(round)
	swarm := map[peer.ID]bool{}
	for _, p := range n.swarmPeers() {
		swarm[p] = true
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []PeerInfo
	for _, p := range n.h.Network().Peers() {
		conns := n.h.Network().ConnsToPeer(p)
		if len(conns) == 0 {
			continue
		}
		id := p.String()
		info := PeerInfo{
			ID:       id,
			Name:     n.cfg.Namer(id),
			Addr:     conns[0].RemoteMultiaddr().String(),
			Latency:  n.latency[p],
			Score:    n.scores[p],
			Swarm:    swarm[p],
			Trainer:  n.isTrainer(p),
			Bootnode: n.bootSet[p],
			Relayed:  allLimited(conns),
			Shared:   shared[id],
			Dropped:  n.counters.bad(id),
		}
		if info.Latency == 0 {
			info.Latency = n.h.Peerstore().LatencyEWMA(p)
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func allLimited(conns []network.Conn) bool {
	for _, c := range conns {
		if !c.Stat().Limited {
			return false
		}
	}
	return true
}

// Addrs returns this node's full multiaddrs (…/p2p/<id>) for others to
// join: public addresses first, then LAN, then loopback. In "host a swarm"
// mode these are what the user copies and shares.
func (n *Node) Addrs() []string {
	p2p, err := ma.NewComponent("p2p", n.h.ID().String())
	if err != nil {
		return nil
	}
	type ranked struct {
		s    string
		rank int
	}
	var rs []ranked
	seen := map[string]bool{}
	for _, a := range n.h.Addrs() {
		s := a.Encapsulate(p2p.Multiaddr()).String()
		if seen[s] {
			continue
		}
		seen[s] = true
		rs = append(rs, ranked{s, addrRank(a)})
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].rank != rs[j].rank {
			return rs[i].rank < rs[j].rank
		}
		return rs[i].s < rs[j].s
	})
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.s
	}
	return out
}

// addrRank orders addresses by how widely reachable they are.
func addrRank(a ma.Multiaddr) int {
	ip, err := manet.ToIP(a)
	if err != nil {
		return 1 // DNS or relay addresses: shareable, after public IPs
	}
	switch {
	case ip.IsLoopback():
		return 3
	case ip.IsPrivate() || ip.IsLinkLocalUnicast() || isCGNAT(ip):
		return 2
	default:
		return 0
	}
}

var cgnat = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}

func isCGNAT(ip net.IP) bool { return cgnat.Contains(ip) }
