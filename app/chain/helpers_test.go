package chain_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	p2pcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/contract"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
)

// testCtx bounds every chain test; a hang fails instead of blocking CI.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func startChain(t *testing.T, cfg devchain.Config) *devchain.Chain {
	t.Helper()
	if cfg.Tx.PollInterval == 0 {
		cfg.Tx.PollInterval = 5 * time.Millisecond
	}
	ch, err := devchain.Start(testCtx(t), cfg)
	if err != nil {
		t.Fatalf("start dev chain: %v", err)
	}
	t.Cleanup(func() {
		if err := ch.Close(); err != nil {
			t.Errorf("close dev chain: %v", err)
		}
	})
	return ch
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// join funds a fresh account from the faucet and returns its client.
func join(t *testing.T, ch *devchain.Chain, opts chain.Options) *chain.Client {
	t.Helper()
	return joinWithKey(t, ch, newKey(t), opts)
}

func joinWithKey(t *testing.T, ch *devchain.Chain, key *ecdsa.PrivateKey, opts chain.Options) *chain.Client {
	t.Helper()
	ctx := testCtx(t)
	if _, err := ch.Fund(ctx, crypto.PubkeyToAddress(key.PublicKey)); err != nil {
		t.Fatalf("fund: %v", err)
	}
	if opts.Tx.PollInterval == 0 {
		opts.Tx.PollInterval = 5 * time.Millisecond
	}
	opts.StartBlock = ch.DeployBlock()
	c, err := chain.NewClient(ctx, ch.Attach(), ch.Profile(), key, opts)
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func chainOpts() chain.Options { return chain.Options{} }

func ptr[T any](v T) *T { return &v }

// mustRegister registers a made-up peer ID the old way (registerPeer, no ownership proof),
// for tests of submission rules that do not involve proofs; such a peer is no member
// (see mustRegisterProven).
func mustRegister(t *testing.T, c *chain.Client, peerID string) {
	t.Helper()
	data, err := contract.NewSwarmCoordinator().TryPackRegisterPeer(peerID)
	if err != nil {
		t.Fatal(err)
	}
	to := c.Profile().Contract
	if _, err := c.TxManager().Transact(testCtx(t), &to, data, nil, nil); err != nil {
		t.Fatalf("register %s: %v", peerID, err)
	}
}

// newPeerKey makes a libp2p ed25519 key and returns it with its peer ID.
func newPeerKey(t testing.TB) (p2pcrypto.PrivKey, string) {
	t.Helper()
	k, _, err := p2pcrypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, id.String()
}

// mustRegisterProven gives c a fresh peer key, registers its peer ID with proof as the app
// does, and returns the peer ID.
func mustRegisterProven(t *testing.T, c *chain.Client) string {
	t.Helper()
	k, id := newPeerKey(t)
	c.SetPeerKey(k)
	if err := c.RegisterPeer(testCtx(t), id); err != nil {
		t.Fatalf("register %s: %v", id, err)
	}
	return id
}

// autoCommit seals blocks every d until the returned stop is called.
func autoCommit(ch *devchain.Chain, d time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tk := time.NewTicker(d)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-tk.C:
				ch.Commit()
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); <-finished }) }
}

func newKeyB(b *testing.B) *ecdsa.PrivateKey {
	b.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	return k
}
