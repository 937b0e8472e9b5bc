package node

import (
	"errors"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain"
)

// The round comes from the chain: the node plays the chain's round, waits for the next, and a
// node that finds the chain several rounds ahead joins the current round and counts the skip.
func TestRoundsFollowTheChain(t *testing.T) {
	ch := newFakeChain()
	ch.round = 5
	ex := &fakeExchange{}
	n := fakeNode(t, testConfig(), ch, ex, t.TempDir(), nil)
	c := collect(n)
	stop := runNode(n)
	defer stop()

	played := func(r uint64) func() bool { // played and submitted
		return func() bool { s := n.State(); return s.NextRound > r && s.PendingSubmissions == 0 }
	}
	waitFor(t, 20*time.Second, "round 5", played(5))
	time.Sleep(150 * time.Millisecond) // more than PollMax: the node must not run ahead of the chain
	if s := n.State(); s.NextRound != 6 || s.State != StateWaiting {
		t.Fatalf("after round 5 with the chain still at 5: %+v", s)
	}
	ch.advance(1)
	waitFor(t, 20*time.Second, "round 6", played(6))
	ch.advance(3)
	waitFor(t, 20*time.Second, "round 9", played(9))
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done

	rs := c.rounds()
	var got []uint64
	for _, m := range rs {
		got = append(got, m.Round)
	}
	if len(rs) != 3 || rs[0].Round != 5 || rs[1].Round != 6 || rs[2].Round != 9 {
		t.Fatalf("rounds played %v, want [5 6 9]", got)
	}
	if rs[0].Skipped != 0 || rs[1].Skipped != 0 || rs[2].Skipped != 2 {
		t.Fatalf("skips %d %d %d, want 0 0 2", rs[0].Skipped, rs[1].Skipped, rs[2].Skipped)
	}
	for _, m := range rs {
		if ex.publishedIn(m.Round) != 2 || m.Published != 2 || m.Questions != 2 || m.Answers != 4 || !m.Trained {
			t.Errorf("round %d: published %d (metrics %d), %d questions, %d answers, trained %v",
				m.Round, ex.publishedIn(m.Round), m.Published, m.Questions, m.Answers, m.Trained)
		}
		if want := int64(math.Round(m.Signal)); m.Submitted == nil || m.Submitted.Reward != want || ch.rewards[m.Round] != want {
			t.Errorf("round %d: signal %v, submitted %+v, on chain %d", m.Round, m.Signal, m.Submitted, ch.rewards[m.Round])
		}
		if v := ch.votes[m.Round]; len(v) != 1 || v[0] != n.deps.PeerID {
			t.Errorf("round %d: with no peers the node votes for itself, got %v", m.Round, v)
		}
		for _, p := range []Phase{PhaseGenerate, PhasePublish, PhaseGather, PhaseScore, PhaseTrain, PhaseCheckpoint} {
			if _, ok := m.Phases[p]; !ok {
				t.Errorf("round %d: no time for phase %s", m.Round, p)
			}
		}
	}
	if s := n.State(); s.State != StateStopped || s.Steps != 3 || s.RoundsPlayed != 3 || s.PendingSubmissions != 0 {
		t.Fatalf("final state %+v", s)
	}
	// The JSONL log has exactly the rounds played, in order.
	logged, bad, err := ReadRounds(filepath.Join(n.deps.DataDir, RoundsFile))
	if err != nil || bad != 0 || len(logged) != 3 || logged[2].Round != 9 || logged[2].Skipped != 2 {
		t.Fatalf("rounds.jsonl: %d lines (%d bad), %v", len(logged), bad, err)
	}
}

