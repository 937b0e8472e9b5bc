package platform

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileAtomicLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	for i := range 3 {
		if err := WriteFileAtomic(p, []byte{byte(i)}, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("folder holds %d entries, want only the file", len(ents))
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, []byte{2}) {
		t.Fatalf("content = %v", got)
	}
}
