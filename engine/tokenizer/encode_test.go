package tokenizer

import (
	"slices"
	"sync"
	"testing"
)

func TestEncodeOrdinaryIgnoresSpecialTokens(t *testing.T) {
	tk := qwen(t)
	text := "a<|im_end|>b"
	if got := tk.Encode(text); !slices.Contains(got, 151645) {
		t.Fatalf("Encode(%q) = %v, want the <|im_end|> id", text, got)
	}
	ord := tk.EncodeOrdinary(text)
	for _, id := range ord {
		if id >= 151643 {
			t.Fatalf("EncodeOrdinary(%q) = %v contains added token %d", text, ord, id)
		}
	}
	if back, _ := tk.Decode(ord); back != text {
		t.Fatalf("Decode(EncodeOrdinary) = %q", back)
	}
}

// TestEncodeNFC: the decomposed and composed spellings are the same text
// after NFC, so they must encode identically.
func TestEncodeNFC(t *testing.T) {
	tk := qwen(t)
	composed, decomposed := "caf\u00e9 na\u00efve", "cafe\u0301 nai\u0308ve"
	if a, b := tk.Encode(composed), tk.Encode(decomposed); !slices.Equal(a, b) {
		t.Fatalf("NFC: %v vs %v", a, b)
	}
}

// TestAddedTokenLeftmostLongest: with overlapping added tokens the longest
// one starting leftmost wins, and lstrip/rstrip absorb adjacent spaces.
func TestAddedTokenLeftmostLongest(t *testing.T) {
	m := tinyFile(t)
	m["added_tokens"] = []any{
		map[string]any{"id": 297, "content": "<a>"},
		map[string]any{"id": 298, "content": "<a><b>"},
		map[string]any{"id": 299, "content": "[X]", "lstrip": true, "rstrip": true},
	}
	tk, err := Parse(mustJSON(t, m))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want []int
	}{
		{"<a><b>", []int{298}},
		{"<a><a>", []int{297, 297}},
		{"<a>", []int{297}},
		{"x  [X]  y", append(append(tk.EncodeOrdinary("x"), 299), tk.EncodeOrdinary("y")...)},
	}
	for _, tc := range tests {
		if got := tk.Encode(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Encode(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestEncodeConcurrent exercises the shared word cache from many goroutines
// (run with -race) and checks every result against a fresh tokenizer.
func TestEncodeConcurrent(t *testing.T) {
	tk := tiny(t, 512)
	ref := tiny(t, 512)
	text := benchText(4000)
	want := ref.Encode(text)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := tk.Encode(text); !slices.Equal(got, want) {
				t.Error("concurrent Encode differs")
			}
		}()
	}
	wg.Wait()
}
