package blockassist

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/blockassist/assist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/record"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { c.t = c.t.Add(800 * time.Millisecond); return c.t }

func startTest(t *testing.T, id string, withAssistant bool) (*Session, *goals.Catalog) {
	t.Helper()
	cat, err := goals.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	g, err := cat.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{DataDir: t.TempDir(), Goal: g, Placement: goals.Placement{Offset: world.V(1, 0, 1)},
		Now: (&clock{t: time.Unix(1_700_000_000, 0)}).now}
	if withAssistant {
		cfg.Assistant = assist.New(assist.NewInference(cat.Subset(goals.Train)), assist.DefaultConfig())
	}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, cat
}

// play feeds the scripted builder's actions until the session ends or
// maxTicks pass.
func play(t *testing.T, s *Session, maxTicks int) TickResult {
	t.Helper()
	goal := s.Goal()
	b := &assist.ScriptedBuilder{Goal: &goal}
	var r TickResult
	for i := 0; i < maxTicks; i++ {
		cur, pos := s.State()
		if err := s.Queue(b.Next(&cur, pos, 0)); err != nil {
			t.Fatal(err)
		}
		var err error
		if r, err = s.Tick(); err != nil {
			t.Fatal(err)
		}
		if r.Done {
			break
		}
	}
	return r
}

// Reaching 100 % ends the session; the later manual stop (the step that
// crashed BlockAssist) must return the same summary without error.
func TestCompletionThenStop(t *testing.T) {
	s, _ := startTest(t, "woolen_hut", true)
	r := play(t, s, 2000)
	if !r.Done || r.GoalPercent != 1 {
		t.Fatalf("not done at 100%%: %+v", r)
	}
	sum := s.Summary()
	if sum == nil || sum.Reason != record.EndCompleted || sum.Metrics == nil {
		t.Fatalf("summary %+v", sum)
	}
	m := sum.Metrics
	if !m.Completed || m.GoalPercentage != 1 || m.HumanActionsToFinish <= 0 || m.TicksToFinish != r.Tick+1 || m.EndReason != "completed" {
		t.Errorf("metrics %+v", m)
	}
	for i := 0; i < 3; i++ {
		again, err := s.Stop()
		if err != nil || again != sum {
			t.Fatalf("stop after completion: %v, %+v", err, again)
		}
	}
	if r, err := s.Tick(); err != nil || !r.Done {
		t.Errorf("tick after end: %+v %v", r, err)
	}
	if err := s.Queue(world.Move(world.MovePosX)); err != nil {
		t.Errorf("queue after end: %v", err)
	}
	var onDisk record.Metrics
	b, err := os.ReadFile(filepath.Join(s.Dir(), MetricsFile))
	if err != nil || json.Unmarshal(b, &onDisk) != nil || !onDisk.Completed {
		t.Errorf("metrics.json: %v %s", err, b)
	}
	sess, err := record.ReadFile(filepath.Join(s.Dir(), SessionFile))
	if err != nil || sess.End == nil || sess.End.Reason != record.EndCompleted || sess.Torn {
		t.Errorf("session file: %v", err)
	}
	if out := t.TempDir(); record.Export(sess, out) != nil {
		t.Error("export of a completed session failed")
	}
}

func TestManualStop(t *testing.T) {
	s, _ := startTest(t, "cobble_cottage", false)
	r := play(t, s, 40)
	if r.Done {
		t.Fatal("done too early")
	}
	sum, err := s.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Reason != record.EndStopped || sum.Metrics.Completed || sum.Metrics.Ticks != 40 || sum.Metrics.GoalPercentage <= 0 {
		t.Errorf("summary %+v metrics %+v", sum, sum.Metrics)
	}
	if sum.Metrics.HumanActionsToFinish != -1 {
		t.Error("unfinished session reports actions to finish")
	}
}

func TestHorizonEnds(t *testing.T) {
	cat, _ := goals.Embedded()
	g, _ := cat.Get("garden_wall")
	s, err := Start(Config{DataDir: t.TempDir(), Goal: g, Horizon: 5})
	if err != nil {
		t.Fatal(err)
	}
	var r TickResult
	for i := 0; i < 5; i++ {
		r, _ = s.Tick()
	}
	if !r.Done || s.Summary().Reason != record.EndHorizon {
		t.Errorf("horizon: %+v %+v", r, s.Summary())
	}
}

