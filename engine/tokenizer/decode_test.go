package tokenizer

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestAppendLossy uses the example of the Unicode Standard (ch. 3, "U+FFFD
// Substitution of Maximal Subparts", Table 3-8) and the cases around it.
func TestAppendLossy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd"},
		{"\xC0\xAF\xE0\x80\xBF\xF0\x81\x82\x41", "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA"},
		{"\xED\xA0\x80\xED\xBF\xBF\xED\xAF\x41", "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA"},
		{"\xF4\x91\x92\x93\xFF\x41\x80\xBF\x42", "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA\uFFFD\uFFFDB"},
		{"\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41", "\uFFFD\uFFFD\uFFFD\uFFFDA"},
		{"héllo 🚀", "héllo 🚀"},
		{"\xF0\x9F\x9A", "\uFFFD"},
	}
	for _, tc := range tests {
		if got := string(appendLossy(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("appendLossy(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDecodeUnknownID(t *testing.T) {
	tk := tiny(t, 300)
	for _, id := range []int{-1, 300, 1 << 40} {
		_, err := tk.Decode([]int{72, id})
		if err == nil || !strings.Contains(err.Error(), "unknown token id") {
			t.Errorf("Decode([72 %d]) error = %v, want unknown token id", id, err)
		}
		if _, err := tk.NewStreamDecoder().Add(id); err == nil {
			t.Errorf("StreamDecoder.Add(%d) succeeded", id)
		}
	}
}

// TestStreamDecoderSplitEmoji feeds the Qwen ids of an emoji that is split
// over three tokens: nothing may be printed until the character is whole.
func TestStreamDecoderSplitEmoji(t *testing.T) {
	tk := qwen(t)
	ids := tk.Encode("Emoji: 🚀!")
	d := tk.NewStreamDecoder()
	var outs []string
	for _, id := range ids {
		s, err := d.Add(id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(s, '\uFFFD') {
			t.Fatalf("stream printed a replacement char: %q", s)
		}
		outs = append(outs, s)
	}
	if got := strings.Join(outs, "") + d.Flush(); got != "Emoji: 🚀!" {
		t.Fatalf("stream = %q", got)
	}
	if !contains(outs, "") {
		t.Fatalf("expected at least one empty chunk while 🚀 was incomplete, got %q (ids %v)", outs, ids)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestStreamDecoderMatchesDecode checks, for random id sequences that often
// cut multi-byte characters (including invalid sequences), that the streamed
// text equals Decode of the whole sequence.
func TestStreamDecoderMatchesDecode(t *testing.T) {
	t.Run("tiny", func(t *testing.T) { checkStream(t, tiny(t, 512)) })
	t.Run("qwen", func(t *testing.T) { checkStream(t, qwen(t)) })
}

func checkStream(t *testing.T, tk *Tokenizer) {
	{
		r := rand.New(rand.NewPCG(5, 6))
		for iter := 0; iter < 500; iter++ {
			ids := make([]int, r.IntN(12))
			for i := range ids {
				if r.IntN(2) == 0 {
					ids[i] = int(tk.byteID[0x80+r.IntN(0x80)]) // lead/continuation bytes
				} else {
					ids[i] = r.IntN(tk.VocabSize())
				}
			}
			want, err := tk.Decode(ids)
			if err != nil {
				t.Fatal(err)
			}
			d := tk.NewStreamDecoder()
			var b strings.Builder
			for _, id := range ids {
				s, err := d.Add(id)
				if err != nil {
					t.Fatal(err)
				}
				b.WriteString(s)
			}
			b.WriteString(d.Flush())
			if b.String() != want {
				t.Fatalf("ids %v: stream %q, Decode %q", ids, b.String(), want)
			}
		}
	}
}
