package chain_test

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	p2pcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/swarmdesk/swarmdesk/app/chain"
)

func TestPeerClaimProof(t *testing.T) {
	key, id := newPeerKey(t)
	rsaKey, _, err := p2pcrypto.GenerateRSAKeyPair(2048, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaPID, _ := peer.IDFromPrivateKey(rsaKey)
	otherKey, otherID := newPeerKey(t)
	contractAddr, acct, other := common.HexToAddress("0xC0"), common.HexToAddress("0xA1"), common.HexToAddress("0xB2")
	sign := func(k p2pcrypto.PrivKey, chainID int64, c, a common.Address) []byte {
		t.Helper()
		_, p, err := chain.SignPeerClaim(k, chainID, c, a)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := sign(key, 7, contractAddr, acct)
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-1] ^= 1
	// A forged proof: the squatter's own key presented for the victim's peer ID.
	forged := sign(otherKey, 7, contractAddr, acct)
	tests := []struct {
		name   string
		peerID string
		proof  []byte
		ok     bool
	}{
		{"valid ed25519", id, good, true},
		{"valid RSA (rl-swarm Qm ID)", rsaPID.String(), sign(rsaKey, 7, contractAddr, acct), true},
		{"another account", id, sign(key, 7, contractAddr, other), false},
		{"another chain", id, sign(key, 8, contractAddr, acct), false},
		{"another contract", id, sign(key, 7, other, acct), false},
		{"someone else's key", id, forged, false},
		{"flipped signature bit", id, flipped, false},
		{"empty", id, nil, false},
		{"version 2", id, append([]byte{2}, good[1:]...), false},
		{"truncated key", id, good[:10], false},
		{"no signature", id, good[:3+int(binary.BigEndian.Uint16(good[1:3]))], false},
		{"made-up peer ID", "QmSquatTest", good, false},
		{"other peer's valid proof for it", otherID, good, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := chain.VerifyPeerClaim(tc.peerID, tc.proof, 7, contractAddr, acct)
			if (err == nil) != tc.ok {
				t.Fatalf("VerifyPeerClaim = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	if _, _, err := chain.SignPeerClaim(nil, 7, contractAddr, acct); err == nil {
		t.Fatal("signing without a key must fail")
	}
}

// FuzzVerifyPeerClaim feeds arbitrary proofs (anyone can store any bytes on the coordinator)
// and peer IDs through the decoder and verifier: never a panic, and only a real signature
// verifies.
func FuzzVerifyPeerClaim(f *testing.F) {
	// A fixed key: fuzz workers rerun this function and must see the same seeds.
	key, _, err := p2pcrypto.GenerateEd25519Key(bytes.NewReader(bytes.Repeat([]byte{7}, 64)))
	if err != nil {
		f.Fatal(err)
	}
	pid, _ := peer.IDFromPrivateKey(key)
	contractAddr, acct := common.HexToAddress("0xC0"), common.HexToAddress("0xA1")
	id, good, err := chain.SignPeerClaim(key, 1, contractAddr, acct)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(id, good)
	f.Add(id, good[:40])
	f.Add("QmX", []byte{1, 0, 0})
	f.Add("", []byte{1, 0xff, 0xff, 1})
	f.Add(id, append([]byte{1, 0, 36}, make([]byte, 100)...))
	f.Fuzz(func(t *testing.T, peerID string, proof []byte) {
		err := chain.VerifyPeerClaim(peerID, proof, 1, contractAddr, acct)
		if err == nil && peerID != pid.String() {
			// Only this key's peer ID has a signature for this account here.
			t.Fatalf("a proof verified for peer %q that nobody signed for: proof %x", peerID, proof)
		}
	})
}
