package tokenizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// maxTokens bounds the ids a tokenizer.json may use, so that a corrupt or
// hostile file cannot make Load allocate gigabytes.
const maxTokens = 1 << 22

// fileJSON mirrors the parts of Hugging Face tokenizer.json that matter for a
// byte-level BPE.
type fileJSON struct {
	AddedTokens  []addedTokenJSON `json:"added_tokens"`
	Normalizer   json.RawMessage  `json:"normalizer"`
	PreTokenizer json.RawMessage  `json:"pre_tokenizer"`
	Model        modelJSON        `json:"model"`
}

type addedTokenJSON struct {
	ID      *int   `json:"id"`
	Content string `json:"content"`
	LStrip  bool   `json:"lstrip"`
	RStrip  bool   `json:"rstrip"`
	Special bool   `json:"special"`
}

type modelJSON struct {
	Type                    string          `json:"type"`
	Vocab                   map[string]int  `json:"vocab"`
	Merges                  json.RawMessage `json:"merges"`
	ContinuingSubwordPrefix string          `json:"continuing_subword_prefix"`
	EndOfWordSuffix         string          `json:"end_of_word_suffix"`
}

// Load reads a Hugging Face tokenizer.json. path may be the file itself or a
// model directory that contains tokenizer.json.
func Load(path string) (*Tokenizer, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "tokenizer.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer: %w (expected a tokenizer.json file or a model directory containing one)", err)
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", path, err)
	}
	return t, nil
}

// Parse builds a Tokenizer from the bytes of a tokenizer.json. It accepts
// only what this package implements exactly (byte-level BPE with the Qwen2
// pre-tokenizer and optional NFC) and otherwise returns an error rather
// than silently producing wrong ids.
func Parse(data []byte) (*Tokenizer, error) {
	var f fileJSON
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse tokenizer.json: %w (the file is corrupt or truncated; download it again)", err)
	}
	t := &Tokenizer{cache: make(map[string][]int32)}
	var err error
	if t.nfc, err = parseNormalizer(f.Normalizer); err != nil {
		return nil, err
	}
	if err := checkPreTokenizer(f.PreTokenizer); err != nil {
		return nil, err
	}
	if err := t.buildVocab(&f); err != nil {
		return nil, err
	}
	if err := t.buildMerges(f.Model.Merges); err != nil {
		return nil, err
	}
	for _, name := range []string{"<|endoftext|>", "<|im_end|>"} {
		if id, ok := t.TokenID(name); ok {
			t.eos = append(t.eos, id)
		}
	}
	return t, nil
}

// buildVocab fills the vocabulary, the id -> bytes table and the added tokens.
func (t *Tokenizer) buildVocab(f *fileJSON) error {
	m := &f.Model
	if m.Type != "" && m.Type != "BPE" {
		return fmt.Errorf("tokenizer model type %q is not supported: only byte-level BPE (Qwen2/GPT-2 style) is implemented", m.Type)
	}
	if m.ContinuingSubwordPrefix != "" || m.EndOfWordSuffix != "" {
		return errors.New("tokenizer uses continuing_subword_prefix/end_of_word_suffix, which byte-level BPE does not; this file is not supported")
	}
	if len(m.Vocab) == 0 {
		return errors.New("tokenizer.json has an empty model.vocab")
	}
	maxID := -1
	for tok, id := range m.Vocab {
		if id < 0 || id >= maxTokens {
			return fmt.Errorf("vocab token %q has id %d outside [0, %d)", tok, id, maxTokens)
		}
		maxID = max(maxID, id)
	}
	for i, a := range f.AddedTokens {
		if a.ID == nil {
			return fmt.Errorf("added_tokens[%d] (%q) has no id", i, a.Content)
		}
		if *a.ID < 0 || *a.ID >= maxTokens {
			return fmt.Errorf("added token %q has id %d outside [0, %d)", a.Content, *a.ID, maxTokens)
		}
		if a.Content == "" {
			return fmt.Errorf("added_tokens[%d] (id %d) has empty content", i, *a.ID)
		}
		maxID = max(maxID, *a.ID)
	}
	count := len(m.Vocab) + len(f.AddedTokens)
	if maxID >= 2*count+1024 {
		return fmt.Errorf("token ids are sparse (highest id %d for %d tokens); the file is corrupt", maxID, count)
	}
	t.pieces = make([]string, maxID+1)
	t.known = make([]bool, maxID+1)
	t.vocab = make(map[string]int32, len(m.Vocab))
	for tok, id := range m.Vocab {
		if t.known[id] {
			return fmt.Errorf("vocab id %d is used by two tokens (%q and another); the file is corrupt", id, tok)
		}
		t.vocab[tok] = int32(id)
		t.pieces[id] = string(byteLevelDecode(tok))
		t.known[id] = true
	}
	for b := 0; b < 256; b++ {
		id, ok := t.vocab[string(byteToRune[b])]
		if !ok {
			return fmt.Errorf("vocab has no token for byte 0x%02x (%q): not a byte-level BPE vocabulary", b, string(byteToRune[b]))
		}
		t.byteID[b] = id
	}
	t.addedByContent = make(map[string]int32, len(f.AddedTokens))
	for _, a := range f.AddedTokens {
		id := *a.ID
		if prev, ok := t.addedByContent[a.Content]; ok && int(prev) != id {
			return fmt.Errorf("added token %q appears with ids %d and %d", a.Content, prev, id)
		}
		if vid, ok := t.vocab[a.Content]; (ok && int(vid) != id) || (!ok && t.known[id] && t.pieces[id] != a.Content) {
			return fmt.Errorf("added token %q (id %d) collides with a different vocab entry; the file is corrupt", a.Content, id)
		}
		t.addedByContent[a.Content] = int32(id)
		t.pieces[id] = a.Content
		t.known[id] = true
		t.added = append(t.added, addedToken{content: a.Content, id: int32(id), lstrip: a.LStrip, rstrip: a.RStrip, special: a.Special})
		t.firstByte[a.Content[0]] = true
	}
	// Longest first, so the first match at a position is the longest one.
	sort.SliceStable(t.added, func(i, j int) bool { return len(t.added[i].content) > len(t.added[j].content) })
	return nil
}

