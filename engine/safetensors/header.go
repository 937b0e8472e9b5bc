package safetensors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
)

// MaxHeaderSize bounds the JSON header. Real checkpoints use a few hundred
// KB; the limit stops a corrupt length prefix from making us allocate or map
// gigabytes before we notice the file is bad.
const MaxHeaderSize = 100_000_000

// metadataKey is the reserved header key for free-form string metadata.
const metadataKey = "__metadata__"

// tensorInfo is one validated header entry; begin/end are relative to the
// start of the data section.
type tensorInfo struct {
	name       string
	dtype      DType
	shape      []int
	begin, end int64
}

type headerEntry struct {
	DType   DType    `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets []uint64 `json:"data_offsets"`
}

// parseHeader decodes and validates a header against a data section of
// dataLen bytes. Entries come back in header order. Errors name the file
// and, where one is involved, the tensor.
func parseHeader(file string, raw []byte, dataLen int64) ([]tensorInfo, map[string]string, error) {
	corrupt := func(format string, a ...any) error {
		return fmt.Errorf("%s: corrupt safetensors header: %s; the file is damaged or not a safetensors file, re-download or re-export it", file, fmt.Sprintf(format, a...))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, nil, corrupt("header is not a JSON object")
	}
	var (
		infos []tensorInfo
		meta  map[string]string
		seen  = map[string]bool{}
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, corrupt("invalid JSON: %v", err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, nil, corrupt("invalid JSON key %v", tok)
		}
		if seen[name] {
			return nil, nil, corrupt("duplicate entry %q", name)
		}
		seen[name] = true
		if name == metadataKey {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, corrupt("__metadata__ must map strings to strings: %v", err)
			}
			continue
		}
		var e headerEntry
		if err := dec.Decode(&e); err != nil {
			return nil, nil, corrupt("tensor %q: %v", name, err)
		}
		info, err := e.validate(name, dataLen)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		infos = append(infos, info)
	}
	if _, err := dec.Token(); err != nil { // closing brace
		return nil, nil, corrupt("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, corrupt("unexpected data after the JSON object")
	}
	if err := checkOverlap(infos); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	return infos, meta, nil
}

// validate checks one entry in isolation: known dtype, sane shape, offsets
// inside the data section and a byte range that matches shape × dtype.
func (e headerEntry) validate(name string, dataLen int64) (tensorInfo, error) {
	bad := func(format string, a ...any) (tensorInfo, error) {
		return tensorInfo{}, fmt.Errorf("tensor %q: %s; the file is truncated or corrupt, re-download it", name, fmt.Sprintf(format, a...))
	}
	if name == "" {
		return bad("empty tensor name")
	}
	if e.DType == "" {
		return bad("missing dtype")
	}
	size := e.DType.Size()
	if size == 0 {
		return tensorInfo{}, fmt.Errorf("tensor %q: unsupported dtype %q (this reader knows BOOL, U8, I8, F8_*, I16, U16, F16, BF16, I32, U32, F32, I64, U64, F64)", name, e.DType)
	}
	if e.Shape == nil {
		return bad("missing shape")
	}
	if len(e.Offsets) != 2 {
		return bad("data_offsets must have 2 entries, got %d", len(e.Offsets))
	}
	n, ok := numElements(e.Shape)
	if !ok || n > math.MaxInt/size {
		return bad("invalid shape %v", e.Shape)
	}
	begin, end := e.Offsets[0], e.Offsets[1]
	if begin > end {
		return bad("data_offsets [%d, %d] are reversed", begin, end)
	}
	if end > uint64(dataLen) {
		return bad("data_offsets end %d is past the end of the data (%d bytes)", end, dataLen)
	}
	if want := uint64(n) * uint64(size); end-begin != want {
		return bad("has %d bytes but shape %v of %s needs %d", end-begin, e.Shape, e.DType, want)
	}
	return tensorInfo{name: name, dtype: e.DType, shape: e.Shape, begin: int64(begin), end: int64(end)}, nil
}

// checkOverlap rejects tensors whose byte ranges share bytes; aliased
// tensors would make in-place updates of one silently change another.
// Empty tensors occupy no bytes and never overlap.
func checkOverlap(infos []tensorInfo) error {
	order := make([]int, 0, len(infos))
	for i, t := range infos {
		if t.end > t.begin {
			order = append(order, i)
		}
	}
	sort.Slice(order, func(a, b int) bool { return infos[order[a]].begin < infos[order[b]].begin })
	for k := 1; k < len(order); k++ {
		prev, cur := infos[order[k-1]], infos[order[k]]
		if cur.begin < prev.end {
			return fmt.Errorf("tensor %q bytes [%d, %d) overlap tensor %q bytes [%d, %d); the file is corrupt", cur.name, cur.begin, cur.end, prev.name, prev.begin, prev.end)
		}
	}
	return nil
}

// errNotSafetensors is wrapped when the length prefix is implausible.
var errNotSafetensors = errors.New("not a safetensors file")
