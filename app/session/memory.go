package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/app/node"
)

// planMemory makes the node's memory plan for the model in dir (see node.Plan), logs what it
// chose and why, and caps the Go heap at the same budget so the garbage collector works
// harder near the limit instead of letting the process grow past it.
func (s *Session) planMemory(ncfg node.Config, name, dir string) (node.Setup, error) {
	plan, err := node.Plan(ncfg, dir, func(rank int) string {
		return filepath.Join(s.nodeDir(), "checkpoints", CheckpointName(name, rank))
	})
	if err != nil {
		return node.Setup{}, fmt.Errorf("%s: %w", name, err)
	}
	if plan.Choice.Learns() {
		s.log.Info("memory plan: "+plan.Choice.Reason, "needs", plan.Choice.Need.String())
	} else {
		s.log.Warn("memory plan: "+plan.Choice.Reason, "needs", plan.Choice.Need.String())
	}
	for _, k := range plan.Kept {
		s.log.Info(k)
	}
	plan.LimitHeap() // for the process's life: the node is its reason to be
	s.mu.Lock()
	s.plan = plan.Describe()
	s.mu.Unlock()
	return plan, nil
}

// MemoryPlan is the memory plan in a sentence: the running node's, or one made now from the
// settings and the model's config.json when the model is already on this computer (nothing is
// downloaded or loaded); "" when it is not.
func (s *Session) MemoryPlan() string {
	s.mu.Lock()
	p := s.plan
	s.mu.Unlock()
	if p != "" {
		return p
	}
	plan, err := s.PlanOffline()
	if err != nil {
		return ""
	}
	return plan.Describe()
}

// PlanOffline makes the memory plan for the configured model without downloading anything:
// an error when the model is not on this computer yet or the settings are invalid.
func (s *Session) PlanOffline() (node.Setup, error) {
	if s.opts.OpenModel != nil {
		return node.Setup{}, errors.New("the model is supplied by the caller; no plan")
	}
	ncfg, err := node.ConfigFrom(s.Config())
	if err != nil {
		return node.Setup{}, err
	}
	name := s.ModelName()
	opt := s.modelOptions()
	opt.Offline = true
	dir, err := models.Resolve(context.Background(), name, opt)
	if err != nil {
		return node.Setup{}, fmt.Errorf("the model %s is not on this computer yet (it is downloaded on the first start): %w", name, err)
	}
	return node.Plan(ncfg, dir, func(rank int) string {
		return filepath.Join(s.nodeDir(), "checkpoints", CheckpointName(name, rank))
	})
}
