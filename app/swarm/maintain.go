package swarm

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
)

// Reconnect backoff bounds for bootnodes and discovered peers.
const (
	backoffMin  = time.Second
	backoffMax  = time.Minute
	dialTimeout = 15 * time.Second
	pingEvery   = 15 * time.Second
)

// dialState tracks reconnect attempts to one peer.
type dialState struct {
	inFlight bool
	failures int
	next     time.Time
}

// backoffAfter returns the wait after the given number of consecutive
// failures: doubling from backoffMin, capped at backoffMax, with ±20 %
// jitter so that many nodes do not hammer a recovering bootnode in lockstep.
func backoffAfter(failures int) time.Duration {
	d := backoffMin
	for i := 1; i < failures && d < backoffMax; i++ {
		d *= 2
	}
	if d > backoffMax {
		d = backoffMax
	}
	j := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * j)
}

// maintainLoop keeps the node connected: it redials bootnodes with backoff,
// tops up peers through peer exchange, and measures latency.
func (n *Node) maintainLoop() {
	defer n.wg.Done()
	t := time.NewTicker(n.cfg.MaintainEvery)
	defer t.Stop()
	var lastPing time.Time
	for {
		// While cut off, dialling would only fail and push the peers' backoff up, delaying
		// the reconnection once the cut heals.
		if !n.cutOff() {
			n.redialBootnodes()
			n.discover()
			all := time.Since(lastPing) >= pingEvery
			if all {
				lastPing = time.Now()
			}
			n.pingPeers(all)
		}
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// redialBootnodes starts a dial to every disconnected bootnode whose backoff
// has expired.
func (n *Node) redialBootnodes() {
	for _, ai := range n.boot {
		n.tryDial(ai)
	}
}

// tryDial dials ai in the background unless connected, already dialling, or
// backing off.
func (n *Node) tryDial(ai peer.AddrInfo) {
	if ai.ID == n.h.ID() || n.h.Network().Connectedness(ai.ID) == network.Connected {
		return
	}
	n.mu.Lock()
	st := n.dial[ai.ID]
	if st == nil {
		st = &dialState{}
		n.dial[ai.ID] = st
	}
	if st.inFlight || time.Now().Before(st.next) {
		n.mu.Unlock()
		return
	}
	st.inFlight = true
	n.mu.Unlock()

	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctx, cancel := context.WithTimeout(n.ctx, dialTimeout)
		err := n.h.Connect(ctx, ai)
		cancel()
		n.mu.Lock()
		defer n.mu.Unlock()
		st.inFlight = false
		if err != nil {
			st.failures++
			st.next = time.Now().Add(backoffAfter(st.failures))
			return
		}
		st.failures = 0
		st.next = time.Time{}
	}()
}

// discover asks one random swarm peer for its peers when below TargetPeers.
func (n *Node) discover() {
	peers := n.swarmPeers()
	if len(peers) == 0 || len(peers) >= n.cfg.TargetPeers {
		return
	}
	p := peers[rand.IntN(len(peers))]
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctx, cancel := context.WithTimeout(n.ctx, pexStreamTime)
		defer cancel()
		infos, err := n.askPeers(ctx, p)
		if err != nil {
			return
		}
		rand.Shuffle(len(infos), func(i, j int) { infos[i], infos[j] = infos[j], infos[i] })
		have := len(n.swarmPeers())
		want := n.cfg.TargetPeers - have
		for _, ai := range infos {
			if want <= 0 {
				break
			}
			if ai.ID == n.h.ID() || n.h.Network().Connectedness(ai.ID) == network.Connected {
				continue
			}
			// Two peers that discover each other at the same moment would
			// dial both ways and end up with two connections, and gossip
			// sent while gossipsub moves its stream between them is lost.
			// Only the smaller ID dials, unless we are short of peers.
			if n.h.ID() > ai.ID && have >= n.cfg.TargetPeers/2 {
				continue
			}
			n.h.Peerstore().AddAddrs(ai.ID, ai.Addrs, 10*time.Minute)
			n.tryDial(ai)
			want--
		}
	}()
}

// pingPeers measures round-trip time for the peer view: to every swarm
// peer when all is set, otherwise only to peers not measured yet (so new
// peers show a latency within one maintenance tick).
func (n *Node) pingPeers(all bool) {
	for _, p := range n.swarmPeers() {
		n.mu.Lock()
		_, known := n.latency[p]
		n.mu.Unlock()
		if known && !all {
			continue
		}
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			ctx, cancel := context.WithTimeout(n.ctx, 5*time.Second)
			defer cancel()
			select {
			case res := <-ping.Ping(ctx, n.h, p):
				if res.Error == nil {
					n.mu.Lock()
					n.latency[p] = res.RTT
					n.mu.Unlock()
				}
			case <-ctx.Done():
			}
		}()
	}
}

// swarmPeers returns connected peers that speak this swarm's sync protocol
// (learned through identify), i.e. peers that can hold rollouts.
func (n *Node) swarmPeers() []peer.ID {
	var out []peer.ID
	for _, p := range n.h.Network().Peers() {
		if n.h.Network().Connectedness(p) != network.Connected {
			continue
		}
		if ok, err := n.h.Peerstore().SupportsProtocols(p, n.syncID); err == nil && len(ok) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// WaitPeers blocks until at least want swarm peers are connected or ctx ends.
// Useful after New before the first Gather, and in tests.
func (n *Node) WaitPeers(ctx context.Context, want int) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		if got := len(n.swarmPeers()); got >= want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %d swarm peers (have %d): %w; check the bootnode addresses and your internet connection", want, len(n.swarmPeers()), ctx.Err())
		case <-t.C:
		}
	}
}

// Connect dials a peer given its full multiaddr (…/p2p/<id>), e.g. an
// address pasted by the user; the peer is not redialled later.
func (n *Node) Connect(ctx context.Context, addr string) error {
	infos, err := parseBootstrap([]string{addr}, n.h.ID())
	if err != nil {
		return err
	}
	for _, ai := range infos {
		if err := n.h.Connect(ctx, ai); err != nil {
			return fmt.Errorf("connect to %s: %w", addr, err)
		}
	}
	return nil
}
