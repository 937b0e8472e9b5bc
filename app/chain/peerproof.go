package chain

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Peer-ID ownership proofs: the squatting defence.
//
// registerPeer lets the first account that names a peer ID own it, so anyone could register
// someone else's peer ID and lock its owner out. A proof is the peer's libp2p public key and
// its signature, by the peer's own key, over PeerClaimMessage: a domain-separated text naming
// the chain id, the coordinator's address and the claiming account, so a proof can be neither
// replayed for another account nor carried to another chain or contract. The key travels in
// the proof because rl-swarm identities are RSA keys whose Qm… peer IDs are hashes of the key
// (only ed25519 12D3KooW… IDs embed it); the reader checks that the key hashes to the peer ID.
//
// The EVM cannot check RSA or ed25519 signatures at a sensible cost, so the contract stores
// proofs (registerPeerWithProof, one claim per (peer ID, account), never refused for being
// second) and every reader verifies them here: a peer ID belongs to the first claimant whose
// proof verifies; claims without one are not members and the leaderboard marks them.

// peerProofVersion is the first byte of every proof; readers refuse other versions.
const peerProofVersion = 1

// peerClaimDomain separates claim signatures from anything else the peer key signs (libp2p
// record envelopes, gossip messages).
const peerClaimDomain = "swarmdesk peer-id claim v1\n"

// maxPeerProofBytes mirrors the contract's _MAX_PROOF_BYTES.
const maxPeerProofBytes = 4096

// ErrNoPeerKey means the client was given no libp2p key for the peer ID it should register,
// so it cannot prove ownership.
var ErrNoPeerKey = errors.New("no peer key to prove ownership of the peer ID with (the node's swarm.pem identity must be loaded)")

// PeerClaimMessage is what a peer's key signs to claim its peer ID for account on the
// coordinator at contract on chain chainID.
func PeerClaimMessage(chainID int64, contract, account common.Address, peerID string) []byte {
	m := make([]byte, 0, len(peerClaimDomain)+32+2*common.AddressLength+len(peerID))
	m = append(m, peerClaimDomain...)
	m = append(m, common.LeftPadBytes(big.NewInt(chainID).Bytes(), 32)...)
	m = append(m, contract.Bytes()...)
	m = append(m, account.Bytes()...)
	return append(m, peerID...)
}

// SignPeerClaim makes the proof that key's peer claims its peer ID for account. It returns the
// peer ID too.
func SignPeerClaim(key crypto.PrivKey, chainID int64, contract, account common.Address) (string, []byte, error) {
	if key == nil {
		return "", nil, ErrNoPeerKey
	}
	id, err := peer.IDFromPrivateKey(key)
	if err != nil {
		return "", nil, fmt.Errorf("peer claim: peer ID of the key: %w", err)
	}
	pub, err := crypto.MarshalPublicKey(key.GetPublic())
	if err != nil {
		return "", nil, fmt.Errorf("peer claim: encode the public key: %w", err)
	}
	sig, err := key.Sign(PeerClaimMessage(chainID, contract, account, id.String()))
	if err != nil {
		return "", nil, fmt.Errorf("peer claim: sign: %w", err)
	}
	proof := make([]byte, 0, 3+len(pub)+len(sig))
	proof = append(proof, peerProofVersion)
	proof = binary.BigEndian.AppendUint16(proof, uint16(len(pub)))
	proof = append(append(proof, pub...), sig...)
	if len(proof) > maxPeerProofBytes {
		return "", nil, fmt.Errorf("peer claim: the proof is %d bytes (the coordinator takes %d): use a smaller peer key", len(proof), maxPeerProofBytes)
	}
	return id.String(), proof, nil
}

// peerProof is a decoded proof.
type peerProof struct {
	pub crypto.PubKey
	sig []byte
}

// decodePeerProof parses a proof read from the chain (outside data: anyone may store any
// bytes there). Layout: version (1) ‖ key length (2, big-endian) ‖ libp2p public key
// (protobuf) ‖ signature.
func decodePeerProof(b []byte) (peerProof, error) {
	switch {
	case len(b) == 0:
		return peerProof{}, errors.New("the proof is empty")
	case len(b) > maxPeerProofBytes:
		return peerProof{}, fmt.Errorf("the proof is %d bytes (max %d)", len(b), maxPeerProofBytes)
	case b[0] != peerProofVersion:
		return peerProof{}, fmt.Errorf("proof version %d is not supported (want %d)", b[0], peerProofVersion)
	case len(b) < 3:
		return peerProof{}, errors.New("the proof is truncated")
	}
	n := int(binary.BigEndian.Uint16(b[1:3]))
	if n == 0 || 3+n >= len(b) {
		return peerProof{}, fmt.Errorf("the proof's key length %d does not fit its %d bytes", n, len(b))
	}
	pub, err := crypto.UnmarshalPublicKey(b[3 : 3+n])
	if err != nil {
		return peerProof{}, fmt.Errorf("the proof's public key: %w", err)
	}
	return peerProof{pub: pub, sig: b[3+n:]}, nil
}

// VerifyPeerClaim checks that proof shows peerID's key claiming peerID for account on the
// coordinator at contract on chain chainID. A nil error is the only "yes".
func VerifyPeerClaim(peerID string, proof []byte, chainID int64, contract, account common.Address) error {
	p, err := decodePeerProof(proof)
	if err != nil {
		return err
	}
	id, err := peer.IDFromPublicKey(p.pub)
	if err != nil {
		return fmt.Errorf("the proof's public key has no peer ID: %w", err)
	}
	if id.String() != peerID {
		return fmt.Errorf("the proof's key belongs to peer %s, not %s", id, peerID)
	}
	ok, err := p.pub.Verify(PeerClaimMessage(chainID, contract, account, peerID), p.sig)
	if err != nil || !ok {
		return fmt.Errorf("the proof's signature does not verify for account %s", account.Hex())
	}
	return nil
}
