package train

import (
	"errors"
)

// Checkpoint errors, for callers that decide what to do next with errors.Is.
var (
	// ErrNoCheckpoint: the folder holds no checkpoint (start from the base model).
	ErrNoCheckpoint = errors.New("no checkpoint")
	// ErrBadCheckpoint: a file is missing, truncated or corrupted.
	ErrBadCheckpoint = errors.New("damaged checkpoint")
	// ErrIncompatibleCheckpoint: the checkpoint belongs to another model
	// architecture, holds LoRA adapters for a full fine-tune (or the
	// reverse), or adapters with other LoRA settings.
	ErrIncompatibleCheckpoint = errors.New("incompatible checkpoint")
)

// Names inside a checkpoint folder.
const (
	latestName   = "latest"
	manifestName = "manifest.json"
	configName   = "config.json"
	modelName    = "model.safetensors"
	adapterName  = "adapter_model.safetensors" // PEFT's names, for LoRA runs
	adapterCfg   = "adapter_config.json"
	optimName    = "optimizer.safetensors"
	stateName    = "trainer_state.json"

	manifestFormat  = "swarmdesk-train-checkpoint"
	manifestVersion = 1
	maxManifestSize = 1 << 20
	maxStateSize    = 256 << 20

	kindFull = "full" // every weight of the model
	kindLoRA = "lora" // only the LoRA adapters; the base model stays as loaded

	tmpPrefix = ".tmp-" // a Save in progress (or one that crashed)
	oldPrefix = ".old-" // a checkpoint being replaced by a Save of the same step
)

// Optimizer tensors are named after the parameter they belong to, with
// torch's state names as suffixes.
const (
	expAvgSuffix   = ".exp_avg"
	expAvgSqSuffix = ".exp_avg_sq"
)

// manifest lists every file of a checkpoint with its size and hash. It is
// written last, so a folder without one is an interrupted save.
type manifest struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Step    int64           `json:"step"`
	Kind    string          `json:"kind"` // kindFull or kindLoRA
	Files   []manifestEntry `json:"files"`
}

type manifestEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// saveHook, when set by tests, runs after each stage of Save; an error it
// returns aborts the save there (simulating a full disk or an I/O error).
var saveHook func(stage string) error

func runHook(stage string) error {
	if saveHook == nil {
		return nil
	}
	return saveHook(stage)
}
