// Package atomicfile replaces files so that readers, and the program after a
// crash or power loss, see either the old file or the new one, never a torn
// one: data goes to a temporary file beside the target, is flushed to disk,
// renamed over the target, and the folder is flushed too.
//
// It is the one implementation of that pattern in the module: the engine
// (model and checkpoint writers, the hub cache) and the app (secrets,
// settings, chain state, through platform.WriteFileAtomic) both use it, and
// it sits under internal/ because the engine may not import app-side
// packages.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// File is a temporary file that takes the place of its target only on
// Commit. Write to it like any *os.File.
type File struct {
	*os.File
	path string
	done bool
}

// Create starts replacing path (whose folder must exist) with a new file of
// mode perm.
func Create(path string, perm os.FileMode) (*File, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil && runtime.GOOS != "windows" {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &File{File: tmp, path: path}, nil
}

// Commit flushes the data to disk and renames it over the target, then
// flushes the folder. On error the target is untouched and the temporary
// file is gone.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("write %s: already committed or aborted", f.path)
	}
	f.done = true
	name := f.Name()
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, f.path)
	}
	if err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	return SyncDir(filepath.Dir(f.path))
}

// Abort drops the temporary file; after Commit it does nothing, so it can be
// deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	_ = f.Close()
	_ = os.Remove(f.Name())
}

// WriteFile replaces path with data (see Create and Commit).
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// SyncDir makes renames and creations inside dir durable. Windows cannot
// flush a folder (FlushFileBuffers refuses directory handles) and makes
// renames durable through its journal, so there it does nothing.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
