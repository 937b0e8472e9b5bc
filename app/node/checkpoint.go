package node

import (
	"fmt"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/train"
)

// Checkpoint scheduling. A full checkpoint (weights plus Adam's moments, 12 bytes a trainable
// parameter: 5.9 GB for a 0.5B model) is written after Config.CheckpointAfter of training,
// when the node pauses or stops, and when asked (Checkpoint). It is written in the background
// while the next round generates: train.Trainer.SaveInBackground writes the live weights
// without copying them, and the next optimizer step waits for the write to end.
//
// Resuming from a checkpoint older than state.json is safe: restore takes the rounds, the
// reward batch and the pending submissions from the newer state.json (so nothing is played,
// submitted or voted twice, and nothing decided is lost) and only the training since the
// checkpoint is lost.

// ckptReason says why a checkpoint is written (logged).
type ckptReason string

const (
	ckptCadence ckptReason = "training time"
	ckptRound   ckptReason = "every round"
	ckptPause   ckptReason = "pause"
	ckptStop    ckptReason = "stop"
	ckptAsked   ckptReason = "asked"
)

// ckptState is the Run goroutine's view of checkpoints.
type ckptState struct {
	savedStep int64         // optimizer step of the newest checkpoint written or being written
	trained   time.Duration // training time since that checkpoint was taken
}

// Checkpoint asks the node to write a checkpoint at its next safe point (between the phases
// of a round, or within a few seconds while it waits for a round). It does nothing if the
// newest checkpoint already holds the latest step (a paused node has written one).
func (n *Node) Checkpoint() {
	n.askCkpt.Store(true)
}

// checkpointDue says whether commit should start a checkpoint now.
func (n *Node) checkpointDue() (ckptReason, bool) {
	if n.lrn.Steps() == n.ck.savedStep {
		return "", false
	}
	switch {
	case n.askCkpt.Load():
		return ckptAsked, true
	case n.cfg.CheckpointAfter <= 0:
		return ckptRound, true
	case n.ck.trained >= n.cfg.CheckpointAfter:
		return ckptCadence, true
	}
	return "", false
}

// startCheckpoint starts writing a checkpoint of the weights, the optimizer and the committed
// node state in the background. Only call it where the weights belong to n.st: between
// rounds, at a safe point (always before the round's step) or right after commit.
func (n *Node) startCheckpoint(why ckptReason) error {
	n.askCkpt.Store(false)
	if n.lrn.Steps() == n.ck.savedStep {
		return nil
	}
	raw, err := encodeState(n.st)
	if err != nil {
		return err
	}
	n.reapCheckpoints(false)
	n.log().Info("writing a checkpoint in the background", "step", n.lrn.Steps(), "reason", string(why))
	n.lrn.SaveInBackground(n.deps.CheckpointDir, raw, n.cfg.CheckpointKeep)
	n.ck.savedStep, n.ck.trained = n.lrn.Steps(), 0
	n.update(func(s *Snapshot) { s.Checkpointing = true })
	return nil
}

// reapCheckpoints takes in the results of background saves that ended (waiting for the one
// being written when wait is set): their bytes count as disk writes, their errors are
// reported, and the disk figures are refreshed. It returns how long it waited.
func (n *Node) reapCheckpoints(wait bool) time.Duration {
	var done []train.SaveResult
	var waited time.Duration
	if wait && n.lrn.Saving() {
		t0 := time.Now()
		r := n.lrn.WaitSave()
		waited = time.Since(t0)
		done = append(n.lrn.SaveDone(), r)
	} else {
		done = n.lrn.SaveDone()
	}
	for _, r := range done {
		n.disk.wrote(n.deps.now(), r.Bytes)
		n.roundCkptBytes += r.Bytes
		if r.Err != nil {
			// A failed save leaves the previous checkpoint in place; the next one is tried
			// at the next occasion (the step has moved on, or the node pauses or stops).
			n.ck.savedStep = -1
			n.problem(fmt.Errorf("saving the model checkpoint of step %d: %w", r.Step, r.Err))
			continue
		}
		n.log().Info("checkpoint written", "step", r.Step, "bytes", r.Bytes, "seconds", round3(r.Duration.Seconds()), "path", r.Path)
		n.update(func(s *Snapshot) {
			s.CheckpointStep, s.CheckpointBytes, s.CheckpointTime = r.Step, r.Bytes, n.deps.now()
		})
	}
	saving := n.lrn.Saving()
	n.update(func(s *Snapshot) { s.Checkpointing = saving })
	if len(done) > 0 {
		n.refreshDisk()
	}
	return waited
}

// finishCheckpoints runs as Run ends: a clean stop writes a checkpoint of the latest step and
// waits for it; any other end only waits for the write under way (a step taken in a round
// that was not committed must not be saved: the round is played again).
func (n *Node) finishCheckpoints(clean bool) {
	if clean {
		n.startCheckpointOrReport(ckptStop)
	}
	n.reapCheckpoints(true)
}

// startCheckpointOrReport is startCheckpoint for places that go on after a failure.
func (n *Node) startCheckpointOrReport(why ckptReason) {
	if err := n.startCheckpoint(why); err != nil {
		n.problem(err)
	}
}
