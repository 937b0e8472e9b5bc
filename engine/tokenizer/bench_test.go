package tokenizer

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchText builds about n bytes of deterministic, realistic mixed input:
// English prose, Python/Go code, numbers, and a little non-Latin text, in
// roughly the proportions of a chat/coding RL dataset.
func benchText(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(`the of and to in is that it for was on are as with his they at be this from
		have or by one had not but what all were when we there can an your which their said if do will each
		about how up out them then she many some so these would other into has more her two like him see time
		could no make than first been its who now people my made over did down only way find use may water
		long little very after words called just where most know model training reward swarm node peer
		gradient answer question reasoning policy optimisation tokenizer encoder Qwen Gensyn network`)
	code := []string{
		"def add(a, b):\n    return a + b\n\n",
		"for i in range(len(xs)):\n    total += xs[i] * weights[i]\n",
		"func (t *Tokenizer) Encode(text string) []int {\n\treturn t.encode(text)\n}\n",
		"if err != nil {\n\treturn nil, fmt.Errorf(\"load %s: %w\", path, err)\n}\n",
		"    x = torch.nn.functional.softmax(logits / temperature, dim=-1)\n",
		"const result = await fetch(`https://api.example.com/v1/items?id=${id}`);\n",
	}
	other := []string{"你好，世界！", "Привет, мир. ", "naïve café façade ", "🚀🔥 ", "ＡＢＣ１２３ "}
	var b strings.Builder
	for b.Len() < n {
		switch k := r.IntN(10); {
		case k < 6: // a sentence
			m := 6 + r.IntN(14)
			for i := 0; i < m; i++ {
				w := words[r.IntN(len(words))]
				if i == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				b.WriteString(w)
				if i < m-1 {
					b.WriteByte(' ')
				}
			}
			b.WriteString([]string{". ", "? ", "! ", ".\n", ", "}[r.IntN(5)])
		case k < 8:
			b.WriteString(code[r.IntN(len(code))])
		case k < 9:
			fmt.Fprintf(&b, "%d + %d = %d, ratio %.4f. ", r.IntN(100000), r.IntN(1000), r.IntN(1000000), r.Float64())
		default:
			b.WriteString(other[r.IntN(len(other))])
		}
	}
	return b.String()
}

// BenchmarkEncode measures Qwen encoding throughput on ~1 MB of mixed text
// (target: >= 5 MB/s on one core). The word cache is warm after the first
// iteration, as it is in a long-running node.
func BenchmarkEncode(b *testing.B) {
	tk := qwen(b)
	text := benchText(1 << 20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var ntok int
	for b.Loop() {
		ntok = len(tk.Encode(text))
	}
	b.ReportMetric(float64(len(text))/float64(ntok), "bytes/token")
}

// BenchmarkEncodeCold measures encoding with an empty word cache every
// iteration: the worst case, e.g. the first prompt after start-up.
func BenchmarkEncodeCold(b *testing.B) {
	tk := qwen(b)
	text := benchText(1 << 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		tk.mu.Lock()
		clear(tk.cache)
		tk.mu.Unlock()
		tk.Encode(text)
	}
}

// BenchmarkDecode measures Decode of the ids of ~1 MB of text.
func BenchmarkDecode(b *testing.B) {
	tk := qwen(b)
	text := benchText(1 << 20)
	ids := tk.Encode(text)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := tk.Decode(ids); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad measures parsing the 11 MB Qwen tokenizer.json.
func BenchmarkLoad(b *testing.B) {
	qwen(b) // skip when the fixture is missing
	for b.Loop() {
		if _, err := Load(fixtureDir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeLongWord measures the worst case: one 256 KiB word (no
// pre-tokenizer split), which takes the heap merger.
func BenchmarkEncodeLongWord(b *testing.B) {
	tk := qwen(b)
	for _, tc := range []struct{ name, unit string }{{"letters", "a"}, {"spaces", " "}, {"accented", "é"}} {
		text := strings.Repeat(tc.unit, (256<<10)/len(tc.unit))
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				tk.Encode(text)
			}
		})
	}
}
