package safetensors

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// IndexFile is the standard name of a sharded checkpoint's index, as written
// by transformers' save_pretrained.
const IndexFile = "model.safetensors.index.json"

// Set is one safetensors file or a sharded checkpoint seen as a single
// name → tensor table. Tensors returned by a Set are read-only views into
// mapped files and are valid until Close (writing to them, or truncating
// the file while mapped, crashes the process). Lookups are safe for
// concurrent use; Close must not race with them.
type Set struct {
	files  []*file
	byName map[string]located
	meta   map[string]string
}

type located struct {
	f    *file
	info tensorInfo
}

// Open opens a checkpoint. path may be a .safetensors file, a
// model.safetensors.index.json, or a model directory holding either (the
// index wins, then model.safetensors, then a lone *.safetensors file).
func Open(path string) (*Set, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open checkpoint: %w", err)
	}
	if st.IsDir() {
		path, err = findInDir(path)
		if err != nil {
			return nil, err
		}
	}
	if strings.HasSuffix(path, ".json") {
		return openIndex(path)
	}
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	s := &Set{byName: map[string]located{}, meta: map[string]string{}}
	s.add(f)
	return s, nil
}

// findInDir picks the checkpoint entry point inside a model directory.
func findInDir(dir string) (string, error) {
	for _, name := range []string{IndexFile, "model.safetensors"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	matches, err := filepath.Glob(filepath.Join(dir, "*.safetensors"))
	if err != nil {
		return "", fmt.Errorf("scan %s: %w", dir, err)
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return "", fmt.Errorf("%s: no %s or *.safetensors file found; download the model first", dir, IndexFile)
	default:
		return "", fmt.Errorf("%s: %d *.safetensors files but no %s; pass the file to load explicitly", dir, len(matches), IndexFile)
	}
}

// add registers a file's tensors; callers have already checked names are
// unique across files.
func (s *Set) add(f *file) {
	s.files = append(s.files, f)
	for _, t := range f.tensors {
		s.byName[t.name] = located{f, t}
	}
	for k, v := range f.meta {
		if _, ok := s.meta[k]; !ok {
			s.meta[k] = v
		}
	}
}

// Tensor looks a tensor up by its full name.
func (s *Set) Tensor(name string) (Tensor, bool) {
	l, ok := s.byName[name]
	if !ok || l.f.data == nil {
		return Tensor{}, false
	}
	return l.f.tensor(l.info), true
}

// Names lists every tensor name, sorted, so callers get a stable order
// regardless of how shards were laid out.
func (s *Set) Names() []string {
	out := make([]string, 0, len(s.byName))
	for n := range s.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Metadata returns the merged __metadata__ of all files plus, for sharded
// sets, the index's "metadata" entries (non-string values as JSON text).
// The map is a copy.
func (s *Set) Metadata() map[string]string {
	out := make(map[string]string, len(s.meta))
	for k, v := range s.meta {
		out[k] = v
	}
	return out
}

// Close unmaps every file. Tensor data obtained from the Set must not be
// used afterwards.
func (s *Set) Close() error {
	var errs []error
	for _, f := range s.files {
		if err := f.close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
