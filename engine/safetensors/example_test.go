package safetensors_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// Example saves a tiny checkpoint and loads it back, the round trip the
// trainer uses for LoRA/full-weight snapshots.
func Example() {
	dir, err := os.MkdirTemp("", "st-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")
	err = safetensors.Write(path, []safetensors.Tensor{
		safetensors.BF16Tensor("model.norm.weight", []int{3}, []float32{1, 0.5, -2}),
	}, map[string]string{"format": "pt"})
	if err != nil {
		log.Fatal(err)
	}

	set, err := safetensors.Open(dir) // a file, an index.json or a model dir
	if err != nil {
		log.Fatal(err)
	}
	defer set.Close()
	w, _ := set.Tensor("model.norm.weight")
	vals, err := w.Float32()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(set.Names(), w.DType, w.Shape, vals, set.Metadata()["format"])
	// Output: [model.norm.weight] BF16 [3] [1 0.5 -2] pt
}
