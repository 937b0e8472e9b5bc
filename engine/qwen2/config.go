package qwen2

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Architecture is the Hugging Face architecture name this package implements.
// config.json files naming anything else are rejected up front, because a
// silently wrong forward pass is far worse than a clear refusal.
const Architecture = "Qwen2ForCausalLM"

// Config holds the hyper-parameters of a Qwen2 model as read from a Hugging
// Face config.json. Field names follow the HF keys so that a reader can map
// one to the other without a table.
type Config struct {
	Architectures         []string `json:"architectures"`
	HiddenSize            int      `json:"hidden_size"`
	IntermediateSize      int      `json:"intermediate_size"`
	NumHiddenLayers       int      `json:"num_hidden_layers"`
	NumAttentionHeads     int      `json:"num_attention_heads"`
	NumKeyValueHeads      int      `json:"num_key_value_heads"`
	HeadDim               int      `json:"head_dim"`
	VocabSize             int      `json:"vocab_size"`
	RMSNormEps            float64  `json:"rms_norm_eps"`
	RopeTheta             float64  `json:"rope_theta"`
	MaxPositionEmbeddings int      `json:"max_position_embeddings"`
	TieWordEmbeddings     bool     `json:"tie_word_embeddings"`
	TorchDType            string   `json:"torch_dtype"`
	UseSlidingWindow      bool     `json:"use_sliding_window"`
	HiddenAct             string   `json:"hidden_act"`

	// BOSTokenID is -1 when the config has none.
	BOSTokenID int `json:"-"`
	// EOSTokenIDs lists every end-of-sequence id (HF allows an int or a list).
	EOSTokenIDs []int `json:"-"`
}

// rawConfig carries the keys whose JSON type varies between HF versions.
type rawConfig struct {
	Config
	BOS         json.RawMessage `json:"bos_token_id"`
	EOS         json.RawMessage `json:"eos_token_id"`
	DType       string          `json:"dtype"` // transformers ≥ 5 renamed torch_dtype
	RopeScaling json.RawMessage `json:"rope_scaling"`
}

// LoadConfig reads and validates dir/config.json (or the file itself when
// path names a file). It also merges eos ids from a sibling
// generation_config.json, since instruct models list <|im_end|> only there.
func LoadConfig(path string) (Config, error) {
	file := path
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		file = filepath.Join(path, "config.json")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return Config{}, fmt.Errorf("read model config %s: %w", file, err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("model config %s: %w", file, err)
	}
	gen := filepath.Join(filepath.Dir(file), "generation_config.json")
	if gdata, err := os.ReadFile(gen); err == nil {
		var g struct {
			EOS json.RawMessage `json:"eos_token_id"`
		}
		if err := json.Unmarshal(gdata, &g); err != nil {
			return Config{}, fmt.Errorf("parse %s: %w", gen, err)
		}
		ids, err := intOrList(g.EOS)
		if err != nil {
			return Config{}, fmt.Errorf("%s: eos_token_id: %w", gen, err)
		}
		for _, id := range ids {
			if !slices.Contains(cfg.EOSTokenIDs, id) {
				cfg.EOSTokenIDs = append(cfg.EOSTokenIDs, id)
			}
		}
	}
	return cfg, nil
}