// buildMerges parses model.merges in either JSON form: ["a b", ...] (older
// files) or [["a", "b"], ...] (tokenizers >= 0.20).
func (t *Tokenizer) buildMerges(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	var pairs [][2]string
	if len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		inner := bytes.TrimSpace(bytes.TrimPrefix(raw, []byte("[")))
		if len(inner) > 0 && inner[0] == '"' {
			var lines []string
			if err := json.Unmarshal(raw, &lines); err != nil {
				return fmt.Errorf("parse model.merges as strings: %w", err)
			}
			pairs = make([][2]string, len(lines))
			for i, l := range lines {
				a, b, ok := strings.Cut(l, " ")
				if !ok || strings.Contains(b, " ") {
					return fmt.Errorf("model.merges[%d] = %q: want two tokens separated by one space", i, l)
				}
				pairs[i] = [2]string{a, b}
			}
		} else {
			var arr [][]string
			if err := json.Unmarshal(raw, &arr); err != nil {
				return fmt.Errorf("parse model.merges as pairs: %w", err)
			}
			pairs = make([][2]string, len(arr))
			for i, p := range arr {
				if len(p) != 2 {
					return fmt.Errorf("model.merges[%d] has %d elements, want 2", i, len(p))
				}
				pairs[i] = [2]string{p[0], p[1]}
			}
		}
	}
	t.merges = make(map[uint64]merge, len(pairs))
	for rank, p := range pairs {
		a, okA := t.vocab[p[0]]
		b, okB := t.vocab[p[1]]
		ab, okAB := t.vocab[p[0]+p[1]]
		if !okA || !okB || !okAB {
			return fmt.Errorf("model.merges[%d] (%q, %q) refers to a token missing from the vocab; the file is corrupt", rank, p[0], p[1])
		}
		k := pairKey(a, b)
		if _, dup := t.merges[k]; dup {
			continue // the first (lowest-rank) occurrence wins, as in Hugging Face
		}
		t.merges[k] = merge{rank: int32(rank), id: ab}
	}
	return nil
}

// parseNormalizer reports whether NFC must be applied. Only null, NFC and a
// Sequence of those are supported; anything else would change ids silently.
func parseNormalizer(raw json.RawMessage) (bool, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return false, nil
	}
	var n struct {
		Type        string            `json:"type"`
		Normalizers []json.RawMessage `json:"normalizers"`
	}
	if err := json.Unmarshal(raw, &n); err != nil {
		return false, fmt.Errorf("parse normalizer: %w", err)
	}
	switch n.Type {
	case "NFC":
		return true, nil
	case "Sequence":
		nfc := false
		for _, sub := range n.Normalizers {
			v, err := parseNormalizer(sub)
			if err != nil {
				return false, err
			}
			nfc = nfc || v
		}
		return nfc, nil
	}
	return false, fmt.Errorf("normalizer %q is not supported (only NFC): this tokenizer.json is not a Qwen2-style tokenizer", n.Type)
}

// checkPreTokenizer accepts the Qwen2 pre-tokenizer: Split(Qwen regex,
// Isolated) followed by ByteLevel(use_regex=false). A missing pre_tokenizer
// is treated as the Qwen2 one, for hand-written test files.
func checkPreTokenizer(raw json.RawMessage) error {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	var p struct {
		Type          string            `json:"type"`
		PreTokenizers []json.RawMessage `json:"pretokenizers"`
		Pattern       struct {
			Regex  *string `json:"Regex"`
			String *string `json:"String"`
		} `json:"pattern"`
		Behavior string `json:"behavior"`
		Invert   bool   `json:"invert"`
		UseRegex *bool  `json:"use_regex"`
		PrefixSp bool   `json:"add_prefix_space"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("parse pre_tokenizer: %w", err)
	}
	switch p.Type {
	case "Sequence":
		for _, sub := range p.PreTokenizers {
			if err := checkPreTokenizer(sub); err != nil {
				return err
			}
		}
		return nil
	case "Split":
		if p.Pattern.Regex == nil || *p.Pattern.Regex != qwenPattern || p.Invert || (p.Behavior != "" && p.Behavior != "Isolated") {
			return errors.New("pre_tokenizer Split pattern is not the Qwen2 regex; only the Qwen2 pre-tokenizer is implemented")
		}
		return nil
	case "ByteLevel":
		if p.UseRegex == nil || *p.UseRegex {
			return errors.New("pre_tokenizer ByteLevel with use_regex=true (GPT-2 regex) is not supported; only the Qwen2 pre-tokenizer is implemented")
		}
		if p.PrefixSp {
			return errors.New("pre_tokenizer ByteLevel with add_prefix_space=true is not supported")
		}
		return nil
	}
	return fmt.Errorf("pre_tokenizer %q is not supported; only the Qwen2 pre-tokenizer is implemented", p.Type)
}
