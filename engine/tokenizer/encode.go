package tokenizer

import "golang.org/x/text/unicode/norm"

// maxCacheEntries bounds the word cache so that encoding an endless stream of
// distinct words cannot grow memory without limit.
const maxCacheEntries = 1 << 17

// maxCachedWord is the longest word kept in the cache; longer words are rare
// and would pin large strings in memory.
const maxCachedWord = 64

// Encode returns the token ids of text. Added tokens written in the text
// (e.g. "<|im_start|>") are recognised and become their single ids, exactly
// like Hugging Face's encode(text, add_special_tokens=False). Use
// EncodeOrdinary for untrusted content that must not inject control tokens.
func (t *Tokenizer) Encode(text string) []int { return t.encodeAdded(text, true) }

// encodeAdded encodes text, recognising added tokens (special ones only if withSpecial).
func (t *Tokenizer) encodeAdded(text string, withSpecial bool) []int {
	out := make([]int, 0, len(text)/3+1)
	for len(text) > 0 {
		start, end, tok := t.findAddedIf(text, withSpecial)
		if tok == nil {
			return t.appendOrdinary(out, text)
		}
		out = t.appendOrdinary(out, text[:start])
		out = append(out, int(tok.id))
		text = text[end:]
	}
	return out
}

// EncodeNonSpecial is Encode for untrusted content: added tokens that are not
// special (a vocabulary's whole words, such as the demo model's "<answer>") become
// their single ids, as the model writes them, while special ones (control tokens
// such as "<|im_end|>") are BPE-encoded as plain text and cannot be forged.
func (t *Tokenizer) EncodeNonSpecial(text string) []int { return t.encodeAdded(text, false) }

// EncodeOrdinary returns the token ids of text treating every character as
// plain text: added/special token strings are BPE-encoded like any other
// text, so user content cannot forge "<|im_end|>".
func (t *Tokenizer) EncodeOrdinary(text string) []int {
	return t.appendOrdinary(make([]int, 0, len(text)/3+1), text)
}

// appendOrdinary normalises, pre-tokenizes and BPE-encodes text.
func (t *Tokenizer) appendOrdinary(out []int, text string) []int {
	if len(text) == 0 {
		return out
	}
	if t.nfc {
		text = norm.NFC.String(text)
	}
	var scratch [heapThreshold]int32
	for i := 0; i < len(text); {
		j := nextPiece(text, i)
		out = t.appendWord(out, text[i:j], scratch[:0])
		i = j
	}
	return out
}

// appendWord appends the ids of one pre-tokenized word.
func (t *Tokenizer) appendWord(out []int, word string, scratch []int32) []int {
	if len(word) == 1 {
		return append(out, int(t.byteID[word[0]]))
	}
	if len(word) <= maxCachedWord {
		t.mu.Lock()
		ids, ok := t.cache[word]
		t.mu.Unlock()
		if ok {
			for _, id := range ids {
				out = append(out, int(id))
			}
			return out
		}
	}
	ids := t.bpe(scratch, word)
	for _, id := range ids {
		out = append(out, int(id))
	}
	if len(word) <= maxCachedWord {
		stored := append([]int32(nil), ids...)
		key := string([]byte(word)) // copy: do not pin the caller's text
		t.mu.Lock()
		if len(t.cache) >= maxCacheEntries {
			clear(t.cache)
		}
		t.cache[key] = stored
		t.mu.Unlock()
	}
	return out
}
