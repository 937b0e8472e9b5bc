package node

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/config"
)

// fakeIdle is a settable idle clock for Deps.idle.
type fakeIdle struct {
	idle  atomic.Int64 // time.Duration
	known atomic.Bool
}

func (f *fakeIdle) get() (time.Duration, bool) { return time.Duration(f.idle.Load()), f.known.Load() }

// lockedBuffer collects log output written from the node's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// idleNode is a node with IdleOnly on, a one-minute threshold and the given idle clock.
func idleNode(t *testing.T, ch *fakeChain, ex *fakeExchange, f *fakeIdle, log *lockedBuffer, hook func(*Node, string)) *Node {
	t.Helper()
	cfg := testConfig()
	cfg.IdleOnly = true
	cfg.IdleAfter = time.Minute
	cfg.IdleCheckEvery = 10 * time.Millisecond
	var n *Node
	n = fakeNode(t, cfg, ch, ex, t.TempDir(), func(d *Deps) {
		d.idle = f.get
		d.Logger = slog.New(slog.NewTextHandler(log, nil))
		if hook != nil {
			d.hook = func(p string) error { hook(n, p); return nil }
		}
	})
	return n
}

// While someone uses the computer an idle-only node holds in StateUserActive and plays no
// round; once input has been idle for IdleAfter it goes on by itself.
func TestIdleOnlyHoldsWhileUserActive(t *testing.T) {
	f := &fakeIdle{}
	f.known.Store(true)
	f.idle.Store(int64(59 * time.Second))
	var log lockedBuffer
	n := idleNode(t, newFakeChain(), &fakeExchange{}, f, &log, nil)
	c := collect(n)
	stop := runNode(n)
	defer stop()
	waitFor(t, 10*time.Second, "user-active", func() bool { return n.State().State == StateUserActive })
	time.Sleep(200 * time.Millisecond)
	if s := n.State(); s.State != StateUserActive || s.RoundsPlayed != 0 || s.Steps != 0 || s.Paused {
		t.Fatalf("while the user is active: %+v", s)
	}
	f.idle.Store(int64(time.Minute))
	waitFor(t, 20*time.Second, "round 0 once idle", func() bool { return n.State().NextRound == 1 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	seen := map[State]bool{}
	for _, e := range c.kinds(EventState) {
		seen[e.State] = true
	}
	if !seen[StateUserActive] || !seen[StateRunning] {
		t.Fatalf("state events %v", seen)
	}
	out := log.String()
	for _, want := range []string{"computer in use: training paused", "computer idle: training continues"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// A user coming back mid-round holds the round at the next safe point, keeping its work, and
// the same round finishes once the computer is idle again.
func TestIdleOnlyUserReturnsMidRound(t *testing.T) {
	f := &fakeIdle{}
	f.known.Store(true)
	f.idle.Store(int64(time.Hour))
	var log lockedBuffer
	ch, ex := newFakeChain(), &fakeExchange{}
	n := idleNode(t, ch, ex, f, &log, func(n *Node, p string) {
		if p == "generated" && n.State().Round == 0 && n.State().RoundsPlayed == 0 {
			f.idle.Store(int64(time.Second))
			// Let the watcher notice, so the hold is taken at the very next safe point.
			for deadline := time.Now().Add(5 * time.Second); !n.gate.blocked() && time.Now().Before(deadline); {
				time.Sleep(5 * time.Millisecond)
			}
		}
	})
	c := collect(n)
	stop := runNode(n)
	defer stop()
	waitFor(t, 20*time.Second, "user-active mid-round", func() bool { return n.State().State == StateUserActive })
	time.Sleep(200 * time.Millisecond)
	if s := n.State(); s.State != StateUserActive || s.Phase != PhaseGenerate || s.Steps != 0 || s.RoundsPlayed != 0 || ex.publishedIn(0) != 0 {
		t.Fatalf("held mid-round: %+v, published %d", s, ex.publishedIn(0))
	}
	f.idle.Store(int64(time.Hour))
	waitFor(t, 20*time.Second, "round 0", func() bool { return n.State().NextRound == 1 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	gens := 0
	for _, e := range c.kinds(EventPhase) {
		if e.Round == 0 && e.Phase == PhaseGenerate {
			gens++
		}
	}
	if rs := c.rounds(); gens != 1 || len(rs) != 1 || !rs[0].Trained {
		t.Fatalf("round 0 generated %d times, rounds %+v", gens, rs)
	}
}

// Where the OS does not report idle time, idle_only must not stop the node: it trains and says
// once that idle detection is unavailable.
func TestIdleOnlyUnknownTrains(t *testing.T) {
	f := &fakeIdle{} // known = false
	var log lockedBuffer
	n := idleNode(t, newFakeChain(), &fakeExchange{}, f, &log, nil)
	c := collect(n)
	stop := runNode(n)
	defer stop()
	waitFor(t, 20*time.Second, "round 0", func() bool { return n.State().NextRound == 1 })
	time.Sleep(50 * time.Millisecond) // several more looks at the idle clock
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	for _, e := range c.kinds(EventState) {
		if e.State == StateUserActive {
			t.Fatal("held for user activity with idle time unknown")
		}
	}
	if k := strings.Count(log.String(), "idle detection unavailable"); k != 1 {
		t.Fatalf("idle detection unavailable logged %d times:\n%s", k, log.String())
	}
}

// Without IdleOnly the idle clock is never consulted.
func TestIdleOnlyOffNeverAsks(t *testing.T) {
	var asked atomic.Bool
	n := fakeNode(t, testConfig(), newFakeChain(), &fakeExchange{}, t.TempDir(), func(d *Deps) {
		d.idle = func() (time.Duration, bool) { asked.Store(true); return 0, true }
	})
	stop := runNode(n)
	defer stop()
	waitFor(t, 20*time.Second, "round 0", func() bool { return n.State().NextRound == 1 })
	if asked.Load() {
		t.Fatal("idle time asked with idle_only off")
	}
}

func TestConfigFromIdle(t *testing.T) {
	tests := []struct {
		name      string
		only      bool
		minutes   int
		wantOnly  bool
		wantAfter time.Duration
	}{
		{"default", false, config.Default().Resources.IdleMinutes, false, 5 * time.Minute},
		{"on, 15 minutes", true, 15, true, 15 * time.Minute},
		{"on, zero minutes falls back to the default", true, 0, true, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config.Default()
			c.Resources.IdleOnly, c.Resources.IdleMinutes = tt.only, tt.minutes
			nc, err := ConfigFrom(c)
			if err != nil {
				t.Fatal(err)
			}
			if nc.IdleOnly != tt.wantOnly || nc.IdleAfter != tt.wantAfter || nc.IdleCheckEvery != 10*time.Second {
				t.Fatalf("IdleOnly %v, IdleAfter %s, IdleCheckEvery %s", nc.IdleOnly, nc.IdleAfter, nc.IdleCheckEvery)
			}
		})
	}
}

// The gate holds while any reason is set, reports the most telling one, and opens only when
// every reason is cleared.
func TestGateHoldReasons(t *testing.T) {
	tests := []struct {
		name  string
		set   []hold
		clear []hold
		want  State
	}{
		{"none", nil, nil, StateRunning},
		{"user active", []hold{holdUserActive}, nil, StateUserActive},
		{"battery beats user active", []hold{holdUserActive, holdBattery}, nil, StateOnBattery},
		{"pause beats all", []hold{holdBattery, holdPaused, holdUserActive}, nil, StatePaused},
		{"battery cleared, user still active", []hold{holdBattery, holdUserActive}, []hold{holdBattery}, StateUserActive},
		{"all cleared", []hold{holdPaused, holdUserActive}, []hold{holdUserActive, holdPaused}, StateRunning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGate()
			for _, r := range tt.set {
				g.set(r, true)
			}
			for _, r := range tt.clear {
				g.set(r, false)
			}
			h, _ := g.status()
			if h.state() != tt.want || g.blocked() != (tt.want != StateRunning) {
				t.Fatalf("state %s, blocked %v; want %s", h.state(), g.blocked(), tt.want)
			}
			if tt.want != StateRunning && !tt.want.Held() {
				t.Fatalf("%s is not Held", tt.want)
			}
		})
	}
	if StateRunning.Held() || StateWaiting.Held() {
		t.Fatal("running or waiting reported as held")
	}

	// wait blocks until the last reason goes, reporting each change.
	g := newGate()
	g.set(holdPaused, true)
	g.set(holdUserActive, true)
	var mu sync.Mutex
	var seen []State
	done := make(chan error, 1)
	go func() {
		done <- g.wait(context.Background(), func(h hold) { mu.Lock(); seen = append(seen, h.state()); mu.Unlock() })
	}()
	waitFor(t, 5*time.Second, "wait to block", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 1 })
	g.set(holdPaused, true) // no change: no wake-up
	g.set(holdPaused, false)
	select {
	case <-done:
		t.Fatal("wait returned with the user still active")
	case <-time.After(50 * time.Millisecond):
	}
	g.set(holdUserActive, false)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0] != StatePaused || seen[1] != StateUserActive {
		t.Fatalf("holds seen %v", seen)
	}
}
