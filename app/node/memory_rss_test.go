//go:build linux

package node

import (
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
	"github.com/swarmdesk/swarmdesk/platform"
)

// resetPeakRSS starts a new peak-RSS measurement (Linux: writing 5 to clear_refs resets
// VmHWM to the current RSS); false where the kernel refuses, and the peak then covers the
// whole test binary so far (still an upper bound).
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is the process's peak resident memory (VmHWM) in bytes.
func peakRSS(t *testing.T) int64 {
	t.Helper()
	_, peak := platform.ProcessMemory()
	if peak == 0 {
		t.Skip("this system does not report the peak resident memory")
	}
	return int64(peak)
}

// realNodeRun is what measuredNode saw.
type realNodeRun struct {
	setup  Setup
	rounds []RoundMetrics
	peak   int64
}

// trainedRounds waits for k rounds that trained; playedRounds for k rounds played at all.
func trainedRounds(k int) func([]RoundMetrics) bool {
	return func(ms []RoundMetrics) bool {
		n := 0
		for _, m := range ms {
			if m.Trained {
				n++
			}
		}
		return n >= k
	}
}

func playedRounds(k int) func([]RoundMetrics) bool {
	return func(ms []RoundMetrics) bool { return len(ms) >= k }
}

// measuredNode runs a real node (embedded dev chain, libp2p on loopback, the model loaded
// the way the memory plan says) on dataDir ("" = a new one) until its rounds satisfy until,
// and measures the process's peak RSS from before the model is loaded.
func measuredNode(t *testing.T, cfg Config, modelDir, tokPath, dataDir string, until func([]RoundMetrics) bool, timeout time.Duration) realNodeRun {
	t.Helper()
	ctx := t.Context()
	dc, err := devchain.Start(ctx, devchain.Config{RoundLength: 2 * time.Second, Tx: chain.TxConfig{PollInterval: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	p := newParticipant(t, "M", dc)
	if dataDir != "" {
		p.dir = dataDir
	}
	p.startSwarm(t, nil)
	defer p.sw.Close()
	cl, err := chain.Dial(ctx, dc.Profile(), p.acct, chain.Options{
		OutboxDir: filepath.Join(p.dir, "outbox"), StartBlock: dc.DeployBlock(),
		Tx: chain.TxConfig{PollInterval: 20 * time.Millisecond}, PeerKey: p.key})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()

	runtime.GC()
	debug.FreeOSMemory() // an earlier node's memory in this process must not count
	if !resetPeakRSS() {
		t.Log("cannot reset the peak RSS here; it covers the whole test binary")
	}
	setup, err := Plan(cfg, modelDir, lineDirs(filepath.Join(p.dir, "checkpoints")))
	if err != nil {
		t.Fatal(err)
	}
	defer setup.LimitHeap()()
	m, err := setup.Load(modelDir, qwen2.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.Load(tokPath)
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(cfg, Deps{Model: m, Tokenizer: tok, Swarm: p.sw, Chain: cl, PeerID: p.sw.ID(), DataDir: p.dir,
		CheckpointDir: setup.CheckpointDir, Plan: &setup,
		Logger: slog.New(slog.NewTextHandler(testWriter{t, "M"}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	col := collect(n)
	stop := runNode(n)
	waitFor(t, timeout, "rounds", func() bool { return until(col.rounds()) })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-col.done
	return realNodeRun{setup: setup, rounds: col.rounds(), peak: peakRSS(t)}
}

// checkLoRARun checks a run under limit chose LoRA, trained with it, and stayed within it.
func checkLoRARun(t *testing.T, r realNodeRun, limit int64) {
	t.Helper()
	c := r.setup.Choice
	t.Logf("limit %s, plan: %s (%s); peak RSS %s (%.0f%% of the limit)",
		train.FormatBytes(limit), c.Reason, c.Need, train.FormatBytes(r.peak), 100*float64(r.peak)/float64(limit))
	if c.Mode != train.ModeLoRA {
		t.Fatalf("under %s the plan chose %s, want LoRA: %s", train.FormatBytes(limit), c.Mode, c.Reason)
	}
	if !train.HasCheckpoint(r.setup.CheckpointDir) {
		t.Errorf("no LoRA checkpoint in %s", r.setup.CheckpointDir)
	}
	for _, m := range r.rounds {
		if !m.Trained {
			t.Errorf("round %d did not train: %s", m.Round, m.TrainError)
		}
	}
	if r.peak > limit {
		t.Errorf("peak RSS %s is over the %s limit", train.FormatBytes(r.peak), train.FormatBytes(limit))
	}
}

// A CI-sized node (a 20M-parameter random model with Qwen's layout) under a limit its full
// training does not fit: the plan chooses LoRA, the node trains with it, and the process's
// peak RSS from loading on stays under the limit.
func TestNodeMemoryCI(t *testing.T) {
	modelDir := filepath.Join(t.TempDir(), "model")
	tiny := testmodel.Tiny{Layers: 6, Hidden: 384, Heads: 6, KVHeads: 2, HeadDim: 64, FFN: 1536, Vocab: 8192, MaxPos: 2048, LogitScale: 0.3}
	if err := testmodel.Write(modelDir, tiny, 3); err != nil {
		t.Fatal(err)
	}
	mc, err := qwen2.LoadConfig(modelDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.LoRARank = 16
	shape := cfg.shape(mc, 0, promptRoom(modelDir))
	full, lora := shape.Need(train.ModeFull, 0).Total(), shape.Need(train.ModeLoRA, 16).Total()
	cfg.Train.MemoryLimit = (full + lora) / 2
	r := measuredNode(t, cfg, modelDir, filepath.Join(modelDir, "tokenizer.json"), "", trainedRounds(2), 3*time.Minute)
	checkLoRARun(t, r, cfg.Train.MemoryLimit)
	if r.setup.Choice.Rank != 16 {
		t.Errorf("rank %d, want 16 (the highest allowed)", r.setup.Choice.Rank)
	}
}

// The case: a random model with Qwen2.5-0.5B's shapes under
// resources.memory_limit_mb = 6000 trains LoRA adapters and its peak RSS stays under 6000 MiB.
// It needs minutes and several GB, so it runs only when SWARMDESK_MEMTEST_MODEL names such a
// model folder (config.json + safetensors; `go run ./bench/mkmodel -config full -gguf ""
// -st bf16` writes one) with Qwen's tokenizer.json in it or at SWARMDESK_MEMTEST_TOKENIZER.
func TestNodeMemoryQwen05B(t *testing.T) {
	modelDir := os.Getenv("SWARMDESK_MEMTEST_MODEL")
	if modelDir == "" || testing.Short() {
		t.Skip("set SWARMDESK_MEMTEST_MODEL to a Qwen2.5-0.5B-shaped model folder to run (minutes, 6 GB)")
	}
	tokPath := os.Getenv("SWARMDESK_MEMTEST_TOKENIZER")
	if tokPath == "" {
		tokPath = filepath.Join(modelDir, "tokenizer.json")
	}
	cfg := testConfig()
	cfg.Mix = nil // the real tasks
	cfg.Adopt = 0
	cfg.MaxNewTokens = 64 // rounds of minutes on 2 cores, not tens of minutes
	if v, err := strconv.Atoi(os.Getenv("SWARMDESK_MEMTEST_MAX_NEW")); err == nil && v > 0 {
		cfg.MaxNewTokens = v
	}
	cfg.Train.MemoryLimit = 6000 << 20
	r := measuredNode(t, cfg, modelDir, tokPath, "", trainedRounds(1), 30*time.Minute)
	checkLoRARun(t, r, cfg.Train.MemoryLimit)
	if os.Getenv("SWARMDESK_MEMTEST_FULL") == "" {
		return
	}

	// The full model where it fits (12 GiB: a 16 GB computer's automatic limit): one step and
	// a checkpoint, then a second life resumes it, peak RSS measured from its load on.
	dataDir := t.TempDir()
	full := cfg
	full.Mode = train.ModeFull
	full.Train.MemoryLimit = 12 << 30
	for life := 1; life <= 2; life++ {
		r = measuredNode(t, full, modelDir, tokPath, dataDir, trainedRounds(1), 30*time.Minute)
		c := r.setup.Choice
		last := r.rounds[len(r.rounds)-1]
		t.Logf("full model, life %d: limit %s, plan %s (%s); step %d; peak RSS %s (%.0f%% of the limit)", life,
			train.FormatBytes(full.Train.MemoryLimit), c.Mode, c.Need, last.Step,
			train.FormatBytes(r.peak), 100*float64(r.peak)/float64(full.Train.MemoryLimit))
		if c.Mode != train.ModeFull || r.peak > full.Train.MemoryLimit || last.Step != int64(life) {
			t.Fatalf("full model life %d: mode %s, peak %s, step %d", life, c.Mode, train.FormatBytes(r.peak), last.Step)
		}
	}

	// The same checkpoint under 6000 MiB with training.mode = full: refused with a sentence,
	// not loaded; the node plays with rollouts only.
	full.Train.MemoryLimit = 6000 << 20
	r = measuredNode(t, full, modelDir, tokPath, dataDir, playedRounds(1), 30*time.Minute)
	c := r.setup.Choice
	t.Logf("full checkpoint under %s: %s; %q; peak RSS %s (%.0f%% of the limit)", train.FormatBytes(full.Train.MemoryLimit),
		c.Reason, r.setup.Kept, train.FormatBytes(r.peak), 100*float64(r.peak)/float64(full.Train.MemoryLimit))
	if c.Mode != train.ModeRollouts || len(r.setup.Kept) == 0 || r.rounds[0].Trained || r.peak > full.Train.MemoryLimit {
		t.Fatalf("full checkpoint under 6000 MiB: mode %s, kept %q, trained %v, peak %s", c.Mode, r.setup.Kept, r.rounds[0].Trained, train.FormatBytes(r.peak))
	}
}
