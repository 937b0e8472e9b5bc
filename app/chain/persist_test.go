package chain_test

import (
	"math/big"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
)

// TestRestartKeepsState stops the dev chain and starts it again on the same
// data dir: same coordinator, same round, same leaderboard, and accounts
// keep working (nonces continue).
func TestRestartKeepsState(t *testing.T) {
	dataDir := t.TempDir()
	ctx := testCtx(t)
	key := newKey(t)

	ch1, err := devchain.Start(ctx, devchain.Config{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	a := joinWithKey(t, ch1, key, chain.Options{})
	mustRegister(t, a, "QmA")
	if err := a.SubmitReward(ctx, 0, 0, big.NewInt(42), "QmA"); err != nil {
		t.Fatal(err)
	}
	if _, err := ch1.AdvanceRound(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.SubmitWinners(ctx, 1, []string{"QmA", "QmZ"}, "QmA"); err != nil {
		t.Fatal(err)
	}
	before, err := a.Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	contractAddr, host := ch1.Contract(), ch1.HostAddress()
	a.Close()
	if err := ch1.Close(); err != nil {
		t.Fatal(err)
	}

	ch2 := startChain(t, devchain.Config{DataDir: dataDir})
	if ch2.Contract() != contractAddr || ch2.HostAddress() != host {
		t.Fatalf("restart redeployed: contract %s host %s, was %s %s", ch2.Contract(), ch2.HostAddress(), contractAddr, host)
	}
	b := joinWithKey(t, ch2, key, chain.Options{})
	after, err := b.Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameBoard(t, before, after)
	if r, err := b.CurrentRound(ctx); err != nil || r != 1 {
		t.Fatalf("round after restart = %d, %v; want 1", r, err)
	}
	// The host still holds the round manager role and the account can
	// keep submitting.
	if _, err := ch2.AdvanceRound(ctx); err != nil {
		t.Fatalf("advance after restart: %v", err)
	}
	if err := b.SubmitReward(ctx, 2, 0, big.NewInt(1), "QmA"); err != nil {
		t.Fatalf("submit after restart: %v", err)
	}
	if tot, err := b.TotalRewards(ctx, []string{"QmA"}); err != nil || tot[0].Int64() != 43 {
		t.Fatalf("total after restart = %v, %v", tot, err)
	}
}
