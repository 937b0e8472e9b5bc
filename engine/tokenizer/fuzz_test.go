package tokenizer

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var (
	refTinyOnce sync.Once
	refTiny     *refBPE
)

// encodeReference is the slow reference pipeline: NFC, the RE2-based
// splitter and GPT-2 string BPE.
func encodeReference(tb testing.TB, s string) []int32 {
	refTinyOnce.Do(func() {
		data, err := TinyJSON(512)
		if err != nil {
			tb.Fatal(err)
		}
		refTiny = newRefBPE(tb, data)
	})
	var ids []int32
	for _, w := range refSplit(norm.NFC.String(s)) {
		ids = append(ids, refTiny.encode(w)...)
	}
	return ids
}

func FuzzEncodeDecode(f *testing.F) {
	for _, s := range []string{"", "Hello world", "  lead\n\n\ttrail  ", "I'M 12.5% sure — 🚀👍🏽", "你好，世界", "e\u0301\u0301",
		"def f(x):\n    return x**2\n", "ក្រុង ᏣᎳᎩ", "\xff\xfe\x00", strings.Repeat("ab", 100)} {
		f.Add(s)
	}
	tk := tiny(f, 512)
	f.Fuzz(func(t *testing.T, s string) {
		ids := tk.Encode(s)
		back, err := tk.Decode(ids)
		if err != nil {
			t.Fatalf("Decode(Encode(%q)): %v", s, err)
		}
		if !utf8.ValidString(s) {
			return // invalid bytes come back as U+FFFD; only absence of panics matters
		}
		if strings.Contains(s, "<|") {
			ids = tk.EncodeOrdinary(s)
			if back, err = tk.Decode(ids); err != nil {
				t.Fatal(err)
			}
		}
		if want := norm.NFC.String(s); back != want {
			t.Fatalf("round trip of %q = %q, want %q (NFC of the input)", s, back, want)
		}
		if got, want := tk.EncodeOrdinary(s), encodeReference(t, s); !slices.Equal(got, toInts(want)) {
			t.Fatalf("EncodeOrdinary(%q) = %v, reference %v", s, got, want)
		}
	})
}

func toInts(ids []int32) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = int(id)
	}
	return out
}

func FuzzLoad(f *testing.F) {
	good, err := TinyJSON(MinTinyVocab)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(`{"model":{"vocab":{"a":0},"merges":["a a"]}}`))
	f.Add([]byte(`{"added_tokens":[{"id":3,"content":"x"}],"model":{"vocab":{},"merges":[["a","b"]]}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tk, err := Parse(data)
		if err != nil {
			if tk != nil {
				t.Fatal("Parse returned a tokenizer and an error")
			}
			return
		}
		const text = "Hello, world! 12 naïve 🚀"
		ids := tk.Encode(text)
		back, err := tk.Decode(ids)
		if err != nil {
			t.Fatalf("Decode(Encode): %v", err)
		}
		if back != text {
			t.Fatalf("round trip = %q", back)
		}
	})
}
