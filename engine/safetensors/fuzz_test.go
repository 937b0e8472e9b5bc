package safetensors

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen feeds arbitrary header bytes (with a small data section) through
// Open: it must return a Set or an error, never panic, and every tensor it
// accepts must be convertible or rejected cleanly.
func FuzzOpen(f *testing.F) {
	f.Add([]byte(`{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`), []byte("12345678"))
	f.Add([]byte(`{"a":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[],"data_offsets":[8,10]}}`), []byte("0123456789"))
	f.Add([]byte(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}`), []byte("12345678"))
	f.Add([]byte(`{"a":{"dtype":"I8","shape":[0],"data_offsets":[0,0]}}`), []byte{})
	f.Add([]byte(`{`), []byte{})
	f.Add([]byte{0xff, 0xfe}, []byte{1})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, header, data []byte) {
		p := filepath.Join(dir, "f.safetensors")
		if err := os.WriteFile(p, rawFile(string(header), data), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(p)
		if err != nil {
			return
		}
		defer s.Close()
		for _, n := range s.Names() {
			x, ok := s.Tensor(n)
			if !ok {
				t.Fatalf("listed tensor %q missing", n)
			}
			if x.NumElements()*x.DType.Size() != len(x.Data) {
				t.Fatalf("tensor %q: size invariant broken", n)
			}
			_, _ = x.Float32()
			_, _ = x.BF16()
		}
	})
}
