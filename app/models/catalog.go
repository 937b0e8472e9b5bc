package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/swarmdesk/swarmdesk/engine/hub"
)

// Known is a model the window offers to download, with what it costs.
type Known struct {
	ID    string // hub id
	About string // one line for the chooser
	// DownloadBytes is the size of its files (bfloat16 safetensors, tokenizer, config).
	DownloadBytes int64
	// TrainBytes is about what a full fine-tune needs in memory: float32 weights, gradients and
	// Adam's two moments (16 bytes a parameter), plus room for activations.
	TrainBytes int64
}

// Catalog is what the model chooser offers to download, smallest first; the first is the
// default real model. All are Qwen2-architecture models the engine runs, the ones rl-swarm's
// small pool uses.
var Catalog = []Known{
	{ID: "Qwen/Qwen2.5-0.5B-Instruct", About: "the swarm's standard small model (rl-swarm's default)", DownloadBytes: 988e6, TrainBytes: 9e9},
	{ID: "Gensyn/Qwen2.5-0.5B-Instruct", About: "Gensyn's copy of the same model, as rl-swarm's reasoning swarm uses", DownloadBytes: 988e6, TrainBytes: 9e9},
	{ID: "Qwen/Qwen2.5-Coder-0.5B-Instruct", About: "the small coding model (rl-swarm's CodeZero swarm)", DownloadBytes: 988e6, TrainBytes: 9e9},
	{ID: "Qwen/Qwen2.5-1.5B-Instruct", About: "three times larger: better answers, needs a big computer", DownloadBytes: 3.09e9, TrainBytes: 27e9},
}

// CheckFolder says whether dir is a model folder the engine can load (the Hugging Face layout:
// config.json of a Qwen2 model, tokenizer.json and safetensors weights), and if not, what is
// missing, in a sentence a person can act on.
func CheckFolder(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return fmt.Errorf("%s has no config.json: pick the folder of a Hugging Face model (the one holding config.json, tokenizer.json and *.safetensors)", dir)
	}
	var cfg struct {
		ModelType     string   `json:"model_type"`
		Architectures []string `json:"architectures"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return fmt.Errorf("%s: config.json is not valid JSON: %v", dir, err)
	}
	if cfg.ModelType != "qwen2" {
		return fmt.Errorf("%s holds a %q model; swarmdesk trains Qwen2-family models (model_type qwen2), such as Qwen/Qwen2.5-0.5B-Instruct", dir, cfg.ModelType)
	}
	if _, err := os.Stat(filepath.Join(dir, "tokenizer.json")); err != nil {
		return fmt.Errorf("%s has no tokenizer.json: copy it from the model's Hugging Face page into the folder", dir)
	}
	if w, _ := filepath.Glob(filepath.Join(dir, "*.safetensors")); len(w) == 0 {
		return fmt.Errorf("%s has no *.safetensors weights: swarmdesk reads safetensors, not PyTorch .bin files", dir)
	}
	return nil
}

// Cached is a model found in the Hugging Face cache.
type Cached struct {
	ID    string // hub id, org/name
	Dir   string // the snapshot folder of its main revision
	Bytes int64  // size of its weights
}

// ScanCache lists the Qwen2 models in the hub cache (models--org--name folders) whose main
// revision is complete enough to load, sorted by id; cacheDir missing means none. Partial or
// other models are left out.
func ScanCache(cacheDir string) ([]Cached, error) {
	entries, err := os.ReadDir(cacheDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the Hugging Face cache %s: %w", cacheDir, err)
	}
	var out []Cached
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), "models--")
		if !ok || !e.IsDir() {
			continue
		}
		org, repo, ok := strings.Cut(name, "--")
		if !ok {
			continue
		}
		id := org + "/" + repo
		dir, err := hub.LocalSnapshot(id, hub.Options{CacheDir: cacheDir, Offline: true})
		if err != nil || CheckFolder(dir) != nil {
			continue
		}
		out = append(out, Cached{ID: id, Dir: dir, Bytes: WeightBytes(dir)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
