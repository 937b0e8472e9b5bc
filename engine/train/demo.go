package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// NextTokenTask is a verifiable task small enough for a tiny model to learn
// in seconds, so a user (and CI) can watch GRPO move the reward: the prompt
// is a few token ids ending in a, and the answer is right when its first
// token is a+1 (wrapping within [Base, Base+Size)).
type NextTokenTask struct {
	Base, Size int // the ids the task uses
	PromptLen  int // prompt length in tokens (default 1)
}

// Question draws one prompt and its right answer token.
func (t NextTokenTask) Question(rng *rand.Rand) (prompt []int, want int) {
	n := max(t.PromptLen, 1)
	prompt = make([]int, n)
	for i := range prompt {
		prompt[i] = t.Base + rng.IntN(t.Size)
	}
	a := prompt[n-1] - t.Base
	return prompt, t.Base + (a+1)%t.Size
}

// Reward is 1 when the answer starts with want, else 0.
func (t NextTokenTask) Reward(want int, answer []int) float64 {
	if len(answer) > 0 && answer[0] == want {
		return 1
	}
	return 0
}

func (t NextTokenTask) validate(vocab int) error {
	if t.Size < 2 || t.Base < 0 || t.Base+t.Size > vocab {
		return fmt.Errorf("next-token task: ids [%d,%d) must be at least 2 and inside the vocabulary of %d", t.Base, t.Base+t.Size, vocab)
	}
	return nil
}

// DemoModel is the tiny model the demo trains: a 32-token vocabulary, so
// the task's ten ids are a third of it, and a near-uniform start (see
// testmodel.Tiny.LogitScale) so a group's answers differ and GRPO has
// something to compare. Over 60 default steps its mean reward climbs from
// about 0.03 to above 0.7.
var DemoModel = testmodel.Tiny{Vocab: 32, LogitScale: 0.1}

// DemoTask is the demo's default task: ids 15–24, which are the digits 0–9
// in Qwen2's byte-level vocabulary.
var DemoTask = NextTokenTask{Base: 15, Size: 10}

// DemoConfig sets up RunDemo. Zero fields take the defaults in brackets.
type DemoConfig struct {
	Task        NextTokenTask
	Steps       int     // optimizer steps in all, counting resumed ones [20]
	Questions   int     // questions per step [4]
	Answers     int     // answers per question (GRPO group size) [8]
	MaxNew      int     // most tokens per answer [1]
	Temperature float32 // sampling temperature [1.0, as rl-swarm]
	Seed        uint64  // the run's seed: questions and samples derive from (Seed, step)
	// CheckpointDir, if set, gets a checkpoint after every step, and a run
	// that finds one there resumes from it.
	CheckpointDir string
	Keep          int // checkpoints kept [2]
}

func (c DemoConfig) withDefaults() DemoConfig {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Steps, 20)
	def(&c.Questions, 4)
	def(&c.Answers, 8)
	def(&c.MaxNew, 1)
	def(&c.Task.PromptLen, 1)
	def(&c.Keep, 2)
	if c.Temperature <= 0 {
		c.Temperature = 1
	}
	return c
}

// demoState is the trainer state stored in each checkpoint: enough to
// refuse resuming a different run and to continue at the exact next step.
type demoState struct {
	Step int64         `json:"step"`
	Seed uint64        `json:"seed"`
	Task NextTokenTask `json:"task"`
}

// DemoStep is what RunDemo reports after each step.
type DemoStep struct {
	StepStats
	// AnswerLoss is −log p(right answer) averaged over one question per
	// task id, after the step: the loss a user can watch fall. (The GRPO
	// loss itself is about zero on-policy, where every ratio is 1 and the
	// advantages of a group sum to zero; only its gradient matters.)
	AnswerLoss float64
}

