package train

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// SaveResult is how a checkpoint write ended.
type SaveResult struct {
	Path     string        // the checkpoint folder ("" when the save failed before publishing)
	Step     int64         // the optimizer step it holds
	Bytes    int64         // bytes written (every file of the checkpoint)
	Duration time.Duration // from the start of the write to its end
	Err      error
}

// backgroundSave is a checkpoint being written by a goroutine.
type backgroundSave struct {
	done chan struct{}
	res  SaveResult
}

// SaveInBackground starts writing a checkpoint of the trainer's model and
// optimizer (see Save) and returns at once, so the caller goes on (with
// generation of the next round) while the disk works.
//
// Nothing is copied: the write reads the live weights and moments, which
// only Step changes, and Step (and LoadInto) first waits for the write to
// end. The snapshot is therefore the state at this call, at no memory cost
// besides the writer's buffers (MemPlan.CheckpointWrite), where a copy
// would take 12 bytes per trainable parameter (5.9 GB for a 0.5B model).
// The caller must not change the weights or the optimizer any other way
// until WaitSave returns.
//
// A save already running is waited for first; its result is returned by
// the WaitSave or SaveDone that follows this call's, in order. Invalid
// arguments are reported by the result, like write errors.
func (t *Trainer) SaveInBackground(dir string, state []byte, keep int) {
	t.waitForWrites()
	bs := &backgroundSave{done: make(chan struct{})}
	t.saving = bs
	step := t.Opt.Step
	if err := t.syncHost(); err != nil {
		bs.res = SaveResult{Step: step, Err: fmt.Errorf("save checkpoint: %w", err)}
		close(bs.done)
		return
	}
	go func() {
		defer close(bs.done)
		start := time.Now()
		path, bytes, err := save(dir, t.Model, t.Opt, state, keep)
		bs.res = SaveResult{Path: path, Step: step, Bytes: bytes, Duration: time.Since(start), Err: err}
	}()
}

// Saving reports whether a background save is still being written.
func (t *Trainer) Saving() bool {
	if t.saving == nil {
		return false
	}
	select {
	case <-t.saving.done:
		return false
	default:
		return true
	}
}

// SaveDone returns the results of background saves that have ended and
// were not returned yet, oldest first, without waiting.
func (t *Trainer) SaveDone() []SaveResult {
	if t.saving != nil && !t.Saving() {
		t.unseen = append(t.unseen, t.saving.res)
		t.saving = nil
	}
	out := t.unseen
	t.unseen = nil
	return out
}

// WaitSave waits for the background save, if any, and returns its result
// (the zero SaveResult when none was running). Results of earlier saves
// not yet returned stay for SaveDone.
func (t *Trainer) WaitSave() SaveResult {
	if t.saving == nil {
		return SaveResult{}
	}
	<-t.saving.done
	res := t.saving.res
	t.saving = nil
	return res
}

// waitForWrites is called before anything changes the weights or the
// optimizer: a background save must see them as they were when it began.
// Its result is kept for SaveDone.
func (t *Trainer) waitForWrites() {
	if t.saving == nil {
		return
	}
	t.unseen = append(t.unseen, t.WaitSave())
}

// SaveNow writes a checkpoint and waits for it (after any background save).
func (t *Trainer) SaveNow(dir string, state []byte, keep int) SaveResult {
	t.SaveInBackground(dir, state, keep)
	return t.WaitSave()
}

// LoadInto restores the newest checkpoint in dir into the trainer's model
// and optimizer (see LoadLatest), after any background save has ended.
func (t *Trainer) LoadInto(dir string) ([]byte, error) {
	t.waitForWrites()
	state, err := LoadLatest(dir, t.Model, t.Opt)
	if err == nil {
		t.Model.WeightsChanged() // a model on a GPU re-copies the restored weights
		err = t.restoredHost()
	} else if t.dev != nil {
		// The host copies may be half-restored; the device still holds the
		// state training goes on from, and the next save copies it down.
		t.dev.stepped = true
		t.Model.DeviceWeightsChanged()
	}
	return state, err
}

// checkpointWriteBuffers is the memory a checkpoint write holds: the
// safetensors writer's 1 MiB buffer and the 32 KiB one of the hash that
// reads each file back.
const checkpointWriteBuffers = 1<<20 + 32<<10

// RemoveInterrupted deletes what saves interrupted by a crash left in dir
// (their temporary folders can be as large as a whole checkpoint), and
// nothing else. Call it before saving into dir, never during a save.
func RemoveInterrupted(dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return prune(dir, "", 0)
}

// CheckpointBytes is about what a full checkpoint of n trainable
// parameters writes: float32 weights plus Adam's two float32 moments, 12
// bytes a parameter (safetensors headers and the small JSON files add
// well under 1 MB). A 0.5B model (494M parameters) takes 5.93 GB.
func CheckpointBytes(n int64) int64 { return 12 * n }

func checkpointMB(n int) int64 { return (CheckpointBytes(int64(n)) + 1<<20 - 1) >> 20 }
