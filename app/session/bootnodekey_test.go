package session

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// TestBootnodeKeyMovesIntoTheStore: an older plain bootnode.key keeps its peer ID (invites stay
// valid) but leaves the disk for the secret store.
func TestBootnodeKeyMovesIntoTheStore(t *testing.T) {
	dir := t.TempDir()
	k, _, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := crypto.MarshalPrivateKey(k)
	path := filepath.Join(dir, "bootnode.key")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := secrets.Open(secrets.Options{Backend: secrets.BackendKeyring, Service: "swarmdesk-test", Keyring: secrets.NewMemKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := peer.IDFromPrivateKey(k)
	for i := range 2 {
		got, err := bootnodeKey(s, dir)
		if err != nil {
			t.Fatal(err)
		}
		if id, _ := peer.IDFromPrivateKey(got); id != want {
			t.Fatalf("start %d: bootnode peer ID %s, want %s", i, id, want)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("start %d: plain bootnode key still on disk (%v)", i, err)
		}
	}
}
