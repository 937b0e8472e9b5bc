package hub

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLinkNestedAndRelink checks relative symlinks for nested files and
// that a stale pointer is replaced.
func TestLinkNestedAndRelink(t *testing.T) {
	cache := t.TempDir()
	c := newCacheRepo(cache, "org/name")
	commit := "0123456789abcdef0123456789abcdef01234567"
	if err := os.MkdirAll(filepath.Dir(c.blob("e1")), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.blob("e1"), []byte("weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.link(commit, "a/b.bin", "e1"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(c.pointer(commit, "a/b.bin"))
	if err != nil || string(got) != "weights" {
		t.Fatalf("pointer content %q, %v", got, err)
	}
	if target, err := os.Readlink(c.pointer(commit, "a/b.bin")); err == nil {
		if want := filepath.Join("..", "..", "..", "blobs", "e1"); target != want {
			t.Errorf("nested symlink -> %s, want %s", target, want)
		}
	}
	// Re-linking replaces a stale pointer instead of failing.
	if err := os.WriteFile(c.blob("e2"), []byte("v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.link(commit, "a/b.bin", "e2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(c.pointer(commit, "a/b.bin")); string(got) != "v2" {
		t.Errorf("relinked content %q", got)
	}
	if !c.cachedFile(commit, "a/b.bin") || c.cachedFile(commit, "missing") {
		t.Error("cachedFile misreports")
	}
}

// TestLinkFallbackWithoutSymlinks: where Symlink fails (Windows without
// developer mode) the blob is moved into the snapshot, and a full
// Download still produces readable files that a second run reuses.
func TestLinkFallbackWithoutSymlinks(t *testing.T) {
	isolateEnv(t)
	symlink = func(string, string) error { return errors.New("symlinks not supported") }
	t.Cleanup(func() { symlink = os.Symlink })
	h := newFakeHub(t)
	cache := t.TempDir()
	opt := testOptions(h, cache)
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range wantFiles {
		p := filepath.Join(dir, name)
		st, err := os.Lstat(p)
		if err != nil || !st.Mode().IsRegular() {
			t.Fatalf("%s: want a regular file, got %v, %v", name, st, err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, h.files[name]) {
			t.Errorf("%s: content differs", name)
		}
	}
	h.resetLog()
	if _, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt); err != nil {
		t.Fatal(err)
	}
	if got := h.requests("/resolve/"); len(got) != 0 {
		t.Errorf("second run re-fetched: %v", got)
	}
}
