// Package testmodel writes tiny, deterministic, random-weight Qwen2
// checkpoints in the real Hugging Face layout (config.json +
// model.safetensors). No real weights are reachable on dev or CI machines,
// so every test that needs "a model" (engine, node, UI) uses one of these:
// it exercises the same loader and forward pass as a downloaded model while
// loading in milliseconds.
package testmodel

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/engine/safetensors"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
)

// Tiny describes the model to generate. Zero fields take the defaults of
// Default, so Write(dir, Tiny{}, seed) gives the standard tiny model.
type Tiny struct {
	Layers    int     // decoder blocks (default 2)
	Hidden    int     // hidden size (default 64)
	Heads     int     // query heads (default 4)
	KVHeads   int     // key/value heads, GQA (default 2)
	HeadDim   int     // per-head width (default 16)
	FFN       int     // MLP intermediate size (default 128)
	Vocab     int     // vocabulary size (default 512)
	MaxPos    int     // max_position_embeddings (default 256)
	RopeTheta float64 // default 1e6, as Qwen2.5
	RMSEps    float64 // default 1e-6
	// Untied gives the model its own lm_head.weight; the default ties the
	// head to the embeddings as Qwen2.5-0.5B does.
	Untied bool
	// BF16 stores the weights as bfloat16 (as HF checkpoints ship) instead
	// of float32.
	BF16 bool
	// EOSID is the end-of-sequence id written to config.json (default
	// Vocab-1).
	EOSID int
	// LogitScale scales the final norm's gain (default 1). Below 1 the
	// model starts close to uniform over its vocabulary, as a training
	// demo wants: a random model's default logits are a few nats apart, so
	// its answers to one prompt barely vary and RL has nothing to compare.
	LogitScale float64
}

// Default is the standard tiny model: 2 layers, hidden 64, 4 heads / 2 KV
// heads of width 16, FFN 128, vocab 512, tied embeddings.
func Default() Tiny { return Tiny{}.WithDefaults() }

// WithDefaults fills zero fields with the defaults.
func (c Tiny) WithDefaults() Tiny {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Layers, 2)
	def(&c.Hidden, 64)
	def(&c.Heads, 4)
	def(&c.KVHeads, 2)
	def(&c.HeadDim, 16)
	def(&c.FFN, 128)
	def(&c.Vocab, 512)
	def(&c.MaxPos, 256)
	def(&c.EOSID, c.Vocab-1)
	if c.RopeTheta == 0 {
		c.RopeTheta = 1e6
	}
	if c.RMSEps == 0 {
		c.RMSEps = 1e-6
	}
	if c.LogitScale == 0 {
		c.LogitScale = 1
	}
	return c
}

// Validate rejects configurations that could not form a Qwen2 model.
func (c Tiny) Validate() error {
	for _, v := range []int{c.Layers, c.Hidden, c.Heads, c.KVHeads, c.HeadDim, c.FFN, c.Vocab, c.MaxPos} {
		if v <= 0 {
			return fmt.Errorf("tiny model config %+v: sizes must be positive", c)
		}
	}
	if c.Heads%c.KVHeads != 0 || c.HeadDim%2 != 0 {
		return fmt.Errorf("tiny model config: heads %d must be a multiple of kv heads %d and head dim %d even", c.Heads, c.KVHeads, c.HeadDim)
	}
	if c.EOSID < 0 || c.EOSID >= c.Vocab {
		return fmt.Errorf("tiny model config: eos id %d outside vocab %d", c.EOSID, c.Vocab)
	}
	return nil
}

// ConfigJSON renders the Hugging Face config.json for c.
func (c Tiny) ConfigJSON() ([]byte, error) {
	dtype := "float32"
	if c.BF16 {
		dtype = "bfloat16"
	}
	cfg := map[string]any{
		"architectures":           []string{"Qwen2ForCausalLM"},
		"model_type":              "qwen2",
		"hidden_size":             c.Hidden,
		"intermediate_size":       c.FFN,
		"num_hidden_layers":       c.Layers,
		"num_attention_heads":     c.Heads,
		"num_key_value_heads":     c.KVHeads,
		"head_dim":                c.HeadDim,
		"vocab_size":              c.Vocab,
		"rms_norm_eps":            c.RMSEps,
		"rope_theta":              c.RopeTheta,
		"max_position_embeddings": c.MaxPos,
		"tie_word_embeddings":     !c.Untied,
		"torch_dtype":             dtype,
		"hidden_act":              "silu",
		"use_sliding_window":      false,
		"bos_token_id":            nil,
		"eos_token_id":            c.EOSID,
	}
	return json.MarshalIndent(cfg, "", "  ")
}

