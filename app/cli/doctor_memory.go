package cli

import (
	"fmt"
	"io"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/engine/train"
	"github.com/swarmdesk/swarmdesk/platform"
)

func init() {
	registerDoctorSection(doctorSection{order: 20, title: "Memory plan", report: reportMemory})
}

// reportMemory shows the memory limit and the plan the node would make for the configured
// model, from its config.json, without loading it: what it trains and why, what each part
// needs, and the other modes' needs for comparison.
func reportMemory(e *env.Setup, w io.Writer) error {
	mb := e.Config.Resources.MemoryLimitMB
	switch {
	case mb > 0:
		fmt.Fprintf(w, "  limit       %s (resources.memory_limit_mb = %d)\n", train.FormatBytes(int64(mb)<<20), mb)
	case platform.DefaultMemoryLimit() > 0:
		fmt.Fprintf(w, "  limit       %s (automatic: three quarters of this computer's memory; set resources.memory_limit_mb to change it)\n",
			train.FormatBytes(platform.DefaultMemoryLimit()))
	default:
		fmt.Fprintln(w, "  limit       none (the operating system did not say how much memory there is; set resources.memory_limit_mb)")
	}
	fmt.Fprintf(w, "  mode        training.mode = %s, training.lora_rank = %d\n", e.Config.Training.Mode, e.Config.Training.LoRARank)
	s := session.New(e, session.Options{})
	plan, err := s.PlanOffline()
	if err != nil {
		return err
	}
	c := plan.Choice
	what := "rollouts only (no training)"
	switch c.Mode {
	case train.ModeFull:
		what = "the full model"
	case train.ModeLoRA:
		what = fmt.Sprintf("LoRA adapters of rank %d", c.Rank)
	}
	fmt.Fprintf(w, "  model       %s\n", s.ModelName())
	fmt.Fprintf(w, "  trains      %s\n", what)
	fmt.Fprintf(w, "  why         %s\n", c.Reason)
	fmt.Fprintf(w, "  needs       %s\n", c.Need)
	sh := plan.Shape
	fmt.Fprintf(w, "  compare     full model %s, LoRA rank 8 %s, rollouts only %s\n",
		train.FormatBytes(sh.Need(train.ModeFull, 0).Total()), train.FormatBytes(sh.Need(train.ModeLoRA, 8).Total()),
		train.FormatBytes(sh.Need(train.ModeRollouts, 0).Total()))
	if plan.CheckpointDir != "" {
		fmt.Fprintf(w, "  checkpoints %s\n", plan.CheckpointDir)
	}
	for _, k := range plan.Kept {
		fmt.Fprintf(w, "  kept        %s\n", k)
	}
	return nil
}
