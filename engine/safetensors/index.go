package safetensors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// maxIndexSize bounds the index JSON; real ones are well under 1 MB.
const maxIndexSize = 64 << 20

type indexJSON struct {
	Metadata  map[string]json.RawMessage `json:"metadata"`
	WeightMap map[string]string          `json:"weight_map"`
}

// openIndex opens every shard named by a model.safetensors.index.json and
// checks that the index and the shards agree, so a missing or stale shard is
// reported up front rather than as a missing weight deep inside the model.
func openIndex(path string) (*Set, error) {
	raw, err := readIndex(path)
	if err != nil {
		return nil, err
	}
	var idx indexJSON
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("%s: invalid index JSON: %w; re-download the model", path, err)
	}
	if len(idx.WeightMap) == 0 {
		return nil, fmt.Errorf("%s: index has no weight_map entries; re-download the model", path)
	}
	shards := map[string]bool{}
	for name, shard := range idx.WeightMap {
		if shard == "" || filepath.Base(shard) != shard || shard == "." || shard == ".." {
			return nil, fmt.Errorf("%s: tensor %q maps to invalid shard name %q (must be a plain file name)", path, name, shard)
		}
		shards[shard] = true
	}
	names := make([]string, 0, len(shards))
	for n := range shards {
		names = append(names, n)
	}
	sort.Strings(names)

	dir := filepath.Dir(path)
	s := &Set{byName: map[string]located{}, meta: map[string]string{}}
	for _, shard := range names {
		f, err := openFile(filepath.Join(dir, shard))
		if err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("%s: shard: %w", path, err)
		}
		for _, t := range f.tensors {
			if prev, dup := s.byName[t.name]; dup {
				_ = f.close()
				_ = s.Close()
				return nil, fmt.Errorf("%s: tensor %q appears in both %s and %s", path, t.name, prev.f.path, f.path)
			}
		}
		s.add(f)
	}
	for name, shard := range idx.WeightMap {
		l, ok := s.byName[name]
		if !ok || filepath.Base(l.f.path) != shard {
			_ = s.Close()
			return nil, fmt.Errorf("%s: index says tensor %q is in %s but that shard does not contain it; the download is incomplete or mixed, re-download the model", path, name, shard)
		}
	}
	for k, v := range idx.Metadata {
		var str string
		if err := json.Unmarshal(v, &str); err == nil {
			s.meta[k] = str
		} else {
			s.meta[k] = string(bytes.TrimSpace(v))
		}
	}
	return s, nil
}

func readIndex(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if st.Size() > maxIndexSize {
		return nil, fmt.Errorf("%s: index is %d bytes, over the %d byte limit; the file is corrupt", path, st.Size(), maxIndexSize)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	return raw, nil
}
