package node

import (
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
	state, err := train.LoadLatest(dir, l.tr.Model, l.tr.Opt)
	if err == nil {
		l.tr.Model.WeightsChanged() // a model on a GPU re-copies the restored weights
	}
	return state, err
}

func (l trainerLearner) Steps() int64 { return l.tr.Opt.Step }

func (l trainerLearner) Idle() { l.tr.Model.ReleaseTrainingMemory() }
