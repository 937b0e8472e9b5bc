package qwen2_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// qwen25Config is Qwen2.5-0.5B-Instruct's config.json (with the eos ids of
// its generation_config.json merged, as LoadConfig does).
const qwen25Config = `{
  "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
  "eos_token_id": [151645, 151643], "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
  "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 21, "model_type": "qwen2",
  "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
  "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
  "transformers_version": "4.43.1", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936
}`

func TestHFJSONRoundTrip(t *testing.T) {
	tiny, err := testmodel.Default().ConfigJSON()
	if err != nil {
		t.Fatal(err)
	}
	untied, err := testmodel.Tiny{Untied: true, Layers: 3, HeadDim: 8, BF16: true}.WithDefaults().ConfigJSON()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		json string
	}{
		{"qwen2.5-0.5b", qwen25Config},
		{"tiny", string(tiny)},
		{"tiny-untied", string(untied)},
		{"minimal-defaults", `{"architectures":["Qwen2ForCausalLM"],"hidden_size":32,"intermediate_size":64,
			"num_hidden_layers":1,"num_attention_heads":2,"vocab_size":16}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, err := qwen2.ParseConfig([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			data, err := want.HFJSON()
			if err != nil {
				t.Fatal(err)
			}
			got, err := qwen2.ParseConfig(data)
			if err != nil {
				t.Fatalf("re-parse: %v\n%s", err, data)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip changed the config:\n got %+v\nwant %+v\n%s", got, want, data)
			}
			var keys map[string]any
			if err := json.Unmarshal(data, &keys); err != nil {
				t.Fatal(err)
			}
			if keys["model_type"] != "qwen2" {
				t.Errorf("model_type = %v, transformers needs \"qwen2\"", keys["model_type"])
			}
			// Also through LoadConfig, the path qwen2.Load takes.
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			loaded, err := qwen2.LoadConfig(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(loaded, want) {
				t.Fatalf("LoadConfig after HFJSON: got %+v want %+v", loaded, want)
			}
		})
	}
}

func TestHFJSONRefusesInvalid(t *testing.T) {
	c, err := qwen2.ParseConfig([]byte(qwen25Config))
	if err != nil {
		t.Fatal(err)
	}
	c.NumKeyValueHeads = 3 // 14 heads are not divisible by 3
	if _, err := c.HFJSON(); err == nil {
		t.Fatal("HFJSON accepted an invalid config")
	}
}
