package platform

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/internal/atomicfile"
)

// WriteFileAtomic replaces path with data so that readers — and the app after a crash or power
// loss — see either the old file or the new one, never a torn one: it writes a temporary file
// beside path, flushes it to disk, renames it over path and flushes the folder. The folder is
// created (owner-only) if missing.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, data, perm)
}
