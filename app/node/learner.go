package node

import (
	"errors"

	"github.com/swarmdesk/swarmdesk/engine/train"
)

// learner is the training side of a round: one GRPO step and the checkpoints of weights plus
// optimizer. The shipped node always uses trainerLearner (engine/train); the interface exists
// so unit tests of the loop can count steps and checkpoints without a backward pass.
type learner interface {
	// Step takes one optimizer step; it first waits for a checkpoint being written.
	Step(groups []train.Group) (train.StepStats, error)
	// SaveInBackground starts writing a checkpoint carrying state and returns at once; the
	// weights must not change until it ends (Step waits for it).
	SaveInBackground(dir string, state []byte, keep int)
	// Saving reports a checkpoint being written; WaitSave waits for it and returns its
	// result; SaveDone returns the results of ended ones not returned yet.
	Saving() bool
	WaitSave() train.SaveResult
	SaveDone() []train.SaveResult
	// CheckpointBytes estimates the size of one checkpoint.
	CheckpointBytes() int64
	// Load restores the newest checkpoint and returns its state, or train.ErrNoCheckpoint.
	Load(dir string) ([]byte, error)
	Steps() int64
	// Idle says no step will come for a while (the node is held), so memory kept to make the
	// next step faster can go back to the system.
	Idle()
}

// trainerLearner is the real learner: engine/train's Trainer and its checkpoints.
type trainerLearner struct{ tr *train.Trainer }

func (l *trainerLearner) Step(groups []train.Group) (train.StepStats, error) {
	return l.tr.Step(groups)
}

func (l *trainerLearner) SaveInBackground(dir string, state []byte, keep int) {
	l.tr.SaveInBackground(dir, state, keep)
}

func (l *trainerLearner) Saving() bool                    { return l.tr.Saving() }
func (l *trainerLearner) WaitSave() train.SaveResult      { return l.tr.WaitSave() }
func (l *trainerLearner) SaveDone() []train.SaveResult    { return l.tr.SaveDone() }
func (l *trainerLearner) Load(dir string) ([]byte, error) { return l.tr.LoadInto(dir) }
func (l *trainerLearner) Steps() int64                    { return l.tr.Opt.Step }
func (l *trainerLearner) Idle()                           { l.tr.Model.ReleaseTrainingMemory() }

// errNotLearning is rolloutsOnly's answer to a step.
var errNotLearning = errors.New("this node takes part with rollouts only")

// rolloutsOnly is the learner of a node whose memory plan left no room to train: it answers,
// shares and scores every round, takes no step and writes no model checkpoint (state.json
// still records every round).
type rolloutsOnly struct{}

func (rolloutsOnly) Step([]train.Group) (train.StepStats, error) {
	return train.StepStats{}, errNotLearning
}
func (rolloutsOnly) SaveInBackground(string, []byte, int) {}
func (rolloutsOnly) Saving() bool                         { return false }
func (rolloutsOnly) WaitSave() train.SaveResult           { return train.SaveResult{} }
func (rolloutsOnly) SaveDone() []train.SaveResult         { return nil }
func (rolloutsOnly) CheckpointBytes() int64               { return 0 }
func (rolloutsOnly) Load(dir string) ([]byte, error) {
	return nil, train.ErrNoCheckpoint
}
func (rolloutsOnly) Steps() int64 { return 0 }
func (rolloutsOnly) Idle()        {}

func (l *trainerLearner) CheckpointBytes() int64 {
	return train.CheckpointBytes(int64(len(l.tr.Model.Trainable())))
}
