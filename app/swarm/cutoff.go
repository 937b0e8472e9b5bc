package swarm

import (
	"time"

	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// cutOffCheck is how often a node with Config.CutOff looks whether to drop its connections.
const cutOffCheck = 200 * time.Millisecond

// cutOffGater refuses every connection, both ways, while cut says so: the fault tests'
// partition (Config.CutOff). The chain is not libp2p, so a cut-off node still sees rounds and
// submits; it only loses its peers, like a node whose swarm ports are blocked.
type cutOffGater struct{ cut func() bool }

func (g cutOffGater) InterceptPeerDial(peer.ID) bool               { return !g.cut() }
func (g cutOffGater) InterceptAddrDial(peer.ID, ma.Multiaddr) bool { return !g.cut() }
func (g cutOffGater) InterceptAccept(network.ConnMultiaddrs) bool  { return !g.cut() }
func (g cutOffGater) InterceptSecured(network.Direction, peer.ID, network.ConnMultiaddrs) bool {
	return !g.cut()
}
func (g cutOffGater) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) {
	return !g.cut(), 0
}

// cutOff reports whether the node is cut off now.
func (n *Node) cutOff() bool { return n.cfg.CutOff != nil && n.cfg.CutOff() }

// cutOffLoop drops every open connection while the node is cut off (the gater refuses new
// ones), and logs when the cut starts and heals.
func (n *Node) cutOffLoop() {
	defer n.wg.Done()
	t := time.NewTicker(cutOffCheck)
	defer t.Stop()
	was := false
	for {
		cut := n.cutOff()
		if cut != was && n.cfg.Logger != nil {
			if cut {
				n.cfg.Logger.Warn("cut off from the swarm's peers (debug.cut_off_rounds)", "round", n.Round())
			} else {
				n.cfg.Logger.Info("the cut to the swarm's peers is healed", "round", n.Round())
			}
		}
		was = cut
		if cut {
			for _, c := range n.h.Network().Conns() {
				_ = c.Close()
			}
		}
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
	}
}
