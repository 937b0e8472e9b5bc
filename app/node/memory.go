package node

import (
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// planPromptTokens is the prompt length the memory plan keeps room for when the model folder
// has no tokenizer to measure the system prompt with; planQuestionTokens is the room it keeps
// for one question on top of the measured ChatML system prompt (the built-in questions take
// well under it).
const (
	planPromptTokens   = 256
	planQuestionTokens = 128
)

// RuntimeBytes is what the process holds besides the model, for the memory plan: the Go
// runtime, the tokenizer, libp2p, the chain client and, when this computer runs it, the local
// dev chain. Measured on Linux/amd64: the CI-sized node of TestNodeMemoryCI (with the dev
// chain, about 150 MiB of model and training memory) peaks at 271 MiB, and the 0.5B node of
// TestNodeMemoryQwen05B with Qwen's 11 MB tokenizer at 2.64 GiB against a plan of 3.37 GiB; the
// rest is margin for the Go heap's garbage between collections.
const RuntimeBytes = 512 << 20

// loraSeed makes the adapters' initial A matrices the same on every start (a resume loads
// them from the checkpoint anyway).
const loraSeed = 1

// Shape is the memory plan's input for this configuration and a model's config.json
// (fileBytes: the size of its weights files, 0 if unknown), with the default prompt room.
func (c Config) Shape(model qwen2.Config, fileBytes int64) train.Shape {
	return c.shape(model, fileBytes, planPromptTokens)
}

func (c Config) shape(model qwen2.Config, fileBytes int64, prompt int) train.Shape {
	c = c.withDefaults()
	return train.Shape{Model: model, SeqLen: prompt + c.maxAdoptTokens(), Answers: c.Answers,
		Runtime: RuntimeBytes, FileBytes: fileBytes}
}

// promptRoom is the prompt length to plan for with the model folder's tokenizer: the ChatML
// system prompt as it encodes plus room for a question (planPromptTokens without a tokenizer).
func promptRoom(modelDir string) int {
	tok, err := tokenizer.Load(filepath.Join(modelDir, "tokenizer.json"))
	if err != nil {
		return planPromptTokens
	}
	sys := tok.Encode(tokenizer.ChatML([]tokenizer.Message{{Role: "system", Content: tasks.SystemPrompt}, {Role: "user", Content: ""}}, true))
	return len(sys) + planQuestionTokens
}

// Setup is the plan before loading turned into what to load and where its checkpoints go.
type Setup struct {
	Choice train.Choice
	Shape  train.Shape // what the plan was made from
	// CheckpointDir is the line of checkpoints of the chosen mode (full model and each LoRA
	// rank have their own folder, so switching mode starts a new line and keeps the old);
	// "" for rollouts only.
	CheckpointDir string
	// Kept are sentences about checkpoints of other lines that stay on disk, not loaded.
	Kept []string
}

// Plan makes the memory plan before anything is loaded, from modelDir's config.json and
// c's mode, rank and memory limit (c.Train.MemoryLimit). lineDir names the checkpoint folder
// of a line (rank 0: the full model).
func Plan(c Config, modelDir string, lineDir func(rank int) string) (Setup, error) {
	mc, err := qwen2.LoadConfig(modelDir)
	if err != nil {
		return Setup{}, fmt.Errorf("plan memory for %s: %w", modelDir, err)
	}
	c = c.withDefaults()
	shape := c.shape(mc, models.WeightBytes(modelDir), promptRoom(modelDir))
	ch, err := train.Choose(shape, c.Mode, c.LoRARank, c.Train.MemoryLimit)
	if err != nil {
		return Setup{}, err
	}
	s := Setup{Choice: ch, Shape: shape}
	if ch.Learns() {
		s.CheckpointDir = lineDir(ch.Rank)
	}
	// Lines of the other modes stay where they are; say so when one would have been resumed.
	full := lineDir(0)
	if s.CheckpointDir != full && train.HasCheckpoint(full) {
		var why string
		if c.Mode == train.ModeLoRA {
			why = fmt.Sprintf("training.mode is lora, so this start trains LoRA adapters of rank %d in %s", ch.Rank, s.CheckpointDir)
		} else {
			why = fmt.Sprintf("resuming it needs %s, more than the %s allowed", train.FormatBytes(shape.Need(train.ModeFull, 0).Total()), train.FormatBytes(ch.Budget))
			if ch.Mode == train.ModeLoRA {
				why += fmt.Sprintf("; this start trains LoRA adapters of rank %d in %s instead", ch.Rank, s.CheckpointDir)
			}
		}
		s.Kept = append(s.Kept, fmt.Sprintf("the full-model checkpoint in %s is kept but not loaded: %s", full, why))
	}
	others, _ := filepath.Glob(full + "-lora*")
	for _, d := range others {
		if d != s.CheckpointDir && train.HasCheckpoint(d) {
			s.Kept = append(s.Kept, fmt.Sprintf("the LoRA checkpoint in %s is kept but not loaded (another rank or mode)", d))
		}
	}
	return s, nil
}

// Load loads the model the way the setup says: float32 weights to train (with LoRA adapters
// of the chosen rank), bf16 matrices for rollouts only (half the memory).
func (s Setup) Load(modelDir string, opt qwen2.LoadOptions) (*qwen2.Model, error) {
	opt.WeightDType = qwen2.F32
	if !s.Choice.Learns() {
		opt.WeightDType = qwen2.BF16
	}
	m, err := qwen2.Load(modelDir, opt)
	if err != nil {
		return nil, err
	}
	if s.Choice.Mode == train.ModeLoRA {
		if err := EnableLoRA(m, s.Choice.Rank); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// EnableLoRA adds the node's adapters of this rank to m: all seven projections, alpha = 2 ×
// rank (PEFT's common choice, as train-demo --lora).
func EnableLoRA(m *qwen2.Model, rank int) error {
	return m.EnableLoRA(qwen2.LoRAConfig{Rank: rank, Alpha: float64(2 * rank), Seed: loraSeed})
}

// Short is what the model is loaded for, in a few words for a progress line.
func (s Setup) Short() string {
	switch s.Choice.Mode {
	case train.ModeFull:
		return "to train the full model"
	case train.ModeLoRA:
		return fmt.Sprintf("to train LoRA adapters of rank %d", s.Choice.Rank)
	}
	return "for rollouts only: too little memory to train"
}

// Describe is the plan in one line for the window, the log and `swarmdesk doctor`.
func (s Setup) Describe() string {
	lines := []string{s.Choice.Reason}
	return strings.Join(append(lines, s.Kept...), "; ")
}

// LimitHeap caps the Go heap at the plan's budget (runtime/debug.SetMemoryLimit), so the
// garbage collector works harder near the limit instead of letting garbage grow the process
// past it. It returns a function that puts the previous cap back. A no-op without a budget.
func (s Setup) LimitHeap() (restore func()) {
	b := s.Choice.Budget
	if b <= 0 {
		return func() {}
	}
	prev := debug.SetMemoryLimit(b)
	return func() { debug.SetMemoryLimit(prev) }
}

// busy reports, as an error that says so, a computer with less memory free than the plan's
// training step needs on top of what the node holds: other programs use it, and a step now
// would push the machine into swap. The round then goes on with rollouts only. It errs on the
// side of skipping: a step may reuse activation memory the node already holds.
func (n *Node) busy() error {
	p := n.deps.Plan
	if p == nil || !p.Choice.Learns() {
		return nil
	}
	need := p.Choice.Need.Activations
	if free := n.deps.free(); free > 0 && int64(free) < need {
		return fmt.Errorf("the computer is busy: %s of memory is free and a training step needs %s more; this round shares rollouts without learning",
			train.FormatBytes(int64(free)), train.FormatBytes(need))
	}
	return nil
}
