package chain_test

import (
	"context"
	"crypto/ecdsa"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/app/chain"
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

func mustRegister(t *testing.T, c *chain.Client, peerID string) {
	t.Helper()
	if err := c.RegisterPeer(testCtx(t), peerID); err != nil {
		t.Fatalf("register %s: %v", peerID, err)
	}
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
