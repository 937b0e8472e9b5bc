package node

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/train"
)

// fakeClock is the node's clock in tests that play simulated hours.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// dayLearner stands in for the 0.5B trainer in the simulated day: a step takes stepTime on
// the node's clock (this machine's 0.5B step of rl-swarm's shape, ~50 s), and a checkpoint
// "writes" what a real one of the 0.5B shape writes, without touching the disk.
type dayLearner struct {
	clock    *fakeClock
	stepTime time.Duration
	bytes    int64
	steps    int64
	saves    []int64 // steps saved
	done     []train.SaveResult
}

func (l *dayLearner) Step([]train.Group) (train.StepStats, error) {
	l.clock.advance(l.stepTime)
	l.steps++
	return train.StepStats{Step: l.steps}, nil
}

func (l *dayLearner) SaveInBackground(_ string, _ []byte, _ int) {
	l.saves = append(l.saves, l.steps)
	l.done = append(l.done, train.SaveResult{Path: "ckpt", Step: l.steps, Bytes: l.bytes})
}

func (l *dayLearner) Saving() bool                 { return false }
func (l *dayLearner) WaitSave() train.SaveResult   { return train.SaveResult{} }
func (l *dayLearner) SaveDone() []train.SaveResult { d := l.done; l.done = nil; return d }
func (l *dayLearner) CheckpointBytes() int64       { return l.bytes }
func (l *dayLearner) Load(string) ([]byte, error)  { return nil, train.ErrNoCheckpoint }
func (l *dayLearner) Steps() int64                 { return l.steps }
func (l *dayLearner) Idle()                        {}

// dayBudget is what the node may write to disk in a day with the default cadence, for the
// 0.5B shape at rl-swarm's pace (a round every 5 minutes, a ~50 s optimizer step on this
// 2-core machine): 8 full checkpoints of 5.93 GB (one per 30 minutes of training, i.e. every
// 36 rounds) plus state.json and rounds.jsonl, about 47.5 GB.
const dayBudget = 50e9

// With the default cadence, a node playing rounds for a simulated day at rl-swarm's pace
// writes no more than dayBudget, and its own accounting (the DiskWrittenPerDay metric, the
// per-round record) says the same as DiskWritesPerDay, the figure the settings show.
func TestSimulatedDayStaysInTheDiskBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("plays 288 rounds")
	}
	const (
		roundEvery = 5 * time.Minute
		stepTime   = 50 * time.Second
		rounds     = int(24 * time.Hour / roundEvery)
	)
	const params = 494_032_768 // Qwen2.5-0.5B (testmodel.Qwen05B, tied embeddings)
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	lrn := &dayLearner{clock: clock, stepTime: stepTime, bytes: train.CheckpointBytes(params)}
	ch := newFakeChain()
	cfg := DefaultConfig() // the default cadence
	def := cfg.CheckpointAfter
	cfg.MaxNewTokens, cfg.Mix = 4, testMix
	cfg.GatherTimeout = 10 * time.Millisecond
	cfg.PollMin, cfg.PollMax = time.Millisecond, 5*time.Millisecond
	n := fakeNode(t, cfg, ch, &fakeExchange{}, t.TempDir(), func(d *Deps) {
		d.learner = lrn
		d.now = clock.Now
	})
	c := collect(n)
	stop := runNode(n)
	defer stop()
	for r := 1; r <= rounds; r++ {
		// Advance the clocks only once the node has logged round r-1 and waits for the chain:
		// moving the clock while it still decides on a checkpoint shifts the cadence, and moving
		// the chain then can let it skip a round (both were seen as flakes on a loaded machine).
		waitFor(t, 20*time.Second, "a round", func() bool {
			s := n.State()
			return s.NextRound >= uint64(r) && s.Phase == PhaseWait && len(c.rounds()) >= r-1
		})
		clock.advance(roundEvery - stepTime)
		ch.advance(1)
	}
	waitFor(t, 20*time.Second, "the last round logged", func() bool { return len(c.rounds()) == rounds })
	// The checkpoint after the last round is taken in (and counted) while the node waits.
	waitFor(t, 20*time.Second, "the last checkpoint counted", func() bool { return n.State().CheckpointStep == int64(rounds) })
	s := n.State()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done

	perDay := s.DiskWrittenPerDay
	want := DiskWritesPerDay(lrn.bytes, def, roundEvery, stepTime)
	t.Logf("0.5B shape, default cadence (%s of training): %d checkpoints of %.2f GB in a simulated day, %.2f GB written (estimate shown in settings %.2f GB)",
		def, len(lrn.saves), float64(lrn.bytes)/1e9, float64(perDay)/1e9, float64(want)/1e9)
	if perDay > dayBudget {
		t.Fatalf("wrote %.1f GB in a simulated day, budget %.0f GB", float64(perDay)/1e9, dayBudget/1e9)
	}
	// 24 h × 50 s / 5 min = 4 h of training = 8 checkpoints, the last after round 288, so
	// the stop finds the latest step saved and writes none.
	if got := len(lrn.saves); got != 8 {
		t.Fatalf("%d checkpoints in a day (steps %v), want 8", got, lrn.saves)
	}
	if perDay < 8*lrn.bytes || perDay > 8*lrn.bytes+10<<20 {
		t.Fatalf("DiskWrittenPerDay %d, want 8 checkpoints (%d) plus state and log", perDay, 8*lrn.bytes)
	}
	if d := want - 8*lrn.bytes; d < 0 || d > lrn.bytes {
		t.Fatalf("the settings' estimate %d is off the day's 8 checkpoints", want)
	}
	rs := c.rounds()
	if last := rs[len(rs)-1]; last.DiskWrittenPerDay < 7*lrn.bytes || last.DiskUsed < 0 {
		t.Fatalf("the last round's record: written per day %d, disk used %d", last.DiskWrittenPerDay, last.DiskUsed)
	}
	withCkpt := 0
	for _, m := range rs {
		if m.CheckpointBytes > 0 {
			withCkpt++
		}
	}
	// A checkpoint started after a round counts in the record of the round it ends in; the
	// last one ends after the last round.
	if withCkpt != 7 {
		t.Fatalf("%d rounds recorded checkpoint bytes, want 7", withCkpt)
	}
}

