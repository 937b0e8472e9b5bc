package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// qwenPattern is the Split regex of the Qwen2 pre-tokenizer. It is only used
// to recognise the pre-tokenizer in tokenizer.json; the matching itself is the
// hand-written scanner below, because Go's RE2 has no lookahead.
const qwenPattern = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`

// Character classes used by the scanner. clsNL is '\r' or '\n', which are
// also whitespace (\s) but are excluded from some alternatives.
const (
	clsOther uint8 = iota
	clsLetter
	clsNumber
	clsSpace
	clsNL
)

// asciiClass classifies ASCII bytes without decoding, which is the hot path.
var asciiClass [128]uint8

func init() {
	for b := 0; b < 128; b++ {
		r := rune(b)
		switch {
		case b == '\r' || b == '\n':
			asciiClass[b] = clsNL
		case unicode.IsSpace(r):
			asciiClass[b] = clsSpace
		case unicode.IsLetter(r):
			asciiClass[b] = clsLetter
		case unicode.IsNumber(r):
			asciiClass[b] = clsNumber
		default:
			asciiClass[b] = clsOther
		}
	}
}

// classAt returns the class of the rune starting at s[i] and its byte width.
// Invalid UTF-8 bytes count as clsOther of width 1. i must be < len(s).
func classAt(s string, i int) (uint8, int) {
	b := s[i]
	if b < utf8.RuneSelf {
		return asciiClass[b], 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError && n <= 1:
		return clsOther, 1
	case unicode.IsLetter(r):
		return clsLetter, n
	case unicode.IsNumber(r):
		return clsNumber, n
	case unicode.IsSpace(r):
		// \r and \n are ASCII; no non-ASCII rune is clsNL.
		return clsSpace, n
	}
	return clsOther, n
}

// nextPiece returns the end of the pre-tokenizer piece that starts at s[i]
// (i < len(s)). It tries the regex alternatives in order, exactly as a
// backtracking engine would:
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)
//	[^\r\n\p{L}\p{N}]?\p{L}+
//	\p{N}
//	 ?[^\s\p{L}\p{N}]+[\r\n]*
//	\s*[\r\n]+
//	\s+(?!\S)
//	\s+
//
// Every rune is matched by some alternative, so the pieces tile s.
func nextPiece(s string, i int) int {
	c, n := classAt(s, i)
	// 1: contractions, case-insensitive.
	if s[i] == '\'' {
		if m := contraction(s, i+1); m > 0 {
			return i + 1 + m
		}
	}
	// 2: optional non-letter/number/newline, then letters.
	if c == clsLetter {
		return scanClass(s, i+n, clsLetter)
	}
	if (c == clsOther || c == clsSpace) && i+n < len(s) {
		if c2, n2 := classAt(s, i+n); c2 == clsLetter {
			return scanClass(s, i+n+n2, clsLetter)
		}
	}
	// 3: a single number.
	if c == clsNumber {
		return i + n
	}
	// 4: optional space, run of "other", trailing newlines.
	j := -1
	if c == clsOther {
		j = i
	} else if s[i] == ' ' && i+1 < len(s) {
		if c2, _ := classAt(s, i+1); c2 == clsOther {
			j = i + 1
		}
	}
	if j >= 0 {
		j = scanClass(s, j, clsOther)
		for j < len(s) && (s[j] == '\r' || s[j] == '\n') {
			j++
		}
		return j
	}
	// Only whitespace is left (c is clsSpace or clsNL).
	return whitespacePiece(s, i)
}

// whitespacePiece handles alternatives 5-7 for a whitespace run at s[i].
func whitespacePiece(s string, i int) int {
	end, lastNL, lastStart := i, -1, i
	for end < len(s) {
		c, n := classAt(s, end)
		if c != clsSpace && c != clsNL {
			break
		}
		if c == clsNL {
			lastNL = end + n
		}
		lastStart = end
		end += n
	}
	// 5: \s*[\r\n]+ ends just after the run's last newline.
	if lastNL > 0 {
		return lastNL
	}
	// 6: \s+(?!\S): at end of text take the whole run; before a non-space
	// give back the last whitespace rune so it can prefix the next word.
	if end == len(s) || lastStart == i {
		// 7: \s+ when the run is a single rune before a non-space.
		return end
	}
	return lastStart
}

// scanClass advances from j over runes of class cls.
func scanClass(s string, j int, cls uint8) int {
	for j < len(s) {
		c, n := classAt(s, j)
		if c != cls {
			break
		}
		j += n
	}
	return j
}

// contraction matches, case-insensitively, one of s t re ve m ll d at s[j]
// and returns its byte length, or 0. Like Oniguruma's Unicode case folding,
// U+017F (long s) matches 's'.
func contraction(s string, j int) int {
	if j >= len(s) {
		return 0
	}
	lower := func(k int) byte {
		if k >= len(s) {
			return 0
		}
		b := s[k]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		return b
	}
	switch lower(j) {
	case 's', 't', 'm', 'd':
		return 1
	case 'r', 'v':
		if lower(j+1) == 'e' {
			return 2
		}
	case 'l':
		if lower(j+1) == 'l' {
			return 2
		}
	case 0xC5: // U+017F is C5 BF
		if lower(j+1) == 0xBF {
			return 2
		}
	}
	return 0
}
