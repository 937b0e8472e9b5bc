package models

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/hub"
)

func TestResolveFolder(t *testing.T) {
	dir := t.TempDir()
	if _, err := Resolve(context.Background(), dir, Options{Offline: true}); err == nil || !strings.Contains(err.Error(), "config.json") {
		t.Fatalf("folder without config.json: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "config.json"), []byte("{}"), 0o644)
	got, err := Resolve(context.Background(), dir, Options{Offline: true})
	if err != nil || got != dir {
		t.Fatalf("Resolve(%s) = %s, %v", dir, got, err)
	}
}

func TestResolveOfflineFromCache(t *testing.T) {
	cache := t.TempDir()
	_, err := Resolve(context.Background(), "Qwen/Qwen2.5-0.5B-Instruct", Options{Offline: true, CacheDir: cache})
	if !errors.Is(err, hub.ErrOffline) && !errors.Is(err, hub.ErrNotFound) {
		t.Fatalf("empty cache offline: %v", err)
	}
	// A snapshot laid out as huggingface_hub leaves it is found without the network.
	repo := filepath.Join(cache, "models--Qwen--Qwen2.5-0.5B-Instruct")
	commit := strings.Repeat("a", 40)
	snap := filepath.Join(repo, "snapshots", commit)
	os.MkdirAll(snap, 0o755)
	os.MkdirAll(filepath.Join(repo, "refs"), 0o755)
	os.WriteFile(filepath.Join(repo, "refs", "main"), []byte(commit), 0o644)
	os.WriteFile(filepath.Join(snap, "config.json"), []byte("{}"), 0o644)
	got, err := Resolve(context.Background(), "Qwen/Qwen2.5-0.5B-Instruct", Options{Offline: true, CacheDir: cache})
	if err != nil || got != snap {
		t.Fatalf("Resolve = %s, %v; want %s", got, err, snap)
	}
}
