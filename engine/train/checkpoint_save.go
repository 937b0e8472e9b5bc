package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
	"github.com/swarmdesk/swarmdesk/internal/atomicfile"
)

// Save writes a checkpoint of the model weights, the optimizer state and the
// caller's trainer state (any JSON; nil is stored as null) to
// dir/step-<opt.Step, 9 digits>/:
//
//   - model.safetensors: F32 weights under their Hugging Face names, with
//     config.json next to it, so the folder loads with qwen2.Load and with
//     Python transformers/safetensors. With LoRA enabled (m.LoRA() != nil)
//     adapter_model.safetensors (PEFT names) and adapter_config.json take
//     its place, next to the base model's config.json;
//   - optimizer.safetensors: M and V as "<tensor>.exp_avg" and
//     "<tensor>.exp_avg_sq", the step in the metadata;
//   - trainer_state.json, and manifest.json with each file's size and sha256.
//
// Everything is written into a temporary folder inside dir, fsynced and
// renamed into place; only then is dir/latest replaced (atomically) to name
// the new step. A crash at any point leaves latest naming the previous
// complete checkpoint. Afterwards Save keeps the new checkpoint plus the
// keep-1 others with the highest steps and deletes the rest (keep ≤ 0
// keeps all), together with leftovers of crashed saves. If only that
// clean-up fails, the returned path is valid and err says what was left.
//
// One process writes a checkpoint folder at a time. The model must hold F32
// weights and the optimizer must cover m.Trainable().
func Save(dir string, m *qwen2.Model, opt *Optimizer, state []byte, keep int) (path string, err error) {
	path, _, err = save(dir, m, opt, state, keep)
	return path, err
}

// save is Save that also returns the bytes it wrote.
func save(dir string, m *qwen2.Model, opt *Optimizer, state []byte, keep int) (path string, written int64, err error) {
	lay, err := layoutOf(m)
	if err != nil {
		return "", 0, fmt.Errorf("save checkpoint: %w", err)
	}
	if opt == nil {
		return "", 0, fmt.Errorf("save checkpoint: no optimizer (its step names the checkpoint and its state is needed to resume)")
	}
	if len(opt.M) != lay.n || len(opt.V) != lay.n {
		return "", 0, fmt.Errorf("save checkpoint: optimizer holds %d/%d moments for %d trainable parameters", len(opt.M), len(opt.V), lay.n)
	}
	if opt.Step < 0 {
		return "", 0, fmt.Errorf("save checkpoint: optimizer step %d is negative", opt.Step)
	}
	if state == nil {
		state = []byte("null")
	}
	if !json.Valid(state) {
		return "", 0, fmt.Errorf("save checkpoint: trainer state is not valid JSON")
	}
	defer func() {
		if errors.Is(err, syscall.ENOSPC) {
			err = fmt.Errorf("%w; free disk space in %s (a checkpoint of this model takes about %d MB, and the previous one is kept until the new one is complete)",
				err, dir, checkpointMB(lay.n))
		}
	}()
	cfg := m.Config
	cfg.TorchDType = "float32" // the weights we write, whatever the base model shipped
	cfgJSON, err := cfg.HFJSON()
	if err != nil {
		return "", 0, fmt.Errorf("save checkpoint: %w", err)
	}
	optMeta, err := json.Marshal(opt.Config)
	if err != nil {
		return "", 0, fmt.Errorf("save checkpoint: encode optimizer config: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, fmt.Errorf("save checkpoint: create %s: %w", dir, err)
	}
	name := stepName(opt.Step)
	tmp, err := os.MkdirTemp(dir, tmpPrefix+name+"-")
	if err != nil {
		return "", 0, fmt.Errorf("save checkpoint: %w", err)
	}
	defer func() {
		if tmp != "" {
			_ = os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", 0, fmt.Errorf("save checkpoint: %w", err)
	}
	type stage struct {
		file  string
		write func(path string) error
	}
	stages := []stage{
		{configName, func(p string) error { return atomicfile.WriteFile(p, cfgJSON, 0o644) }},
		{lay.weights, func(p string) error {
			return safetensors.Write(p, lay.weightTensors(), map[string]string{"format": "pt"})
		}},
	}
	if lay.lora != nil {
		acfg, err := peftConfigJSON(*lay.lora)
		if err != nil {
			return "", 0, fmt.Errorf("save checkpoint: %w", err)
		}
		stages = append(stages, stage{adapterCfg, func(p string) error { return atomicfile.WriteFile(p, acfg, 0o644) }})
	}
	stages = append(stages,
		stage{optimName, func(p string) error {
			return safetensors.Write(p, lay.optimTensors(opt), map[string]string{
				"format": "pt", "step": strconv.FormatInt(opt.Step, 10), "optimizer": string(optMeta),
			})
		}},
		stage{stateName, func(p string) error { return atomicfile.WriteFile(p, state, 0o644) }})
	man := manifest{Format: manifestFormat, Version: manifestVersion, Step: opt.Step, Kind: lay.kind}
	for _, s := range stages {
		p := filepath.Join(tmp, s.file)
		if err := s.write(p); err != nil {
			return "", 0, fmt.Errorf("save checkpoint %s: %w", name, err)
		}
		if err := runHook(s.file); err != nil {
			return "", 0, fmt.Errorf("save checkpoint %s: write %s: %w", name, s.file, err)
		}
		size, sum, err := hashFile(p)
		if err != nil {
			return "", 0, fmt.Errorf("save checkpoint %s: %w", name, err)
		}
		man.Files = append(man.Files, manifestEntry{Name: s.file, Size: size, SHA256: sum})
		written += size
	}
	manJSON, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return "", 0, fmt.Errorf("save checkpoint %s: encode manifest: %w", name, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(tmp, manifestName), manJSON, 0o644); err != nil {
		return "", 0, fmt.Errorf("save checkpoint %s: %w", name, err)
	}
	written += int64(len(manJSON))
	if err := atomicfile.SyncDir(tmp); err != nil {
		return "", 0, fmt.Errorf("save checkpoint %s: %w", name, err)
	}
	if err := runHook("publish"); err != nil {
		return "", 0, fmt.Errorf("save checkpoint %s: %w", name, err)
	}
	final := filepath.Join(dir, name)
	if err := publish(tmp, final); err != nil {
		return "", 0, fmt.Errorf("save checkpoint %s: %w", name, err)
	}
	tmp = ""
	if err := runHook("latest"); err != nil {
		return "", 0, fmt.Errorf("save checkpoint %s: update %s: %w", name, latestName, err)
	}
	if err := writeLatest(dir, name); err != nil {
		return "", 0, fmt.Errorf("save checkpoint %s: %w", name, err)
	}
	if err := prune(dir, name, keep); err != nil {
		return final, written, fmt.Errorf("checkpoint %s saved, but cleaning up old ones failed: %w", final, err)
	}
	return final, written, nil
}
