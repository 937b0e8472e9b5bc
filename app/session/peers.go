package session

import "github.com/swarmdesk/swarmdesk/app/swarm"

// PeerView is the window's view of the swarm's peers: who is connected (with the score this
// node gives each), and who sent messages that were refused, and why. It is a copy; the
// window only formats it.
type PeerView struct {
	// Connected are the connected peers, sorted by name.
	Connected []swarm.PeerInfo
	// Dropped counts refused messages by reason since the node started.
	Dropped map[swarm.DropReason]uint64
	// Senders are the peers whose messages were refused, most drops first (at most
	// maxViewSenders).
	Senders []swarm.PeerDrops
}

// maxViewSenders bounds the senders the window lists.
const maxViewSenders = 10

// PeerView reads the swarm node's peers and drop counters (empty while stopped).
func (s *Session) PeerView() PeerView {
	r := s.current()
	if r == nil || r.sw == nil {
		return PeerView{}
	}
	st := r.sw.Stats()
	v := PeerView{Connected: r.sw.Peers(), Dropped: st.Dropped, Senders: st.DroppedBy}
	if len(v.Senders) > maxViewSenders {
		v.Senders = v.Senders[:maxViewSenders]
	}
	return v
}
