package tokenizer

import "sync"

// Tokenizer is a loaded byte-level BPE tokenizer. It is safe for concurrent
// use: the only mutable state is the word cache, which is guarded.
type Tokenizer struct {
	vocab          map[string]int32 // byte-level spelling -> id (BPE vocabulary)
	merges         map[uint64]merge // pairKey(left, right) -> merged id and rank
	byteID         [256]int32       // id of each single-byte token
	pieces         []string         // id -> raw bytes of the token ("" for holes)
	known          []bool           // id -> whether the id exists
	added          []addedToken     // added tokens, longest content first
	addedByContent map[string]int32
	firstByte      [256]bool // bytes that can start an added token
	nfc            bool      // apply NFC normalisation
	eos            []int

	mu    sync.Mutex
	cache map[string][]int32 // word -> ids
}

// TokenID returns the id of a token given its tokenizer.json spelling: the
// content of an added token (e.g. "<|im_end|>") or a BPE vocabulary entry in
// byte-level form (e.g. "Ġthe" for " the").
func (t *Tokenizer) TokenID(s string) (int, bool) {
	if id, ok := t.addedByContent[s]; ok {
		return int(id), true
	}
	if id, ok := t.vocab[s]; ok {
		return int(id), true
	}
	return 0, false
}

// VocabSize returns the number of token ids the tokenizer can produce
// (highest id + 1, added tokens included). Model embedding tables are often
// padded beyond this (Qwen2.5 uses 151936 rows for 151665 tokens).
func (t *Tokenizer) VocabSize() int { return len(t.pieces) }

// EOSIDs returns the ids that end generation: <|endoftext|> and <|im_end|>
// when the vocabulary has them. The slice is a copy.
func (t *Tokenizer) EOSIDs() []int { return append([]int(nil), t.eos...) }

// IsSpecial reports whether id is an added token marked "special" in
// tokenizer.json (e.g. <|im_end|>), which a UI usually hides when printing.
func (t *Tokenizer) IsSpecial(id int) bool {
	for _, a := range t.added {
		if int(a.id) == id {
			return a.special
		}
	}
	return false
}
