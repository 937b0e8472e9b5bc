// Package models finds the policy model on disk: a local folder as it is, or a Hugging Face hub
// id fetched into the shared hub cache (so Python tools and swarmdesk reuse each other's files).
package models

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/engine/hub"
	"github.com/swarmdesk/swarmdesk/platform"
)

// Options tune Resolve.
type Options struct {
	Offline  bool               // use the cache only
	Progress func(hub.Progress) // download progress
	Endpoint string             // hub URL (tests)
	CacheDir string             // default: platform.HFHubCache()
}

// Resolve returns a folder holding config.json, tokenizer.json and the weights for name, which is
// either a folder or a hub id `org/name[@revision]`.
func Resolve(ctx context.Context, name string, o Options) (string, error) {
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		if _, err := os.Stat(filepath.Join(name, "config.json")); err != nil {
			return "", fmt.Errorf("model folder %s has no config.json: point at a Hugging Face model folder", name)
		}
		return name, nil
	}
	cache := o.CacheDir
	if cache == "" {
		cache = platform.HFHubCache()
	}
	opt := hub.Options{Endpoint: o.Endpoint, CacheDir: cache, Offline: o.Offline, Progress: o.Progress}
	dir, err := hub.Download(ctx, name, opt)
	if err != nil {
		return "", fmt.Errorf("model %s: %w", name, err)
	}
	return dir, nil
}
