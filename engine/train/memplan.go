package train

import (
	"errors"
	"fmt"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// MemPlan is what one training step needs in memory, in bytes, worked out
// before anything is allocated so a step that cannot fit is refused with a
// message instead of ending in an out-of-memory kill.
type MemPlan struct {
	Weights     int64         // the model being trained (both flat buffers)
	Grads       int64         // one float32 per trainable parameter
	Optimizer   int64         // Adam's two moments per trainable parameter
	Activations int64         // the largest micro-batch's tape
	Tape        backend.DType // what the tape keeps its large activations as (Config.Tape)
	Reference   int64         // the frozen reference model, when a KL term is on
	// CheckpointWrite is what a checkpoint written in the background holds: the writer's
	// buffers only, since the weights and moments are written from where they live (see
	// Trainer.SaveInBackground) instead of from a 12-bytes-a-parameter copy.
	CheckpointWrite int64
}

// Total is the sum of every part.
func (p MemPlan) Total() int64 {
	return p.Weights + p.Grads + p.Optimizer + p.Activations + p.Reference + p.CheckpointWrite
}

// String lists the parts in GiB, the way the refusal message shows them.
func (p MemPlan) String() string {
	return fmt.Sprintf("%s in all: weights %s, gradients %s, optimizer state %s, activations %s (%v), reference model %s, checkpoint writer %s",
		gib(p.Total()), gib(p.Weights), gib(p.Grads), gib(p.Optimizer), gib(p.Activations), p.Tape, gib(p.Reference), gib(p.CheckpointWrite))
}

// Check returns an error saying what to change when the plan needs more
// than limit bytes; limit ≤ 0 means no limit.
func (p MemPlan) Check(limit int64) error {
	if limit <= 0 || p.Total() <= limit {
		return nil
	}
	hint := "lower the micro-batch size or max new tokens"
	if p.Optimizer > p.Activations {
		hint = "train LoRA adapters instead of the full model (training.mode = lora: far smaller gradients and optimizer state)"
	}
	return fmt.Errorf("train: this step needs %s, more than the %s allowed; %s, or raise resources.memory_limit_mb",
		p, gib(limit), hint)
}

// Plan works out the memory of a step over items with the trainer's
// settings (see Config.MicroBatch). Weights and optimizer state are counted
// even though they are already allocated: the limit is about the whole
// process.
func (t *Trainer) Plan(items []item) MemPlan { return t.plan(items, t.microBatchSize(items)) }

// plan is Plan with micro-batches of mb answers.
func (t *Trainer) plan(items []item, mb int) MemPlan {
	m := t.Model
	n := int64(len(m.Trainable()))
	p := MemPlan{
		Weights:   int64(len(m.Params.F32))*4 + int64(len(m.Params.BF16))*2,
		Grads:     4 * n,
		Optimizer: 8 * n,
		Tape:      m.TapeDType(),
		// CheckpointWrite: see SaveInBackground.
		CheckpointWrite: checkpointWriteBuffers,
	}
	if m.LoRA() != nil {
		p.Weights += 4 * n
	}
	if t.cfg.GRPO.Beta > 0 && t.Ref != nil {
		p.Reference = int64(len(t.Ref.Params.F32))*4 + int64(len(t.Ref.Params.BF16))*2
	}
	for lo := 0; lo < len(items); lo += mb {
		var lens []int
		for _, it := range items[lo:min(lo+mb, len(items))] {
			lens = append(lens, len(it.seq.Tokens))
		}
		p.Activations = max(p.Activations, m.TapeBytes(lens))
	}
	return p
}

// microBatchSize is Config.MicroBatch, or for 0 the largest micro-batch
// whose plan fits the memory limit (1 if none does: Check then refuses).
func (t *Trainer) microBatchSize(items []item) int {
	switch {
	case t.cfg.MicroBatch > 0:
		return t.cfg.MicroBatch
	case t.cfg.MemoryLimit <= 0:
		return 2
	}
	best := 1
	for mb := 2; mb <= len(items); mb++ {
		if t.plan(items, mb).Total() > t.cfg.MemoryLimit {
			break
		}
		best = mb
	}
	return best
}

// FormatBytes prints a memory size the way the plan's sentences do (MiB
// below 1 GiB, else GiB).
func FormatBytes(b int64) string { return gib(b) }

func gib(b int64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
}

// Mode is what a node trains: the whole model, LoRA adapters, or nothing
// (it still answers and shares rollouts). ModeAuto asks Choose to pick.
type Mode string

const (
	ModeAuto     Mode = "auto"
	ModeFull     Mode = "full"
	ModeLoRA     Mode = "lora"
	ModeRollouts Mode = "rollouts" // answers and shares, does not learn
)

// MaxAutoRank is the highest LoRA rank Choose tries when none is asked for.
const MaxAutoRank = 64

// Shape is what the plan before loading is made from: the model's config
// (config.json) and the largest work of a round. It names no device: the
// same plan sizes process memory on the CPU and device memory on a GPU,
// against whatever byte budget the caller has.
type Shape struct {
	Model qwen2.Config
	// SeqLen is the longest sequence (prompt plus answer) one step trains
	// on; the plan keeps room for one such answer per micro-batch (the
	// trainer packs more into a micro-batch when they fit).
	SeqLen int
	// Answers is how many answers are generated at once (one KV cache each).
	Answers int
	// Runtime is what the process holds besides the model: the Go runtime,
	// the tokenizer, the network and chain clients.
	Runtime int64
	// FileBytes is the size of the weights files; it counts while loading
	// where mapped pages cannot be given back (see safetensors.ReleasesPages).
	// 0 = as large as the float32 weights.
	FileBytes int64
	// KVCache is the element type of the answers' KV caches on the device
	// planned for (Model.SetKVCacheDType): the zero value F32 is what the
	// CPU keeps; BF16, where a GPU backend offers it, counts half the bytes.
	KVCache backend.DType
}

// Need is what the process holds at its peak, by part, in bytes.
type Need struct {
	Weights     int64         // the model (float32 to train, bf16 matrices for rollouts only), adapters included
	Grads       int64         // one float32 per trainable parameter
	Optimizer   int64         // Adam's two moments per trainable parameter
	Activations int64         // the training tape of one micro-batch
	Inference   int64         // KV caches of the answers generated at once and a forward pass's scratch
	KVCache     backend.DType // the KV caches' element type Inference counts (Shape.KVCache)
	Loading     int64         // pages of the weights or a resumed checkpoint resident while they are copied in
	Runtime     int64         // the rest of the process
	// Checkpoint is what a checkpoint written in the background holds (its writer's buffers,
	// MemPlan.CheckpointWrite): the trainer's step plan counts it, so the choice must too.
	Checkpoint int64
}

// Total is the peak: the parts held for the node's life plus the larger of
// a round's working memory and a load's transient pages (a load happens
// before the first round).
func (n Need) Total() int64 {
	return n.Weights + n.Grads + n.Optimizer + n.Runtime + max(n.Activations+n.Inference+n.Checkpoint, n.Loading)
}

// String lists the parts the way the window and `swarmdesk doctor` show them.
func (n Need) String() string {
	s := fmt.Sprintf("%s in all: weights %s", gib(n.Total()), gib(n.Weights))
	if n.Grads > 0 {
		s += fmt.Sprintf(", gradients %s, optimizer state %s, activations %s", gib(n.Grads), gib(n.Optimizer), gib(n.Activations))
	}
	return s + fmt.Sprintf(", KV caches (%s) and scratch %s, loading %s, the rest of the app %s", n.KVCache, gib(n.Inference), gib(n.Loading), gib(n.Runtime))
}

// Need works out the peak memory of training in mode (ModeFull, ModeLoRA
// with rank on all seven projections, or ModeRollouts).
func (s Shape) Need(mode Mode, rank int) Need {
	c := s.Model
	n := Need{Runtime: s.Runtime, KVCache: s.KVCache}
	answers := max(s.Answers, 1)
	seq := max(s.SeqLen, 2)
	n.Inference = int64(answers)*int64(seq)*qwen2.KVBytesPerToken(c, s.KVCache) + qwen2.ForwardBytes(c, []int{seq})
	largest := qwen2.LargestTensor(c)
	fileBytes := s.FileBytes
	if fileBytes <= 0 {
		fileBytes = qwen2.WeightBytes(c, qwen2.F32)
	}
	// Loading copies tensor by tensor; with pages given back, one tensor of
	// the weights file (or one of each of a resumed full checkpoint's three
	// files) is resident at a time, else the whole files.
	release := safetensors.ReleasesPages()
	load := 4 * largest
	if !release {
		load = fileBytes
	}
	switch mode {
	case ModeRollouts:
		n.Weights = qwen2.WeightBytes(c, qwen2.BF16)
		n.Loading = load
	case ModeLoRA:
		p := qwen2.LoRAParams(c, rank, 0)
		n.Weights = qwen2.WeightBytes(c, qwen2.F32) + 4*p
		n.Grads, n.Optimizer = 4*p, 8*p
		n.Activations = qwen2.LoRATapeBytes(c, []int{seq}, rank, 0)
		n.Checkpoint = checkpointWriteBuffers
		n.Loading = load // adapter checkpoints are a few MB
	default:
		w := qwen2.WeightBytes(c, qwen2.F32)
		n.Weights, n.Grads, n.Optimizer = w, w, 2*w
		n.Activations = qwen2.TapeBytes(c, []int{seq})
		n.Checkpoint = checkpointWriteBuffers
		// A resumed checkpoint: weights, exp_avg and exp_avg_sq.
		n.Loading = 3 * load
		if !release {
			n.Loading = max(fileBytes, 3*w)
		}
	}
	return n
}

// Choice is the plan before loading: what the node trains and why.
type Choice struct {
	Mode   Mode // ModeFull, ModeLoRA or ModeRollouts
	Rank   int  // LoRA rank (ModeLoRA)
	Need   Need
	Budget int64 // the byte budget it was chosen for (≤ 0: none)
	// Reason says in a sentence what was chosen and why, for the log, the
	// window and `swarmdesk doctor`.
	Reason string
}

// Learns reports whether the node trains at all.
func (c Choice) Learns() bool { return c.Mode == ModeFull || c.Mode == ModeLoRA }

// TrainerLimit is the Config.MemoryLimit for the trainer: the budget less
// what the step plan does not count (KV caches, the rest of the app), so the
// trainer's micro-batches use what is left.
func (c Choice) TrainerLimit() int64 {
	if c.Budget <= 0 {
		return 0
	}
	return max(c.Budget-c.Need.Inference-c.Need.Runtime, 1)
}

// ErrDoesNotFit is returned by Choose when even answering without training
// needs more than the budget.
var ErrDoesNotFit = errors.New("the model does not fit the memory limit")

// Choose picks what to train under budget bytes (≤ 0: no limit). want is
// ModeAuto (the full model when it fits, else LoRA adapters of the largest
// rank that fits, up to rank or MaxAutoRank), ModeFull, or ModeLoRA (rank
// exactly, or the largest that fits for rank 0). What the budget cannot hold
// falls back to ModeRollouts with a reason; an error only when even that
// does not fit.
func Choose(s Shape, want Mode, rank int, budget int64) (Choice, error) {
	fits := func(n Need) bool { return budget <= 0 || n.Total() <= budget }
	ch := func(m Mode, r int, why string, args ...any) Choice {
		return Choice{Mode: m, Rank: r, Need: s.Need(m, r), Budget: budget, Reason: fmt.Sprintf(why, args...)}
	}
	allowed := "no limit"
	if budget > 0 {
		allowed = gib(budget) + " allowed"
	}
	maxRank := rank
	if maxRank <= 0 {
		maxRank = MaxAutoRank
	}
	maxRank = min(maxRank, s.Model.HiddenSize)
	largestLoRA := func() (int, bool) {
		if want == ModeLoRA && rank > 0 {
			return rank, fits(s.Need(ModeLoRA, rank))
		}
		for r := maxRank; r >= 1; r /= 2 {
			if fits(s.Need(ModeLoRA, r)) {
				return r, true
			}
		}
		return 1, false
	}
	full := s.Need(ModeFull, 0)
	var fallback string
	switch want {
	case ModeFull:
		if fits(full) {
			return ch(ModeFull, 0, "training the full model (training.mode = full): it needs %s of the %s", gib(full.Total()), allowed), nil
		}
		fallback = fmt.Sprintf("training.mode is full, but training the full model needs %s, more than the %s; set training.mode to auto or lora, or raise resources.memory_limit_mb",
			gib(full.Total()), allowed)
	case ModeLoRA:
		r, ok := largestLoRA()
		n := s.Need(ModeLoRA, r)
		if ok {
			return ch(ModeLoRA, r, "training LoRA adapters of rank %d (training.mode = lora): they need %s of the %s", r, gib(n.Total()), allowed), nil
		}
		fallback = fmt.Sprintf("training LoRA adapters of rank %d needs %s, more than the %s; lower training.lora_rank or raise resources.memory_limit_mb",
			r, gib(n.Total()), allowed)
	default:
		if fits(full) {
			return ch(ModeFull, 0, "training the full model: it needs %s of the %s", gib(full.Total()), allowed), nil
		}
		r, ok := largestLoRA()
		n := s.Need(ModeLoRA, r)
		if ok {
			return ch(ModeLoRA, r, "training LoRA adapters of rank %d: the full model would need %s, more than the %s; the adapters need %s",
				r, gib(full.Total()), allowed, gib(n.Total())), nil
		}
		fallback = fmt.Sprintf("training needs more memory than the %s (the full model %s, LoRA adapters of rank %d %s); raise resources.memory_limit_mb or choose a smaller model",
			allowed, gib(full.Total()), r, gib(n.Total()))
	}
	ro := s.Need(ModeRollouts, 0)
	if !fits(ro) {
		return Choice{}, fmt.Errorf("%w: even answering without training needs %s, more than the %s; raise resources.memory_limit_mb or choose a smaller model",
			ErrDoesNotFit, gib(ro.Total()), allowed)
	}
	return ch(ModeRollouts, 0, "not learning, rollouts only (the node answers and shares, and earns rewards for its answers): %s", fallback), nil
}
