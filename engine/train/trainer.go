package train

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// Answer is one sampled completion with what GRPO needs from sampling time.
type Answer struct {
	Tokens []int // completion tokens (the stop token, if any, included)
	// LogProbs are the raw (temperature 1) log-probs of Tokens when they
	// were sampled: the "old policy" of the importance ratio.
	LogProbs []float32
	Reward   float64
}

// Group is one question with its answers. GRPO normalises rewards within a
// group, so a group whose answers all scored the same teaches nothing
// (unless a KL term is on).
type Group struct {
	Prompt  []int
	Answers []Answer
}

// Config is the trainer's configuration; the zero value of a field takes
// rl-swarm's setting (see DefaultOptimConfig and DefaultGRPOConfig).
type Config struct {
	Optim OptimConfig
	GRPO  GRPOConfig
	// MicroBatch is how many answers go through one forward/backward pass;
	// their gradients accumulate, so it trades memory for speed only. 0
	// means as many as fit: with a MemoryLimit, the largest micro-batch
	// whose plan stays within it (fewer, larger passes run faster: 14 %
	// for a 0.5B step of 8 answers in one pass instead of four); without a
	// limit, 2.
	MicroBatch int
	// MemoryLimit, if > 0, is the most bytes a step may need (weights,
	// gradients, optimizer state, activations, reference model); a step
	// that would need more is refused before anything is allocated.
	MemoryLimit int64
	// Tape is how a step keeps the activations its backward pass reads:
	// TapeAuto (the zero value) keeps them as bf16 where the model trains
	// on its device (half the activation memory, where memory is scarcest)
	// and as f32 on the CPU (exact, and fastest there); TapeF32 and
	// TapeBF16 choose. Compute and accumulation stay float32 either way
	// (qwen2.Model.SetTapeDType).
	Tape TapeMode
}

func (c Config) withDefaults() Config {
	if c.Optim == (OptimConfig{}) {
		c.Optim = DefaultOptimConfig()
	}
	if c.GRPO == (GRPOConfig{}) {
		c.GRPO = DefaultGRPOConfig()
	}
	return c
}

// Trainer runs GRPO optimizer steps on a model in place. It keeps one
// gradient buffer for the life of the trainer so steps allocate little.
type Trainer struct {
	Model *qwen2.Model
	// Ref is the frozen reference model for the KL term; required when
	// GRPO.Beta > 0, unused otherwise.
	Ref  *qwen2.Model
	Opt  *Optimizer
	cfg  Config
	grad []float32 // the gradient when training on the CPU

	dev      *deviceState // the gradient and moments on the model's device (device.go), nil on the CPU
	fallback string       // why a model on a device trains on the CPU

	saving *backgroundSave // a checkpoint being written (see SaveInBackground)
	unseen []SaveResult    // ended saves not yet returned by SaveDone
}

// New makes a trainer for m (and the optional frozen reference ref).
func New(m, ref *qwen2.Model, cfg Config) (*Trainer, error) {
	cfg = cfg.withDefaults()
	if m == nil {
		return nil, errors.New("train: no model")
	}
	if cfg.GRPO.Beta > 0 && ref == nil {
		return nil, fmt.Errorf("train: a KL coefficient of %g needs a frozen reference model", cfg.GRPO.Beta)
	}
	params := m.Trainable()
	if len(params) == 0 {
		return nil, errors.New("train: the model has no trainable float32 parameters; load it with F32 weights (or enable LoRA) to train")
	}
	opt, err := NewOptimizer(len(params), cfg.Optim)
	if err != nil {
		return nil, err
	}
	dt, err := cfg.Tape.dtype()
	if err != nil {
		return nil, err
	}
	if err := m.SetTapeDType(dt); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	t := &Trainer{Model: m, Ref: ref, Opt: opt, cfg: cfg}
	if t.fallback = t.startDevice(); t.dev == nil {
		t.grad = GradBuffer(len(params))
		if cfg.Tape == TapeAuto {
			_ = m.SetTapeDType(backend.F32) // the CPU's default; always accepted
		}
	}
	return t, nil
}

// Config returns the configuration with defaults filled in.
func (t *Trainer) Config() Config { return t.cfg }

// StepStats reports one optimizer step.
type StepStats struct {
	LossStats
	Step       int64   // optimizer steps taken so far, this one included
	GradNorm   float64 // global gradient norm before clipping
	MeanReward float64 // over all answers in the step
	Answers    int
	Trained    int     // tokens that went through forward+backward (prompts included)
	FLOPs      float64 // model FLOPs of the forward and backward passes (qwen2.Config.TrainFLOPs)
	Duration   time.Duration
	TokPerS    float64 // Trained / Duration
	GFLOPS     float64 // FLOPs / Duration / 1e9, the whole step (optimizer included)
	Memory     MemPlan
}

// item is one answer ready to train: its sequence and GRPO inputs.
type item struct {
	seq qwen2.Sequence
	old []float32
	adv float64
}

