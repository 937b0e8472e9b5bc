package chain_test

import (
	"errors"
	"math/big"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/contract"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
)

// TestSquatterCannotLockOutTheOwner replays issue 16's attack on the in-process dev chain: an
// account registers someone else's peer ID first (the old registerPeer, and then again with a
// forged proof). The real owner still registers with proof, submits its rewards and votes,
// counts as a member while the squatter does not, and the leaderboard gives the row to the
// owner and marks the squatting.
func TestSquatterCannotLockOutTheOwner(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	opts := chain.Options{CacheDir: t.TempDir()}
	owner, squatter, forger := join(t, ch, opts), join(t, ch, opts), join(t, ch, opts)
	ownerKey, victim := newPeerKey(t)
	owner.SetPeerKey(ownerKey)

	// 1. The squatter registers the victim's peer ID without proof, and submits for it.
	mustRegister(t, squatter, victim)
	// 2. Another account stores a forged proof: its own key's signature.
	forgerKey, _ := newPeerKey(t)
	_, forged, err := chain.SignPeerClaim(forgerKey, ch.Profile().ChainID, ch.Contract(), forger.Account())
	if err != nil {
		t.Fatal(err)
	}
	data, err := contract.NewSwarmCoordinator().TryPackRegisterPeerWithProof(victim, forged)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := forger.TxManager().Transact(ctx, ptr(ch.Contract()), data, nil, nil); err != nil {
		t.Fatalf("the contract stores any proof (readers check it): %v", err)
	}
	if err := squatter.SubmitReward(ctx, 0, 0, big.NewInt(1000), victim); err != nil {
		t.Fatalf("squatter's reward: %v", err)
	}
	if err := squatter.SubmitWinners(ctx, 0, []string{victim}, victim); err != nil {
		t.Fatalf("squatter's vote: %v", err)
	}

	m := chain.NewMembers(ch.Host())
	if m.IsMember(victim) {
		t.Fatal("a peer ID held only by a squatter and a forged proof counts as a member")
	}
	board, err := owner.Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e := rowOf(t, board, victim); e.Proven || !e.Squatted {
		t.Fatalf("squatted row must be marked unproven and squatted: %+v", e)
	}

	// 3. The owner is not locked out.
	if err := owner.RegisterPeer(ctx, victim); err != nil {
		t.Fatalf("the owner is locked out of its own peer ID: %v", err)
	}
	if err := owner.SubmitReward(ctx, 0, 0, big.NewInt(7), victim); err != nil {
		t.Fatalf("the owner's reward for a round the squatter already submitted: %v", err)
	}
	if err := owner.SubmitWinners(ctx, 0, []string{victim}, victim); err != nil {
		t.Fatalf("the owner's vote for a round the squatter already voted in: %v", err)
	}
	if err := owner.SubmitReward(ctx, 0, 0, big.NewInt(7), victim); !errors.Is(err, chain.ErrRewardAlreadySubmitted) {
		t.Fatalf("the owner's second reward: got %v, want ErrRewardAlreadySubmitted", err)
	}

	m = chain.NewMembers(ch.Host())
	if !m.IsMember(victim) {
		t.Fatal("the proven owner is not a member")
	}
	own, err := owner.Ownerships(ctx, []string{victim}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o := own[0]; o.Owner != owner.Account() || o.First != squatter.Account() || o.Claims != 2 || o.Invalid != 1 {
		t.Fatalf("ownership = %+v, want owner %s, first %s, 2 claims, 1 invalid", o, owner.Account(), squatter.Account())
	}
	board, err = owner.Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e := rowOf(t, board, victim)
	if !e.Proven || !e.Squatted || e.EOA != owner.Account() || e.Rewards.Int64() != 7 {
		t.Fatalf("row after the owner proved it = %+v, want proven, squatted, the owner's account and only its reward 7", e)
	}
}

func rowOf(t *testing.T, board []chain.Entry, id string) chain.Entry {
	t.Helper()
	for _, e := range board {
		if e.PeerID == id {
			return e
		}
	}
	t.Fatalf("no leaderboard row for %s in %+v", id, board)
	return chain.Entry{}
}
