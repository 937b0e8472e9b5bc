package tokenizer

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestLlamaCppVectors replays llama.cpp's Qwen2 tokenizer test
// (models/ggml-vocab-qwen2.gguf.inp/.out, generated with the Python
// Hugging Face tokenizer): a second, independent reference that stresses
// whitespace runs, digit splitting, contractions in odd case, emoji and Khmer.
func TestLlamaCppVectors(t *testing.T) {
	tk := qwen(t)
	inp, err := os.ReadFile("testdata/llamacpp_qwen2.inp")
	if err != nil {
		t.Fatalf("read inputs: %v", err)
	}
	out, err := os.ReadFile("testdata/llamacpp_qwen2.out")
	if err != nil {
		t.Fatalf("read outputs: %v", err)
	}
	texts := strings.Split(string(inp), "\n__ggml_vocab_test__\n")
	lines := strings.Split(string(out), "\n")
	// Both files end with a separator, leaving one empty trailing element.
	texts, lines = texts[:len(texts)-1], lines[:len(lines)-1]
	if len(texts) != len(lines) || len(texts) < 40 {
		t.Fatalf("%d inputs but %d outputs", len(texts), len(lines))
	}
	for i, text := range texts {
		var want []int
		for _, f := range strings.Fields(lines[i]) {
			id, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("case %d: bad id %q", i, f)
			}
			want = append(want, id)
		}
		got := tk.Encode(text)
		if !slices.Equal(got, want) {
			t.Errorf("case %d Encode(%q)\n got %v\nwant %v", i, text, got, want)
			continue
		}
		back, err := tk.Decode(got)
		if err != nil || back != text {
			t.Errorf("case %d Decode = %q, %v; want %q", i, back, err, text)
		}
	}
}
