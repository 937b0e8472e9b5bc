package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// tinyModel writes a tiny random checkpoint and loads it as F32.
func ckptModel(t testing.TB, c testmodel.Tiny) *qwen2.Model {
	t.Helper()
	dir := t.TempDir()
	if err := testmodel.Write(dir, c, 1); err != nil {
		t.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// trained perturbs m's weights and returns an optimizer with random moments
// at step, as if training had run; seed makes each step's values distinct.
func fakeTraining(t testing.TB, m *qwen2.Model, step int64, seed uint64) *Optimizer {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 99))
	for i := range m.Params.F32 {
		m.Params.F32[i] += float32(1e-3 * r.NormFloat64())
	}
	opt, err := NewOptimizer(len(m.Params.F32), DefaultOptimConfig())
	if err != nil {
		t.Fatal(err)
	}
	for i := range opt.M {
		opt.M[i] = float32(1e-4 * r.NormFloat64())
		opt.V[i] = float32(1e-8 * r.Float64())
	}
	opt.Step = step
	return opt
}

// ckSnapshot copies what LoadLatest may change.
type ckSnapshot struct {
	params, m, v []float32
	step         int64
}

func takeSnapshot(m *qwen2.Model, opt *Optimizer) ckSnapshot {
	return ckSnapshot{slices.Clone(m.Params.F32), slices.Clone(opt.M), slices.Clone(opt.V), opt.Step}
}

func (s ckSnapshot) equal(o ckSnapshot) bool {
	return sameBits(s.params, o.params) && sameBits(s.m, o.m) && sameBits(s.v, o.v) && s.step == o.step
}

func ckOptimizer(t testing.TB, m *qwen2.Model) *Optimizer {
	t.Helper()
	opt, err := NewOptimizer(len(m.Params.F32), DefaultOptimConfig())
	if err != nil {
		t.Fatal(err)
	}
	return opt
}

func ckLatest(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, latestName))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, c := range []testmodel.Tiny{{}, {Untied: true, Layers: 1}} {
		t.Run(fmt.Sprintf("untied=%v", c.Untied), func(t *testing.T) {
			dir := t.TempDir()
			m := ckptModel(t, c)
			opt := fakeTraining(t, m, 12, 1)
			want := takeSnapshot(m, opt)
			state := []byte(`{"round": 3, "rng": "pcg:12345", "rewards": [0.5, 1]}`)
			path, err := Save(dir, m, opt, state, 3)
			if err != nil {
				t.Fatal(err)
			}
			if path != filepath.Join(dir, "step-000000012") || ckLatest(t, dir) != "step-000000012" {
				t.Fatalf("saved to %s, latest %q", path, ckLatest(t, dir))
			}
			for _, f := range []string{manifestName, configName, modelName, optimName, stateName} {
				if _, err := os.Stat(filepath.Join(path, f)); err != nil {
					t.Errorf("checkpoint lacks %s: %v", f, err)
				}
			}
			fresh := ckptModel(t, c)
			fopt := ckOptimizer(t, fresh)
			if takeSnapshot(fresh, fopt).equal(want) {
				t.Fatal("test is vacuous: the fresh model already equals the saved one")
			}
			got, err := LoadLatest(dir, fresh, fopt)
			if err != nil {
				t.Fatal(err)
			}
			if !takeSnapshot(fresh, fopt).equal(want) {
				t.Fatal("loaded params/M/V/Step differ from the saved ones")
			}
			if string(got) != string(state) {
				t.Fatalf("trainer state %q, want %q", got, state)
			}
			// Weights only (opt nil) works too.
			w := ckptModel(t, c)
			if _, err := LoadLatest(dir, w, nil); err != nil || !sameBits(w.Params.F32, want.params) {
				t.Fatalf("weights-only load: %v", err)
			}
		})
	}
}

