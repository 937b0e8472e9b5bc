package chainconn

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	p2pcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

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
	pk, _, err := p2pcrypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := peer.IDFromPrivateKey(pk)
	qmTestPeer1 := pid.String()
	first.Client.SetPeerKey(pk)
	if err := first.Client.RegisterPeer(ctx, qmTestPeer1); err != nil {
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
	if err != nil || len(ids) != 1 || ids[0] != qmTestPeer1 {
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
	if len(entries) != 1 || entries[0].PeerID != qmTestPeer1 {
		t.Fatalf("after restart the leaderboard has %+v, want the registered peer", entries)
	}
}

// TestSecondInstallDoesNotJoinAStrangersChain reproduces issue 18's unknown leaderboard peer:
// two data folders with the default settings on one computer. The second must not attach to
// the first one's chain on the usual port (it used to, so a test run's node appeared on a
// user's board); it runs its own chain elsewhere and says why, and its own other processes
// find that chain. Asking to join (network.rpc_url or bootnodes) still attaches.
func TestSecondInstallDoesNotJoinAStrangersChain(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	old := defaultLocalAddr
	defaultLocalAddr = fmt.Sprintf("127.0.0.1:%d", port) // stands in for 127.0.0.1:18545
	t.Cleanup(func() { defaultLocalAddr = old })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n := config.Network{Profile: "local"}
	open := func(n config.Network, dir string) *Conn {
		t.Helper()
		c, err := Open(ctx, n, dir, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	dirA, dirB := t.TempDir(), t.TempDir()

	a := open(n, dirA)
	if a.Local == nil || a.Client.Profile().RPCURL != "http://"+defaultLocalAddr {
		t.Fatalf("the first folder should run its chain on the usual port, got local=%v at %s", a.Local != nil, a.Client.Profile().RPCURL)
	}
	b := open(n, dirB)
	if b.Local == nil {
		t.Fatal("a second data folder silently joined the first folder's chain")
	}
	if b.Local.Genesis() == a.Local.Genesis() || b.Client.Profile().RPCURL == a.Client.Profile().RPCURL {
		t.Fatalf("the second folder's chain is the first's: %s", b.Client.Profile().RPCURL)
	}
	if !strings.Contains(b.Notice, "not this folder's") || !strings.Contains(b.Notice, dirA) {
		t.Fatalf("notice = %q, want a sentence naming the other folder", b.Notice)
	}
	// The second folder's other processes find its chain, not the one on the usual port.
	b2 := open(n, dirB)
	if b2.Local != nil || b2.Client.Profile().Contract != b.Client.Profile().Contract || b2.Client.Profile().RPCURL != b.Client.Profile().RPCURL {
		t.Fatalf("a second process of folder B did not attach to B's chain: %+v", b2.Client.Profile())
	}
	a2 := open(n, dirA)
	if a2.Local != nil || a2.Client.Profile().Contract != a.Client.Profile().Contract {
		t.Fatal("a second process of folder A did not attach to A's chain")
	}
	// Joining on purpose (a second node on this computer, with the host's join command).
	join := open(config.Network{Profile: "local", Bootnodes: []string{"/ip4/127.0.0.1/tcp/1/p2p/QmBoot"}}, t.TempDir())
	if join.Local != nil || join.Client.Profile().Contract != a.Client.Profile().Contract {
		t.Fatal("a folder asked to join (bootnodes set) did not attach to the chain on the usual port")
	}
}
