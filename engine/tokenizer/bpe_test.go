package tokenizer

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// refBPE is an independent reference: the original GPT-2 encoder.py bpe()
// on byte-level strings (merge every occurrence of the lowest-ranked pair,
// repeat), written without ids, heaps or caches.
type refBPE struct {
	ranks map[[2]string]int
	vocab map[string]int
}

func newRefBPE(tb testing.TB, data []byte) *refBPE {
	tb.Helper()
	var f struct {
		Model struct {
			Vocab  map[string]int `json:"vocab"`
			Merges [][2]string    `json:"merges"`
		} `json:"model"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		tb.Fatalf("parse for reference: %v", err)
	}
	r := &refBPE{ranks: map[[2]string]int{}, vocab: f.Model.Vocab}
	for i, m := range f.Model.Merges {
		if _, ok := r.ranks[m]; !ok {
			r.ranks[m] = i
		}
	}
	return r
}

func (r *refBPE) encode(raw string) []int32 {
	var word []string
	for _, c := range byteLevelEncode(raw) {
		word = append(word, string(c))
	}
	for len(word) > 1 {
		best, bestRank := [2]string{}, -1
		for i := 0; i+1 < len(word); i++ {
			if rk, ok := r.ranks[[2]string{word[i], word[i+1]}]; ok && (bestRank < 0 || rk < bestRank) {
				best, bestRank = [2]string{word[i], word[i+1]}, rk
			}
		}
		if bestRank < 0 {
			break
		}
		var next []string
		for i := 0; i < len(word); i++ {
			if i+1 < len(word) && word[i] == best[0] && word[i+1] == best[1] {
				next = append(next, best[0]+best[1])
				i++
				continue
			}
			next = append(next, word[i])
		}
		word = next
	}
	ids := make([]int32, len(word))
	for i, w := range word {
		ids[i] = int32(r.vocab[w])
	}
	return ids
}

// bpeWords returns pre-tokenized words of mixed text plus long and random
// byte words that take the heap path.
func bpeWords(r *rand.Rand) []string {
	var words []string
	text := benchText(20000)
	for i := 0; i < len(text); {
		j := nextPiece(text, i)
		words = append(words, text[i:j])
		i = j
	}
	words = append(words,
		strings.Repeat("a", 300), strings.Repeat(" ", 200), strings.Repeat("ab", 150),
		strings.Repeat("Supercalifragilistic", 10), strings.Repeat("\u00e9\u5b57", 50))
	for i := 0; i < 200; i++ {
		n := 2 + r.IntN(300)
		b := make([]byte, n)
		for k := range b {
			b[k] = "aeiostn ĠxyzQ\xe2\x80\x99"[r.IntN(17)]
		}
		words = append(words, string(b))
	}
	return words
}

func checkBPE(t *testing.T, tk *Tokenizer, ref *refBPE) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, w := range bpeWords(r) {
		want := ref.encode(w)
		if got := tk.bpe(nil, w); !slices.Equal(got, want) {
			t.Fatalf("bpe(%q)\n got %v\nwant %v", w, got, want)
		}
		if got := tk.bpeHeap(nil, w); !slices.Equal(got, want) {
			t.Fatalf("bpeHeap(%q)\n got %v\nwant %v", w, got, want)
		}
	}
}

func TestBPEMatchesReferenceQwen(t *testing.T) {
	tk := qwen(t)
	data, err := os.ReadFile(filepath.Join(fixtureDir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkBPE(t, tk, newRefBPE(t, data))
}

func TestBPEMatchesReferenceTiny(t *testing.T) {
	data, err := TinyJSON(512)
	if err != nil {
		t.Fatal(err)
	}
	checkBPE(t, tiny(t, 512), newRefBPE(t, data))
}
