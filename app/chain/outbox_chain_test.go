package chain_test

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
)

// TestOutboxResendAfterCrash simulates the app dying at each point of a
// submission and checks that the restarted client gets every reward and vote
// on chain exactly once.
func TestOutboxResendAfterCrash(t *testing.T) {
	ch := startChain(t, devchain.Config{Manual: true})
	ctx := testCtx(t)
	key := newKey(t)
	addr := crypto.PubkeyToAddress(key.PublicKey)
	dir := t.TempDir()
	opts := chain.Options{OutboxDir: dir}

	stop := autoCommit(ch, 5*time.Millisecond)
	first := joinWithKey(t, ch, key, opts)
	mustRegister(t, first, "QmA")
	for range 3 {
		if _, err := ch.AdvanceRound(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Another instance of the same account already voted for round 2.
	other := joinWithKey(t, ch, key, chain.Options{})
	if err := other.SubmitWinners(ctx, 2, []string{"QmB"}, "QmA"); err != nil {
		t.Fatal(err)
	}
	stop()
	// No blocks from here on unless the test commits.

	// Crash 1: the vote for round 0 is broadcast, the app dies (context
	// cut) and the vote is mined while the app is down.
	crashAfterBroadcast(t, ch, addr, func(ctx context.Context) error {
		return first.SubmitWinners(ctx, 0, []string{"QmA"}, "QmA")
	})
	ch.Commit()
	// Crash 2: the reward for round 0 is broadcast and still pending when
	// the app comes back.
	crashAfterBroadcast(t, ch, addr, func(ctx context.Context) error {
		return first.SubmitReward(ctx, 0, 0, big.NewInt(11), "QmA")
	})
	pendingReward := first.Outbox().Entries()
	first.Close()

	ob, err := chain.OpenOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Crash 3: the reward for round 1 was queued but never signed.
	if _, err := ob.Add(chain.OutboxEntry{Kind: chain.KindReward, Round: 1, Reward: "5", PeerID: "QmA", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	// Crash 4: a queued vote whose effect is already on chain (the other
	// instance sent it): it must not be sent again.
	if _, err := ob.Add(chain.OutboxEntry{Kind: chain.KindWinners, Round: 2, Winners: []string{"QmB"}, PeerID: "QmA", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	nonceBeforeFlush := nonceOf(t, ch, addr) // the round-0 reward is still pending

	// Restart: a new client on the same outbox flushes it.
	stop = autoCommit(ch, 5*time.Millisecond)
	defer stop()
	second := joinWithKey(t, ch, key, opts)
	if n := len(second.Outbox().Entries()); n != 4 {
		t.Fatalf("restarted outbox has %d entries, want 4", n)
	}
	done, err := second.FlushOutbox(ctx)
	if err != nil || done != 4 {
		t.Fatalf("flush: done=%d err=%v", done, err)
	}
	if n := len(second.Outbox().Entries()); n != 0 {
		t.Fatalf("outbox still has %d entries", n)
	}
	// Mined: the resumed round-0 reward and the never-signed round-1
	// reward; nothing else.
	if got := nonceOf(t, ch, addr); got != nonceBeforeFlush+2 {
		t.Fatalf("%d transactions mined during the flush, want 2", got-nonceBeforeFlush)
	}
	var resumed []chain.OutboxEntry
	for _, e := range pendingReward {
		if e.Kind == chain.KindReward {
			resumed = append(resumed, e)
		}
	}
	txs, err := resumed[0].Transactions()
	if err != nil || len(txs) != 1 {
		t.Fatalf("saved reward txs = %v, %v", txs, err)
	}
	if _, err := second.Eth().TransactionReceipt(ctx, txs[0].Hash()); err != nil {
		t.Fatalf("the transaction saved before the crash was not the one mined: %v", err)
	}
	for _, rs := range [][2]uint64{{0, 0}, {1, 0}} {
		if ok, err := second.HasSubmittedReward(ctx, rs[0], rs[1], "QmA"); err != nil || !ok {
			t.Fatalf("reward %v not on chain: %v %v", rs, ok, err)
		}
	}
	total, err := second.TotalRewards(ctx, []string{"QmA"})
	if err != nil || total[0].Int64() != 16 {
		t.Fatalf("total rewards = %v, %v; want 16 (11 + 5, each once)", total, err)
	}
	if n, err := second.VoterVoteCount(ctx, "QmA"); err != nil || n != 2 {
		t.Fatalf("vote count = %d, %v; want 2", n, err)
	}
	// A second flush has nothing to do.
	if done, err := second.FlushOutbox(ctx); err != nil || done != 0 {
		t.Fatalf("second flush: done=%d err=%v", done, err)
	}
}

// TestStuckTransactionIsReplaced keeps the chain from mining until the
// manager has replaced the transaction with higher fees, then checks that
// exactly one version landed.
func TestStuckTransactionIsReplaced(t *testing.T) {
	ch := startChain(t, devchain.Config{Manual: true})
	ctx := testCtx(t)
	stop := autoCommit(ch, 5*time.Millisecond)
	key := newKey(t)
	opts := chain.Options{OutboxDir: t.TempDir(), Tx: chain.TxConfig{StuckAfter: 40 * time.Millisecond, FeeBumpPercent: 20, MaxReplacements: 50, PollInterval: 5 * time.Millisecond}}
	c := joinWithKey(t, ch, key, opts)
	mustRegister(t, c, "QmA")
	stop()
	nonce := nonceOf(t, ch, c.Account())

	errc := make(chan error, 1)
	go func() { errc <- c.SubmitReward(ctx, 0, 0, big.NewInt(3), "QmA") }()
	var saved []chain.OutboxEntry
	for {
		saved = c.Outbox().Entries()
		if len(saved) == 1 && len(saved[0].Txs) >= 3 {
			break
		}
		select {
		case err := <-errc:
			t.Fatalf("submission ended before being replaced: %v", err)
		case <-ctx.Done():
			t.Fatal("no replacement happened")
		case <-time.After(10 * time.Millisecond):
		}
	}
	txs, err := saved[0].Transactions()
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(txs); i++ {
		prev, cur := txs[i-1], txs[i]
		if cur.Nonce() != nonce || prev.Nonce() != nonce {
			t.Fatalf("replacement %d uses nonce %d, want %d", i, cur.Nonce(), nonce)
		}
		// geth's pool demands +10 % on both tip and fee cap.
		minTip := new(big.Int).Div(new(big.Int).Mul(prev.GasTipCap(), big.NewInt(110)), big.NewInt(100))
		minCap := new(big.Int).Div(new(big.Int).Mul(prev.GasFeeCap(), big.NewInt(110)), big.NewInt(100))
		if cur.GasTipCap().Cmp(minTip) < 0 || cur.GasFeeCap().Cmp(minCap) < 0 {
			t.Fatalf("replacement %d fees tip %v cap %v, not 10%% above %v/%v", i, cur.GasTipCap(), cur.GasFeeCap(), prev.GasTipCap(), prev.GasFeeCap())
		}
	}
	stop = autoCommit(ch, 5*time.Millisecond)
	defer stop()
	if err := <-errc; err != nil {
		t.Fatalf("submission failed: %v", err)
	}
	if got := nonceOf(t, ch, c.Account()); got != nonce+1 {
		t.Fatalf("nonce advanced by %d, want exactly 1", got-nonce)
	}
	if _, err := c.Eth().TransactionReceipt(ctx, txs[0].Hash()); err == nil {
		t.Fatal("the original transaction was mined although it was replaced")
	}
	if total, err := c.TotalRewards(ctx, []string{"QmA"}); err != nil || total[0].Int64() != 3 {
		t.Fatalf("total = %v, %v", total, err)
	}
}

// crashAfterBroadcast runs submit and cuts its context (the app dying) as
// soon as its transaction is in the pool, so the crash lands between
// broadcast and receipt however slow the machine is.
func crashAfterBroadcast(t *testing.T, ch *devchain.Chain, addr [20]byte, submit func(context.Context) error) {
	t.Helper()
	eth, poll := ch.Host().Eth(), testCtx(t)
	before, err := eth.PendingNonceAt(poll, addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(poll)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- submit(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := eth.PendingNonceAt(poll, addr)
		if err != nil {
			t.Fatal(err)
		}
		if n > before {
			break
		}
		select {
		case err := <-errc:
			t.Fatalf("submission returned before the crash: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the transaction never reached the pool")
		}
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("want the submission cut off by the crash, got %v", err)
	}
}

func nonceOf(t *testing.T, ch *devchain.Chain, addr [20]byte) uint64 {
	t.Helper()
	n, err := ch.Host().Eth().NonceAt(testCtx(t), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
