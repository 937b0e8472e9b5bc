package swarm

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// Peer exchange: a node asks a connected peer (typically a bootnode) for the
// swarm peers it knows, so the swarm becomes a mesh instead of a star around
// the bootnodes. The answer is only a hint — dialling authenticates peers.
//
//	response = nPeers (peerIDbytes nAddrs (multiaddrBytes)*)*
const (
	maxPexPeers    = 64
	maxPexAddrs    = 16
	maxPexResponse = 64 << 10
	pexStreamTime  = 10 * time.Second
)

func encodePeers(infos []peer.AddrInfo) []byte {
	if len(infos) > maxPexPeers {
		infos = infos[:maxPexPeers]
	}
	b := binary.AppendUvarint(nil, uint64(len(infos)))
	for _, ai := range infos {
		b = appendBytes(b, []byte(ai.ID))
		addrs := ai.Addrs
		if len(addrs) > maxPexAddrs {
			addrs = addrs[:maxPexAddrs]
		}
		b = binary.AppendUvarint(b, uint64(len(addrs)))
		for _, a := range addrs {
			b = appendBytes(b, a.Bytes())
		}
	}
	return b
}

// decodePeers parses a peer-exchange answer from an untrusted peer.
func decodePeers(b []byte) ([]peer.AddrInfo, error) {
	if len(b) > maxPexResponse {
		return nil, drop(DropOversize, "peer list is %d bytes, limit %d", len(b), maxPexResponse)
	}
	rd := &reader{b: b}
	n := rd.count(maxPexPeers, 2)
	out := make([]peer.AddrInfo, 0, n)
	for i := 0; i < n && rd.err == nil; i++ {
		id, err := peer.IDFromBytes(rd.bytes())
		if rd.err != nil {
			break
		}
		if err != nil {
			return nil, drop(DropMalformed, "peer list entry %d: %v", i, err)
		}
		ai := peer.AddrInfo{ID: id}
		m := rd.count(maxPexAddrs, 1)
		for j := 0; j < m && rd.err == nil; j++ {
			raw := rd.bytes()
			if rd.err != nil {
				break
			}
			a, err := ma.NewMultiaddrBytes(raw)
			if err != nil {
				return nil, drop(DropMalformed, "peer list entry %d address %d: %v", i, j, err)
			}
			ai.Addrs = append(ai.Addrs, a)
		}
		out = append(out, ai)
	}
	if rd.err != nil {
		return nil, drop(DropMalformed, "peer list: %v", rd.err)
	}
	if len(rd.b) != 0 {
		return nil, drop(DropMalformed, "peer list: %d trailing bytes", len(rd.b))
	}
	return out, nil
}

func (n *Node) handlePeers(s network.Stream) {
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(pexStreamTime))
	asker := s.Conn().RemotePeer()
	if !n.reqRate.allow(asker.String()) {
		n.counters.drop(DropRate, asker.String())
		_ = s.Reset()
		return
	}
	var infos []peer.AddrInfo
	for _, p := range n.swarmPeers() {
		if p == asker {
			continue
		}
		ai := n.h.Peerstore().PeerInfo(p)
		if len(ai.Addrs) > 0 {
			infos = append(infos, ai)
		}
	}
	if _, err := s.Write(encodePeers(infos)); err != nil {
		_ = s.Reset()
	}
}

// askPeers fetches p's peer list.
func (n *Node) askPeers(ctx context.Context, p peer.ID) ([]peer.AddrInfo, error) {
	s, err := n.h.NewStream(ctx, p, n.pexID)
	if err != nil {
		return nil, fmt.Errorf("peer exchange with %s: %w", p, err)
	}
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(pexStreamTime))
	_ = s.CloseWrite()
	raw, err := io.ReadAll(io.LimitReader(s, maxPexResponse+1))
	if err != nil {
		return nil, fmt.Errorf("peer exchange with %s: %w", p, err)
	}
	infos, err := decodePeers(raw)
	if err != nil {
		n.counters.drop(ReasonOf(err), p.String())
		return nil, fmt.Errorf("peer exchange with %s: %w", p, err)
	}
	return infos, nil
}
