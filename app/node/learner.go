package node

import (
	"errors"

	"github.com/swarmdesk/swarmdesk/engine/train"
)

// learner is the training side of a round: one GRPO step and the checkpoint of weights plus
// optimizer. The shipped node always uses trainerLearner (engine/train); the interface exists
// so unit tests of the loop can count and fail steps without a backward pass.
type learner interface {
	Step(groups []train.Group) (train.StepStats, error)
	// Save writes a checkpoint carrying state; Load restores the newest one and returns its
	// state, or train.ErrNoCheckpoint.
	Save(dir string, state []byte, keep int) error
	Load(dir string) ([]byte, error)
	Steps() int64
	// Idle says no step will come for a while (the node is held), so memory kept to make the
	// next step faster can go back to the system.
	Idle()
}

// trainerLearner is the real learner: engine/train's Trainer and its checkpoints.
type trainerLearner struct{ tr *train.Trainer }

func (l trainerLearner) Step(groups []train.Group) (train.StepStats, error) { return l.tr.Step(groups) }

func (l trainerLearner) Save(dir string, state []byte, keep int) error {
	_, err := train.Save(dir, l.tr.Model, l.tr.Opt, state, keep)
	return err
}

func (l trainerLearner) Load(dir string) ([]byte, error) {
	return train.LoadLatest(dir, l.tr.Model, l.tr.Opt)
}

func (l trainerLearner) Steps() int64 { return l.tr.Opt.Step }

func (l trainerLearner) Idle() { l.tr.Model.ReleaseTrainingMemory() }

// errNotLearning is rolloutsOnly's answer to a step.
var errNotLearning = errors.New("this node takes part with rollouts only")

// rolloutsOnly is the learner of a node whose memory plan left no room to train: it answers,
// shares and scores every round, takes no step and writes no model checkpoint (state.json
// still records every round).
type rolloutsOnly struct{}

func (rolloutsOnly) Step([]train.Group) (train.StepStats, error) {
	return train.StepStats{}, errNotLearning
}
func (rolloutsOnly) Save(string, []byte, int) error { return nil }
func (rolloutsOnly) Load(dir string) ([]byte, error) {
	return nil, train.ErrNoCheckpoint
}
func (rolloutsOnly) Steps() int64 { return 0 }
func (rolloutsOnly) Idle()        {}
