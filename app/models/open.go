package models

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/engine/hub"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
)

// FromEnv is where this process finds models: the Hugging Face hub cache it shares with Python
// tools and whether the hub may be asked (HF_HUB_OFFLINE), both read from getenv (nil means
// os.Getenv); offline forces the cache only. demoDir is where the built-in demo model is made.
// Every caller in the app starts from here, so the CLI, the desktop session and doctor look in
// the same place.
func FromEnv(getenv func(string) string, demoDir string, offline bool) Options {
	if getenv == nil {
		getenv = os.Getenv
	}
	home, _ := os.UserHomeDir()
	return Options{
		Offline:  offline || hub.OfflineFor(getenv),
		CacheDir: hub.CacheDirFor(getenv, home),
		DemoDir:  demoDir,
	}
}

// Loaded is an opened model: the folder it came from, its weights and its tokenizer.
type Loaded struct {
	Dir       string
	Model     *qwen2.Model
	Tokenizer *tokenizer.Tokenizer // nil with OpenOptions.NoTokenizer
}

// OpenOptions tune Open.
type OpenOptions struct {
	Options
	// NoTokenizer skips tokenizer.json (callers that feed token ids themselves).
	NoTokenizer bool
	// Load is qwen2.LoadOptions for the weights (its Progress reports tensor bytes).
	Load qwen2.LoadOptions
	// Prepare, if set, is called with the model's folder once it is found and before anything
	// is read; it may return a loader to use instead of qwen2.Load (a node's memory plan does).
	Prepare func(dir string) (func(dir string, lo qwen2.LoadOptions) (*qwen2.Model, error), error)
}

// Open resolves name (Resolve: the demo, a folder or a hub id, downloaded on first use) and
// loads its tokenizer and weights. Every command and the desktop session open models here.
func Open(ctx context.Context, name string, o OpenOptions) (Loaded, error) {
	dir, err := Resolve(ctx, name, o.Options)
	if err != nil {
		return Loaded{}, err
	}
	load := qwen2.Load
	if o.Prepare != nil {
		l, err := o.Prepare(dir)
		if err != nil {
			return Loaded{}, err
		}
		if l != nil {
			load = l
		}
	}
	out := Loaded{Dir: dir}
	if !o.NoTokenizer {
		if out.Tokenizer, err = tokenizer.Load(filepath.Join(dir, "tokenizer.json")); err != nil {
			return Loaded{}, fmt.Errorf("load the tokenizer of %s: %w", name, err)
		}
	}
	if out.Model, err = load(dir, o.Load); err != nil {
		return Loaded{}, fmt.Errorf("load %s: %w", name, err)
	}
	return out, nil
}
