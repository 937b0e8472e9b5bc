package qwen2_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// FuzzLoad feeds corrupted checkpoints (config.json and safetensors bytes)
// to Load: it must return a model that runs or an error, never panic.
func FuzzLoad(f *testing.F) {
	small := testmodel.Tiny{Layers: 1, Hidden: 16, Heads: 2, KVHeads: 1, HeadDim: 8, FFN: 16, Vocab: 32, MaxPos: 8}
	dir := f.TempDir()
	if err := testmodel.Write(dir, small, 1); err != nil {
		f.Fatal(err)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	st, _ := os.ReadFile(filepath.Join(dir, "model.safetensors"))
	f.Add(cfg, st)
	f.Add(cfg, st[:len(st)/2])
	f.Add(cfg[:len(cfg)-3], st)
	f.Add([]byte(`{"architectures":["Qwen2ForCausalLM"],"hidden_size":16,"intermediate_size":16,"num_hidden_layers":1,"num_attention_heads":2,"num_key_value_heads":1,"vocab_size":64}`), st)
	f.Fuzz(func(t *testing.T, cfg, st []byte) {
		if len(st) > 1<<20 {
			return
		}
		d := t.TempDir()
		if os.WriteFile(filepath.Join(d, "config.json"), cfg, 0o644) != nil ||
			os.WriteFile(filepath.Join(d, "model.safetensors"), st, 0o644) != nil {
			t.Skip("cannot write temp files")
		}
		m, err := qwen2.Load(d, qwen2.LoadOptions{})
		if err != nil {
			return
		}
		c, err := m.NewCache(2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Prefill(c, []int{0, m.Config.VocabSize - 1}); err != nil && m.Config.MaxPositionEmbeddings >= 2 {
			t.Fatalf("loaded model cannot run: %v", err)
		}
	})
}