func TestSavedModelLoadsWithQwen2(t *testing.T) {
	for _, c := range []testmodel.Tiny{{}, {Untied: true}} {
		dir := t.TempDir()
		m := ckptModel(t, c)
		opt := fakeTraining(t, m, 7, 2)
		path, err := Save(dir, m, opt, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := qwen2.Load(path, qwen2.LoadOptions{})
		if err != nil {
			t.Fatalf("qwen2.Load of a checkpoint: %v", err)
		}
		if loaded.Config.TorchDType != "float32" || !sameBits(loaded.Params.F32, m.Params.F32) {
			t.Fatalf("qwen2.Load gives dtype %q and different weights", loaded.Config.TorchDType)
		}
		tokens := []int{1, 5, 9, 200, 3, 77}
		logits := func(m *qwen2.Model) []float32 {
			cache, err := m.NewCache(len(tokens))
			if err != nil {
				t.Fatal(err)
			}
			out, err := m.PrefillAll(cache, tokens)
			if err != nil {
				t.Fatal(err)
			}
			return slices.Clone(out)
		}
		if !sameBits(logits(loaded), logits(m)) {
			t.Fatal("the saved model gives different logits")
		}
	}
}

// twoCheckpoints saves steps 1 and 2 (distinct weights) into a new folder
// and returns the folder and what step 1 held.
func twoCheckpoints(t *testing.T) (string, ckSnapshot) {
	t.Helper()
	dir := t.TempDir()
	m := ckptModel(t, testmodel.Tiny{})
	opt := fakeTraining(t, m, 1, 3)
	if _, err := Save(dir, m, opt, []byte(`{"step":1}`), 0); err != nil {
		t.Fatal(err)
	}
	first := takeSnapshot(m, opt)
	opt2 := fakeTraining(t, m, 2, 4)
	if _, err := Save(dir, m, opt2, []byte(`{"step":2}`), 0); err != nil {
		t.Fatal(err)
	}
	return dir, first
}

func TestLoadLatestRefusesDamage(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, step string)
		want   []string
	}{
		{"truncated-model", func(t *testing.T, step string) {
			p := filepath.Join(step, modelName)
			st, _ := os.Stat(p)
			if err := os.Truncate(p, st.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, []string{modelName, "truncated"}},
		{"flipped-byte-optimizer", func(t *testing.T, step string) {
			p := filepath.Join(step, optimName)
			b, _ := os.ReadFile(p)
			b[len(b)*2/3] ^= 0x10
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{optimName, "corrupted", "sha256"}},
		{"flipped-byte-state", func(t *testing.T, step string) {
			p := filepath.Join(step, stateName)
			b, _ := os.ReadFile(p)
			b[1] ^= 0x01
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{stateName, "corrupted"}},
		{"missing-state", func(t *testing.T, step string) {
			if err := os.Remove(filepath.Join(step, stateName)); err != nil {
				t.Fatal(err)
			}
		}, []string{stateName, "missing"}},
		{"missing-manifest", func(t *testing.T, step string) {
			if err := os.Remove(filepath.Join(step, manifestName)); err != nil {
				t.Fatal(err)
			}
		}, []string{manifestName, "missing", "did not finish"}},
		{"missing-folder", func(t *testing.T, step string) {
			if err := os.RemoveAll(step); err != nil {
				t.Fatal(err)
			}
		}, []string{"step-000000002", "missing"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, first := twoCheckpoints(t)
			tc.damage(t, filepath.Join(dir, "step-000000002"))
			m := ckptModel(t, testmodel.Tiny{})
			opt := ckOptimizer(t, m)
			before := takeSnapshot(m, opt)
			_, err := LoadLatest(dir, m, opt)
			if !errors.Is(err, ErrBadCheckpoint) {
				t.Fatalf("err = %v, want ErrBadCheckpoint", err)
			}
			t.Log(err)
			for _, w := range append(tc.want, "step-000000001 is complete", "delete", "damaged checkpoint") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if !takeSnapshot(m, opt).equal(before) {
				t.Fatal("a refused checkpoint modified the model or optimizer")
			}
			// Following the advice resumes from step 1.
			if err := os.RemoveAll(filepath.Join(dir, "step-000000002")); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(dir, latestName)); err != nil {
				t.Fatal(err)
			}
			state, err := LoadLatest(dir, m, opt)
			if err != nil {
				t.Fatalf("after deleting the damaged checkpoint: %v", err)
			}
			if !takeSnapshot(m, opt).equal(first) || string(state) != `{"step":1}` {
				t.Fatal("did not restore step 1")
			}
		})
	}
}

func TestLoadLatestNoOlderCheckpoint(t *testing.T) {
	dir := t.TempDir()
	m := ckptModel(t, testmodel.Tiny{})
	if _, err := Save(dir, m, fakeTraining(t, m, 5, 5), nil, 0); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "step-000000005", modelName)
	if err := os.Truncate(p, 100); err != nil {
		t.Fatal(err)
	}
	_, err := LoadLatest(dir, m, ckOptimizer(t, m))
	if !errors.Is(err, ErrBadCheckpoint) || !strings.Contains(err.Error(), "no older complete checkpoint") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadLatestDamagedLatestFile(t *testing.T) {
	for _, content := range []string{"garbage", "../../etc", "step-12", ""} {
		dir, _ := twoCheckpoints(t)
		if err := os.WriteFile(filepath.Join(dir, latestName), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		m := ckptModel(t, testmodel.Tiny{})
		_, err := LoadLatest(dir, m, ckOptimizer(t, m))
		t.Log(err)
		if !errors.Is(err, ErrBadCheckpoint) || !strings.Contains(err.Error(), latestName) {
			t.Errorf("latest %q: err = %v", content, err)
		}
	}
}

func TestLoadLatestRefusesOtherArchitecture(t *testing.T) {
	dir := t.TempDir()
	m := ckptModel(t, testmodel.Tiny{})
	if _, err := Save(dir, m, fakeTraining(t, m, 1, 6), nil, 0); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		tiny testmodel.Tiny
		want string
	}{
		{testmodel.Tiny{Layers: 3}, "num_hidden_layers is 2 in the checkpoint but 3"},
		{testmodel.Tiny{FFN: 96}, "intermediate_size"},
		{testmodel.Tiny{Untied: true}, "tie_word_embeddings"},
		{testmodel.Tiny{RopeTheta: 1e4}, "rope_theta"},
	}
	for _, tc := range cases {
		other := ckptModel(t, tc.tiny)
		opt := ckOptimizer(t, other)
		before := takeSnapshot(other, opt)
		_, err := LoadLatest(dir, other, opt)
		t.Log(err)
		if !errors.Is(err, ErrIncompatibleCheckpoint) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want ErrIncompatibleCheckpoint mentioning %q", tc.tiny, err, tc.want)
		}
		if !takeSnapshot(other, opt).equal(before) {
			t.Errorf("%+v: refused checkpoint modified the model", tc.tiny)
		}
	}
}

func TestNoCheckpoint(t *testing.T) {
	m := ckptModel(t, testmodel.Tiny{})
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "never-created")} {
		if _, err := LoadLatest(dir, m, ckOptimizer(t, m)); !errors.Is(err, ErrNoCheckpoint) {
			t.Errorf("%s: err = %v, want ErrNoCheckpoint", dir, err)
		}
	}
}

