package tokenizer

// byteToRune is GPT-2's bytes_to_unicode table: it maps every byte to a
// printable rune so that BPE vocabularies can be stored as JSON strings.
// Printable Latin-1 bytes map to themselves; the rest are shifted to U+0100+.
var byteToRune [256]rune

// runeToByte inverts byteToRune for runes below len(runeToByte); entries that
// are not part of the alphabet hold -1.
var runeToByte [324]int16

func init() {
	for i := range runeToByte {
		runeToByte[i] = -1
	}
	n := 0
	for b := 0; b < 256; b++ {
		printable := (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)
		r := rune(b)
		if !printable {
			r = rune(256 + n)
			n++
		}
		byteToRune[b] = r
		runeToByte[r] = int16(b)
	}
}

// byteLevelEncode returns the byte-level (vocabulary) spelling of raw bytes,
// e.g. " hi" -> "Ġhi".
func byteLevelEncode(raw string) string {
	out := make([]rune, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		out = append(out, byteToRune[raw[i]])
	}
	return string(out)
}

// byteLevelDecode maps a vocabulary spelling back to raw bytes. Runes outside
// the byte-level alphabet are kept as their UTF-8 encoding, like the Hugging
// Face ByteLevel decoder does.
func byteLevelDecode(tok string) []byte {
	out := make([]byte, 0, len(tok))
	for _, r := range tok {
		if r >= 0 && int(r) < len(runeToByte) && runeToByte[r] >= 0 {
			out = append(out, byte(runeToByte[r]))
			continue
		}
		out = append(out, string(r)...)
	}
	return out
}