// Step takes one GRPO optimizer step on groups: advantages within each
// group, then the clipped-ratio loss over every answer token (token-level
// mean over the whole step), gradients accumulated over micro-batches, one
// optimizer update. Nothing in the model changes if an error is returned.
func (t *Trainer) Step(groups []Group) (StepStats, error) {
	t.waitForWrites()
	start := time.Now()
	var st StepStats
	items, rewardSum, err := t.items(groups)
	if err != nil {
		return st, err
	}
	st.Answers = len(items)
	st.MeanReward = rewardSum / float64(len(items))
	total := 0
	for _, it := range items {
		total += len(it.old)
	}
	mbSize := t.microBatchSize(items)
	st.Memory = t.plan(items, mbSize)
	if err := st.Memory.Check(t.cfg.MemoryLimit); err != nil {
		return st, err
	}
	if err := t.zeroGrad(); err != nil {
		return st, err
	}
	// Answers with no advantage add nothing to the policy gradient; without
	// a KL term they need no forward pass at all (they still count in the
	// token mean, as in TRL).
	work := items[:0:0]
	for _, it := range items {
		if it.adv != 0 || t.cfg.GRPO.Beta > 0 {
			work = append(work, it)
		}
	}
	for lo := 0; lo < len(work); lo += mbSize {
		mb := work[lo:min(lo+mbSize, len(work))]
		ls, trained, err := t.microBatch(mb, total)
		if err != nil {
			return st, err
		}
		st.Loss += ls.Loss
		st.PolicyLoss += ls.PolicyLoss
		st.KL += ls.KL
		st.ClipFraction += ls.ClipFraction * float64(ls.Tokens)
		st.Tokens += ls.Tokens
		st.Trained += trained
		st.FLOPs += t.Model.Config.TrainFLOPs(seqsOf(mb))
	}
	if st.Tokens > 0 {
		st.ClipFraction /= float64(st.Tokens)
	}
	st.Tokens = total
	norm, err := t.update()
	if err != nil {
		return st, fmt.Errorf("optimizer step: %w", err)
	}
	st.GradNorm = norm
	st.Step = t.Opt.Step
	st.Duration = time.Since(start)
	if s := st.Duration.Seconds(); s > 0 {
		st.TokPerS = float64(st.Trained) / s
		st.GFLOPS = st.FLOPs / s / 1e9
	}
	return st, nil
}

// items validates groups and flattens them into training items.
func (t *Trainer) items(groups []Group) ([]item, float64, error) {
	if len(groups) == 0 {
		return nil, 0, errors.New("train: a step needs at least one group of answers")
	}
	var items []item
	var rewardSum float64
	for gi, g := range groups {
		if len(g.Prompt) == 0 {
			return nil, 0, fmt.Errorf("train: group %d has an empty prompt", gi)
		}
		if len(g.Answers) == 0 {
			return nil, 0, fmt.Errorf("train: group %d has no answers", gi)
		}
		if err := t.checkTokens(g.Prompt); err != nil {
			return nil, 0, fmt.Errorf("train: group %d prompt: %w", gi, err)
		}
		rewards := make([]float64, len(g.Answers))
		for ai, a := range g.Answers {
			if len(a.Tokens) == 0 {
				return nil, 0, fmt.Errorf("train: group %d answer %d is empty", gi, ai)
			}
			if len(a.LogProbs) != len(a.Tokens) {
				return nil, 0, fmt.Errorf("train: group %d answer %d has %d tokens but %d sampling log-probs", gi, ai, len(a.Tokens), len(a.LogProbs))
			}
			if err := t.checkTokens(a.Tokens); err != nil {
				return nil, 0, fmt.Errorf("train: group %d answer %d: %w", gi, ai, err)
			}
			if math.IsNaN(a.Reward) || math.IsInf(a.Reward, 0) {
				return nil, 0, fmt.Errorf("train: group %d answer %d has reward %v", gi, ai, a.Reward)
			}
			rewards[ai] = a.Reward
			rewardSum += a.Reward
		}
		adv := GroupAdvantages(rewards)
		for ai, a := range g.Answers {
			toks := make([]int, 0, len(g.Prompt)+len(a.Tokens))
			toks = append(append(toks, g.Prompt...), a.Tokens...)
			items = append(items, item{
				seq: qwen2.Sequence{Tokens: toks, Start: len(g.Prompt)},
				old: a.LogProbs,
				adv: adv[ai],
			})
		}
	}
	return items, rewardSum, nil
}

// checkTokens refuses ids outside the vocabulary up front, so a bad answer
// is reported even when it would be skipped for having no advantage.
func (t *Trainer) checkTokens(toks []int) error {
	for i, id := range toks {
		if id < 0 || id >= t.Model.Config.VocabSize {
			return fmt.Errorf("token %d is id %d, outside the vocabulary [0,%d)", i, id, t.Model.Config.VocabSize)
		}
	}
	return nil
}

func seqsOf(items []item) []qwen2.Sequence {
	seqs := make([]qwen2.Sequence, len(items))
	for i, it := range items {
		seqs[i] = it.seq
	}
	return seqs
}

// microBatch runs forward, loss and backward for a few answers, adding
// their gradient into t.grad. It returns the loss terms and the number of
// tokens that went through the model.
func (t *Trainer) microBatch(mb []item, totalTokens int) (LossStats, int, error) {
	seqs := seqsOf(mb)
	trained := 0
	for _, s := range seqs {
		trained += len(s.Tokens)
	}
	var ref [][]float32
	if t.cfg.GRPO.Beta > 0 {
		var err error
		if ref, err = t.Ref.SequenceLogProbs(seqs); err != nil {
			return LossStats{}, 0, fmt.Errorf("reference log-probs: %w", err)
		}
	}
	tape, logp, err := t.Model.TrainForward(seqs)
	if err != nil {
		return LossStats{}, 0, err
	}
	samples := make([]Sample, len(mb))
	for i, it := range mb {
		samples[i] = Sample{LogP: logp[i], OldLogP: it.old, Advantage: it.adv}
		if ref != nil {
			samples[i].RefLogP = ref[i]
		}
	}
	ls, dlogp, err := GRPOLoss(t.cfg.GRPO, samples, totalTokens)
	if err != nil {
		return LossStats{}, 0, err
	}
	if err := t.backward(tape, dlogp); err != nil {
		return LossStats{}, 0, err
	}
	return ls, trained, nil
}
