package node

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/swarm"
)

var errCrash = errors.New("simulated crash")

// A node killed at any point of a round and started again on the same data folder loses
// nothing and counts nothing twice: every round is logged once, every reward reaches the chain
// once, the optimizer took exactly one step per round, and a round cut short before it was
// committed is replayed with the same answers (same questions, seeds and restored weights).
func TestCrashAnywhereLosesNothing(t *testing.T) {
	points := []string{"generated", "gathered", "trained", "checkpointed", "committed", "reward-sent"}
	for _, point := range points {
		t.Run(point, func(t *testing.T) {
			dir := t.TempDir()
			ch := newFakeChain()
			ex := &fakeExchange{}
			cfg := testConfig()
			cfg.CheckpointAfter = 0 // every round, so no training is lost either

			// First life: round 0 completes; round 1 crashes at point.
			var n1 *Node
			n1 = fakeNode(t, cfg, ch, ex, dir, func(d *Deps) {
				d.hook = func(p string) error {
					if p == point && n1.State().Round == 1 {
						return errCrash
					}
					return nil
				}
			})
			errc := make(chan error, 1)
			go func() { errc <- n1.Run(t.Context()) }()
			waitFor(t, 20*time.Second, "round 0", func() bool {
				s := n1.State()
				return s.NextRound > 0 && s.PendingSubmissions == 0
			})
			ch.advance(1)
			select {
			case err := <-errc:
				if !errors.Is(err, errCrash) {
					t.Fatalf("first life ended with %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the node never reached the crash point")
			}
			firstLife := rolloutsOf(ex, 1)

			// Second life on the same folder.
			n2 := fakeNode(t, cfg, ch, ex, dir, nil)
			c := collect(n2)
			stop := runNode(n2)
			defer stop()
			waitFor(t, 20*time.Second, "round 1 settled", func() bool {
				s := n2.State()
				return s.NextRound > 1 && s.PendingSubmissions == 0
			})
			ch.advance(1)
			waitFor(t, 20*time.Second, "round 2", func() bool {
				s := n2.State()
				return s.NextRound > 2 && s.PendingSubmissions == 0
			})
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			<-c.done

			logged, bad, err := ReadRounds(filepath.Join(dir, RoundsFile))
			if err != nil || bad != 0 {
				t.Fatalf("rounds.jsonl: %v, %d bad lines", err, bad)
			}
			var rounds []uint64
			sum := int64(0)
			for _, m := range logged {
				rounds = append(rounds, m.Round)
				if m.Submitted == nil {
					t.Fatalf("round %d not submitted (submitting every round)", m.Round)
				}
				sum += m.Submitted.Reward
				if got, ok := ch.rewards[m.Round]; !ok || got != m.Submitted.Reward {
					t.Errorf("round %d: logged reward %d, on chain %d (present %v)", m.Round, m.Submitted.Reward, got, ok)
				}
				if len(ch.votes[m.Round]) != 1 {
					t.Errorf("round %d: vote %v", m.Round, ch.votes[m.Round])
				}
			}
			if !slices.Equal(rounds, []uint64{0, 1, 2}) {
				t.Fatalf("logged rounds %v, want each of 0 1 2 once", rounds)
			}
			if ch.total() != sum || len(ch.rewards) != 3 {
				t.Fatalf("on chain %v (total %d), logged total %d", ch.rewards, ch.total(), sum)
			}
			if s := n2.State(); s.Steps != 3 || s.RoundsPlayed != 3 {
				t.Fatalf("after three rounds: %d optimizer steps, %d rounds played", s.Steps, s.RoundsPlayed)
			}
			replayed := len(c.rounds()) > 0 && c.rounds()[0].Round == 1
			if wantReplay := slices.Index(points, point) < slices.Index(points, "checkpointed"); replayed != wantReplay {
				t.Fatalf("round 1 replayed = %v, want %v (crash at %s)", replayed, wantReplay, point)
			}
			if replayed && len(firstLife) > 0 {
				again := rolloutsOf(ex, 1)[len(firstLife):]
				for i := range firstLife {
					if i >= len(again) || !slices.Equal(firstLife[i].Answers, again[i].Answers) || firstLife[i].Question != again[i].Question {
						t.Fatalf("the replayed round shared different answers than before the crash")
					}
				}
			}
		})
	}
}

func rolloutsOf(ex *fakeExchange, round uint64) []swarm.Rollout {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	var out []swarm.Rollout
	for _, r := range ex.published {
		if r.Round == round {
			out = append(out, r)
		}
	}
	return out
}

// A damaged state.json is moved aside and the copy inside the checkpoint takes over.
func TestDamagedStateFileFallsBackToCheckpoint(t *testing.T) {
	dir := t.TempDir()
	ch := newFakeChain()
	ex := &fakeExchange{}
	n1 := fakeNode(t, testConfig(), ch, ex, dir, nil)
	stop := runNode(n1)
	waitFor(t, 20*time.Second, "round 0", func() bool { s := n1.State(); return s.NextRound > 0 && s.PendingSubmissions == 0 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(filepath.Join(dir, StateFile), []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	n2 := fakeNode(t, testConfig(), ch, ex, dir, nil)
	stop = runNode(n2)
	defer stop()
	waitFor(t, 10*time.Second, "restore", func() bool { return n2.State().State == StateWaiting })
	if s := n2.State(); s.NextRound != 1 || s.Steps != 1 || s.Errors == 0 {
		t.Fatalf("after restoring from the checkpoint: %+v", s)
	}
	if !exists(filepath.Join(dir, StateFile+".corrupt")) {
		t.Fatal("the damaged file was not kept aside")
	}
}
