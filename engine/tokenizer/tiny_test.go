package tokenizer

import (
	"bytes"
	"slices"
	"testing"
)

func TestTiny(t *testing.T) {
	for _, v := range []int{MinTinyVocab, 300, 512, 2048} {
		tk := tiny(t, v)
		if tk.VocabSize() != v {
			t.Errorf("vocab %d: VocabSize = %d", v, tk.VocabSize())
		}
		if got := tk.EOSIDs(); !slices.Equal(got, []int{v - 3, v - 1}) {
			t.Errorf("vocab %d: EOSIDs = %v", v, got)
		}
		if id, ok := tk.TokenID("<|im_start|>"); !ok || id != v-2 {
			t.Errorf("vocab %d: <|im_start|> = %d", v, id)
		}
		text := ChatML([]Message{{"user", "What is the answer? 🚀 naïve"}}, true)
		ids := tk.Encode(text)
		for _, id := range ids {
			if id < 0 || id >= v {
				t.Fatalf("vocab %d: id %d out of range", v, id)
			}
		}
		if back, err := tk.Decode(ids); err != nil || back != text {
			t.Errorf("vocab %d: round trip %q, %v", v, back, err)
		}
		// Decoding stray bytes gives U+FFFD; like Qwen's vocabulary, the tiny one
		// keeps it one token, so a re-encoded answer is not three times longer.
		if got, want := len(tk.EncodeNonSpecial("a\uFFFDb")), 3; v >= MinTinyVocab+2 && got != want {
			t.Errorf("vocab %d: \"a\uFFFDb\" is %d tokens, want %d", v, got, want)
		}
		if v >= 512 {
			if id, ok := tk.TokenID("Ġthe"); !ok || !slices.Contains(tk.Encode(" the"), id) {
				t.Errorf("vocab %d: learnt merges do not produce \" the\" (%d, %v)", v, id, ok)
			}
		}
	}
	if _, err := NewTiny(100); err == nil {
		t.Error("NewTiny(100) succeeded")
	}
}

func TestTinyDeterministic(t *testing.T) {
	a, err := TinyJSON(700)
	if err != nil {
		t.Fatal(err)
	}
	b, err := TinyJSON(700)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("TinyJSON is not deterministic")
	}
}
