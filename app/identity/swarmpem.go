package identity

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// maxSwarmPEM bounds what we read: an RSA-4096 libp2p key is about 2.4 KB.
const maxSwarmPEM = 16 << 10

// ErrForeignKey means a file is not a libp2p private key as rl-swarm writes swarm.pem.
var ErrForeignKey = errors.New("not a swarm.pem identity")

// NewSwarmKey makes a new peer key the way hivemind does for rl-swarm: RSA-2048. (Ed25519 would
// be smaller, but rl-swarm peers and tools expect the Qm… IDs that RSA keys give.)
func NewSwarmKey() (crypto.PrivKey, error) {
	k, _, err := crypto.GenerateRSAKeyPair(2048, rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate peer key: %w", err)
	}
	return k, nil
}

// ParseSwarmPEM reads a swarm.pem. Despite its name the file is not PEM text: it is the libp2p
// protobuf PrivateKey message (type + PKCS#1 DER for RSA), written raw by hivemind. Anything else
// gets an error that says what the file looks like instead.
func ParseSwarmPEM(b []byte) (crypto.PrivKey, error) {
	switch {
	case len(b) == 0:
		return nil, fmt.Errorf("%w: the file is empty", ErrForeignKey)
	case len(b) > maxSwarmPEM:
		return nil, fmt.Errorf("%w: %d bytes is far larger than a peer key", ErrForeignKey, len(b))
	case bytes.HasPrefix(bytes.TrimSpace(b), []byte("-----BEGIN")):
		return nil, fmt.Errorf("%w: this is a text PEM key; rl-swarm's swarm.pem is a binary libp2p key file (starts with bytes 08 00 12)", ErrForeignKey)
	case bytes.HasPrefix(b, []byte("ssh-")) || bytes.HasPrefix(b, []byte("{")):
		return nil, fmt.Errorf("%w: this looks like an SSH or JSON key, not a libp2p key", ErrForeignKey)
	}
	k, err := crypto.UnmarshalPrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrForeignKey, err)
	}
	// Reject trailing junk or a damaged file that still parses: the key must re-encode to the
	// exact bytes we read, or export would not give back the user's file.
	again, err := crypto.MarshalPrivateKey(k)
	if err != nil || !bytes.Equal(again, b) {
		return nil, fmt.Errorf("%w: the key does not re-encode to the same bytes (damaged file?)", ErrForeignKey)
	}
	return k, nil
}

// MarshalSwarmPEM writes the key in swarm.pem format, byte-compatible with hivemind.
func MarshalSwarmPEM(k crypto.PrivKey) ([]byte, error) {
	b, err := crypto.MarshalPrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("encode peer key: %w", err)
	}
	return b, nil
}

// PeerIDOf is the libp2p peer ID (Qm… for RSA keys) that rl-swarm shows for the key.
func PeerIDOf(k crypto.PrivKey) (peer.ID, error) {
	id, err := peer.IDFromPrivateKey(k)
	if err != nil {
		return "", fmt.Errorf("peer ID: %w", err)
	}
	return id, nil
}
