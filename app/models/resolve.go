// Package models finds the policy model on disk: a local folder as it is, or a Hugging Face hub
// id fetched into the shared hub cache (so Python tools and swarmdesk reuse each other's files).
package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/engine/hub"
)

// Options tune Resolve.
type Options struct {
	Offline  bool               // use the cache only
	Progress func(hub.Progress) // download progress
	Endpoint string             // hub URL (tests)
	CacheDir string             // default: hub.CacheDir()
	// DemoDir is where the built-in demo model (DemoName) is made and kept: the app's cache
	// folder. Required for the demo.
	DemoDir string
}

// ErrNoInternet says the hub could not be reached at all (no connection, no DNS), as opposed to
// an answer from it: the window then offers the demo model, a model folder and the models
// already in the Hugging Face cache instead of the same download again.
var ErrNoInternet = hub.ErrNetwork

// Resolve returns a folder holding config.json, tokenizer.json and the weights for name, which is
// the built-in demo (DemoName), a folder, or a hub id `org/name[@revision]`.
func Resolve(ctx context.Context, name string, o Options) (string, error) {
	if IsDemo(name) {
		if o.DemoDir == "" {
			return "", fmt.Errorf("the demo model needs a cache folder (models.Options.DemoDir)")
		}
		return EnsureDemo(o.DemoDir, nil)
	}
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		if _, err := os.Stat(filepath.Join(name, "config.json")); err != nil {
			return "", fmt.Errorf("model folder %s has no config.json: point at a Hugging Face model folder", name)
		}
		return name, nil
	}
	cache := o.CacheDir
	if cache == "" {
		cache = hub.CacheDir()
	}
	opt := hub.Options{Endpoint: o.Endpoint, CacheDir: cache, Offline: o.Offline, Progress: o.Progress}
	dir, err := hub.Download(ctx, name, opt)
	if errors.Is(err, hub.ErrNetwork) {
		return "", fmt.Errorf("model %s: %w; this computer seems to be offline: use the built-in demo model (model.name = %s), a model folder, or a model already in the Hugging Face cache (%s)", name, err, DemoName, cache)
	}
	if err != nil {
		return "", fmt.Errorf("model %s: %w", name, err)
	}
	return dir, nil
}
