package tokenizer

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// splitAll returns the pre-tokenizer pieces of s.
func splitAll(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := nextPiece(s, i)
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func TestSplitTable(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Hello world", []string{"Hello", " world"}},
		{"  leading", []string{" ", " leading"}},
		{"trailing   ", []string{"trailing", "   "}},
		{"a  \n\n b", []string{"a", "  \n\n", " b"}},
		{"x\t\ty", []string{"x", "\t", "\ty"}},
		{"I'm don'T they'RE we'll 'd", []string{"I", "'m", " don", "'T", " they", "'RE", " we", "'ll", " '", "d"}},
		{"'ſ", []string{"'ſ"}},
		{"12345", []string{"1", "2", "3", "4", "5"}},
		{"x=1;\n", []string{"x", "=", "1", ";\n"}},
		{" !!!\r\n\nok", []string{" !!!\r\n\n", "ok"}},
		{"(word)", []string{"(word", ")"}},
		{"\u00a0word \u3000字", []string{"\u00a0word", " ", "\u3000字"}},
		{"   \n  \t  ", []string{"   \n", "  \t  "}},
		{"a \n", []string{"a", " \n"}},
		{"\xff\xfeab", []string{"\xff\xfe", "ab"}},
		{"Ⅻ²", []string{"Ⅻ", "²"}},
	}
	for _, tc := range tests {
		if got := splitAll(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("split(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The reference splitter runs each regex alternative separately through
// RE2, anchored and in order, as a backtracking engine tries them; RE2's
// \s is ASCII-only, so Unicode White_Space is spelled out. The lookahead
// alternative \s+(?!\S) is evaluated by trying every run length.
const (
	refSpace    = `[\t\n\v\f\r\x{85}\p{Z}]`
	refNotSpace = `[^\t\n\v\f\r\x{85}\p{Z}]`
)

var refAlts = []*regexp.Regexp{
	regexp.MustCompile(`^(?i:'s|'t|'re|'ve|'m|'ll|'d)`),
	regexp.MustCompile(`^[^\r\n\p{L}\p{N}]?\p{L}+`),
	regexp.MustCompile(`^\p{N}`),
	regexp.MustCompile(`^ ?[^\t\n\v\f\r\x{85}\p{Z}\p{L}\p{N}]+[\r\n]*`),
	regexp.MustCompile(`^` + refSpace + `*[\r\n]+`),
	nil, // \s+(?!\S), below
	regexp.MustCompile(`^` + refSpace + `+`),
}

var refSpaceRun = regexp.MustCompile(`^` + refSpace + `+`)
var refNonSpace = regexp.MustCompile(`^` + refNotSpace)

func refSplit(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		end := -1
		for _, re := range refAlts {
			if re == nil {
				if loc := refSpaceRun.FindStringIndex(s[i:]); loc != nil {
					// Backtrack from the longest run to one rune.
					for l := loc[1]; l > 0; {
						if !refNonSpace.MatchString(s[i+l:]) {
							end = i + l
							break
						}
						_, n := utf8.DecodeLastRuneInString(s[i : i+l])
						l -= n
					}
				}
			} else if loc := re.FindStringIndex(s[i:]); loc != nil && loc[1] > 0 {
				end = i + loc[1]
			}
			if end >= 0 {
				break
			}
		}
		if end < 0 { // no alternative matched: an unmatched gap of one rune
			_, n := utf8.DecodeRuneInString(s[i:])
			end = i + n
		}
		out = append(out, s[i:end])
		i = end
	}
	return out
}

// randomText draws from characters that exercise every alternative.
func randomText(r *rand.Rand, n int) string {
	alphabet := []string{"a", "Z", "é", "字", "ſ", "1", "٣", "²", " ", " ", "\t", "\n", "\r", "\u00a0", "\u3000",
		"\u2028", "\v", "'", "s", "S", "t", "re", "LL", "d", "!", ".", "(", "-", "🚀", "\u200d", "\u0301"}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

func TestSplitMatchesRegexReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 3000; i++ {
		s := randomText(r, 1+r.IntN(24))
		if got, want := splitAll(s), refSplit(s); !slices.Equal(got, want) {
			t.Fatalf("split(%q)\n got %q\nwant %q", s, got, want)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"Hello world", "  x  ", "a\r\n\r\nb", "'S'Ll", "12 ab!!\n", "\xff\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // the reference regexes treat invalid bytes differently
		}
		if got, want := splitAll(s), refSplit(s); !slices.Equal(got, want) {
			t.Fatalf("split(%q)\n got %q\nwant %q", s, got, want)
		}
	})
}