// TestSaveFailureKeepsPrevious simulates a full disk at each stage of a
// save: the error says so, nothing half-written stays behind, and the
// previous checkpoint is still the one loaded.
func TestSaveFailureKeepsPrevious(t *testing.T) {
	for _, stage := range []string{configName, modelName, optimName, stateName, "publish"} {
		t.Run(stage, func(t *testing.T) {
			dir := t.TempDir()
			m := ckptModel(t, testmodel.Tiny{})
			if _, err := Save(dir, m, fakeTraining(t, m, 1, 7), nil, 0); err != nil {
				t.Fatal(err)
			}
			first := slices.Clone(m.Params.F32)
			opt := fakeTraining(t, m, 2, 8)
			saveHook = func(s string) error {
				if s == stage {
					return fmt.Errorf("simulated: %w", syscall.ENOSPC)
				}
				return nil
			}
			defer func() { saveHook = nil }()
			_, err := Save(dir, m, opt, nil, 0)
			t.Log(err)
			if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "step-000000002") || !strings.Contains(err.Error(), "free disk space") {
				t.Fatalf("err = %v, want ENOSPC naming the checkpoint", err)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != latestName && e.Name() != "step-000000001" {
					t.Errorf("left behind %s", e.Name())
				}
			}
			if ckLatest(t, dir) != "step-000000001" {
				t.Fatalf("latest = %q", ckLatest(t, dir))
			}
			fresh := ckptModel(t, testmodel.Tiny{})
			if _, err := LoadLatest(dir, fresh, ckOptimizer(t, fresh)); err != nil || !sameBits(fresh.Params.F32, first) {
				t.Fatalf("previous checkpoint not loadable: %v", err)
			}
		})
	}
}