// answerLoss is the mean −log p of the right first token over one question
// ending in each of the task's ids.
func answerLoss(m *qwen2.Model, t NextTokenTask) (float64, error) {
	seqs := make([]qwen2.Sequence, t.Size)
	for a := range seqs {
		toks := make([]int, max(t.PromptLen, 1)+1)
		for i := range toks {
			toks[i] = t.Base + a
		}
		toks[len(toks)-1] = t.Base + (a+1)%t.Size
		seqs[a] = qwen2.Sequence{Tokens: toks, Start: len(toks) - 1}
	}
	lp, err := m.SequenceLogProbs(seqs)
	if err != nil {
		return 0, err
	}
	sum := 0.0
	for _, l := range lp {
		sum -= float64(l[0])
	}
	return sum / float64(len(lp)), nil
}

// RunDemo trains tr's model on the task for cfg.Steps optimizer steps,
// sampling every answer from the model itself (on-policy, as a swarm round
// does), and calls onStep after each. Stopping ctx ends it between steps;
// with a CheckpointDir, a later RunDemo continues where it stopped and ends
// with bit-identical weights to a run that was never interrupted.
func RunDemo(ctx context.Context, tr *Trainer, cfg DemoConfig, onStep func(DemoStep)) error {
	cfg = cfg.withDefaults()
	m := tr.Model
	if err := cfg.Task.validate(m.Config.VocabSize); err != nil {
		return err
	}
	if cfg.CheckpointDir != "" {
		raw, err := LoadLatest(cfg.CheckpointDir, m, tr.Opt)
		switch {
		case errors.Is(err, ErrNoCheckpoint):
		case err != nil:
			return err
		default:
			var s demoState
			if err := json.Unmarshal(raw, &s); err != nil {
				return fmt.Errorf("resume from %s: trainer state: %w", cfg.CheckpointDir, err)
			}
			if s.Seed != cfg.Seed || s.Task != cfg.Task || s.Step != tr.Opt.Step {
				return fmt.Errorf("resume from %s: the checkpoint is from another run (seed %d, task %+v, step %d); use another checkpoint folder or delete it to start over",
					cfg.CheckpointDir, s.Seed, s.Task, s.Step)
			}
		}
	}
	for tr.Opt.Step < int64(cfg.Steps) {
		if err := ctx.Err(); err != nil {
			return err
		}
		step := tr.Opt.Step + 1
		groups, err := demoRollouts(m, cfg, step)
		if err != nil {
			return fmt.Errorf("step %d: rollouts: %w", step, err)
		}
		st, err := tr.Step(groups)
		if err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if cfg.CheckpointDir != "" {
			state, _ := json.Marshal(demoState{Step: st.Step, Seed: cfg.Seed, Task: cfg.Task})
			if _, err := Save(cfg.CheckpointDir, m, tr.Opt, state, cfg.Keep); err != nil {
				return fmt.Errorf("step %d: %w", step, err)
			}
		}
		if onStep != nil {
			loss, err := answerLoss(m, cfg.Task)
			if err != nil {
				return fmt.Errorf("step %d: %w", step, err)
			}
			onStep(DemoStep{StepStats: st, AnswerLoss: loss})
		}
	}
	return nil
}

// demoRollouts samples the answers of one step. Everything random derives
// from (Seed, step), so a resumed run draws exactly what the uninterrupted
// one would have.
func demoRollouts(m *qwen2.Model, cfg DemoConfig, step int64) ([]Group, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(step)))
	groups := make([]Group, cfg.Questions)
	for q := range groups {
		prompt, want := cfg.Task.Question(rng)
		outs, _, err := m.Generate(prompt, qwen2.GenerateOptions{
			N: cfg.Answers, MaxNew: cfg.MaxNew, Temperature: cfg.Temperature,
			Seed: rng.Uint64(), StopIDs: []int{},
		})
		if err != nil {
			return nil, err
		}
		g := Group{Prompt: prompt}
		for _, c := range outs {
			g.Answers = append(g.Answers, Answer{Tokens: c.Tokens, LogProbs: c.LogProbs, Reward: cfg.Task.Reward(want, c.Tokens)})
		}
		groups[q] = g
	}
	return groups, nil
}
