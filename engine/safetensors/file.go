package safetensors

import (
	"encoding/binary"
	"fmt"
	"os"
)

// file is one opened .safetensors file: its mapping (or buffer), the data
// section and the validated tensor table.
type file struct {
	path    string
	buf     []byte // whole file contents (mapped or read)
	unmap   func() error
	mapped  bool   // buf is a memory map (its pages can be dropped, see Set.Release)
	data    []byte // buf after the header
	tensors []tensorInfo
	meta    map[string]string
}

// openFile maps path and validates its header. On error nothing stays
// mapped or open.
func openFile(path string) (*file, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open safetensors: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	size := st.Size()
	if size < 8 {
		return nil, fmt.Errorf("%s: %w: only %d bytes (need at least the 8-byte header length); re-download it", path, errNotSafetensors, size)
	}
	var prefix [8]byte
	if _, err := f.ReadAt(prefix[:], 0); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("%s: %w: header length %d exceeds the %d byte limit; the file is corrupt", path, errNotSafetensors, n, MaxHeaderSize)
	}
	if n < 2 {
		return nil, fmt.Errorf("%s: %w: header length %d is too small", path, errNotSafetensors, n)
	}
	if int64(n) > size-8 {
		return nil, fmt.Errorf("%s: file truncated: header says %d bytes but only %d follow; re-download it", path, n, size-8)
	}
	buf, unmap, mapped, err := mapFile(f, size)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", path, err)
	}
	out := &file{path: path, buf: buf, unmap: unmap, mapped: mapped, data: buf[8+n:]}
	out.tensors, out.meta, err = parseHeader(path, buf[8:8+n], int64(len(out.data)))
	if err != nil {
		_ = unmap()
		return nil, err
	}
	return out, nil
}

// tensor returns the view for one validated entry.
func (f *file) tensor(t tensorInfo) Tensor {
	return Tensor{Name: t.name, DType: t.dtype, Shape: t.shape, Data: f.data[t.begin:t.end:t.end]}
}

func (f *file) close() error {
	if f.unmap == nil {
		return nil
	}
	err := f.unmap()
	f.unmap, f.buf, f.data = nil, nil, nil
	if err != nil {
		return fmt.Errorf("unmap %s: %w", f.path, err)
	}
	return nil
}
