package node

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// lineDirs names checkpoint lines under root the way the app does (one folder per mode/rank).
func lineDirs(root string) func(rank int) string {
	return func(rank int) string {
		if rank > 0 {
			return filepath.Join(root, fmt.Sprintf("model-lora%d", rank))
		}
		return filepath.Join(root, "model")
	}
}

// plannedNode plans cfg against modelDir, loads the model as the plan says and makes a node
// on fakes whose checkpoints go where the plan says.
func plannedNode(t *testing.T, cfg Config, modelDir, dataDir string, ch *fakeChain, ex *fakeExchange, edit func(*Deps)) (*Node, Setup) {
	t.Helper()
	setup, err := Plan(cfg, modelDir, lineDirs(filepath.Join(dataDir, "checkpoints")))
	if err != nil {
		t.Fatal(err)
	}
	m, err := setup.Load(modelDir, qwen2.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.Load(filepath.Join(modelDir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, id := edKey(t)
	ex.self = id
	d := Deps{Model: m, Tokenizer: tok, Swarm: ex, Chain: ch, PeerID: id, DataDir: dataDir,
		CheckpointDir: setup.CheckpointDir, Plan: &setup}
	if edit != nil {
		edit(&d)
	}
	n, err := New(cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	return n, setup
}

// playRounds runs n for k rounds of the fake chain and returns its round metrics.
func playRounds(t *testing.T, n *Node, ch *fakeChain, k int) []RoundMetrics {
	t.Helper()
	c := collect(n)
	stop := runNode(n)
	start := n.State().NextRound
	for i := 0; i < k; i++ {
		want := start + uint64(i) + 1
		waitFor(t, 60*time.Second, fmt.Sprintf("round %d", want-1), func() bool { return n.State().NextRound >= want })
		if i < k-1 {
			ch.advance(1)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	ch.advance(1)
	return c.rounds()
}

// latestStep is the step of the newest checkpoint in dir (-1 when there is none).
func latestStep(t *testing.T, dir string) int64 {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "latest"))
	if os.IsNotExist(err) {
		return -1
	} else if err != nil {
		t.Fatal(err)
	}
	s, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(string(raw)), "step-"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The training mode end to end on the tiny model: the full model trains where it fits; a
// full-model checkpoint under a limit it does not fit is refused with a sentence and not
// loaded, the node playing rounds with rollouts only; auto falls back to LoRA in a line of its
// own; both lines resume where they stopped, and neither is lost by switching.
func TestTrainingModesAndCheckpointLines(t *testing.T) {
	modelDir, err := shared.Dir()
	if err != nil {
		t.Fatal(err)
	}
	mc, err := qwen2.LoadConfig(modelDir)
	if err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	lines := lineDirs(filepath.Join(dataDir, "checkpoints"))
	ch, ex := newFakeChain(), &fakeExchange{}
	base := testConfig()
	shape := base.shape(mc, 0, promptRoom(modelDir))
	fullNeed := shape.Need(train.ModeFull, 0).Total()
	loraNeed := shape.Need(train.ModeLoRA, 4).Total()
	// LoRA of rank 4 fits, the full model does not. Just under the full model's need rather than
	// half-way: the plan allows 128 tokens for a question, and the tiny test tokenizer spells
	// some generated questions in more, so a step's tape can exceed the planned one by a few
	// hundred KiB on this model; that much room keeps the LoRA steps from being refused.
	between := fullNeed - (fullNeed-loraNeed)/8

	// 1. Full model, no limit: one step, a checkpoint in the full line.
	full := base
	full.Mode = train.ModeFull
	n, setup := plannedNode(t, full, modelDir, dataDir, ch, ex, nil)
	if setup.Choice.Mode != train.ModeFull || setup.CheckpointDir != lines(0) {
		t.Fatalf("full mode without a limit planned %+v", setup)
	}
	if ms := playRounds(t, n, ch, 1); len(ms) != 1 || !ms[0].Trained {
		t.Fatalf("full mode rounds: %+v", ms)
	}
	if s := latestStep(t, lines(0)); s != 1 {
		t.Fatalf("full line at step %d, want 1", s)
	}

	// 2. Full mode under a limit the full model does not fit: refused, rollouts only.
	tight := full
	tight.Train.MemoryLimit = between
	n, setup = plannedNode(t, tight, modelDir, dataDir, ch, ex, nil)
	if setup.Choice.Mode != train.ModeRollouts || !strings.Contains(setup.Choice.Reason, "training.mode is full") {
		t.Fatalf("full mode under %d bytes planned %s: %q", between, setup.Choice.Mode, setup.Choice.Reason)
	}
	if len(setup.Kept) != 1 || !strings.Contains(setup.Kept[0], "full-model checkpoint in "+lines(0)+" is kept but not loaded: resuming it needs") {
		t.Fatalf("the refused checkpoint is not explained: %q", setup.Kept)
	}
	if got := n.State().Training; !strings.Contains(got, "rollouts only") {
		t.Errorf("snapshot says %q, want rollouts only", got)
	}
	ms := playRounds(t, n, ch, 1)
	if len(ms) != 1 || ms[0].Trained || ms[0].TrainError != errNotLearning.Error() || ex.publishedIn(ms[0].Round) == 0 {
		t.Fatalf("rollouts-only round: %+v (published %d)", ms, ex.publishedIn(ms[0].Round))
	}
	if n.State().Steps != 0 || latestStep(t, lines(0)) != 1 {
		t.Fatalf("the refused checkpoint was loaded or changed: steps %d, full line at %d", n.State().Steps, latestStep(t, lines(0)))
	}

	// 3. Auto under the same limit: LoRA (rank capped at 4) in a line of its own.
	auto := base
	auto.LoRARank = 4
	auto.Train.MemoryLimit = between
	for life := 1; life <= 2; life++ {
		n, setup = plannedNode(t, auto, modelDir, dataDir, ch, ex, nil)
		if setup.Choice.Mode != train.ModeLoRA || setup.Choice.Rank != 4 || setup.CheckpointDir != lines(4) ||
			!strings.Contains(setup.Choice.Reason, "the full model would need") {
			t.Fatalf("auto planned %+v", setup)
		}
		if n.deps.Model.LoRA() == nil || n.deps.Model.LoRA().Rank != 4 {
			t.Fatal("the model was loaded without the planned adapters")
		}
		if ms := playRounds(t, n, ch, 1); len(ms) != 1 || !ms[0].Trained {
			t.Fatalf("LoRA life %d: %+v", life, ms)
		}
		if s := latestStep(t, lines(4)); s != int64(life) {
			t.Fatalf("LoRA line at step %d after life %d: it did not resume", s, life)
		}
	}

	// 4. Back to the full model: its line resumes at step 1, the LoRA line stays.
	n, setup = plannedNode(t, full, modelDir, dataDir, ch, ex, nil)
	if len(setup.Kept) != 1 || !strings.Contains(setup.Kept[0], lines(4)) {
		t.Errorf("the LoRA line is not mentioned as kept: %q", setup.Kept)
	}
	if ms := playRounds(t, n, ch, 1); len(ms) != 1 || !ms[0].Trained || ms[0].Step != 2 {
		t.Fatalf("the full line did not resume: %+v", ms)
	}
	if latestStep(t, lines(0)) != 2 || latestStep(t, lines(4)) != 2 {
		t.Fatalf("lines at full %d, LoRA %d; want 2 and 2", latestStep(t, lines(0)), latestStep(t, lines(4)))
	}
}

// A computer with less memory free than a step needs skips the step with a sentence and
// still plays the round.
func TestBusyComputerSkipsTheStep(t *testing.T) {
	modelDir, err := shared.Dir()
	if err != nil {
		t.Fatal(err)
	}
	ch, ex := newFakeChain(), &fakeExchange{}
	n, setup := plannedNode(t, testConfig(), modelDir, t.TempDir(), ch, ex, func(d *Deps) {
		d.free = func() uint64 { return 1 << 10 }
	})
	if !setup.Choice.Learns() {
		t.Fatalf("planned %s", setup.Choice.Mode)
	}
	ms := playRounds(t, n, ch, 1)
	if len(ms) != 1 || ms[0].Trained || !strings.Contains(ms[0].TrainError, "the computer is busy") {
		t.Fatalf("busy round: %+v", ms)
	}
}
