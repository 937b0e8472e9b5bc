package tokenizer

// addedToken is an entry of tokenizer.json's added_tokens that is matched in
// raw text before normalisation and BPE. Every added token is matched on the
// raw text, which is exact for Qwen (all have normalized=false);
// single_word is not implemented (no Qwen token uses it).
type addedToken struct {
	content string
	id      int32
	lstrip  bool
	rstrip  bool
	special bool
}

// findAddedIf returns the leftmost-longest added token in text and the byte
// range it covers (including whitespace absorbed by lstrip/rstrip), or nil.
// Special added tokens are skipped unless withSpecial.
func (t *Tokenizer) findAddedIf(text string, withSpecial bool) (start, end int, tok *addedToken) {
	if len(t.added) == 0 {
		return 0, 0, nil
	}
	for i := 0; i < len(text); i++ {
		if !t.firstByte[text[i]] {
			continue
		}
		for k := range t.added {
			a := &t.added[k]
			if a.special && !withSpecial {
				continue
			}
			if len(text)-i >= len(a.content) && text[i:i+len(a.content)] == a.content {
				start, end = i, i+len(a.content)
				if a.lstrip {
					for start > 0 && isASCIISpace(text[start-1]) {
						start--
					}
				}
				if a.rstrip {
					for end < len(text) && isASCIISpace(text[end]) {
						end++
					}
				}
				return start, end, a
			}
		}
	}
	return 0, 0, nil
}

func isASCIISpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}
