package node

import (
	"sync/atomic"
	"testing"
	"time"
)

// Pausing right after the answers are generated holds the round there: nothing is shared or
// trained while paused, even as the chain moves on. Resume finishes that same round with the
// answers already made (no second generation) — skipping the sharing, since the swarm has
// moved past it — and then joins the chain's current round.
func TestPauseMidRoundKeepsTheRound(t *testing.T) {
	ch := newFakeChain()
	ex := &fakeExchange{}
	var n *Node
	n = fakeNode(t, testConfig(), ch, ex, t.TempDir(), func(d *Deps) {
		d.hook = func(p string) error {
			if p == "generated" && n.State().Round == 0 {
				n.Pause()
			}
			return nil
		}
	})
	c := collect(n)
	stop := runNode(n)
	defer stop()
	waitFor(t, 20*time.Second, "paused", func() bool { return n.State().State == StatePaused })
	ch.advance(3)
	time.Sleep(300 * time.Millisecond)
	s := n.State()
	if s.State != StatePaused || !s.Paused || s.Phase != PhaseGenerate || s.Steps != 0 || s.RoundsPlayed != 0 || ex.publishedIn(0) != 0 {
		t.Fatalf("while paused: %+v, published %d", s, ex.publishedIn(0))
	}
	n.Resume()
	waitFor(t, 20*time.Second, "rounds 0 and 3", func() bool { s := n.State(); return s.NextRound == 4 && s.PendingSubmissions == 0 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	rs := c.rounds()
	if len(rs) != 2 || rs[0].Round != 0 || rs[1].Round != 3 {
		t.Fatalf("rounds after resume: %+v", rs)
	}
	if r0 := rs[0]; r0.Questions != 2 || r0.Answers != 4 || !r0.Trained || r0.Shared || r0.Submitted == nil {
		t.Fatalf("round 0 after resume: %+v", r0)
	}
	if rs[1].Skipped != 2 || !rs[1].Shared {
		t.Fatalf("round 3: skipped %d, shared %v", rs[1].Skipped, rs[1].Shared)
	}
	gens := 0
	for _, e := range c.kinds(EventPhase) {
		if e.Round == 0 && e.Phase == PhaseGenerate {
			gens++
		}
	}
	if gens != 1 {
		t.Fatalf("round 0 generated %d times; the pause must keep its answers", gens)
	}
	if _, ok := ch.rewards[0]; !ok {
		t.Fatal("round 0's reward was not submitted after resuming")
	}
	states := map[State]bool{}
	for _, e := range c.kinds(EventState) {
		states[e.State] = true
	}
	if !states[StatePaused] || !states[StateRunning] {
		t.Fatalf("state events %v", states)
	}
}

// A pause during the gather ends the wait at once; after Resume the node gathers again for
// the time that was left.
func TestPauseDuringGather(t *testing.T) {
	ch := newFakeChain()
	ex := &fakeExchange{slow: true}
	cfg := testConfig()
	cfg.GatherTimeout = 3 * time.Second
	n := fakeNode(t, cfg, ch, ex, t.TempDir(), nil)
	c := collect(n)
	stop := runNode(n)
	defer stop()
	waitFor(t, 20*time.Second, "gather", func() bool { return n.State().Phase == PhaseGather })
	t0 := time.Now()
	n.Pause()
	waitFor(t, 2*time.Second, "paused", func() bool { return n.State().State == StatePaused })
	if d := time.Since(t0); d > time.Second {
		t.Fatalf("pause took %s during a 3s gather", d)
	}
	time.Sleep(200 * time.Millisecond)
	n.Resume()
	waitFor(t, 20*time.Second, "round 0", func() bool { return n.State().NextRound == 1 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	m := c.rounds()[0]
	ex.mu.Lock()
	gathers := ex.gathers
	ex.mu.Unlock()
	if gathers < 2 || m.Phases[PhaseGather] > 3.5 || !m.Trained {
		t.Fatalf("%d gathers, %.2fs gathering, trained %v", gathers, m.Phases[PhaseGather], m.Trained)
	}
}

// Paused between rounds, the node lets rounds pass and plays none until resumed.
func TestPauseWhileWaiting(t *testing.T) {
	ch := newFakeChain()
	n := fakeNode(t, testConfig(), ch, &fakeExchange{}, t.TempDir(), nil)
	stop := runNode(n)
	defer stop()
	waitFor(t, 20*time.Second, "round 0", func() bool { s := n.State(); return s.NextRound == 1 && s.State == StateWaiting })
	n.Pause()
	n.Pause() // twice is harmless
	waitFor(t, 5*time.Second, "paused", func() bool { return n.State().State == StatePaused })
	ch.advance(1)
	time.Sleep(300 * time.Millisecond)
	if s := n.State(); s.NextRound != 1 || s.State != StatePaused {
		t.Fatalf("played while paused: %+v", s)
	}
	n.Resume()
	waitFor(t, 20*time.Second, "round 1", func() bool { return n.State().NextRound == 2 })
}

// With resources.ac_power_only the node holds while on battery and goes on with AC power.
func TestACPowerOnly(t *testing.T) {
	var onAC atomic.Bool
	ch := newFakeChain()
	cfg := testConfig()
	cfg.ACPowerOnly = true
	cfg.PowerCheckEvery = 20 * time.Millisecond
	n := fakeNode(t, cfg, ch, &fakeExchange{}, t.TempDir(), func(d *Deps) {
		d.power = func() (bool, bool) { return onAC.Load(), true }
	})
	stop := runNode(n)
	defer stop()
	waitFor(t, 10*time.Second, "on battery", func() bool { return n.State().State == StateOnBattery })
	time.Sleep(200 * time.Millisecond)
	if s := n.State(); s.RoundsPlayed != 0 {
		t.Fatalf("played on battery: %+v", s)
	}
	onAC.Store(true)
	waitFor(t, 20*time.Second, "round 0 on AC", func() bool { return n.State().NextRound == 1 })
}
