package qwen2_test

import (
	"os"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// TestLoadCheckpointFromEnv loads a full-size checkpoint named by
// $SWARMDESK_QWEN2_DIR (a real Qwen2.5 download, or bench/mkmodel's
// qwen2-full-bf16-hf) in both storage modes and generates a few tokens. It
// is skipped when the variable is unset, since no such model is in the repo.
func TestLoadCheckpointFromEnv(t *testing.T) {
	dir := os.Getenv("SWARMDESK_QWEN2_DIR")
	if dir == "" {
		t.Skip("set SWARMDESK_QWEN2_DIR to a Qwen2 checkpoint directory to run this test")
	}
	for _, dt := range []qwen2.DType{qwen2.BF16, qwen2.F32} {
		t0 := time.Now()
		m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: dt})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v: loaded %d params in %v", dt, m.Params.NumParams(), time.Since(t0))
		outs, st, err := m.Generate([]int{9707, 1879, 11, 358}, qwen2.GenerateOptions{N: 2, MaxNew: 4, Temperature: 0.7, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range outs {
			if len(c.Tokens) == 0 || c.Finish == "" {
				t.Fatalf("bad completion %+v", c)
			}
		}
		t.Logf("%v: %+v", dt, st)
		m = nil
	}
}