// A crash (no End record, torn tail) is repaired at the next start.
func TestCrashRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := 0; trial < 8; trial++ {
		s, _ := startTest(t, "woolen_hut", true)
		play(t, s, 30)
		s.w.Abandon() // simulate the process dying
		path := filepath.Join(s.Dir(), SessionFile)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Walk the first three frames (meta, goal, initial) to find where
		// ticks start; cut anywhere after that.
		off := len(record.Magic)
		for i := 0; i < 3; i++ {
			off += 9 + int(binary.LittleEndian.Uint32(data[off:]))
		}
		cut := off + rng.IntN(len(data)-off+1)
		if err := os.WriteFile(path, data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		dataDir := filepath.Dir(filepath.Dir(s.Dir()))
		fixed, err := RecoverAll(dataDir)
		if err != nil || len(fixed) != 1 {
			t.Fatalf("cut %d: recover %v %v", cut, fixed, err)
		}
		b, err := os.ReadFile(filepath.Join(s.Dir(), MetricsFile))
		var m record.Metrics
		if err != nil || json.Unmarshal(b, &m) != nil || m.EndReason != "interrupted" || m.Ticks > 30 {
			t.Errorf("cut %d: metrics %s %v", cut, b, err)
		}
		if again, _ := RecoverAll(dataDir); len(again) != 0 {
			t.Error("second RecoverAll redid work")
		}
	}
}

// A file cut inside its header cannot be recovered; RecoverAll reports it
// and carries on with the others.
func TestRecoverAllReportsUnusableFiles(t *testing.T) {
	s, _ := startTest(t, "woolen_hut", false)
	s.w.Abandon()
	path := filepath.Join(s.Dir(), SessionFile)
	data, _ := os.ReadFile(path)
	os.WriteFile(path, data[:100], 0o644)
	fixed, err := RecoverAll(filepath.Dir(filepath.Dir(s.Dir())))
	if err == nil || len(fixed) != 0 {
		t.Errorf("header-cut file: fixed %v err %v", fixed, err)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	cat, _ := goals.Embedded()
	g, _ := cat.Get("garden_wall")
	s, err := Start(Config{DataDir: t.TempDir(), Goal: g, TickSeconds: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ticks := 0
	sum, err := Run(ctx, s, func(TickResult) {
		ticks++
		if ticks == 3 {
			cancel()
		}
	})
	if err != nil || sum == nil || sum.Reason != record.EndStopped || sum.Metrics.Ticks < 3 {
		t.Errorf("run: %+v %v", sum, err)
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	cat, _ := goals.Embedded()
	g, _ := cat.Get("frost_keep")
	if _, err := Start(Config{DataDir: t.TempDir(), Goal: g, Placement: goals.Placement{Offset: world.V(5, 0, 5)}}); err == nil {
		t.Error("overhanging placement accepted")
	}
	if _, err := Start(Config{Goal: g}); err == nil {
		t.Error("missing data dir accepted")
	}
	if _, err := Start(Config{DataDir: t.TempDir()}); err == nil {
		t.Error("missing goal accepted")
	}
}

// Stop from another goroutine while Run ticks: the end path runs once and
// both callers see the same summary (run with -race).
func TestConcurrentStop(t *testing.T) {
	cat, _ := goals.Embedded()
	g, _ := cat.Get("garden_wall")
	s, err := Start(Config{DataDir: t.TempDir(), Goal: g, TickSeconds: 0.001,
		Assistant: assist.New(assist.NewInference(cat.Subset(goals.Train)), assist.DefaultConfig())})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *Summary)
	go func() {
		sum, _ := Run(context.Background(), s, nil)
		done <- sum
	}()
	for {
		r, err := s.Tick()
		if err != nil {
			t.Fatal(err)
		}
		if r.Tick > 20 {
			break
		}
	}
	stopped, err := s.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if ran := <-done; ran != stopped || stopped.Reason != record.EndStopped {
		t.Errorf("run returned %+v, stop %+v", ran, stopped)
	}
}
