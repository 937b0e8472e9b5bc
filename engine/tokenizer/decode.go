package tokenizer

import (
	"fmt"
	"unicode/utf8"
)

// Decode returns the text of ids. Added/special tokens are rendered as their
// content. Byte sequences that are not valid UTF-8 (e.g. half of an emoji)
// become U+FFFD, one per maximal invalid subpart, as Hugging Face does.
func (t *Tokenizer) Decode(ids []int) (string, error) {
	raw := make([]byte, 0, 4*len(ids))
	var err error
	for i, id := range ids {
		if raw, err = t.appendBytes(raw, id); err != nil {
			return "", fmt.Errorf("decode token %d of %d: %w", i, len(ids), err)
		}
	}
	return string(appendLossy(nil, raw)), nil
}

// appendBytes appends the raw bytes of token id.
func (t *Tokenizer) appendBytes(dst []byte, id int) ([]byte, error) {
	if id < 0 || id >= len(t.pieces) || !t.known[id] {
		return dst, fmt.Errorf("unknown token id %d (vocabulary has ids 0..%d); the ids do not belong to this tokenizer", id, len(t.pieces)-1)
	}
	return append(dst, t.pieces[id]...), nil
}

// appendLossy appends b to dst as valid UTF-8, replacing each maximal
// subpart of an ill-formed sequence by U+FFFD (the Unicode "substitution of
// maximal subparts" practice used by Rust's from_utf8_lossy and Python).
func appendLossy(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			dst = append(dst, b[i])
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n > 1 {
			dst = append(dst, b[i:i+n]...)
			i += n
			continue
		}
		dst = append(dst, "\uFFFD"...)
		i += invalidPrefixLen(b[i:])
	}
	return dst
}

// invalidPrefixLen returns the length (>= 1) of the maximal prefix of b that
// could start a well-formed UTF-8 sequence; b does not start with one.
func invalidPrefixLen(b []byte) int {
	lead := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		need = 1
	case lead == 0xE0:
		need, lo = 2, 0xA0
	case lead == 0xED:
		need, hi = 2, 0x9F
	case lead >= 0xE1 && lead <= 0xEF:
		need = 2
	case lead == 0xF0:
		need, lo = 3, 0x90
	case lead == 0xF4:
		need, hi = 3, 0x8F
	case lead >= 0xF1 && lead <= 0xF3:
		need = 3
	default:
		return 1
	}
	k := 1
	for ; k <= need && k < len(b); k++ {
		if b[k] < lo || b[k] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return k
}

// StreamDecoder turns generated ids into text as they arrive. A token may
// end in the middle of a multi-byte character (emoji and CJK are often split
// across tokens); the decoder holds such an incomplete tail back until the
// next token completes it, so printed text never contains spurious U+FFFD.
type StreamDecoder struct {
	t       *Tokenizer
	pending []byte
}

// NewStreamDecoder returns a decoder for one generated sequence.
func (t *Tokenizer) NewStreamDecoder() *StreamDecoder {
	return &StreamDecoder{t: t}
}

// Add feeds one id and returns the text that became printable with it (it
// may be empty while a character is incomplete). The concatenation of all
// Add results followed by Flush equals Decode of all ids.
func (d *StreamDecoder) Add(id int) (string, error) {
	var err error
	if d.pending, err = d.t.appendBytes(d.pending, id); err != nil {
		return "", fmt.Errorf("stream decode: %w", err)
	}
	cut := len(d.pending) - incompleteTail(d.pending)
	out := string(appendLossy(nil, d.pending[:cut]))
	d.pending = append(d.pending[:0], d.pending[cut:]...)
	return out, nil
}

// Flush returns any held-back bytes (an unfinished character becomes U+FFFD)
// and resets the decoder; call it when generation ends.
func (d *StreamDecoder) Flush() string {
	out := string(appendLossy(nil, d.pending))
	d.pending = d.pending[:0]
	return out
}

// incompleteTail returns how many trailing bytes of b form a valid but
// unfinished UTF-8 sequence (0 to 3).
func incompleteTail(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c&0xC0 == 0x80 {
			continue // continuation byte: keep looking for the lead
		}
		tail := b[len(b)-k:]
		if c >= 0xC0 && !utf8.FullRune(tail) {
			return k
		}
		return 0
	}
	return 0
}
