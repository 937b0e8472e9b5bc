package testmodel_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
)

func TestWriteIsDeterministicAndLoads(t *testing.T) {
	cases := []struct {
		name string
		cfg  testmodel.Tiny
	}{
		{"default", testmodel.Tiny{}},
		{"untied-bf16", testmodel.Tiny{Untied: true, BF16: true}},
		{"small-vocab-no-tokenizer", testmodel.Tiny{Vocab: 100, Layers: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := t.TempDir(), t.TempDir()
			if err := testmodel.Write(a, tc.cfg, 42); err != nil {
				t.Fatal(err)
			}
			if err := testmodel.Write(b, tc.cfg, 42); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"config.json", "model.safetensors"} {
				x, err1 := os.ReadFile(filepath.Join(a, f))
				y, err2 := os.ReadFile(filepath.Join(b, f))
				if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
					t.Fatalf("%s not byte-identical across runs (%v, %v)", f, err1, err2)
				}
			}
			m, err := qwen2.Load(a, qwen2.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			c := tc.cfg.WithDefaults()
			if m.Config.HiddenSize != c.Hidden || m.Config.VocabSize != c.Vocab || m.Config.TieWordEmbeddings == c.Untied {
				t.Fatalf("loaded config %+v does not match %+v", m.Config, c)
			}
			_, err = os.Stat(filepath.Join(a, "tokenizer.json"))
			if wantTok := c.Vocab >= tokenizer.MinTinyVocab; wantTok != (err == nil) {
				t.Fatalf("tokenizer.json present=%v, want %v", err == nil, wantTok)
			}
		})
	}
}

// The tokenizer's <|im_end|> must be the model's EOS so generation stops.
func TestTokenizerMatchesEOS(t *testing.T) {
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Tiny{}, 1); err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.Load(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	id, ok := tok.TokenID("<|im_end|>")
	if !ok || id != testmodel.Default().EOSID {
		t.Fatalf("<|im_end|> = %d (%v), model eos %d", id, ok, testmodel.Default().EOSID)
	}
}

// Seeds change the weights; the scales are what the docs promise.
func TestWeightsStatistics(t *testing.T) {
	w1, err := testmodel.Weights(testmodel.Tiny{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	w2, _ := testmodel.Weights(testmodel.Tiny{}, 2)
	for i := range w1 {
		if w1[i].Name != w2[i].Name || slices.Equal(w1[i].Values, w2[i].Values) {
			t.Fatalf("tensor %s identical across seeds", w1[i].Name)
		}
	}
	std := func(v []float32) float64 {
		s := 0.0
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s / float64(len(v)))
	}
	for _, w := range w1 {
		switch w.Name {
		case "model.embed_tokens.weight":
			if s := std(w.Values); math.Abs(s-0.3) > 0.02 {
				t.Errorf("embedding std %.3f, want 0.3", s)
			}
		case "model.layers.0.mlp.down_proj.weight":
			if s, want := std(w.Values), 1/math.Sqrt(128); math.Abs(s-want) > 0.1*want {
				t.Errorf("down_proj std %.4f, want %.4f", s, want)
			}
		}
	}
	if _, err := testmodel.Weights(testmodel.Tiny{Heads: 3, KVHeads: 2}, 1); err == nil {
		t.Fatal("invalid head layout accepted")
	}
	if err := testmodel.Write(t.TempDir(), testmodel.Tiny{EOSID: 9999}, 1); err == nil {
		t.Fatal("eos outside vocab accepted")
	}
}

func TestLogitScale(t *testing.T) {
	base, err := testmodel.Weights(testmodel.Default(), 3)
	if err != nil {
		t.Fatal(err)
	}
	c := testmodel.Default()
	c.LogitScale = 0.1
	scaled, err := testmodel.Weights(c, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range base {
		for j, v := range base[i].Values {
			want := v
			if base[i].Name == "model.norm.weight" {
				want = float32(float64(v) * 0.1)
			}
			if scaled[i].Values[j] != want {
				t.Fatalf("%s[%d] = %v, want %v", base[i].Name, j, scaled[i].Values[j], want)
			}
		}
	}
}
