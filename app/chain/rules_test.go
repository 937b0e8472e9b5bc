package chain_test

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/contract"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
)

func TestRegisterPeer(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	a, b := join(t, ch, chainOpts()), join(t, ch, chainOpts())

	if err := a.RegisterPeer(ctx, "QmAlice"); !errors.Is(err, chain.ErrNoPeerKey) {
		t.Fatalf("registering without a peer key must refuse (no proof), got %v", err)
	}
	alice := mustRegisterProven(t, a)
	alice2Key, alice2 := newPeerKey(t)
	if err := a.RegisterPeer(ctx, alice2); !errors.Is(err, chain.ErrNoPeerKey) {
		t.Fatalf("registering a peer ID whose key is not loaded must refuse, got %v", err)
	}
	a.SetPeerKey(alice2Key)
	if err := a.RegisterPeer(ctx, alice2); err != nil {
		t.Fatalf("second peer ID for the same account: %v", err)
	}
	if err := a.RegisterPeer(ctx, alice2); err != nil {
		t.Fatalf("re-registering one's own peer ID must be a no-op, got %v", err)
	}
	// Another account that holds the key too (the same person, a new account) cannot take it
	// once proven: readers would keep the first proven claim.
	b.SetPeerKey(alice2Key)
	err := b.RegisterPeer(ctx, alice2)
	var ce *chain.ContractError
	if !errors.Is(err, chain.ErrPeerIdAlreadyRegistered) || !errors.As(err, &ce) || ce.Name != "PeerIdAlreadyRegistered" {
		t.Fatalf("taking another account's proven peer ID: got %v", err)
	}

	// The old rule is unchanged for registerPeer itself (no client pre-check).
	coord := contract.NewSwarmCoordinator()
	data, err := coord.TryPackRegisterPeer(alice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.TxManager().Transact(ctx, ptr(ch.Contract()), data, nil, nil); !errors.Is(err, chain.ErrPeerIdAlreadyRegistered) {
		t.Fatalf("contract revert for a taken peer ID: got %v", err)
	}

	owners, err := b.Eoas(ctx, []string{alice, alice2, "QmNobody"})
	if err != nil {
		t.Fatal(err)
	}
	want := []common.Address{a.Account(), a.Account(), {}}
	for i := range want {
		if owners[i] != want[i] {
			t.Fatalf("getEoa[%d] = %s, want %s", i, owners[i], want[i])
		}
	}
	ids, err := b.PeerIDs(ctx, a.Account())
	if err != nil || len(ids) != 2 || ids[0] != alice || ids[1] != alice2 {
		t.Fatalf("getPeerId = %v, %v", ids, err)
	}
}

func TestRewardRules(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	a, b := join(t, ch, chainOpts()), join(t, ch, chainOpts())
	mustRegister(t, a, "QmA")
	mustRegister(t, b, "QmB")
	for range 2 {
		if _, err := ch.AdvanceRound(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Current round 2, stage 0, stageCount 1.
	tests := []struct {
		name         string
		round, stage uint64
		reward       int64
		peer         string
		want         error
	}{
		{"future round", 3, 0, 1, "QmA", chain.ErrInvalidRoundNumber},
		{"future stage of current round", 2, 1, 1, "QmA", chain.ErrInvalidStageNumber},
		{"past round beyond stage count", 1, 2, 1, "QmA", chain.ErrInvalidStageNumber},
		{"someone else's peer", 1, 0, 1, "QmB", chain.ErrInvalidVoterPeerId},
		{"unregistered peer", 1, 0, 1, "QmNobody", chain.ErrInvalidVoterPeerId},
		{"ok past round", 1, 0, 7, "QmA", nil},
		{"ok past round, stage == stageCount (v0.6.0 rule)", 1, 1, 2, "QmA", nil},
		{"ok current round, negative", 2, 0, -3, "QmA", nil},
		{"twice", 1, 0, 100, "QmA", chain.ErrRewardAlreadySubmitted},
	}
	total := big.NewInt(0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.SubmitReward(ctx, tt.round, tt.stage, big.NewInt(tt.reward), tt.peer)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("got %v", err)
				}
				total.Add(total, big.NewInt(tt.reward))
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	// The contract enforces "once per round/stage" itself too.
	data, err := contract.NewSwarmCoordinator().TryPackSubmitReward0(big.NewInt(1), big.NewInt(0), big.NewInt(5), "QmA")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.TxManager().Transact(ctx, ptr(ch.Contract()), data, nil, nil); !errors.Is(err, chain.ErrRewardAlreadySubmitted) {
		t.Fatalf("contract revert for a second reward: got %v", err)
	}

	got, err := b.TotalRewards(ctx, []string{"QmA", "QmB"})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Cmp(total) != 0 || got[1].Sign() != 0 {
		t.Fatalf("getTotalRewards = %v, want [%v 0]", got, total)
	}
	for _, rs := range [][2]uint64{{1, 0}, {1, 1}, {2, 0}} {
		if ok, err := b.HasSubmittedReward(ctx, rs[0], rs[1], "QmA"); err != nil || !ok {
			t.Fatalf("hasSubmittedRoundStageReward(%v) = %v, %v", rs, ok, err)
		}
	}
	if ok, _ := b.HasSubmittedReward(ctx, 0, 0, "QmA"); ok {
		t.Fatal("round 0 was never submitted")
	}
}

// TestRevertInMinedBlock: two submissions of the same reward race into one
// block (both pass gas estimation); the loser's failed receipt is decoded
// into the contract error by replaying the call.
func TestRevertInMinedBlock(t *testing.T) {
	ch := startChain(t, devchain.Config{Manual: true})
	ctx := testCtx(t)
	stop := autoCommit(ch, 10*time.Millisecond)
	a := join(t, ch, chainOpts())
	mustRegister(t, a, "QmA")
	stop()

	data, err := contract.NewSwarmCoordinator().TryPackSubmitReward0(big.NewInt(0), big.NewInt(0), big.NewInt(5), "QmA")
	if err != nil {
		t.Fatal(err)
	}
	tm := a.TxManager()
	errs := make(chan error, 2)
	sent := make(chan struct{}, 2)
	for range 2 {
		go func() {
			_, err := tm.Transact(ctx, ptr(ch.Contract()), data, nil, func(*types.Transaction) error { sent <- struct{}{}; return nil })
			errs <- err
		}()
	}
	<-sent
	<-sent
	stop = autoCommit(ch, 10*time.Millisecond)
	defer stop()
	var failures []error
	for range 2 {
		if err := <-errs; err != nil {
			failures = append(failures, err)
		}
	}
	if len(failures) != 1 || !errors.Is(failures[0], chain.ErrRewardAlreadySubmitted) {
		t.Fatalf("want exactly one RewardAlreadySubmitted failure, got %v", failures)
	}
}

func TestWinnerRules(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	a, b := join(t, ch, chainOpts()), join(t, ch, chainOpts())
	mustRegister(t, a, "QmA")
	mustRegister(t, b, "QmB")
	for range 2 {
		if _, err := ch.AdvanceRound(ctx); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		c       *chain.Client
		round   uint64
		winners []string
		voter   string
		want    error
	}{
		{"future round", a, 3, []string{"QmB"}, "QmA", chain.ErrInvalidRoundNumber},
		{"someone else's voter ID", a, 1, []string{"QmB"}, "QmB", chain.ErrInvalidVoterPeerId},
		{"duplicate winners", a, 1, []string{"QmB", "QmC", "QmB"}, "QmA", chain.ErrInvalidVote},
		{"ok A round 1", a, 1, []string{"QmA", "QmB"}, "QmA", nil},
		{"A round 1 again", a, 1, []string{"QmC"}, "QmA", chain.ErrWinnerAlreadyVoted},
		{"ok A round 2", a, 2, []string{"QmB"}, "QmA", nil},
		{"ok B round 1, unregistered winner", b, 1, []string{"QmB", "QmUnregistered"}, "QmB", nil},
		{"ok empty vote", b, 0, nil, "QmB", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.SubmitWinners(ctx, tt.round, tt.winners, tt.voter)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	data, err := contract.NewSwarmCoordinator().TryPackSubmitWinners(big.NewInt(2), []string{"QmA"}, "QmA")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.TxManager().Transact(ctx, ptr(ch.Contract()), data, nil, nil); !errors.Is(err, chain.ErrWinnerAlreadyVoted) {
		t.Fatalf("contract revert for a second vote: got %v", err)
	}

	wantWins := map[string]uint64{"QmA": 1, "QmB": 3, "QmUnregistered": 1, "QmC": 0}
	for id, want := range wantWins {
		if got, err := b.TotalWins(ctx, id); err != nil || got != want {
			t.Errorf("getTotalWins(%s) = %d, %v; want %d", id, got, err, want)
		}
	}
	// An empty vote still counts as voting (winners list is empty, so the
	// "already voted" check cannot see it; the contract allows it again).
	wantVotes := map[string]uint64{"QmA": 2, "QmB": 2}
	for id, want := range wantVotes {
		if got, err := b.VoterVoteCount(ctx, id); err != nil || got != want {
			t.Errorf("getVoterVoteCount(%s) = %d, %v; want %d", id, got, err, want)
		}
	}
	if got, err := b.UniqueVoters(ctx); err != nil || got != 2 {
		t.Errorf("uniqueVoters = %d, %v; want 2", got, err)
	}
	if v, err := b.VoterVotes(ctx, 1, "QmA"); err != nil || len(v) != 2 || v[0] != "QmA" || v[1] != "QmB" {
		t.Errorf("getVoterVotes(1, QmA) = %v, %v", v, err)
	}
}

func TestRoundsAndRoles(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	a := join(t, ch, chainOpts())
	for want := uint64(1); want <= 3; want++ {
		round, err := ch.AdvanceRound(ctx)
		if err != nil || round != want {
			t.Fatalf("advance: round %d, %v; want %d", round, err, want)
		}
		if got, err := a.CurrentRound(ctx); err != nil || got != want {
			t.Fatalf("currentRound = %d, %v; want %d", got, err, want)
		}
		if got, err := a.CurrentStage(ctx); err != nil || got != 0 {
			t.Fatalf("currentStage = %d, %v; want 0", got, err)
		}
	}
	if n, err := a.StageCount(ctx); err != nil || n != 1 {
		t.Fatalf("stageCount = %d, %v", n, err)
	}
	if _, _, err := a.AdvanceRound(ctx); !errors.Is(err, chain.ErrOnlyStageManager) {
		t.Fatalf("non-manager advancing the round: got %v", err)
	}
	if err := a.AddBootnodes(ctx, []string{"/ip4/1.2.3.4/tcp/1"}); !errors.Is(err, chain.ErrOnlyBootnodeManager) {
		t.Fatalf("non-manager adding bootnodes: got %v", err)
	}
	boot := []string{"/ip4/127.0.0.1/tcp/4001/p2p/QmBoot1", "/ip4/127.0.0.1/tcp/4002/p2p/QmBoot2"}
	if err := ch.Host().AddBootnodes(ctx, boot); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Bootnodes(ctx); err != nil || len(got) != 2 || got[0] != boot[0] || got[1] != boot[1] {
		t.Fatalf("getBootnodes = %v, %v", got, err)
	}
	for role, holder := range map[common.Hash]bool{chain.OwnerRole: true, chain.StageManagerRole: true, chain.BootnodeManagerRole: true} {
		if got, err := a.HasRole(ctx, role, ch.HostAddress()); err != nil || got != holder {
			t.Fatalf("hasRole(%x, host) = %v, %v", role, got, err)
		}
		if got, err := a.HasRole(ctx, role, a.Account()); err != nil || got {
			t.Fatalf("hasRole(%x, peer) = %v, %v", role, got, err)
		}
	}
}

func TestRoundTimer(t *testing.T) {
	ch := startChain(t, devchain.Config{RoundLength: 30 * time.Millisecond, OnRoundError: func(err error) { t.Logf("round advance: %v", err) }})
	ctx := testCtx(t)
	// Wait for the timer to advance at least three rounds (bounded by ctx).
	for {
		r, err := ch.Host().CurrentRound(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r >= 3 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("round stayed at %d", r)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestReadOnlyAndKeylessWrites(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	p := ch.Profile()
	p.ReadOnly = true
	ro, err := chain.NewClient(ctx, ch.Attach(), p, newKey(t), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.RegisterPeer(ctx, "QmX"); !errors.Is(err, chain.ErrReadOnly) {
		t.Fatalf("write on read-only profile: %v", err)
	}
	if err := ro.SubmitReward(ctx, 0, 0, big.NewInt(1), "QmX"); !errors.Is(err, chain.ErrReadOnly) {
		t.Fatalf("write on read-only profile: %v", err)
	}
	if _, err := ro.CurrentRound(ctx); err != nil {
		t.Fatalf("reads must work on read-only profiles: %v", err)
	}
	nokey, err := chain.NewClient(ctx, ch.Attach(), ch.Profile(), nil, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer nokey.Close()
	if err := nokey.SubmitWinners(ctx, 0, nil, "QmX"); !errors.Is(err, chain.ErrNoKey) {
		t.Fatalf("write without key: %v", err)
	}

	wrong := ch.Profile()
	wrong.ChainID = 685685
	if _, err := chain.NewClient(ctx, ch.Attach(), wrong, nil, chain.Options{}); err == nil {
		t.Fatal("a chain id mismatch must be refused")
	}
	wrong = ch.Profile()
	wrong.Contract = common.HexToAddress("0x00000000000000000000000000000000deadbeef")
	if _, err := chain.NewClient(ctx, ch.Attach(), wrong, nil, chain.Options{}); err == nil {
		t.Fatal("an address without code must be refused")
	}
}
