package testmodel

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Shared is one tiny model folder written on first use and reused by every test of a test
// binary (writing it per test would cost each test a model's worth of disk and time). Declare
// it as a package variable and call Remove from TestMain after m.Run.
type Shared struct {
	Config Tiny
	Seed   uint64

	once sync.Once
	dir  string
	err  error
}

// Dir writes the model the first time and returns its folder.
func (s *Shared) Dir() (string, error) {
	s.once.Do(func() {
		root, err := os.MkdirTemp("", "swarmdesk-testmodel-")
		if err != nil {
			s.err = fmt.Errorf("shared test model: %w", err)
			return
		}
		s.dir = filepath.Join(root, "tiny")
		s.err = Write(s.dir, s.Config, s.Seed)
	})
	return s.dir, s.err
}

// Remove deletes the folder, if Dir made one.
func (s *Shared) Remove() error {
	if s.dir == "" {
		return nil
	}
	return os.RemoveAll(filepath.Dir(s.dir))
}
