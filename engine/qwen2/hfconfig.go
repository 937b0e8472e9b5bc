package qwen2

import (
	"encoding/json"
	"fmt"
)

// hfConfig is the on-disk shape HFJSON writes: the keys ParseConfig reads,
// plus model_type so transformers' AutoConfig recognises the file.
type hfConfig struct {
	Architectures         []string `json:"architectures"`
	ModelType             string   `json:"model_type"`
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
	TorchDType            string   `json:"torch_dtype,omitempty"`
	UseSlidingWindow      bool     `json:"use_sliding_window"`
	HiddenAct             string   `json:"hidden_act,omitempty"`
	BOSTokenID            any      `json:"bos_token_id"`
	EOSTokenID            any      `json:"eos_token_id"`
}

// HFJSON renders c as a Hugging Face config.json that ParseConfig reads back
// to an equal Config and transformers loads as a Qwen2 config. Training
// checkpoints need it: weights saved with our tensor names are only usable
// by Python tools next to a matching config.json. EOS ids merged from
// generation_config.json are written as an eos_token_id list. An invalid
// Config is refused rather than written.
func (c Config) HFJSON() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("encode config.json: %w", err)
	}
	h := hfConfig{
		Architectures:         c.Architectures,
		ModelType:             "qwen2",
		HiddenSize:            c.HiddenSize,
		IntermediateSize:      c.IntermediateSize,
		NumHiddenLayers:       c.NumHiddenLayers,
		NumAttentionHeads:     c.NumAttentionHeads,
		NumKeyValueHeads:      c.NumKeyValueHeads,
		HeadDim:               c.HeadDim,
		VocabSize:             c.VocabSize,
		RMSNormEps:            c.RMSNormEps,
		RopeTheta:             c.RopeTheta,
		MaxPositionEmbeddings: c.MaxPositionEmbeddings,
		TieWordEmbeddings:     c.TieWordEmbeddings,
		TorchDType:            c.TorchDType,
		UseSlidingWindow:      c.UseSlidingWindow,
		HiddenAct:             c.HiddenAct,
	}
	if c.BOSTokenID >= 0 {
		h.BOSTokenID = c.BOSTokenID
	}
	switch len(c.EOSTokenIDs) {
	case 0:
	case 1:
		h.EOSTokenID = c.EOSTokenIDs[0]
	default:
		h.EOSTokenID = c.EOSTokenIDs
	}
	out, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode config.json: %w", err)
	}
	return append(out, '\n'), nil
}