func TestSaveIntoUnwritableFolder(t *testing.T) {
	dir := t.TempDir()
	m := ckptModel(t, testmodel.Tiny{})
	if _, err := Save(dir, m, fakeTraining(t, m, 1, 9), nil, 0); err != nil {
		t.Fatal(err)
	}
	first := slices.Clone(m.Params.F32)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if f, err := os.Create(filepath.Join(dir, "probe")); err == nil {
		f.Close()
		t.Skip("running with privileges that ignore folder permissions (root); TestSaveFailureKeepsPrevious covers the failure paths")
	}
	_, err := Save(dir, m, fakeTraining(t, m, 2, 10), nil, 0)
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("err = %v, want permission denied", err)
	}
	fresh := ckptModel(t, testmodel.Tiny{})
	if _, err := LoadLatest(dir, fresh, ckOptimizer(t, fresh)); err != nil || !sameBits(fresh.Params.F32, first) {
		t.Fatalf("previous checkpoint not loadable: %v", err)
	}
}

// TestCrashLeftovers covers a process killed mid-save: a temporary folder
// with a half-written file, and a folder renamed into place whose latest
// update never happened. Loading uses the previous checkpoint; the next
// Save cleans up and replaces the orphan.
func TestCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	m := ckptModel(t, testmodel.Tiny{})
	if _, err := Save(dir, m, fakeTraining(t, m, 1, 11), []byte(`1`), 0); err != nil {
		t.Fatal(err)
	}
	first := slices.Clone(m.Params.F32)
	// Killed while writing model.safetensors of step 2.
	tmp := filepath.Join(dir, tmpPrefix+"step-000000002-123456")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(filepath.Join(dir, "step-000000001", modelName))
	if err := os.WriteFile(filepath.Join(tmp, modelName), whole[:len(whole)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	// Killed between renaming step 3 into place and updating latest.
	opt3 := fakeTraining(t, m, 3, 12)
	saveHook = func(s string) error {
		if s == "latest" {
			return errors.New("simulated crash")
		}
		return nil
	}
	_, err := Save(dir, m, opt3, []byte(`3`), 0)
	saveHook = nil
	if err == nil {
		t.Fatal("hook did not fire")
	}
	if ckLatest(t, dir) != "step-000000001" {
		t.Fatalf("latest = %q after a crash mid-save", ckLatest(t, dir))
	}
	fresh := ckptModel(t, testmodel.Tiny{})
	fopt := ckOptimizer(t, fresh)
	state, err := LoadLatest(dir, fresh, fopt)
	if err != nil || string(state) != "1" || !sameBits(fresh.Params.F32, first) || fopt.Step != 1 {
		t.Fatalf("after crashes: state %q step %d err %v, want step 1", state, fopt.Step, err)
	}
	// Resuming from step 1 reaches step 3 again and saves over the orphan.
	opt3b := fakeTraining(t, m, 3, 13)
	if _, err := Save(dir, m, opt3b, []byte(`"3b"`), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary folder of the crashed save is still there: %v", err)
	}
	state, err = LoadLatest(dir, fresh, fopt)
	if err != nil || string(state) != `"3b"` || !sameBits(fresh.Params.F32, m.Params.F32) || !sameBits(fopt.M, opt3b.M) {
		t.Fatalf("re-saved step 3: state %q err %v", state, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

func TestLoadLatestWithoutLatestFile(t *testing.T) {
	dir, _ := twoCheckpoints(t)
	if err := os.Remove(filepath.Join(dir, latestName)); err != nil {
		t.Fatal(err)
	}
	m := ckptModel(t, testmodel.Tiny{})
	state, err := LoadLatest(dir, m, ckOptimizer(t, m))
	if err != nil || string(state) != `{"step":2}` {
		t.Fatalf("state %q err %v, want the highest step", state, err)
	}
}

func TestSavePrunes(t *testing.T) {
	cases := []struct {
		name  string
		steps []int64
		keep  int
		want  []string
	}{
		{"keep-2", []int64{1, 2, 3, 4, 5}, 2, []string{"step-000000005", "step-000000004"}},
		{"keep-all", []int64{1, 2, 3}, 0, []string{"step-000000003", "step-000000002", "step-000000001"}},
		{"current-always-kept", []int64{5, 6, 3}, 2, []string{"step-000000006", "step-000000003"}},
		{"keep-1", []int64{10, 20}, 1, []string{"step-000000020"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			m := ckptModel(t, testmodel.Tiny{Layers: 1})
			for i, s := range tc.steps {
				if _, err := Save(dir, m, fakeTraining(t, m, s, uint64(20+i)), nil, tc.keep); err != nil {
					t.Fatal(err)
				}
			}
			got, err := stepDirs(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("kept %v, want %v", got, tc.want)
			}
			if last := stepName(tc.steps[len(tc.steps)-1]); ckLatest(t, dir) != last {
				t.Fatalf("latest %q, want %q", ckLatest(t, dir), last)
			}
		})
	}
}

func TestSaveRefusesBadArguments(t *testing.T) {
	dir := t.TempDir()
	m := ckptModel(t, testmodel.Tiny{Layers: 1})
	opt := fakeTraining(t, m, 1, 30)
	mdir := t.TempDir()
	if err := testmodel.Write(mdir, testmodel.Tiny{Layers: 1}, 1); err != nil {
		t.Fatal(err)
	}
	bf16, err := qwen2.Load(mdir, qwen2.LoadOptions{WeightDType: qwen2.BF16})
	if err != nil {
		t.Fatal(err)
	}
	short, _ := NewOptimizer(10, DefaultOptimConfig())
	cases := []struct {
		name  string
		m     *qwen2.Model
		opt   *Optimizer
		state []byte
		want  string
	}{
		{"bf16", bf16, opt, nil, "F32"},
		{"nil-optimizer", m, nil, nil, "optimizer"},
		{"short-optimizer", m, short, nil, "moments"},
		{"bad-state", m, opt, []byte(`{"unterminated"`), "JSON"},
		{"nil-model", nil, opt, nil, "no model"},
	}
	for _, tc := range cases {
		if _, err := Save(dir, tc.m, tc.opt, tc.state, 0); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused saves left %d entries", len(entries))
	}
}

func TestManifestAndStepNameValidation(t *testing.T) {
	good := manifest{Format: manifestFormat, Version: manifestVersion, Step: 3, Kind: "full", Files: []manifestEntry{
		{configName, 10, strings.Repeat("ab", 32)}, {modelName, 10, strings.Repeat("cd", 32)}, {stateName, 4, strings.Repeat("00", 32)},
	}}
	enc := func(f func(*manifest)) []byte {
		m := good
		m.Files = slices.Clone(good.Files)
		f(&m)
		b, _ := json.Marshal(m)
		return b
	}
	cases := []struct {
		name string
		data []byte
		want string // "" = valid
	}{
		{"good", enc(func(*manifest) {}), ""},
		{"traversal", enc(func(m *manifest) { m.Files[0].Name = "../config.json" }), "invalid file name"},
		{"absolute", enc(func(m *manifest) { m.Files[0].Name = "/etc/passwd" }), "invalid file name"},
		{"dup", enc(func(m *manifest) { m.Files[2].Name = configName }), "twice"},
		{"neg-size", enc(func(m *manifest) { m.Files[1].Size = -1 }), "negative size"},
		{"bad-hash", enc(func(m *manifest) { m.Files[1].SHA256 = "xyz" }), "sha256"},
		{"upper-hash", enc(func(m *manifest) { m.Files[1].SHA256 = strings.Repeat("AB", 32) }), "sha256"},
		{"version", enc(func(m *manifest) { m.Version = 2 }), "version 2"},
		{"format", enc(func(m *manifest) { m.Format = "other" }), "format"},
		{"no-model", enc(func(m *manifest) { m.Files = m.Files[:1] }), modelName},
		{"not-json", []byte("{"), "parse"},
		{"lora", enc(func(m *manifest) {
			m.Kind = kindLoRA
			m.Files[1].Name = adapterName
			m.Files = append(m.Files, manifestEntry{adapterCfg, 1, strings.Repeat("ef", 32)})
		}), ""},
		{"lora-without-config", enc(func(m *manifest) { m.Kind = kindLoRA; m.Files[1].Name = adapterName }), adapterCfg},
		{"unknown-kind", enc(func(m *manifest) { m.Kind = "qlora" }), "kind"},
	}
	for _, tc := range cases {
		_, err := decodeManifest(tc.data)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	for _, s := range []string{"step-000000000", "step-000000012", "step-1234567890"} {
		if _, err := parseStepName(s); err != nil {
			t.Errorf("parseStepName(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"step-12", "step-0000000012", "step--00000001", "step-00000001a", "step-000000001/..", "latest", "step-99999999999999999999"} {
		if _, err := parseStepName(s); err == nil {
			t.Errorf("parseStepName(%q) accepted", s)
		}
	}
}

func FuzzDecodeManifest(f *testing.F) {
	f.Add([]byte(`{"format":"swarmdesk-train-checkpoint","version":1,"step":3,"kind":"full","files":[` +
		`{"name":"config.json","size":1,"sha256":"` + strings.Repeat("ab", 32) + `"},` +
		`{"name":"model.safetensors","size":1,"sha256":"` + strings.Repeat("ab", 32) + `"},` +
		`{"name":"trainer_state.json","size":1,"sha256":"` + strings.Repeat("ab", 32) + `"}]}`))
	f.Add([]byte(`{"files":[{"name":".."}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		man, err := decodeManifest(data)
		if err != nil {
			return
		}
		for _, e := range man.Files {
			if filepath.Base(e.Name) != e.Name || e.Name == ".." || e.Name == "." || strings.ContainsAny(e.Name, `/\`) || e.Size < 0 {
				t.Fatalf("accepted unsafe entry %+v", e)
			}
		}
		again, err := json.Marshal(man)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeManifest(again); err != nil {
			t.Fatalf("re-encoded manifest refused: %v", err)
		}
	})
}

func FuzzParseStepName(f *testing.F) {
	for _, s := range []string{"step-000000012", "step-12", "../step-000000001", "step-1234567890123456789"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		step, err := parseStepName(s)
		if err != nil {
			return
		}
		if step < 0 || stepName(step) != s || strings.ContainsAny(s, `/\.`) {
			t.Fatalf("parseStepName(%q) = %d", s, step)
		}
	})
}

// loraModel is a tiny model with LoRA adapters whose values are random (B
// is zero after EnableLoRA, which would make a round trip test vacuous).
func loraModel(t *testing.T, lc qwen2.LoRAConfig, seed uint64) *qwen2.Model {
	t.Helper()
	m := ckptModel(t, testmodel.Tiny{})
	if err := m.EnableLoRA(lc); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	for i, x := range m.Trainable() {
		m.Trainable()[i] = x + float32(0.01*r.NormFloat64())
	}
	return m
}

func TestSaveLoadLoRA(t *testing.T) {
	lc := qwen2.LoRAConfig{Rank: 4, Alpha: 8, Targets: []string{"v", "q", "down"}, Seed: 1}
	dir := t.TempDir()
	m := loraModel(t, lc, 1)
	opt, err := NewOptimizer(len(m.Trainable()), DefaultOptimConfig())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	for i := range opt.M {
		opt.M[i], opt.V[i] = float32(r.NormFloat64()), float32(r.Float64())
	}
	opt.Step = 4
	path, err := Save(dir, m, opt, []byte(`{"lora":true}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(path, modelName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a LoRA checkpoint holds %s (err %v)", modelName, err)
	}
	var peft map[string]any
	raw, err := os.ReadFile(filepath.Join(path, adapterCfg))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &peft); err != nil {
		t.Fatal(err)
	}
	if peft["peft_type"] != "LORA" || peft["r"] != 4.0 || peft["lora_alpha"] != 8.0 ||
		fmt.Sprint(peft["target_modules"]) != "[q_proj v_proj down_proj]" {
		t.Errorf("adapter_config.json = %s", raw)
	}
	set, err := safetensors.Open(filepath.Join(path, adapterName))
	if err != nil {
		t.Fatal(err)
	}
	names := set.Names()
	set.Close()
	if len(names) != 2*3*2 || !slices.Contains(names, "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight") {
		t.Errorf("adapter tensors %v", names)
	}

	// A fresh model whose adapters were initialised from another seed.
	other := lc
	other.Seed = 99
	fresh := ckptModel(t, testmodel.Tiny{})
	base := slices.Clone(fresh.Params.F32)
	if err := fresh.EnableLoRA(other); err != nil {
		t.Fatal(err)
	}
	fopt, _ := NewOptimizer(len(fresh.Trainable()), DefaultOptimConfig())
	state, err := LoadLatest(dir, fresh, fopt)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(fresh.Trainable(), m.Trainable()) || !sameBits(fopt.M, opt.M) || !sameBits(fopt.V, opt.V) || fopt.Step != 4 || string(state) != `{"lora":true}` {
		t.Fatal("LoRA round trip is not bit-identical")
	}
	if !sameBits(fresh.Params.F32, base) {
		t.Fatal("loading adapters changed the frozen base weights")
	}
}

func TestLoadLatestRefusesOtherLoRA(t *testing.T) {
	lc := qwen2.LoRAConfig{Rank: 4, Alpha: 8, Targets: []string{"q", "v"}}
	loraDir := t.TempDir()
	m := loraModel(t, lc, 3)
	opt, _ := NewOptimizer(len(m.Trainable()), DefaultOptimConfig())
	if _, err := Save(loraDir, m, opt, nil, 0); err != nil {
		t.Fatal(err)
	}
	fullDir := t.TempDir()
	full := ckptModel(t, testmodel.Tiny{})
	if _, err := Save(fullDir, full, fakeTraining(t, full, 1, 40), nil, 0); err != nil {
		t.Fatal(err)
	}
	mod := func(f func(*qwen2.LoRAConfig)) *qwen2.LoRAConfig {
		c := lc
		c.Targets = slices.Clone(lc.Targets)
		f(&c)
		return &c
	}
	cases := []struct {
		name string
		dir  string
		lora *qwen2.LoRAConfig // nil: no adapters
		want string
	}{
		{"no-adapters", loraDir, nil, "holds LoRA adapters but the model has none"},
		{"rank", loraDir, mod(func(c *qwen2.LoRAConfig) { c.Rank = 8 }), "rank r is 4 in the checkpoint but 8"},
		{"alpha", loraDir, mod(func(c *qwen2.LoRAConfig) { c.Alpha = 16 }), "lora_alpha"},
		{"targets", loraDir, mod(func(c *qwen2.LoRAConfig) { c.Targets = []string{"q", "k"} }), "target_modules"},
		{"full-into-lora", fullDir, &lc, "full model weights"},
	}
	for _, tc := range cases {
		other := ckptModel(t, testmodel.Tiny{})
		if tc.lora != nil {
			if err := other.EnableLoRA(*tc.lora); err != nil {
				t.Fatal(err)
			}
		}
		before := slices.Clone(other.Trainable())
		o, _ := NewOptimizer(len(other.Trainable()), DefaultOptimConfig())
		_, err := LoadLatest(tc.dir, other, o)
		t.Log(err)
		if !errors.Is(err, ErrIncompatibleCheckpoint) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want ErrIncompatibleCheckpoint mentioning %q", tc.name, err, tc.want)
		}
		if !sameBits(other.Trainable(), before) {
			t.Errorf("%s: refused checkpoint modified the model", tc.name)
		}
	}
}

// BenchmarkSaveLoad saves and restores a 20M-parameter model (a 0.5B
// checkpoint is 25× larger: 12 bytes per parameter for weights, M and V).
func BenchmarkSaveLoad(b *testing.B) {
	c := testmodel.Tiny{Layers: 4, Hidden: 512, Heads: 8, KVHeads: 2, HeadDim: 64, FFN: 1536, Vocab: 16384, MaxPos: 64}
	m := ckptModel(b, c)
	opt := ckOptimizer(b, m)
	dir := b.TempDir()
	bytes := int64(12 * len(m.Params.F32))
	b.Run("save", func(b *testing.B) {
		b.SetBytes(bytes)
		for i := 0; i < b.N; i++ {
			opt.Step = int64(i)
			if _, err := Save(dir, m, opt, nil, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("load", func(b *testing.B) {
		b.SetBytes(bytes)
		for i := 0; i < b.N; i++ {
			if _, err := LoadLatest(dir, m, opt); err != nil {
				b.Fatal(err)
			}
		}
	})
}