// rl-swarm batches the reward and the vote (every 3 hours there); the batch adds the rounds'
// signals and is sent once the interval has passed.
func TestSubmissionsAreBatched(t *testing.T) {
	ch := newFakeChain()
	ex := &fakeExchange{}
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	tick := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	cfg := testConfig()
	cfg.SubmitEvery = time.Hour
	n := fakeNode(t, cfg, ch, ex, t.TempDir(), func(d *Deps) { d.now = clock })
	c := collect(n)
	stop := runNode(n)
	defer stop()
	for r := uint64(0); r < 4; r++ {
		waitFor(t, 20*time.Second, "next round", func() bool { s := n.State(); return s.NextRound > r && s.PendingSubmissions == 0 })
		tick(25 * time.Minute) // rounds at 0, 25, 50 and 75 minutes
		ch.advance(1)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	rs := c.rounds()
	if len(rs) != 4 {
		t.Fatalf("%d rounds", len(rs))
	}
	sum := 0.0
	for i, m := range rs {
		sum += m.Signal
		if (i == 3) != (m.Submitted != nil) {
			t.Fatalf("round %d submitted %+v; only the round after an hour should submit", m.Round, m.Submitted)
		}
	}
	if len(ch.rewards) != 1 || ch.rewards[3] != int64(math.Round(sum)) || len(ch.votes[3]) != 1 {
		t.Fatalf("on chain %v votes %v, want one reward of %v at round 3", ch.rewards, ch.votes, sum)
	}
	if s := n.State(); s.BatchSignal != 0 || s.PendingSubmissions != 0 {
		t.Fatalf("batch not reset after submitting: %+v", s)
	}
}

// A failing chain does not lose rewards: the submission stays pending and goes out after a
// later round.
func TestFailedSubmissionIsRetried(t *testing.T) {
	ch := newFakeChain()
	ch.failSends = 2 // round 0's reward fails at once and again after round 1
	n := fakeNode(t, testConfig(), ch, &fakeExchange{}, t.TempDir(), nil)
	c := collect(n)
	stop := runNode(n)
	defer stop()
	waitFor(t, 20*time.Second, "round 0 and a failed send", func() bool { s := n.State(); return s.NextRound > 0 && s.Errors > 0 })
	if s := n.State(); s.PendingSubmissions != 1 {
		t.Fatalf("after a failed send: %+v", s)
	}
	ch.advance(1)
	waitFor(t, 20*time.Second, "round 1", func() bool { return n.State().NextRound > 1 })
	ch.advance(1)
	waitFor(t, 20*time.Second, "both sent", func() bool {
		return n.State().NextRound > 2 && n.State().PendingSubmissions == 0
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	sum := int64(0)
	for _, m := range c.rounds() {
		sum += m.Submitted.Reward
		if _, ok := ch.rewards[m.Round]; !ok {
			t.Errorf("round %d never reached the chain", m.Round)
		}
	}
	if ch.total() != sum {
		t.Fatalf("on-chain total %d, submitted %d", ch.total(), sum)
	}
	if len(c.kinds(EventError)) == 0 {
		t.Fatal("the failed sends were not reported")
	}
}

// On a read-only network (Gensyn's testnet without a smart account) the node still trains and
// shares but sends nothing; a peer ID owned by another account stops the node with the
// contract's explanation.
func TestRegistrationOutcomes(t *testing.T) {
	t.Run("read-only", func(t *testing.T) {
		ch := newFakeChain()
		ch.regErr = chain.ErrReadOnly
		n := fakeNode(t, testConfig(), ch, &fakeExchange{}, t.TempDir(), nil)
		stop := runNode(n)
		waitFor(t, 20*time.Second, "round 0", func() bool { return n.State().NextRound > 0 })
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		s := n.State()
		if s.Submitting || s.PendingSubmissions != 0 || s.Steps != 1 || ch.sends != 0 {
			t.Fatalf("read-only: %+v, %d sends", s, ch.sends)
		}
	})
	t.Run("peer owned by another account", func(t *testing.T) {
		ch := newFakeChain()
		ch.regErr = chain.ErrPeerIdAlreadyRegistered
		n := fakeNode(t, testConfig(), ch, &fakeExchange{}, t.TempDir(), nil)
		stop := runNode(n)
		waitFor(t, 10*time.Second, "stop", func() bool { return n.State().State == StateStopped })
		if err := stop(); !errors.Is(err, chain.ErrPeerIdAlreadyRegistered) {
			t.Fatalf("Run = %v", err)
		}
		if n.State().RoundsPlayed != 0 {
			t.Fatal("played a round with a peer ID it cannot submit for")
		}
	})
}

// A chain that went back (the local dev chain was deleted) does not leave the node waiting
// forever for a round that will not come for weeks.
func TestChainResetRestartsRounds(t *testing.T) {
	dir := t.TempDir()
	ch := newFakeChain()
	ch.round = 40
	ex := &fakeExchange{}
	n := fakeNode(t, testConfig(), ch, ex, dir, nil)
	stop := runNode(n)
	waitFor(t, 20*time.Second, "round 40", func() bool { return n.State().NextRound == 41 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	fresh := newFakeChain()
	fresh.round = 2
	n2 := fakeNode(t, testConfig(), fresh, ex, dir, nil)
	c := collect(n2)
	stop = runNode(n2)
	waitFor(t, 20*time.Second, "round 2 of the new chain", func() bool {
		s := n2.State()
		return s.NextRound == 3 && s.PendingSubmissions == 0
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	if len(c.kinds(EventError)) == 0 || fresh.rewards[2] != c.rounds()[0].Submitted.Reward {
		t.Fatalf("reset not reported or round 2 not submitted: %v", fresh.rewards)
	}
}

func TestRunTwiceIsRefused(t *testing.T) {
	n := fakeNode(t, testConfig(), newFakeChain(), &fakeExchange{}, t.TempDir(), nil)
	stop := runNode(n)
	defer stop()
	waitFor(t, 10*time.Second, "start", func() bool { return n.State().State != StateIdle })
	if err := n.Run(t.Context()); err == nil {
		t.Fatal("second Run accepted")
	}
}
