package train

import "fmt"

// MemPlan is what one training step needs in memory, in bytes, worked out
// before anything is allocated so a step that cannot fit is refused with a
// message instead of ending in an out-of-memory kill.
type MemPlan struct {
	Weights     int64 // the model being trained (both flat buffers)
	Grads       int64 // one float32 per trainable parameter
	Optimizer   int64 // Adam's two moments per trainable parameter
	Activations int64 // the largest micro-batch's tape
	Reference   int64 // the frozen reference model, when a KL term is on
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
	return fmt.Sprintf("%s in all: weights %s, gradients %s, optimizer state %s, activations %s, reference model %s, checkpoint writer %s",
		gib(p.Total()), gib(p.Weights), gib(p.Grads), gib(p.Optimizer), gib(p.Activations), gib(p.Reference), gib(p.CheckpointWrite))
}

// Check returns an error saying what to change when the plan needs more
// than limit bytes; limit ≤ 0 means no limit.
func (p MemPlan) Check(limit int64) error {
	if limit <= 0 || p.Total() <= limit {
		return nil
	}
	hint := "lower the micro-batch size or max new tokens"
	if p.Optimizer > p.Activations {
		hint = "train LoRA adapters instead of the full model (far smaller gradients and optimizer state)"
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

func gib(b int64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
}
