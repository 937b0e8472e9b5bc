package secrets

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// LoadOrMigrate returns the secret stored under key. When the store has none but the plain
// file at path exists (how older versions kept some keys), the file's bytes are checked, put
// into the store, read back and compared, and only then is the file removed — so a failure at
// any step leaves the key where it was, never lost. It returns ErrNotFound when neither holds
// the key. check rejects a damaged file before anything is moved.
func LoadOrMigrate(s Store, key, path string, check func([]byte) error) (value []byte, migrated bool, err error) {
	v, err := s.Get(key)
	if err == nil {
		return v, false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, false, fmt.Errorf("read %s from %s: %w", key, s.Location(), err)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, ErrNotFound
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	if err := check(data); err != nil {
		return nil, false, fmt.Errorf("%s is damaged, so it was not moved into %s (restore it from a backup): %w", path, s.Location(), err)
	}
	if err := s.Set(key, data); err != nil {
		return nil, false, fmt.Errorf("move %s into %s: %w (the file is kept)", path, s.Location(), err)
	}
	back, err := s.Get(key)
	if err != nil || !bytes.Equal(back, data) {
		return nil, false, fmt.Errorf("move %s into %s: the stored copy does not read back (%v); the file is kept", path, s.Location(), err)
	}
	if err := os.Remove(path); err != nil {
		// The key is safe in the store; the file is only a leftover copy.
		return data, true, fmt.Errorf("moved %s into %s but could not delete the file (delete it by hand): %w", path, s.Location(), err)
	}
	return data, true, nil
}
