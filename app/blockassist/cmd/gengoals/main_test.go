package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The generator's output must equal the committed catalog, byte for byte:
// re-running it is safe and the assets are never edited by hand silently.
func TestOutputMatchesCommittedAssets(t *testing.T) {
	dir := t.TempDir()
	stdout := os.Stdout
	devnull, _ := os.Open(os.DevNull)
	os.Stdout = devnull
	err := run(dir)
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	written, _ := filepath.Glob(filepath.Join(dir, "*.goal"))
	committed, _ := filepath.Glob(filepath.Join("..", "..", "..", "..", "assets", "goals", "*.goal"))
	if len(written) != len(committed) || len(written) < 20 {
		t.Fatalf("wrote %d goals, %d committed: run go run ./app/blockassist/cmd/gengoals", len(written), len(committed))
	}
	for _, w := range written {
		a, _ := os.ReadFile(w)
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "assets", "goals", filepath.Base(w)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the committed file: regenerate and commit", filepath.Base(w))
		}
	}
}
