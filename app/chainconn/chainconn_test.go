package chainconn

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/app/config"
)

// The first process on the local profile runs the dev chain; a second one attaches to it over
// JSON-RPC and sees the same contract; after the first stops, a restart keeps the state.
func TestLocalStartAttachRestart(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	n := config.Network{Profile: "local", RPCURL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	key, _ := ethcrypto.GenerateKey()

	first, err := Open(ctx, n, data, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Local == nil {
		t.Fatal("first Open should start the dev chain")
	}
	if err := first.EnsureFunds(ctx); err != nil {
		t.Fatal(err)
	}
	if err := first.Client.RegisterPeer(ctx, "QmTestPeer1"); err != nil {
		t.Fatal(err)
	}
	second, err := Open(ctx, n, t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if second.Local != nil {
		t.Fatal("second Open should attach, not start another chain")
	}
	if second.Client.Profile().Contract != first.Client.Profile().Contract {
		t.Fatal("attached to a different contract")
	}
	ids, err := second.Client.PeerIDs(ctx, ethcrypto.PubkeyToAddress(key.PublicKey))
	if err != nil || len(ids) != 1 || ids[0] != "QmTestPeer1" {
		t.Fatalf("attached client sees peer IDs %v, %v", ids, err)
	}
	second.Close()
	first.Close()

	again, err := Open(ctx, n, data, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	entries, err := again.Client.Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].PeerID != "QmTestPeer1" {
		t.Fatalf("after restart the leaderboard has %+v, want the registered peer", entries)
	}
}
