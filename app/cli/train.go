package cli

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/app/stats"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/train"
	"github.com/swarmdesk/swarmdesk/platform"
)

// tinyModel is the --model value for the built-in tiny random model, which
// learns the demo task in seconds on any machine.
const tinyModel = "tiny"

func newTrainDemoCmd(g *globals, o Options) *cobra.Command {
	var (
		model, ckpt              string
		steps, questions, answer int
		loraRank                 int
		lr                       float64
		seed                     uint64
		fresh, offline           bool
	)
	cmd := &cobra.Command{
		Use:   "train-demo",
		Short: "Watch GRPO training move the reward on a small local task",
		Long: `Runs a short GRPO training run with swarmdesk's own engine, the way a swarm round trains:
each step the model answers a few questions several times, every answer is scored by a verifiable
rule, and one optimizer step makes the better answers more likely.

The task: the question is a digit (a token id, on the built-in model), and an answer is right
when it starts with the digit that follows it (9 wraps to 0). The built-in tiny model (--model tiny, the default) learns it
within a minute; any Qwen2-family model folder or Hugging Face id works too, much more slowly.

A checkpoint is written after every step; run the same command again to continue an interrupted
run (--fresh starts over).`,
		Example: `  swarmdesk train-demo
  swarmdesk train-demo --steps 40 --lr 0.003
  swarmdesk train-demo --model Qwen/Qwen2.5-0.5B-Instruct --steps 3 --lora 8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !(lr > 0) || math.IsInf(lr, 0) {
				return fmt.Errorf("--lr %v: the learning rate must be a positive number", lr)
			}
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			device.SetThreads(e.Config.Resources.Threads)
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			errw, w := cmd.ErrOrStderr(), cmd.OutOrStdout()
			name := model
			if model == tinyModel {
				dir := filepath.Join(e.Dirs.Cache, "tiny-model")
				if err := ensureTinyModel(dir); err != nil {
					return err
				}
				model = dir
			}
			m, _, err := loadModel(ctx, o, e.Dirs.Cache, model, offline, false, qwen2.F32, &progressLine{w: errw})
			if err != nil {
				return err
			}
			if loraRank > 0 {
				if err := m.EnableLoRA(qwen2.LoRAConfig{Rank: loraRank, Alpha: float64(2 * loraRank), Seed: seed}); err != nil {
					return err
				}
			}
			// The demo's answers are a few tokens after a short prompt: its questions are small.
			if err := useDevice(errw, m, e.Config.Engine, train.Shape{Answers: answer, SeqLen: 64}); err != nil { // after LoRA: adapters keep it on the CPU
				return err
			}
			cfg := train.Config{Optim: train.DefaultOptimConfig(), MemoryLimit: int64(e.Config.Resources.MemoryLimitMB) << 20}
			cfg.Optim.LR = lr
			if cfg.MemoryLimit == 0 {
				cfg.MemoryLimit = platform.DefaultMemoryLimit()
			}
			tr, err := train.New(m, nil, cfg)
			if err != nil {
				return err
			}
			if ckpt == "" {
				ckpt = filepath.Join(e.Dirs.Data, "checkpoints", "train-demo-"+checkpointName(name, loraRank))
			}
			if fresh {
				if err := os.RemoveAll(ckpt); err != nil {
					return fmt.Errorf("--fresh: remove %s: %w", ckpt, err)
				}
			}
			demo := train.DemoConfig{
				Task:  train.DemoTask,
				Steps: steps, Questions: questions, Answers: answer, Seed: seed,
				CheckpointDir: ckpt,
			}
			fmt.Fprintf(errw, "training %s (%d trainable parameters), checkpoints in %s\n", name, len(m.Trainable()), ckpt)
			var first, last []float64
			err = train.RunDemo(ctx, tr, demo, func(st train.DemoStep) {
				if len(first) < 3 {
					first = append(first, st.MeanReward)
				}
				last = append(last, st.MeanReward)
				if len(last) > 3 {
					last = last[1:]
				}
				if len(first) == 1 && len(last) == 1 {
					fmt.Fprintf(errw, "memory for a step: %s\n", st.Memory)
					fmt.Fprintln(errw, demoLegend)
				}
				fmt.Fprintln(w, demoStepLine(st, steps))
			})
			if errors.Is(err, ctx.Err()) && ctx.Err() != nil {
				fmt.Fprintf(errw, "stopped; run the same command again to continue from the last checkpoint\n")
				return nil
			}
			if err != nil {
				return err
			}
			if len(first) > 0 {
				fmt.Fprintf(w, "mean reward: first steps %.3f, last steps %.3f (answer-loss: −log p of the right answer)\n", stats.Mean(first), stats.Mean(last))
			} else {
				fmt.Fprintf(w, "already trained for %d steps (checkpoint in %s); use --steps to go further or --fresh to start over\n", steps, ckpt)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", tinyModel, `model folder or Hugging Face id; "tiny" is a built-in tiny random model`)
	f.IntVar(&steps, "steps", 60, "optimizer steps in all (a resumed run counts the steps already done)")
	f.IntVar(&questions, "questions", 4, "questions per step")
	f.IntVar(&answer, "answers", 8, "answers per question (the GRPO group)")
	f.Float64Var(&lr, "lr", 3e-3, "learning rate (a swarm round uses 1e-6 on real models)")
	f.IntVar(&loraRank, "lora", 0, "train LoRA adapters of this rank instead of the whole model (0 = full fine-tune)")
	f.Uint64Var(&seed, "seed", 1, "random seed; the same seed gives the same run")
	f.StringVar(&ckpt, "checkpoint", "", "checkpoint folder (default: under the data folder, per model)")
	f.BoolVar(&fresh, "fresh", false, "delete earlier checkpoints of this run and start over")
	f.BoolVar(&offline, "offline", false, "use only the local Hugging Face cache")
	return cmd
}

// ensureTinyModel writes the built-in tiny model to dir once.
func ensureTinyModel(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "model.safetensors")); err == nil {
		return nil
	}
	tmp := dir + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := testmodel.Write(tmp, train.DemoModel, 1); err != nil {
		return fmt.Errorf("write the tiny model: %w", err)
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("write the tiny model: %w", err)
	}
	return nil
}

// checkpointName makes a folder name from a model name or path (shared with the node's
// checkpoints in app/session, so both find the same folders).
func checkpointName(model string, lora int) string { return session.CheckpointName(model, lora) }

// demoLegend explains the step lines once. The GRPO loss is not printed: on-policy every ratio
// is 1 and a group's advantages sum to zero, so it reads ±0.0000 at every step although the
// model learns; its gradient (grad-norm) and answer-loss are what move.
const demoLegend = "reward: mean reward of the step's answers; answer-loss: −log p of the right answer (watch it fall); " +
	"grad-norm: size of the GRPO update (the GRPO loss itself is 0 on-policy by construction, so it is not shown)"

// demoStepLine is one train-demo step. A step whose answers all scored the same has no
// advantage to learn from, trains no token and has no speed: it says so instead of "0 tok/s".
func demoStepLine(st train.DemoStep, steps int) string {
	line := fmt.Sprintf("step %3d/%d  reward %.3f  answer-loss %.3f  grad-norm %.3f",
		st.Step, steps, st.MeanReward, st.AnswerLoss, st.GradNorm)
	if st.Trained == 0 || st.TokPerS <= 0 {
		return line + "  nothing to learn (every answer scored the same)"
	}
	return line + fmt.Sprintf("  %.0f tok/s", st.TokPerS)
}
