package train

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// stepGroups is a batch with distinct rewards, so a step moves every weight it touches.
func stepGroups() []Group {
	return []Group{{Prompt: []int{1, 2, 3}, Answers: []Answer{
		{Tokens: []int{4, 5}, LogProbs: []float32{-1, -1}, Reward: 1},
		{Tokens: []int{6, 7}, LogProbs: []float32{-1, -1}, Reward: 0},
	}}}
}

// A checkpoint written in the background holds the state at the moment it was started, even
// though a step runs right after: Step waits for the write instead of changing the weights
// under it. Nothing is copied, and the result reports the bytes that reached the disk; with
// keep 1 the disk then holds exactly one checkpoint.
func TestSaveInBackgroundHoldsTheStateItStartedWith(t *testing.T) {
	dir := t.TempDir()
	m := tinyModel(t, testmodel.Default(), 3)
	tr := demoTrainer(t, m, 1e-2)
	if _, err := tr.Step(stepGroups()); err != nil {
		t.Fatal(err)
	}
	tr.SaveNow(dir, []byte(`"one"`), 1)
	want := takeSnapshot(m, tr.Opt)

	// Hold the write after the weights file, so the step below is sure to come while it runs.
	release := make(chan struct{})
	reached := make(chan struct{})
	saveHook = func(stage string) error {
		if stage == modelName {
			close(reached)
			<-release
		}
		return nil
	}
	defer func() { saveHook = nil }()
	tr.SaveInBackground(dir, []byte(`"two"`), 1)
	<-reached
	if !tr.Saving() {
		t.Fatal("Saving() is false while the write is held")
	}
	stepped := make(chan error, 1)
	go func() { _, err := tr.Step(stepGroups()); stepped <- err }()
	select {
	case err := <-stepped:
		t.Fatalf("the step ran during the write (err %v)", err)
	default:
	}
	close(release)
	if err := <-stepped; err != nil {
		t.Fatal(err)
	}
	res := tr.SaveDone()
	if len(res) != 1 || res[0].Err != nil || res[0].Step != want.step {
		t.Fatalf("results %+v, want one for step %d", res, want.step)
	}
	if size := dirSize(t, res[0].Path); res[0].Bytes != size || size < CheckpointBytes(int64(len(m.Trainable()))) {
		t.Fatalf("reported %d bytes, the folder holds %d, the estimate is %d", res[0].Bytes, size, CheckpointBytes(int64(len(m.Trainable()))))
	}
	if tr.Opt.Step != want.step+1 {
		t.Fatalf("the step after the save did not run: step %d", tr.Opt.Step)
	}
	fresh := tinyModel(t, testmodel.Default(), 3)
	fopt := ckOptimizer(t, fresh)
	state, err := LoadLatest(dir, fresh, fopt)
	if err != nil || string(state) != `"two"` || !takeSnapshot(fresh, fopt).equal(want) {
		t.Fatalf("loaded %q (%v): not the state the save started with", state, err)
	}
	if names, _ := stepDirs(dir); len(names) != 1 {
		t.Fatalf("keep 1 left %v", names)
	}
}

// A failed background save reports its error and leaves the previous checkpoint the one that
// loads; a save's result is never lost, even when the next save starts before anyone asked.
func TestSaveInBackgroundFailure(t *testing.T) {
	dir := t.TempDir()
	m := tinyModel(t, testmodel.Default(), 4)
	tr := demoTrainer(t, m, 1e-2)
	if _, err := tr.Step(stepGroups()); err != nil {
		t.Fatal(err)
	}
	tr.SaveInBackground(dir, []byte(`1`), 1)
	good := takeSnapshot(m, tr.Opt)
	if _, err := tr.Step(stepGroups()); err != nil {
		t.Fatal(err)
	}
	saveHook = func(stage string) error {
		if stage == optimName {
			return errors.New("no space left on device")
		}
		return nil
	}
	tr.SaveInBackground(dir, []byte(`2`), 1)
	bad := tr.WaitSave()
	saveHook = nil
	if bad.Err == nil || !strings.Contains(bad.Err.Error(), "no space") {
		t.Fatalf("failed save reported %v", bad.Err)
	}
	if res := tr.SaveDone(); len(res) != 1 || res[0].Err != nil || res[0].Step != 1 {
		t.Fatalf("the first save's result: %+v", res)
	}
	fresh := tinyModel(t, testmodel.Default(), 4)
	fopt := ckOptimizer(t, fresh)
	if _, err := LoadLatest(dir, fresh, fopt); err != nil || !takeSnapshot(fresh, fopt).equal(good) {
		t.Fatalf("after a failed save the previous checkpoint must load: %v", err)
	}
}

// What a crash mid-save leaves is removed at the next start, and only that.
func TestRemoveInterrupted(t *testing.T) {
	if err := RemoveInterrupted(filepath.Join(t.TempDir(), "missing")); err != nil {
		t.Fatalf("a missing folder: %v", err)
	}
	dir := t.TempDir()
	m := ckptModel(t, testmodel.Tiny{})
	if _, err := Save(dir, m, fakeTraining(t, m, 1, 5), nil, 1); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, tmpPrefix+"step-000000002-77")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, modelName), make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := RemoveInterrupted(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the interrupted save is still there: %v", err)
	}
	if names, _ := stepDirs(dir); !slices.Equal(names, []string{"step-000000001"}) || ckLatest(t, dir) != "step-000000001" {
		t.Fatalf("the complete checkpoint was touched: %v", names)
	}
}

// The estimate the app shows before the first checkpoint is what a full checkpoint of the
// 0.5B shape really writes, within the headers' few kilobytes.
func TestCheckpointBytesEstimate(t *testing.T) {
	dir := t.TempDir()
	m := ckptModel(t, testmodel.Tiny{})
	path, written, err := save(dir, m, fakeTraining(t, m, 1, 6), []byte(`{}`), 1)
	if err != nil {
		t.Fatal(err)
	}
	est := CheckpointBytes(int64(len(m.Trainable())))
	if written != dirSize(t, path) || written < est || written > est+64<<10 {
		t.Fatalf("wrote %d bytes (folder %d), estimate %d", written, dirSize(t, path), est)
	}
	if got := CheckpointBytes(494_032_768); got != 5_928_393_216 {
		t.Fatalf("0.5B estimate %d", got)
	}
}

func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := int64(0)
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		s += info.Size()
	}
	return s
}