// Tensor is one generated weight in HF naming and layout.
type Tensor struct {
	Name   string
	Shape  []int
	Values []float32
}

// Weights generates every tensor of c deterministically from seed. Each
// tensor has its own PCG stream (seed, tensor index), so adding a tensor
// later does not change the others.
func Weights(c Tiny, seed uint64) ([]Tensor, error) {
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	h, q, kv, f := c.Hidden, c.Heads*c.HeadDim, c.KVHeads*c.HeadDim, c.FFN
	var out []Tensor
	gen := func(name string, kind int, shape ...int) {
		n := 1
		for _, d := range shape {
			n *= d
		}
		r := rand.New(rand.NewPCG(seed, uint64(len(out))*0x9E3779B97F4A7C15+1))
		v := make([]float32, n)
		for i := range v {
			g := r.NormFloat64()
			switch kind {
			case matrix: // unit-variance outputs for unit-variance inputs
				v[i] = float32(g / math.Sqrt(float64(shape[len(shape)-1])))
			case embedding: // logits of a few nats spread: sampling is non-trivial
				v[i] = float32(0.3 * g)
			case gain:
				v[i] = float32(1 + 0.1*g)
			case bias:
				v[i] = float32(0.1 * g)
			}
		}
		out = append(out, Tensor{Name: name, Shape: shape, Values: v})
	}
	gen("model.embed_tokens.weight", embedding, c.Vocab, h)
	for l := 0; l < c.Layers; l++ {
		p := fmt.Sprintf("model.layers.%d.", l)
		gen(p+"input_layernorm.weight", gain, h)
		gen(p+"self_attn.q_proj.weight", matrix, q, h)
		gen(p+"self_attn.q_proj.bias", bias, q)
		gen(p+"self_attn.k_proj.weight", matrix, kv, h)
		gen(p+"self_attn.k_proj.bias", bias, kv)
		gen(p+"self_attn.v_proj.weight", matrix, kv, h)
		gen(p+"self_attn.v_proj.bias", bias, kv)
		gen(p+"self_attn.o_proj.weight", matrix, h, q)
		gen(p+"post_attention_layernorm.weight", gain, h)
		gen(p+"mlp.gate_proj.weight", matrix, f, h)
		gen(p+"mlp.up_proj.weight", matrix, f, h)
		gen(p+"mlp.down_proj.weight", matrix, h, f)
	}
	gen("model.norm.weight", gain, h)
	for i, v := range out[len(out)-1].Values {
		out[len(out)-1].Values[i] = float32(float64(v) * c.LogitScale)
	}
	if c.Untied {
		gen("lm_head.weight", embedding, c.Vocab, h)
	}
	return out, nil
}

const (
	matrix = iota
	embedding
	gain
	bias
)

// Write creates dir (if needed) and writes config.json and
// model.safetensors for c with weights drawn from seed, plus a tiny
// byte-level BPE tokenizer.json (tokenizer.WriteTiny, whose last three ids
// are <|endoftext|>, <|im_start|>, <|im_end|>) when Vocab ≥
// tokenizer.MinTinyVocab. The same (c, seed) always produces byte-identical
// files.
func Write(dir string, c Tiny, seed uint64) error {
	c = c.WithDefaults()
	ws, err := Weights(c, seed)
	if err != nil {
		return err
	}
	cfg, err := c.ConfigJSON()
	if err != nil {
		return fmt.Errorf("encode tiny config: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create model dir %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, "config.json"), err)
	}
	ts := make([]safetensors.Tensor, len(ws))
	for i, w := range ws {
		if c.BF16 {
			ts[i] = safetensors.BF16Tensor(w.Name, w.Shape, w.Values)
		} else {
			ts[i] = safetensors.F32Tensor(w.Name, w.Shape, w.Values)
		}
	}
	path := filepath.Join(dir, "model.safetensors")
	if err := safetensors.Write(path, ts, map[string]string{"format": "pt"}); err != nil {
		return fmt.Errorf("write tiny model %s: %w", path, err)
	}
	if c.Vocab >= tokenizer.MinTinyVocab {
		// Its last id is <|im_end|>, matching the default EOSID.
		if err := tokenizer.WriteTiny(filepath.Join(dir, "tokenizer.json"), c.Vocab); err != nil {
			return fmt.Errorf("write tiny model %s: %w", dir, err)
		}
	}
	return nil
}
