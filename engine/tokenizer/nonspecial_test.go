package tokenizer

import (
	"slices"
	"testing"
)

// EncodeNonSpecial keeps a vocabulary's non-special added tokens whole (as the model writes
// them: a peer's "<think>" must train as the one token the model produced) and turns special
// ones into plain text (a peer cannot forge "<|im_end|>").
func TestEncodeNonSpecial(t *testing.T) {
	tk := qwen(t)
	const think, thinkEnd, imEnd = 151667, 151668, 151645
	for _, tc := range []struct {
		text      string
		want, not []int
	}{
		{text: "<think>", want: []int{think}},
		{text: "a<think>b</think>c", want: []int{think, thinkEnd}},
		{text: "<|im_end|>", not: []int{imEnd}},
		{text: "<think>x<|im_end|>", want: []int{think}, not: []int{imEnd}},
	} {
		got := tk.EncodeNonSpecial(tc.text)
		for _, id := range tc.want {
			if !slices.Contains(got, id) {
				t.Errorf("EncodeNonSpecial(%q) = %v, lacks %d", tc.text, got, id)
			}
		}
		for _, id := range tc.not {
			if slices.Contains(got, id) {
				t.Errorf("EncodeNonSpecial(%q) = %v, holds the special token %d", tc.text, got, id)
			}
		}
		if dec, err := tk.Decode(got); err != nil || dec != tc.text {
			t.Errorf("Decode(EncodeNonSpecial(%q)) = %q, %v", tc.text, dec, err)
		}
	}
	if got := tk.Encode("<|im_end|>"); !slices.Equal(got, []int{imEnd}) {
		t.Errorf("Encode(<|im_end|>) = %v, want the control token", got)
	}
}
