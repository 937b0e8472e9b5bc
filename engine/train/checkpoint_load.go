package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// decodeManifest parses and validates manifest.json. Names must be plain
// file names, sizes non-negative and hashes 64 hex digits, so nothing in a
// damaged manifest can point outside its folder.
func decodeManifest(data []byte) (manifest, error) {
	var man manifest
	if err := json.Unmarshal(data, &man); err != nil {
		return man, fmt.Errorf("parse %s: %w", manifestName, err)
	}
	if man.Format != manifestFormat {
		return man, fmt.Errorf("%s: format %q, want %q", manifestName, man.Format, manifestFormat)
	}
	if man.Version != manifestVersion {
		return man, fmt.Errorf("%s: version %d is not supported (this build reads version %d; a newer swarmdesk wrote it?)", manifestName, man.Version, manifestVersion)
	}
	if man.Step < 0 {
		return man, fmt.Errorf("%s: negative step %d", manifestName, man.Step)
	}
	need := []string{configName, modelName, stateName}
	switch man.Kind {
	case kindFull:
	case kindLoRA:
		need = []string{configName, adapterName, adapterCfg, stateName}
	default:
		return man, fmt.Errorf("%s: checkpoint kind %q is not supported (want %q or %q)", manifestName, man.Kind, kindFull, kindLoRA)
	}
	seen := map[string]bool{}
	for _, f := range man.Files {
		if f.Name == "" || f.Name == "." || f.Name == ".." || f.Name == manifestName ||
			strings.ContainsAny(f.Name, `/\`+"\x00") || filepath.Base(f.Name) != f.Name {
			return man, fmt.Errorf("%s: invalid file name %q", manifestName, f.Name)
		}
		if seen[f.Name] {
			return man, fmt.Errorf("%s: %s listed twice", manifestName, f.Name)
		}
		seen[f.Name] = true
		if f.Size < 0 {
			return man, fmt.Errorf("%s: %s has negative size %d", manifestName, f.Name, f.Size)
		}
		if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != sha256.Size || strings.ToLower(f.SHA256) != f.SHA256 {
			return man, fmt.Errorf("%s: %s has an invalid sha256 %q", manifestName, f.Name, f.SHA256)
		}
	}
	for _, f := range need {
		if !seen[f] {
			return man, fmt.Errorf("%s does not list %s", manifestName, f)
		}
	}
	return man, nil
}

// readLimited reads a small file, refusing ones above limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, nil
}

// LoadLatest restores the checkpoint dir/latest names (or, without a latest
// file, the highest step folder) into m, whose trainable weights
// (m.Trainable(): all weights, or the LoRA adapters) are overwritten in
// place, and opt (M, V and Step; opt's Config is kept, so a resumed run
// may change the learning rate; opt may be nil to load weights only), and
// returns the trainer state saved with it.
//
// Every file is checked against the manifest's size and sha256, the config
// against m's, and every tensor's name, dtype and shape, before anything
// is modified: a refused checkpoint leaves m and opt untouched. Errors name
// the file and say what to do; a damaged newest checkpoint is never
// skipped silently, but the error says when an older complete one exists.
// A folder without any checkpoint gives an error matching ErrNoCheckpoint,
// damage ErrBadCheckpoint, and another architecture, full weights for a
// LoRA model (or the reverse) or other LoRA settings
// ErrIncompatibleCheckpoint.
func LoadLatest(dir string, m *qwen2.Model, opt *Optimizer) (state []byte, err error) {
	lay, err := layoutOf(m)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	if opt != nil && (len(opt.M) != lay.n || len(opt.V) != lay.n) {
		return nil, fmt.Errorf("load checkpoint: optimizer holds %d/%d moments for %d trainable parameters", len(opt.M), len(opt.V), lay.n)
	}
	name, err := latestCheckpoint(dir)
	if err != nil {
		return nil, err
	}
	ck, err := openCheckpoint(dir, name, m, lay, opt != nil)
	if err != nil {
		if errors.Is(err, ErrBadCheckpoint) {
			err = fmt.Errorf("%w; %s", err, olderHint(dir, name, m, lay, opt != nil))
		}
		return nil, err
	}
	defer ck.close()
	for _, t := range lay.tensors {
		w, _ := ck.weights.Tensor(t.name)
		copyF32(t.data, w.Data)
		ck.weights.Release(t.name) // resident: the model plus one tensor, not plus the files
		if opt != nil {
			mt, _ := ck.optim.Tensor(t.name + expAvgSuffix)
			vt, _ := ck.optim.Tensor(t.name + expAvgSqSuffix)
			end := t.off + len(t.data)
			copyF32(opt.M[t.off:end], mt.Data)
			copyF32(opt.V[t.off:end], vt.Data)
			ck.optim.Release(t.name + expAvgSuffix)
			ck.optim.Release(t.name + expAvgSqSuffix)
		}
	}
	if opt != nil {
		opt.Step = ck.step
	}
	return ck.state, nil
}

// latestCheckpoint returns the name of the checkpoint to load.
func latestCheckpoint(dir string) (string, error) {
	data, err := readLimited(filepath.Join(dir, latestName), 4096)
	if err == nil {
		name := strings.TrimSpace(string(data))
		if _, perr := parseStepName(name); perr != nil {
			return "", fmt.Errorf("%w pointer %s: %v; write the name of a complete step folder into it, or delete it to use the highest step", ErrBadCheckpoint, filepath.Join(dir, latestName), perr)
		}
		return name, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("load checkpoint: %w", err)
	}
	names, lerr := stepDirs(dir)
	if lerr != nil && !errors.Is(lerr, fs.ErrNotExist) {
		return "", fmt.Errorf("load checkpoint: %w", lerr)
	}
	if len(names) == 0 {
		return "", fmt.Errorf("%w in %s", ErrNoCheckpoint, dir)
	}
	return names[0], nil
}

// openedCheckpoint is a fully verified checkpoint ready to be copied.
type openedCheckpoint struct {
	step           int64
	weights, optim *safetensors.Set
	state          []byte
}

func (c *openedCheckpoint) close() {
	if c.weights != nil {
		_ = c.weights.Close()
	}
	if c.optim != nil {
		_ = c.optim.Close()
	}
}

// openCheckpoint verifies dir/name against the manifest and m without
// modifying anything.
func openCheckpoint(dir, name string, m *qwen2.Model, lay layout, withOptim bool) (ck *openedCheckpoint, err error) {
	path := filepath.Join(dir, name)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrBadCheckpoint, path, fmt.Sprintf(format, args...))
	}
	incompatible := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrIncompatibleCheckpoint, path, fmt.Sprintf(format, args...))
	}
	step, err := parseStepName(name)
	if err != nil {
		return nil, bad("%v", err)
	}
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		return nil, bad("the folder is missing")
	}
	raw, err := readLimited(filepath.Join(path, manifestName), maxManifestSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, bad("%s is missing (the save did not finish)", manifestName)
	} else if err != nil {
		return nil, bad("%v", err)
	}
	man, err := decodeManifest(raw)
	if err != nil {
		return nil, bad("%v", err)
	}
	if man.Step != step {
		return nil, bad("%s says step %d, the folder name says %d", manifestName, man.Step, step)
	}
	hasOptim := false
	for _, f := range man.Files {
		p := filepath.Join(path, f.Name)
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, bad("%s is missing", f.Name)
		} else if err != nil {
			return nil, bad("%v", err)
		}
		if st.Size() != f.Size {
			what := "truncated"
			if st.Size() > f.Size {
				what = "longer than saved"
			}
			return nil, bad("%s is %s (%d bytes, %s says %d; an interrupted copy or a damaged disk)", f.Name, what, st.Size(), manifestName, f.Size)
		}
		_, sum, err := hashFile(p)
		if err != nil {
			return nil, bad("%v", err)
		}
		if sum != f.SHA256 {
			return nil, bad("%s is corrupted (sha256 %s, %s says %s)", f.Name, sum, manifestName, f.SHA256)
		}
		hasOptim = hasOptim || f.Name == optimName
	}
	if withOptim && !hasOptim {
		return nil, bad("it holds no %s, so training cannot resume from it", optimName)
	}
	cfgData, err := os.ReadFile(filepath.Join(path, configName))
	if err != nil {
		return nil, bad("%v", err)
	}
	cfg, err := qwen2.ParseConfig(cfgData)
	if err != nil {
		return nil, bad("%s: %v", configName, err)
	}
	if err := sameArchitecture(cfg, m.Config); err != nil {
		return nil, incompatible("it was saved from a different model: %v; load the base model it was trained from, or train into a different checkpoint folder", err)
	}
	switch {
	case man.Kind == kindLoRA && lay.lora == nil:
		return nil, incompatible("it holds LoRA adapters but the model has none; enable LoRA with the settings in its %s, or train into a different checkpoint folder", adapterCfg)
	case man.Kind == kindFull && lay.lora != nil:
		return nil, incompatible("it holds full model weights but the model has LoRA adapters enabled; train without LoRA, or into a different checkpoint folder")
	case lay.lora != nil:
		data, err := readLimited(filepath.Join(path, adapterCfg), maxManifestSize)
		if err != nil {
			return nil, bad("%v", err)
		}
		p, err := parsePEFTConfig(data)
		if err != nil {
			return nil, bad("%v", err)
		}
		if err := sameLoRA(p, *lay.lora); err != nil {
			return nil, incompatible("%v; enable LoRA with the checkpoint's settings, or train into a different checkpoint folder", err)
		}
	}
	ck = &openedCheckpoint{step: step}
	defer func() {
		if err != nil {
			ck.close()
		}
	}()
	if ck.weights, err = safetensors.Open(filepath.Join(path, lay.weights)); err != nil {
		return nil, bad("%v", err)
	}
	if err := checkF32Tensors(ck.weights, lay, ""); err != nil {
		return nil, bad("%s: %v", lay.weights, err)
	}
	if withOptim {
		if ck.optim, err = safetensors.Open(filepath.Join(path, optimName)); err != nil {
			return nil, bad("%v", err)
		}
		if err := checkF32Tensors(ck.optim, lay, expAvgSuffix, expAvgSqSuffix); err != nil {
			return nil, bad("%s: %v", optimName, err)
		}
		metaStep, err := strconv.ParseInt(ck.optim.Metadata()["step"], 10, 64)
		if err != nil || metaStep != step {
			return nil, bad("%s: metadata step %q does not match step %d", optimName, ck.optim.Metadata()["step"], step)
		}
	}
	if ck.state, err = readLimited(filepath.Join(path, stateName), maxStateSize); err != nil {
		return nil, bad("%v", err)
	}
	if !json.Valid(ck.state) {
		return nil, bad("%s is not valid JSON", stateName)
	}
	return ck, nil
}

// sameArchitecture names the first config field that changes the shape or
// the function of the network. Context length, dtype and special tokens
// may differ (a capped context is a load-time choice).
func sameArchitecture(ckpt, model qwen2.Config) error {
	fields := []struct {
		name     string
		ck, have any
	}{
		{"hidden_size", ckpt.HiddenSize, model.HiddenSize},
		{"intermediate_size", ckpt.IntermediateSize, model.IntermediateSize},
		{"num_hidden_layers", ckpt.NumHiddenLayers, model.NumHiddenLayers},
		{"num_attention_heads", ckpt.NumAttentionHeads, model.NumAttentionHeads},
		{"num_key_value_heads", ckpt.NumKeyValueHeads, model.NumKeyValueHeads},
		{"head_dim", ckpt.HeadDim, model.HeadDim},
		{"vocab_size", ckpt.VocabSize, model.VocabSize},
		{"tie_word_embeddings", ckpt.TieWordEmbeddings, model.TieWordEmbeddings},
		{"rms_norm_eps", ckpt.RMSNormEps, model.RMSNormEps},
		{"rope_theta", ckpt.RopeTheta, model.RopeTheta},
	}
	for _, f := range fields {
		if f.ck != f.have {
			return fmt.Errorf("%s is %v in the checkpoint but %v in the loaded model", f.name, f.ck, f.have)
		}
	}
	return nil
}

// checkF32Tensors verifies that set holds exactly one F32 tensor per
// trainable tensor and suffix, with the tensor's shape.
func checkF32Tensors(set *safetensors.Set, lay layout, suffixes ...string) error {
	want := map[string]trainedTensor{}
	for _, t := range lay.tensors {
		for _, s := range suffixes {
			want[t.name+s] = t
		}
	}
	for _, n := range set.Names() {
		if _, ok := want[n]; !ok {
			return fmt.Errorf("unexpected tensor %s", n)
		}
	}
	for n, info := range want {
		t, ok := set.Tensor(n)
		if !ok {
			return fmt.Errorf("tensor %s is missing", n)
		}
		if t.DType != safetensors.F32 || !slices.Equal(t.Shape, info.shape) || len(t.Data) != 4*len(info.data) {
			return fmt.Errorf("tensor %s is %s %v, want F32 %v", n, t.DType, t.Shape, info.shape)
		}
	}
	return nil
}

// olderHint says which older checkpoint is complete (verified like the
// newest), so the user can choose to fall back; it never falls back itself.
func olderHint(dir, bad string, m *qwen2.Model, lay layout, withOptim bool) string {
	badStep, _ := parseStepName(bad)
	names, _ := stepDirs(dir)
	for _, n := range names {
		step, _ := parseStepName(n)
		if n == bad || step > badStep {
			continue
		}
		ck, err := openCheckpoint(dir, n, m, lay, withOptim)
		if err != nil {
			continue
		}
		ck.close()
		return fmt.Sprintf("the older checkpoint %s is complete: to resume from it, delete %s and %s",
			filepath.Join(dir, n), filepath.Join(dir, bad), filepath.Join(dir, latestName))
	}
	return fmt.Sprintf("no older complete checkpoint exists in %s: delete the folder to start again from the base model", dir)
}

// HasCheckpoint reports whether dir holds a checkpoint to resume from,
// without reading or verifying it (a planner asks before loading anything).
func HasCheckpoint(dir string) bool {
	_, err := latestCheckpoint(dir)
	return err == nil
}