// DiskWritesPerDay is the settings' figure: checkpoints a day times their size.
func TestDiskWritesPerDay(t *testing.T) {
	const gb = int64(1e9)
	for _, tt := range []struct {
		name                    string
		bytes                   int64
		after, round, trainTime time.Duration
		want                    int64
	}{
		{"0.5B on this CPU, default", 6 * gb, 30 * time.Minute, 5 * time.Minute, 50 * time.Second, 48 * gb},
		{"every round", 6 * gb, 0, 5 * time.Minute, 50 * time.Second, 288 * 6 * gb},
		{"never more than every round", 6 * gb, time.Second, 5 * time.Minute, 50 * time.Second, 288 * 6 * gb},
		{"a fast GPU step", 6 * gb, 30 * time.Minute, 5 * time.Minute, 5 * time.Second, 4.8 * 1e9},
		{"nothing known yet", 6 * gb, 30 * time.Minute, 0, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := DiskWritesPerDay(tt.bytes, tt.after, tt.round, tt.trainTime); got != tt.want {
				t.Fatalf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// loadedWeights loads the checkpoint in dir into a fresh copy of the tiny model.
func loadedWeights(t *testing.T, dir string) ([]float32, int64) {
	t.Helper()
	m, _ := tinyModel(t)
	opt, err := train.NewOptimizer(len(m.Trainable()), train.DefaultOptimConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := train.LoadLatest(dir, m, opt); err != nil {
		t.Fatal(err)
	}
	return m.Trainable(), opt.Step
}

// A pause and a stop always leave a checkpoint of the latest step, with the default cadence
// (which would not have written one yet).
func TestPauseAndStopLeaveACurrentCheckpoint(t *testing.T) {
	dir := t.TempDir()
	ch := newFakeChain()
	n := fakeNode(t, testConfig(), ch, &fakeExchange{}, dir, nil)
	stop := runNode(n)
	defer stop()
	waitFor(t, 20*time.Second, "round 0", func() bool { return n.State().NextRound == 1 })
	if s := n.State(); s.CheckpointStep != 0 || s.Checkpointing {
		t.Fatalf("a checkpoint before 30 minutes of training: %+v", s)
	}
	n.Pause()
	waitFor(t, 20*time.Second, "the pause's checkpoint", func() bool {
		s := n.State()
		return s.State == StatePaused && s.CheckpointStep == 1 && !s.Checkpointing
	})
	ckdir := filepath.Join(dir, "checkpoints")
	w, step := loadedWeights(t, ckdir)
	if step != 1 || !slices.Equal(w, n.deps.Model.Trainable()) {
		t.Fatalf("the pause left step %d, weights equal %v", step, slices.Equal(w, n.deps.Model.Trainable()))
	}
	n.Resume()
	ch.advance(1)
	waitFor(t, 20*time.Second, "round 1", func() bool { return n.State().NextRound == 2 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	w, step = loadedWeights(t, ckdir)
	if step != 2 || !slices.Equal(w, n.deps.Model.Trainable()) {
		t.Fatalf("the stop left step %d, weights equal %v", step, slices.Equal(w, n.deps.Model.Trainable()))
	}
	if names := stepFolders(t, ckdir); len(names) != 1 {
		t.Fatalf("checkpoints kept: %v, want only the newest", names)
	}
}

func stepFolders(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "step-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A crash between checkpoints resumes from the last complete one: the training since is
// lost, but the rounds, rewards and votes are not (state.json is newer and wins), so nothing
// is played, submitted or voted twice and nothing is missing on chain.
func TestCrashBetweenCheckpointsLosesOnlyTraining(t *testing.T) {
	dir := t.TempDir()
	ch := newFakeChain()
	ex := &fakeExchange{}
	var n1 *Node
	n1 = fakeNode(t, testConfig(), ch, ex, dir, func(d *Deps) {
		d.hook = func(p string) error {
			if p == "committed" && n1.State().Round == 2 {
				return errCrash
			}
			return nil
		}
	})
	errc := make(chan error, 1)
	go func() { errc <- n1.Run(t.Context()) }()
	waitFor(t, 20*time.Second, "round 0", func() bool { s := n1.State(); return s.NextRound == 1 && s.PendingSubmissions == 0 })
	n1.Checkpoint() // asked: a checkpoint of step 1 while the node waits for round 1
	waitFor(t, 20*time.Second, "the asked checkpoint", func() bool { s := n1.State(); return s.CheckpointStep == 1 && !s.Checkpointing })
	atCkpt := slices.Clone(n1.deps.Model.Trainable())
	ch.advance(1)
	waitFor(t, 20*time.Second, "round 1", func() bool { s := n1.State(); return s.NextRound == 2 && s.PendingSubmissions == 0 })
	ch.advance(1)
	if err := <-errc; err != errCrash {
		t.Fatalf("first life ended with %v", err)
	}

	n2 := fakeNode(t, testConfig(), ch, ex, dir, nil)
	c := collect(n2)
	stop := runNode(n2)
	defer stop()
	waitFor(t, 20*time.Second, "restored", func() bool { return n2.State().State == StateWaiting })
	if s := n2.State(); s.Steps != 1 || s.NextRound != 3 || s.RoundsPlayed != 3 || !slices.Equal(n2.deps.Model.Trainable(), atCkpt) {
		t.Fatalf("after the crash: steps %d next round %d played %d, weights of the checkpoint %v",
			s.Steps, s.NextRound, s.RoundsPlayed, slices.Equal(n2.deps.Model.Trainable(), atCkpt))
	}
	waitFor(t, 20*time.Second, "round 2's submission", func() bool { return n2.State().PendingSubmissions == 0 })
	ch.advance(1)
	waitFor(t, 20*time.Second, "round 3", func() bool { s := n2.State(); return s.NextRound == 4 && s.PendingSubmissions == 0 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	logged, bad, err := ReadRounds(filepath.Join(dir, RoundsFile))
	if err != nil || bad != 0 {
		t.Fatalf("rounds.jsonl: %v, %d bad", err, bad)
	}
	var rounds []uint64
	sum := int64(0)
	for _, m := range logged {
		rounds = append(rounds, m.Round)
		sum += m.Submitted.Reward
		if len(ch.votes[m.Round]) != 1 {
			t.Errorf("round %d: votes %v", m.Round, ch.votes[m.Round])
		}
	}
	if !slices.Equal(rounds, []uint64{0, 1, 2, 3}) || ch.total() != sum || len(ch.rewards) != 4 {
		t.Fatalf("logged rounds %v (reward sum %d); on chain %v", rounds, sum, ch.rewards)
	}
	if s := n2.State(); s.Steps != 2 {
		t.Fatalf("after one more round: %d steps, want 2 (1 from the checkpoint + 1)", s.Steps)
	}
}

// The settings' words: the checkpoint size and the writes a day at the measured pace, or what
// is known before any round.
func TestCheckpointCostText(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var played []RoundMetrics
	for r := range 10 {
		played = append(played, RoundMetrics{Round: uint64(r), Time: t0.Add(time.Duration(r) * 5 * time.Minute),
			Trained: true, Phases: map[Phase]float64{PhaseTrain: 50}})
	}
	for _, tt := range []struct {
		name    string
		bytes   int64
		minutes int
		history []RoundMetrics
		want    []string
	}{
		{"0.5B at this pace", 5_928_393_216, 30, played, []string{"5.9 GB", "47.4 GB of disk writes a day", "every 5m0s", "50s of training"}},
		{"every round", 5_928_393_216, 0, played, []string{"1707.4 GB of disk writes a day"}},
		{"no rounds yet", 5_928_393_216, 30, nil, []string{"5.9 GB", "up to 1707.4 GB a day", "training steps take"}},
		{"no model yet", 0, 30, nil, []string{"once the model is loaded"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckpointCostText(tt.bytes, tt.minutes, tt.history)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
		})
	}
}
