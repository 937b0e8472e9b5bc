package swarm

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

func TestPeersRoundTrip(t *testing.T) {
	id, err := peer.IDFromPrivateKey(edKey(t))
	if err != nil {
		t.Fatal(err)
	}
	in := []peer.AddrInfo{{ID: id, Addrs: []ma.Multiaddr{ma.StringCast("/ip4/10.0.0.1/tcp/4001"), ma.StringCast("/ip4/10.0.0.1/udp/4001/quic-v1")}}}
	out, err := decodePeers(encodePeers(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].ID != id || len(out[0].Addrs) != 2 || !out[0].Addrs[1].Equal(in[0].Addrs[1]) {
		t.Fatalf("round trip: %+v", out)
	}
}

func TestSyncRequestRoundTrip(t *testing.T) {
	in := syncRequest{Round: 1 << 40, Have: map[string]bool{"a": true, "Qmb": true}}
	out, err := decodeSyncRequest(encodeSyncRequest(in))
	if err != nil {
		t.Fatal(err)
	}
	if out.Round != in.Round || len(out.Have) != 2 || !out.Have["a"] || !out.Have["Qmb"] {
		t.Fatalf("round trip: %+v", out)
	}
}

func FuzzDecodePeers(f *testing.F) {
	id, _ := peer.IDFromPrivateKey(edKey(f))
	f.Add(encodePeers([]peer.AddrInfo{{ID: id, Addrs: []ma.Multiaddr{ma.StringCast("/ip4/1.2.3.4/tcp/1")}}}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{1, 3, 0, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		infos, err := decodePeers(data)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if len(infos) > maxPexPeers {
			t.Fatalf("%d peers accepted", len(infos))
		}
		// Whatever decodes must re-encode to the same bytes.
		if !bytes.Equal(encodePeers(infos), data) {
			t.Fatalf("peer list does not round-trip")
		}
	})
}

func FuzzDecodeSyncRequest(f *testing.F) {
	f.Add(encodeSyncRequest(syncRequest{Round: 7, Have: map[string]bool{"x": true}}))
	f.Add([]byte{0x80})
	f.Add([]byte{1, 0xff, 0xff, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeSyncRequest(data)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if len(req.Have) > maxSyncHave {
			t.Fatalf("%d authors accepted", len(req.Have))
		}
	})
}

func FuzzReadFrames(f *testing.F) {
	f.Add(append(binary.AppendUvarint(nil, 3), "abc"...))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{5, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		total := 0
		err := readFrames(bytes.NewReader(data), 1<<10, func(b []byte) {
			if len(b) > 1<<10 {
				t.Fatalf("frame of %d bytes passed a 1 KiB limit", len(b))
			}
			total += len(b)
		})
		if err != nil && ReasonOf(err) == "" {
			t.Fatalf("error without reason: %v", err)
		}
		if total > len(data) {
			t.Fatalf("read %d payload bytes from %d input bytes", total, len(data))
		}
	})
}