// ParseConfig decodes a config.json body, fills HF defaults (head_dim,
// num_key_value_heads, rope_theta, rms_norm_eps) and validates the result.
func ParseConfig(data []byte) (Config, error) {
	var raw rawConfig
	raw.NumKeyValueHeads = -1
	if err := json.Unmarshal(data, &raw); err != nil {
		return Config{}, fmt.Errorf("parse config.json: %w", err)
	}
	c := raw.Config
	if c.TorchDType == "" {
		c.TorchDType = raw.DType
	}
	if c.NumKeyValueHeads == -1 {
		c.NumKeyValueHeads = c.NumAttentionHeads
	}
	if c.HeadDim == 0 && c.NumAttentionHeads > 0 {
		c.HeadDim = c.HiddenSize / c.NumAttentionHeads
	}
	if c.RopeTheta == 0 {
		c.RopeTheta = 10000
	}
	if c.RMSNormEps == 0 {
		c.RMSNormEps = 1e-6
	}
	if c.MaxPositionEmbeddings == 0 {
		c.MaxPositionEmbeddings = 32768
	}
	bos, err := intOrList(raw.BOS)
	if err != nil {
		return Config{}, fmt.Errorf("bos_token_id: %w", err)
	}
	c.BOSTokenID = -1
	if len(bos) > 0 {
		c.BOSTokenID = bos[0]
	}
	if c.EOSTokenIDs, err = intOrList(raw.EOS); err != nil {
		return Config{}, fmt.Errorf("eos_token_id: %w", err)
	}
	if len(raw.RopeScaling) > 0 && string(raw.RopeScaling) != "null" {
		return Config{}, fmt.Errorf("rope_scaling %s is not supported; use a model without rope scaling", raw.RopeScaling)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// intOrList accepts null, a single integer or a list of integers.
func intOrList(raw json.RawMessage) ([]int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one int
	if err := json.Unmarshal(raw, &one); err == nil {
		return []int{one}, nil
	}
	var many []int
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("want an integer or a list of integers, got %s", raw)
	}
	return many, nil
}

// Validate checks that the sizes are positive and consistent, so the forward
// pass can index without further checks.
func (c Config) Validate() error {
	if !slices.Contains(c.Architectures, Architecture) {
		arch := "(none)"
		if len(c.Architectures) > 0 {
			arch = fmt.Sprint(c.Architectures)
		}
		return fmt.Errorf("unsupported architecture %s: only %s models can be loaded", arch, Architecture)
	}
	pos := []struct {
		name string
		v    int
	}{
		{"hidden_size", c.HiddenSize},
		{"intermediate_size", c.IntermediateSize},
		{"num_hidden_layers", c.NumHiddenLayers},
		{"num_attention_heads", c.NumAttentionHeads},
		{"num_key_value_heads", c.NumKeyValueHeads},
		{"head_dim", c.HeadDim},
		{"vocab_size", c.VocabSize},
		{"max_position_embeddings", c.MaxPositionEmbeddings},
	}
	for _, p := range pos {
		if p.v <= 0 {
			return fmt.Errorf("config %s = %d, must be positive", p.name, p.v)
		}
		if p.v > 1<<24 {
			return fmt.Errorf("config %s = %d is implausibly large", p.name, p.v)
		}
	}
	if c.NumAttentionHeads%c.NumKeyValueHeads != 0 {
		return fmt.Errorf("config num_attention_heads %d is not divisible by num_key_value_heads %d",
			c.NumAttentionHeads, c.NumKeyValueHeads)
	}
	if c.HeadDim%2 != 0 {
		return fmt.Errorf("config head_dim %d must be even for rotary embeddings", c.HeadDim)
	}
	if c.RMSNormEps <= 0 || c.RopeTheta <= 0 {
		return fmt.Errorf("config rms_norm_eps (%g) and rope_theta (%g) must be positive", c.RMSNormEps, c.RopeTheta)
	}
	if c.HiddenAct != "" && c.HiddenAct != "silu" {
		return fmt.Errorf("config hidden_act %q is not supported (want silu)", c.HiddenAct)
	}
	if c.UseSlidingWindow {
		return fmt.Errorf("config use_sliding_window=true is not supported")
	}
	for _, id := range append([]int{c.BOSTokenID}, c.EOSTokenIDs...) {
		if id >= c.VocabSize {
			return fmt.Errorf("config special token id %d is outside vocab_size %d", id, c.VocabSize)
		}
	}
	return nil
}

// QDim is the width of the concatenated query heads.
func (c Config) QDim() int { return c.NumAttentionHeads * c.HeadDim }

// KVDim is the width of the concatenated key (or value) heads.
func (c Config) KVDim() int { return c.NumKeyValueHeads * c.HeadDim }
