package safetensors

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestWriteGoldenBytes pins the exact bytes for a tiny file. The expected
// layout is what Python's safetensors.numpy.save_file produces for
// {"a": np.array([1, 2], np.float32)} with metadata {"format": "pt"}:
// header JSON with __metadata__ first, padded with spaces to 8 bytes.
func TestWriteGoldenBytes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "g.safetensors")
	if err := Write(p, []Tensor{F32Tensor("a", []int{2}, []float32{1, 2})}, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	header := `{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	for len(header)%8 != 0 {
		header += " "
	}
	want := append([]byte{byte(len(header)), 0, 0, 0, 0, 0, 0, 0}, header...)
	want = append(want, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40) // 1.0f, 2.0f little-endian
	if !bytes.Equal(got, want) {
		t.Errorf("file bytes\n got %q\nwant %q", got, want)
	}
	if len(header) != 88 {
		t.Errorf("header len %d, want 88 (8-aligned)", len(header))
	}
}

func TestRoundTrip(t *testing.T) {
	vals := []float32{0, 1, -1, 0.1, 3.14159, 1e-3, -65504, 7}
	ts := []Tensor{
		F32Tensor("model.embed_tokens.weight", []int{2, 4}, vals),
		BF16Tensor("model.norm.weight", []int{8}, vals),
		F16Tensor("lm_head.weight", []int{4, 2}, vals),
		F32Tensor("scalar", []int{}, []float32{42}),
		F32Tensor("empty", []int{0, 3}, nil),
		{Name: "ids", DType: "I64", Shape: []int{1}, Data: []byte{5, 0, 0, 0, 0, 0, 0, 0}},
	}
	meta := map[string]string{"format": "pt", "note": "quote\" and \\ and ünicode"}
	p := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Write(p, ts, meta); err != nil {
		t.Fatal(err)
	}
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !reflect.DeepEqual(s.Metadata(), meta) {
		t.Errorf("metadata %v, want %v", s.Metadata(), meta)
	}
	wantNames := []string{"empty", "ids", "lm_head.weight", "model.embed_tokens.weight", "model.norm.weight", "scalar"}
	if !reflect.DeepEqual(s.Names(), wantNames) {
		t.Errorf("names %v, want %v", s.Names(), wantNames)
	}
	for _, w := range ts {
		g, ok := s.Tensor(w.Name)
		if !ok {
			t.Fatalf("missing %s", w.Name)
		}
		if g.DType != w.DType || !reflect.DeepEqual(g.Shape, w.Shape) || !bytes.Equal(g.Data, w.Data) {
			t.Errorf("%s: got %s %v %x, want %s %v %x", w.Name, g.DType, g.Shape, g.Data, w.DType, w.Shape, w.Data)
		}
	}
	// Float32 against the float64 reference of each dtype's rounding.
	for _, tc := range []struct {
		name string
		tol  float64 // relative
	}{{"model.embed_tokens.weight", 0}, {"model.norm.weight", 1.0 / 256}, {"lm_head.weight", 1.0 / 2048}} {
		g, _ := s.Tensor(tc.name)
		f, err := g.Float32()
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if d := math.Abs(float64(f[i]) - float64(v)); d > tc.tol*math.Abs(float64(v)) {
				t.Errorf("%s[%d] = %v, want %v (tol %v)", tc.name, i, f[i], v, tc.tol)
			}
		}
	}
	if _, err := mustTensor(t, s, "ids").Float32(); err == nil {
		t.Error("Float32 on I64 should fail")
	} else {
		mustContain(t, err, "I64", "ids")
	}
	if _, ok := s.Tensor("nope"); ok {
		t.Error("unexpected tensor")
	}
}

func mustTensor(t *testing.T, s *Set, name string) Tensor {
	t.Helper()
	x, ok := s.Tensor(name)
	if !ok {
		t.Fatalf("missing tensor %s", name)
	}
	return x
}

func TestBF16Conversion(t *testing.T) {
	vals := []float32{1, 1.00390625 /* tie */, 1.01171875, -3.5, float32(math.Inf(1))}
	for _, src := range []Tensor{F32Tensor("x", []int{5}, vals), BF16Tensor("x", []int{5}, vals), F16Tensor("x", []int{5}, vals)} {
		got, err := src.BF16()
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			ref := v
			if src.DType == F16 {
				ref = F16ToF32(F32ToF16(v))
			}
			if want := nearestBF16(ref); got[i] != want && !math.IsInf(float64(v), 0) {
				t.Errorf("%s: BF16()[%d] = %#04x, want %#04x", src.DType, i, got[i], want)
			}
		}
		if got[4] != 0x7f80 {
			t.Errorf("%s: inf -> %#04x", src.DType, got[4])
		}
	}
}

func TestWriteRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		tensors []Tensor
		want    string
	}{
		{"duplicate", []Tensor{F32Tensor("a", []int{1}, []float32{1}), F32Tensor("a", []int{1}, []float32{1})}, "duplicate"},
		{"size mismatch", []Tensor{F32Tensor("a", []int{3}, []float32{1})}, "needs 12"},
		{"unknown dtype", []Tensor{{Name: "a", DType: "Q4", Shape: []int{1}, Data: []byte{1}}}, "unknown dtype"},
		{"empty name", []Tensor{F32Tensor("", []int{1}, []float32{1})}, "invalid tensor name"},
		{"reserved name", []Tensor{F32Tensor("__metadata__", []int{1}, []float32{1})}, "invalid tensor name"},
		{"negative dim", []Tensor{{Name: "a", DType: F32, Shape: []int{-1}}}, "invalid shape"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".safetensors")
			mustContain(t, Write(p, tc.tensors, nil), tc.want)
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("file created despite error")
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("temp files left behind: %v", entries)
	}
}

func TestWriteAlignsTensors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.safetensors")
	ts := []Tensor{
		{Name: "u8", DType: "U8", Shape: []int{3}, Data: []byte{1, 2, 3}},
		BF16Tensor("b1", []int{1}, []float32{1}),
		F32Tensor("f", []int{1}, []float32{2}),
		BF16Tensor("b0", []int{1}, []float32{3}),
		{Name: "d", DType: "F64", Shape: []int{1}, Data: make([]byte, 8)},
	}
	if err := Write(p, ts, nil); err != nil {
		t.Fatal(err)
	}
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantOrder := []string{"d", "f", "b1", "b0", "u8"}
	for i, info := range s.files[0].tensors {
		if info.name != wantOrder[i] {
			t.Errorf("header entry %d = %s, want %s", i, info.name, wantOrder[i])
		}
		if size := int64(info.dtype.Size()); info.begin%size != 0 {
			t.Errorf("%s at offset %d is not %d-aligned", info.name, info.begin, size)
		}
		if i > 0 && info.begin != s.files[0].tensors[i-1].end {
			t.Errorf("hole before %s", info.name)
		}
	}
	if last := s.files[0].tensors[4]; int(last.end) != len(s.files[0].data) {
		t.Errorf("data section has trailing bytes")
	}
}

func TestWriteReplacesAtomically(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.safetensors")
	for i := 0; i < 2; i++ {
		if err := Write(p, []Tensor{F32Tensor("w", []int{1}, []float32{float32(i)})}, nil); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, _ := mustTensor(t, s, "w").Float32()
	if f[0] != 1 {
		t.Errorf("got %v, want the second write", f)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("dir has %d entries, want only the checkpoint", len(entries))
	}
}
