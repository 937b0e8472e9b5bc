package cli

import (
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/experiment"
	"github.com/swarmdesk/swarmdesk/app/models"
)

func newExperimentCmd(g *globals, o Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "experiment",
		Short: "Measure on this computer what the swarm does for training",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newExperimentSharingCmd(g, o))
	return cmd
}

func newExperimentSharingCmd(g *globals, o Options) *cobra.Command {
	var (
		out, configs, model, taskMix string
		nodes, seeds, rounds, unit   int
		answers                      int
		offline                      bool
	)
	cmd := &cobra.Command{
		Use:   "sharing",
		Short: "Does sharing rollouts help? Run several nodes with and without it and compare rewards",
		Long: `Runs several real nodes on this computer — the same round loop as ` + "`swarmdesk run`" + `, peer-to-peer on
loopback, with an in-process dev chain — for each configuration of local and adopted question groups
per training step, at the same number of trained groups (SAPO, arXiv 2509.08721: 8/0 is no sharing,
4/4 half own questions and half peers'), over several seeds.

Writes to the output folder: rewards.csv (every node's reward per round), summary.md (cumulative
reward per configuration with its spread over seeds, and the gain over 8/0) and reward.png (mean
reward per round per configuration). Ctrl-C stops; finished runs are kept and the same command
continues where it stopped.`,
		Example: `  swarmdesk experiment sharing
  swarmdesk experiment sharing --nodes 2 --configs 8/0,4/4 --seeds 2 --rounds 10
  swarmdesk experiment sharing --model Qwen/Qwen2.5-0.5B-Instruct --tasks arithmetic --unit 1 --answers 8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			device.SetThreads(e.Config.Resources.Threads)
			mixes, err := experiment.ParseMixings(configs)
			if err != nil {
				return fmt.Errorf("--configs: %w", err)
			}
			if out == "" {
				out = experiment.Folder(e.Dirs.Data)
			}
			hfOpt := models.FromEnv(o.Getenv, e.Dirs.Cache, offline)
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "experiment: %d nodes, configurations %s, %d seeds, %d rounds; results in %s (Ctrl-C stops, rerun continues)\n",
				nodes, configs, seeds, rounds, out)
			return experiment.Run(ctx, experiment.Options{Out: out, Nodes: nodes, Mixings: mixes, Seeds: seeds,
				Rounds: rounds, Model: model, Tasks: taskMix, Unit: unit, Answers: answers, CacheDir: e.Dirs.Cache,
				HFCache: hfOpt.CacheDir, Offline: hfOpt.Offline,
				Progress: func(s string) { fmt.Fprintln(w, s) }})
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "output folder (default: experiments/sharing in the data folder)")
	f.IntVar(&nodes, "nodes", 4, "nodes per run")
	f.StringVar(&configs, "configs", "8/0,6/2,4/4,2/6", "configurations, local/adopted question groups per step")
	f.IntVar(&seeds, "seeds", 3, "seeds per configuration")
	f.IntVar(&rounds, "rounds", 30, "rounds per run")
	f.StringVar(&model, "model", "demo", "model: demo (built in), a model folder or a Hugging Face id")
	f.StringVar(&taskMix, "tasks", "", "task mix, as training.tasks (default: the demo's task, or every task for another model)")
	f.IntVar(&unit, "unit", 0, "question groups per unit of a configuration (0: 4 for the demo, so 8/0 is its 32 questions; else 1)")
	f.IntVar(&answers, "answers", 8, "answers per question (the GRPO group)")
	f.BoolVar(&offline, "offline", false, "use only models already on this computer")
	return cmd
}
