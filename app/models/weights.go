package models

import (
	"os"
	"path/filepath"
)

// WeightBytes is the size of a model folder's safetensors files: what loading reads, and what
// the memory plan counts as resident while loading where pages cannot be given back.
func WeightBytes(dir string) int64 {
	files, _ := filepath.Glob(filepath.Join(dir, "*.safetensors"))
	var n int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}
