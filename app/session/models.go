package session

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/engine/hub"
)

// Choosing the model (the window's model chooser; the CLI sets model.name). Three ways besides
// the built-in demo: download one of models.Catalog into the Hugging Face cache, pick a model
// folder, or pick a model already in the cache.

// DownloadProgress is one update of a model download: the file under way and its bytes.
type DownloadProgress struct {
	File                 string
	FileIndex, FileCount int
	Done, Total          int64 // Total is -1 when the server did not say
}

// HubCache is the Hugging Face hub cache this computer shares with Python tools.
func (s *Session) HubCache() string {
	return s.modelOptions().CacheDir
}

// CachedModels lists the loadable Qwen2 models in the Hugging Face cache.
func (s *Session) CachedModels() ([]models.Cached, error) { return models.ScanCache(s.HubCache()) }

// DownloadModel fetches a hub model into the cache. Cancelling ctx pauses it: what arrived is
// kept, and the next call for the same model resumes where it stopped. An unreachable hub gives
// an error that wraps models.ErrNoInternet.
func (s *Session) DownloadModel(ctx context.Context, id string, progress func(DownloadProgress)) error {
	if models.IsDemo(id) {
		return nil
	}
	_, err := models.Resolve(ctx, id, models.Options{CacheDir: s.HubCache(), Progress: func(p hub.Progress) {
		if progress != nil {
			progress(DownloadProgress{File: p.File, FileIndex: p.FileIndex, FileCount: p.FileCount, Done: p.Done, Total: p.Total})
		}
	}})
	if err != nil {
		s.log.Warn("model download stopped", "model", id, "reason", err.Error())
	}
	return err
}

// UseModel saves model.name (the demo, a hub id or a folder, which must be loadable) in
// config.toml; it takes effect when the node next starts.
func (s *Session) UseModel(name string) error {
	name = strings.TrimSpace(name)
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		if err := models.CheckFolder(name); err != nil {
			return err
		}
	}
	if _, err := s.SaveSetting("model.name", name); err != nil {
		return fmt.Errorf("save the model choice: %w", err)
	}
	return nil
}
