package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/swarmdesk/swarmdesk/internal/atomicfile"
)

// Write stores tensors and metadata at path in the layout Python's
// safetensors expects: 8-byte LE header length, a JSON header starting with
// __metadata__, space padding to an 8-byte boundary, then the tensor bytes
// back to back with no holes, in header order.
//
// Like the reference writer, tensors are ordered by element size
// (largest first; the caller's order is kept within a size) so every tensor
// starts at an offset aligned to its element size, which lets mmap readers
// view the data in place.
//
// The file is written to a temporary file in the same directory, fsynced and
// renamed over path, so a crash mid-save never leaves a half-written
// checkpoint where a good one used to be.
func Write(path string, tensors []Tensor, metadata map[string]string) (err error) {
	tensors = append([]Tensor(nil), tensors...)
	sort.SliceStable(tensors, func(i, j int) bool { return tensors[i].DType.Size() > tensors[j].DType.Size() })
	header, err := encodeHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	defer tmp.Abort()
	w := bufio.NewWriterSize(tmp, 1<<20)
	var prefix [8]byte
	binary.LittleEndian.PutUint64(prefix[:], uint64(len(header)))
	if _, err = w.Write(prefix[:]); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err = w.Write(header); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	for _, t := range tensors {
		if _, err = w.Write(t.Data); err != nil {
			return fmt.Errorf("write %s: tensor %q: %w", path, t.Name, err)
		}
	}
	if err = w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return tmp.Commit()
}

// encodeHeader validates tensors and builds the padded JSON header. Keys are
// emitted in a fixed order (metadata sorted, tensors in data order) so the
// same input always produces byte-identical files.
func encodeHeader(tensors []Tensor, metadata map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"__metadata__":{`)
	keys := make([]string, 0, len(metadata))
	for k := range metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, k)
		b.WriteByte(':')
		writeJSONString(&b, metadata[k])
	}
	b.WriteByte('}')
	seen := map[string]bool{}
	var offset uint64
	for _, t := range tensors {
		if t.Name == "" || t.Name == metadataKey || !utf8.ValidString(t.Name) {
			return nil, fmt.Errorf("invalid tensor name %q", t.Name)
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		if _, err := t.checkData(); err != nil {
			return nil, err
		}
		b.WriteByte(',')
		writeJSONString(&b, t.Name)
		b.WriteString(`:{"dtype":`)
		writeJSONString(&b, string(t.DType))
		b.WriteString(`,"shape":[`)
		for i, d := range t.Shape {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(d))
		}
		end := offset + uint64(len(t.Data))
		fmt.Fprintf(&b, `],"data_offsets":[%d,%d]}`, offset, end)
		offset = end
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	if b.Len() > MaxHeaderSize {
		return nil, fmt.Errorf("header of %d bytes exceeds the %d byte limit", b.Len(), MaxHeaderSize)
	}
	return b.Bytes(), nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // marshalling a string cannot fail
	b.Write(enc)
}
