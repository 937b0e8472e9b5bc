package tokenizer

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tinyFile returns TinyJSON(300) decoded as a generic map for mutation.
func tinyFile(t *testing.T) map[string]any {
	t.Helper()
	data, err := TinyJSON(300)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseErrors(t *testing.T) {
	model := func(m map[string]any) map[string]any { return m["model"].(map[string]any) }
	tests := []struct {
		name   string
		mutate func(m map[string]any)
		raw    string
		want   string
	}{
		{name: "not json", raw: "{\"model\": [", want: "corrupt or truncated"},
		{name: "empty", raw: "{}", want: "empty model.vocab"},
		{name: "wordpiece", mutate: func(m map[string]any) { model(m)["type"] = "WordPiece" }, want: "not supported"},
		{name: "negative id", mutate: func(m map[string]any) { model(m)["vocab"].(map[string]any)["zz"] = -5 }, want: "outside"},
		{name: "sparse ids", mutate: func(m map[string]any) { model(m)["vocab"].(map[string]any)["zz"] = 1 << 21 }, want: "sparse"},
		{name: "duplicate id", mutate: func(m map[string]any) { model(m)["vocab"].(map[string]any)["zz"] = 5 }, want: "two tokens"},
		{name: "missing byte", mutate: func(m map[string]any) { delete(model(m)["vocab"].(map[string]any), "Ġ") }, want: "no token for byte 0x20"},
		{name: "merge unknown", mutate: func(m map[string]any) { model(m)["merges"] = []any{[]any{"q", "zzz"}} }, want: "missing from the vocab"},
		{name: "merge bad string", mutate: func(m map[string]any) { model(m)["merges"] = []any{"a b c"} }, want: "two tokens separated"},
		{name: "merge bad pair", mutate: func(m map[string]any) { model(m)["merges"] = []any{[]any{"a"}} }, want: "want 2"},
		{name: "mixed merges", mutate: func(m map[string]any) { model(m)["merges"] = []any{"a b", []any{"a", "b"}} }, want: "merges"},
		{name: "lowercase normalizer", mutate: func(m map[string]any) { m["normalizer"] = map[string]any{"type": "Lowercase"} }, want: "normalizer"},
		{name: "gpt2 regex", mutate: func(m map[string]any) {
			m["pre_tokenizer"] = map[string]any{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}
		}, want: "use_regex"},
		{name: "other split", mutate: func(m map[string]any) {
			m["pre_tokenizer"] = map[string]any{"type": "Split", "pattern": map[string]any{"Regex": `\s+`}}
		}, want: "Qwen2 regex"},
		{name: "empty added", mutate: func(m map[string]any) { m["added_tokens"] = []any{map[string]any{"id": 1, "content": ""}} }, want: "empty content"},
		{name: "added no id", mutate: func(m map[string]any) { m["added_tokens"] = []any{map[string]any{"content": "<x>"}} }, want: "no id"},
		{name: "added huge id", mutate: func(m map[string]any) { m["added_tokens"] = []any{map[string]any{"id": 1 << 40, "content": "<x>"}} }, want: "outside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.raw)
			if tc.mutate != nil {
				m := tinyFile(t)
				tc.mutate(m)
				data = mustJSON(t, m)
			}
			_, err := Parse(data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestMergeForms checks that "a b" strings and ["a","b"] pairs load to the
// same tokenizer.
func TestMergeForms(t *testing.T) {
	m := tinyFile(t)
	pairs := m["model"].(map[string]any)["merges"].([]any)
	var lines []any
	for _, p := range pairs {
		pp := p.([]any)
		lines = append(lines, pp[0].(string)+" "+pp[1].(string))
	}
	a, err := Parse(mustJSON(t, m))
	if err != nil {
		t.Fatal(err)
	}
	m["model"].(map[string]any)["merges"] = lines
	b, err := Parse(mustJSON(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.merges) == 0 || len(a.merges) != len(b.merges) {
		t.Fatalf("merges: %d pairs vs %d strings", len(a.merges), len(b.merges))
	}
	text := "The answer is 42, they said. def add(a, b): return a + b"
	if ea, eb := a.Encode(text), b.Encode(text); !slices.Equal(ea, eb) || len(ea) >= len(text) {
		t.Fatalf("encodings differ or no merges applied: %v vs %v", ea, eb)
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tokenizer.json")
	if err := WriteTiny(file, 300); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{file, dir} {
		tk, err := Load(p)
		if err != nil {
			t.Fatalf("Load(%s): %v", p, err)
		}
		if tk.VocabSize() != 300 {
			t.Fatalf("VocabSize = %d", tk.VocabSize())
		}
	}
	_, err := Load(filepath.Join(dir, "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(missing) = %v, want a not-exist error", err)
	}
	if err := os.WriteFile(file, []byte(`{"model":{"vocab":`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), file) {
		t.Fatalf("Load(corrupt) = %v, want error naming %s", err, file)
	}
}

func TestQwenMetadata(t *testing.T) {
	tk := qwen(t)
	if got := tk.VocabSize(); got != 151669 {
		t.Errorf("VocabSize = %d, want 151669", got)
	}
	if got := tk.EOSIDs(); !slices.Equal(got, []int{151643, 151645}) {
		t.Errorf("EOSIDs = %v", got)
	}
	for s, want := range map[string]int{"<|im_start|>": 151644, "<|im_end|>": 151645, "</think>": 151668, "Ġworld": 1879, "Hello": 9707} {
		if id, ok := tk.TokenID(s); !ok || id != want {
			t.Errorf("TokenID(%q) = %d, %v; want %d", s, id, ok, want)
		}
	}
	if !tk.IsSpecial(151645) || tk.IsSpecial(151667) || tk.IsSpecial(1879) {
		t.Error("IsSpecial: want <|im_end|> special, <think> and Ġworld not")
	}
	if _, ok := tk.TokenID("no such token"); ok {
		t.Error("TokenID found a missing token")
	}
}
