package tokenizer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// fixtureDir holds the real Qwen tokenizer and reference vectors; it lives in
// the shared checkout beside the repository (../shared in CI).
const fixtureDir = "../../../shared/fixtures/qwen-tokenizer"

var (
	qwenOnce sync.Once
	qwenTok  *Tokenizer
	qwenErr  error
)

// qwen loads the fixture tokenizer once per test binary (parsing 11 MB of
// JSON is the slowest part of this package's tests) or skips.
func qwen(tb testing.TB) *Tokenizer {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(fixtureDir, "tokenizer.json")); err != nil {
		tb.Skipf("Qwen tokenizer fixture not found at %s (needs the shared/ checkout beside the repo): %v", fixtureDir, err)
	}
	qwenOnce.Do(func() { qwenTok, qwenErr = Load(fixtureDir) })
	if qwenErr != nil {
		tb.Fatalf("load fixture: %v", qwenErr)
	}
	return qwenTok
}

type vector struct {
	Text string `json:"text"`
	IDs  []int  `json:"ids"`
}

func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, "vectors.json"))
	if err != nil {
		tb.Skipf("reference vectors not found: %v", err)
	}
	var vs []vector
	if err := json.Unmarshal(data, &vs); err != nil {
		tb.Fatalf("parse vectors.json: %v", err)
	}
	return vs
}

// tiny returns a small tokenizer built by NewTiny.
func tiny(tb testing.TB, vocab int) *Tokenizer {
	tb.Helper()
	tk, err := NewTiny(vocab)
	if err != nil {
		tb.Fatalf("NewTiny(%d): %v", vocab, err)
	}
	return tk
}
