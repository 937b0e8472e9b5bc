package qwen2_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// writeCheckpoint writes the tiny model with its tensor list edited by fix.
func writeCheckpoint(t *testing.T, cfg testmodel.Tiny, fix func([]safetensors.Tensor) []safetensors.Tensor) string {
	t.Helper()
	dir := t.TempDir()
	cfg = cfg.WithDefaults()
	ws, err := testmodel.Weights(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	var ts []safetensors.Tensor
	for _, w := range ws {
		ts = append(ts, safetensors.F32Tensor(w.Name, w.Shape, w.Values))
	}
	ts = fix(ts)
	js, _ := cfg.ConfigJSON()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := safetensors.Write(filepath.Join(dir, "model.safetensors"), ts, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadRejectsBadCheckpoints(t *testing.T) {
	drop := func(name string) func([]safetensors.Tensor) []safetensors.Tensor {
		return func(ts []safetensors.Tensor) []safetensors.Tensor {
			var out []safetensors.Tensor
			for _, x := range ts {
				if x.Name != name {
					out = append(out, x)
				}
			}
			return out
		}
	}
	cases := []struct {
		name    string
		fix     func([]safetensors.Tensor) []safetensors.Tensor
		wantErr string
	}{
		{"missing", drop("model.layers.1.mlp.up_proj.weight"), "model.layers.1.mlp.up_proj.weight is missing"},
		{"extra", func(ts []safetensors.Tensor) []safetensors.Tensor {
			return append(ts, safetensors.F32Tensor("model.layers.9.mlp.up_proj.weight", []int{2}, []float32{1, 2}))
		}, "model.layers.9.mlp.up_proj.weight"},
		{"wrong-shape", func(ts []safetensors.Tensor) []safetensors.Tensor {
			for i := range ts {
				if ts[i].Name == "model.layers.0.self_attn.k_proj.weight" {
					ts[i].Shape = []int{64, 32}
				}
			}
			return ts
		}, "model.layers.0.self_attn.k_proj.weight has shape [64 32]"},
		{"int-dtype", func(ts []safetensors.Tensor) []safetensors.Tensor {
			for i := range ts {
				if ts[i].Name == "model.norm.weight" {
					ts[i].DType = "I32"
				}
			}
			return ts
		}, "dtype I32"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeCheckpoint(t, testmodel.Tiny{}, tc.fix)
			_, err := qwen2.Load(dir, qwen2.LoadOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	// A tied model may carry a redundant lm_head.weight (HF ignores it).
	dir := writeCheckpoint(t, testmodel.Tiny{}, func(ts []safetensors.Tensor) []safetensors.Tensor {
		return append(ts, safetensors.F32Tensor("lm_head.weight", ts[0].Shape, make([]float32, 512*64)))
	})
	if _, err := qwen2.Load(dir, qwen2.LoadOptions{}); err != nil {
		t.Fatalf("tied model with redundant lm_head: %v", err)
	}
	if _, err := qwen2.Load(t.TempDir(), qwen2.LoadOptions{}); err == nil {
		t.Fatal("empty dir loaded")
	}
}

// BF16 checkpoints load into both storage modes. The F32 path holds the
// bf16 weights exactly; the BF16 kernels may also round activations to bf16,
// so the two agree to bf16 precision.
func TestLoadBF16Checkpoint(t *testing.T) {
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Tiny{BF16: true}, 5); err != nil {
		t.Fatal(err)
	}
	toks := testTokens(8, 512)
	var outs [][]float32
	for _, wdt := range []qwen2.DType{qwen2.F32, qwen2.BF16} {
		m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: wdt})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := m.NewCache(8)
		l, err := m.PrefillAll(c, toks)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, clone(l))
	}
	if d := maxAbs(outs[0], outs[1]) / maxAbs(outs[0], make([]float32, len(outs[0]))); d > 2e-2 {
		t.Fatalf("bf16 checkpoint: F32 and BF16 storage differ by %g (relative)", d)
	}
}

// BF16 storage of an f32 checkpoint rounds weights; logits must stay close
// (bf16 keeps 8 bits of mantissa, ~0.4% per weight).
func TestBF16StorageCloseToF32(t *testing.T) {
	f := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	b := loadTiny(t, testmodel.Tiny{}, qwen2.BF16)
	toks := testTokens(10, 512)
	cf, _ := f.NewCache(10)
	cb, _ := b.NewCache(10)
	lf, _ := f.PrefillAll(cf, toks)
	lf = clone(lf)
	lb, _ := b.PrefillAll(cb, toks)
	scale := maxAbs(lf, make([]float32, len(lf)))
	if d := maxAbs(lf, lb); d > 0.05*scale || d == 0 {
		t.Fatalf("bf16 vs f32 logits differ by %g (max |logit| %g)", d, scale)
	}
	if b.Params.NumParams() != f.Params.NumParams() || len(b.Params.BF16) == 0 {
		t.Fatalf("param counts %d vs %d, bf16 buffer %d", b.Params.NumParams(), f.Params.NumParams(), len(b.Params.BF16))
	}
}

func TestParseConfig(t *testing.T) {
	base := map[string]any{
		"architectures": []string{"Qwen2ForCausalLM"}, "hidden_size": 64, "intermediate_size": 128,
		"num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 512,
		"eos_token_id": []int{10, 11}, "bos_token_id": 9,
	}
	with := func(k string, v any) []byte {
		m := map[string]any{}
		for a, b := range base {
			m[a] = b
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		js, _ := json.Marshal(m)
		return js
	}
	c, err := qwen2.ParseConfig(with("x", nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HeadDim != 16 || c.RopeTheta != 10000 || c.RMSNormEps != 1e-6 || c.BOSTokenID != 9 || len(c.EOSTokenIDs) != 2 {
		t.Fatalf("defaults not applied: %+v", c)
	}
	if c, _ := qwen2.ParseConfig(with("num_key_value_heads", nil)); c.NumKeyValueHeads != 4 {
		t.Fatalf("missing num_key_value_heads should default to heads, got %d", c.NumKeyValueHeads)
	}
	if c, _ := qwen2.ParseConfig(with("dtype", "bfloat16")); c.TorchDType != "bfloat16" {
		t.Fatalf("transformers-5 dtype key not read: %q", c.TorchDType)
	}
	bad := []struct {
		name string
		js   []byte
		want string
	}{
		{"llama", with("architectures", []string{"LlamaForCausalLM"}), "unsupported architecture [LlamaForCausalLM]"},
		{"no-arch", with("architectures", nil), "unsupported architecture"},
		{"gqa", with("num_key_value_heads", 3), "not divisible"},
		{"zero-hidden", with("hidden_size", 0), "hidden_size"},
		{"negative-vocab", with("vocab_size", -5), "vocab_size"},
		{"odd-head-dim", with("head_dim", 15), "even"},
		{"eos-range", with("eos_token_id", 600), "outside vocab_size"},
		{"eos-type", with("eos_token_id", "x"), "eos_token_id"},
		{"sliding", with("use_sliding_window", true), "sliding"},
		{"rope-scaling", with("rope_scaling", map[string]any{"type": "yarn"}), "rope_scaling"},
		{"act", with("hidden_act", "gelu"), "hidden_act"},
		{"not-json", []byte("{"), "parse config.json"},
	}
	for _, tc := range bad {
		if _, err := qwen2.ParseConfig(tc.js); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestLoadConfigMergesGenerationConfig(t *testing.T) {
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Tiny{}, 1); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "generation_config.json"), []byte(`{"eos_token_id":[100,511]}`), 0o644)
	c, err := qwen2.LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.EOSTokenIDs) != 2 || c.EOSTokenIDs[0] != 511 || c.EOSTokenIDs[1] != 100 {
		t.Fatalf("eos ids %v, want [511 100]", c.EOSTokenIDs)
	}
}

// FuzzParseConfig: arbitrary config.json bytes give a valid config or an
// error, never a panic, and every accepted config can build a model layout.
func FuzzParseConfig(f *testing.F) {
	js, _ := testmodel.Default().ConfigJSON()
	f.Add(js)
	f.Add([]byte(`{"architectures":["Qwen2ForCausalLM"],"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"vocab_size":4,"eos_token_id":[1,2]}`))
	f.Add([]byte(`{"architectures":["Qwen2ForCausalLM"],"hidden_size":-8}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := qwen2.ParseConfig(data)
		if err != nil {
			return
		}
		// Keep allocation bounded: only build small accepted models.
		if c.VocabSize*c.HiddenSize > 1<<16 || c.NumHiddenLayers > 4 || c.IntermediateSize*c.HiddenSize > 1<<16 ||
			c.QDim()*c.HiddenSize > 1<<16 {
			return
		}
		m, err := qwen2.New(c, qwen2.F32)
		if err != nil {
			t.Fatalf("accepted config rejected by New: %v", err)
		}
		cache, err := m.NewCache(2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Prefill(cache, []int{0}); err != nil {
			t.Fatal(err)
		}
	})
}

// Loading reports progress once per tensor, never going back, and ends at the checkpoint's
// tensor bytes (the app's load bar).
func TestLoadReportsProgress(t *testing.T) {
	for _, bf16 := range []bool{false, true} {
		dir := t.TempDir()
		if err := testmodel.Write(dir, testmodel.Tiny{BF16: bf16}, 5); err != nil {
			t.Fatal(err)
		}
		var calls int
		var last, total int64
		m, err := qwen2.Load(dir, qwen2.LoadOptions{Progress: func(done, all int64) {
			calls++
			if done < last || all <= 0 || done > all || (total != 0 && all != total) {
				t.Errorf("progress %d of %d after %d of %d", done, all, last, total)
			}
			last, total = done, all
		}})
		if err != nil {
			t.Fatal(err)
		}
		if calls != len(m.Params.Tensors) || last != total {
			t.Fatalf("bf16=%v: %d calls for %d tensors, ended at %d of %d", bf16, calls, len(m.Params.Tensors), last, total)
		}
		per := int64(4)
		if bf16 {
			per = 2
		}
		var want int64
		for _, info := range m.Params.Tensors {
			want += int64(info.Size) * per
		}
		if total != want {
			t.Fatalf("bf16=%v: total %d bytes, want %d", bf16, total, want)
		}
	}
}
