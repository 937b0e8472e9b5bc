package safetensors

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func writeShards(t *testing.T, index string) string {
	t.Helper()
	dir := t.TempDir()
	if err := Write(filepath.Join(dir, "model-00001-of-00002.safetensors"), []Tensor{
		F32Tensor("a", []int{2}, []float32{1, 2}),
		F32Tensor("b", []int{1}, []float32{3}),
	}, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(dir, "model-00002-of-00002.safetensors"), []Tensor{
		BF16Tensor("c", []int{2, 1}, []float32{4, 5}),
	}, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, IndexFile), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const goodIndex = `{"metadata":{"total_size":16},"weight_map":{
 "a":"model-00001-of-00002.safetensors",
 "b":"model-00001-of-00002.safetensors",
 "c":"model-00002-of-00002.safetensors"}}`

func TestShardedSet(t *testing.T) {
	dir := writeShards(t, goodIndex)
	for _, p := range []string{dir, filepath.Join(dir, IndexFile)} {
		s, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Names(); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
			t.Errorf("names %v", got)
		}
		want := map[string][]float32{"a": {1, 2}, "b": {3}, "c": {4, 5}}
		for name, vals := range want {
			f, err := mustTensor(t, s, name).Float32()
			if err != nil || !reflect.DeepEqual(f, vals) {
				t.Errorf("%s = %v, %v; want %v", name, f, err, vals)
			}
		}
		if m := s.Metadata(); m["format"] != "pt" || m["total_size"] != "16" {
			t.Errorf("metadata %v", m)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Tensor("a"); ok {
			t.Error("tensor available after Close")
		}
	}
}

func TestShardedSetErrors(t *testing.T) {
	tests := []struct {
		name  string
		index string
		want  []string
	}{
		{"missing shard", `{"weight_map":{"a":"model-00001-of-00002.safetensors","x":"model-00003-of-00003.safetensors"}}`, []string{"model-00003-of-00003.safetensors"}},
		{"tensor not in shard", `{"weight_map":{"a":"model-00001-of-00002.safetensors","zz":"model-00001-of-00002.safetensors"}}`, []string{`"zz"`, "does not contain"}},
		{"wrong shard", `{"weight_map":{"c":"model-00001-of-00002.safetensors"}}`, []string{`"c"`}},
		{"path traversal", `{"weight_map":{"a":"../model-00001-of-00002.safetensors"}}`, []string{"invalid shard name"}},
		{"empty map", `{"weight_map":{}}`, []string{"no weight_map"}},
		{"bad json", `{"weight_map":`, []string{"invalid index JSON"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeShards(t, tc.index)
			s, err := Open(dir)
			if err == nil {
				s.Close()
			}
			mustContain(t, err, append([]string{IndexFile}, tc.want...)...)
		})
	}
}

func TestShardedDuplicateAcrossShards(t *testing.T) {
	dir := writeShards(t, goodIndex)
	if err := Write(filepath.Join(dir, "model-00002-of-00002.safetensors"), []Tensor{
		BF16Tensor("c", []int{2, 1}, []float32{4, 5}),
		F32Tensor("a", []int{2}, []float32{1, 2}),
	}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	mustContain(t, err, `tensor "a" appears in both`)
}
