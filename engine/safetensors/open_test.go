package safetensors

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenRejectsCorruptFiles(t *testing.T) {
	data8 := make([]byte, 8)
	tests := []struct {
		name    string
		content []byte
		want    []string
	}{
		{"empty file", nil, []string{"not a safetensors file"}},
		{"header too large", func() []byte {
			b := make([]byte, 16)
			binary.LittleEndian.PutUint64(b, MaxHeaderSize+1)
			return b
		}(), []string{"exceeds", "limit"}},
		{"header past end", func() []byte {
			b := rawFile(`{}`, nil)
			binary.LittleEndian.PutUint64(b, 1000)
			return b
		}(), []string{"truncated"}},
		{"not json", rawFile(`hello world!`, nil), []string{"not a JSON object"}},
		{"json array", rawFile(`[1,2]`, nil), []string{"not a JSON object"}},
		{"broken json", rawFile(`{"a":{"dtype":"F32"`, nil), []string{"corrupt"}},
		{"trailing garbage", rawFile(`{} x`, nil), []string{"after the JSON"}},
		{"truncated data", rawFile(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, data8[:5]),
			[]string{`"w"`, "past the end", "re-download"}},
		{"overlapping offsets", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}`, data8),
			[]string{"overlap", `"a"`, `"b"`}},
		{"wrong size", rawFile(`{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, data8),
			[]string{`"w"`, "needs 12"}},
		{"unknown dtype", rawFile(`{"w":{"dtype":"Q4_K","shape":[2],"data_offsets":[0,8]}}`, data8),
			[]string{`"w"`, `unsupported dtype "Q4_K"`}},
		{"duplicate name", rawFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, data8),
			[]string{"duplicate", `"w"`}},
		{"reversed offsets", rawFile(`{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}`, data8), []string{"reversed"}},
		{"negative dim", rawFile(`{"w":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}`, data8), []string{"invalid shape"}},
		{"overflowing shape", rawFile(`{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, data8), []string{"invalid shape"}},
		{"missing offsets", rawFile(`{"w":{"dtype":"F32","shape":[1]}}`, data8), []string{"data_offsets"}},
		{"missing shape", rawFile(`{"w":{"dtype":"F32","data_offsets":[0,4]}}`, data8), []string{"missing shape"}},
		{"metadata not strings", rawFile(`{"__metadata__":{"n":1}}`, nil), []string{"__metadata__"}},
		{"float shape", rawFile(`{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, data8), []string{`"w"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, "bad.safetensors", tc.content)
			s, err := Open(p)
			if err == nil {
				s.Close()
			}
			mustContain(t, err, append([]string{p}, tc.want...)...)
		})
	}
}

func TestOpenAcceptsHolesAndPadding(t *testing.T) {
	// Python never writes holes, but other writers may align tensors; the
	// data is still unambiguous, so we accept it.
	data := []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x80, 0x3f}
	p := writeTemp(t, "ok.safetensors", rawFile(`{"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]},"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}   `, data))
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := mustTensor(t, s, "b").Float32()
	if err != nil || len(f) != 1 || f[0] != 1 {
		t.Errorf("b = %v, %v; want [1]", f, err)
	}
	if a := mustTensor(t, s, "a"); a.NumElements() != 1 || a.Data[0] != 1 {
		t.Errorf("a = %+v", a)
	}
}

func TestOpenDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir); err == nil {
		t.Fatal("empty dir should fail")
	} else {
		mustContain(t, err, "no model.safetensors.index.json")
	}
	if err := Write(filepath.Join(dir, "weights.safetensors"), []Tensor{F32Tensor("x", []int{1}, []float32{2})}, nil); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := Write(filepath.Join(dir, "other.safetensors"), []Tensor{F32Tensor("y", []int{1}, []float32{2})}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir)
	mustContain(t, err, "2 *.safetensors files")
	if err := Write(filepath.Join(dir, "model.safetensors"), []Tensor{F32Tensor("z", []int{1}, []float32{2})}, nil); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.Tensor("z"); !ok {
		t.Error("model.safetensors not preferred")
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "nope.safetensors"))
	if !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("want not-exist error, got %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func TestTensorMethodsValidate(t *testing.T) {
	bad := Tensor{Name: "w", DType: F32, Shape: []int{2}, Data: []byte{1, 2, 3}}
	if _, err := bad.Float32(); err == nil {
		t.Error("Float32 accepted short data")
	}
	if _, err := bad.BF16(); err == nil {
		t.Error("BF16 accepted short data")
	}
	if n := (Tensor{Shape: []int{2, 3, 4}}).NumElements(); n != 24 {
		t.Errorf("NumElements = %d", n)
	}
	if n := (Tensor{Shape: []int{-1}}).NumElements(); n != -1 {
		t.Errorf("NumElements(neg) = %d", n)
	}
}
