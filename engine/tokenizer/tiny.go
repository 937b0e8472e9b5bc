package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
)

// MinTinyVocab is the smallest vocabulary WriteTiny accepts: 256 byte tokens
// plus the three ChatML special tokens.
const MinTinyVocab = 259

// maxTinyVocab keeps "tiny" tokenizers tiny; real vocabularies come from files.
const maxTinyVocab = 1 << 16

// tinyCorpus is the text the tiny tokenizer's merges are learnt from, so that
// tiny models see realistic multi-byte tokens for English, code and numbers.
const tinyCorpus = `The quick brown fox jumps over the lazy dog. The dog sleeps in the sun.
You are a helpful assistant. Please answer the question and explain your reasoning step by step.
What is the answer? The answer is 42. Solve 12 + 30 = 42 and 7 * 6 = 42, then check the result.
def add(a, b):
    return a + b

for i in range(10):
    print(i, add(i, i))

func main() { fmt.Println("hello, world") }
The swarm trains the model together: every node generates answers, the peers vote, and the best
answers are rewarded. Training uses reinforcement learning with group relative policy optimisation.
In the morning the students read their books, and in the evening they write the answers down.
There is nothing better than a clean room, a warm tea and a good question to think about.
I'm sure they've said we'll see what's going on, isn't it? They're here and I'd like that.
`

// WriteTiny writes a small byte-level BPE tokenizer.json with exactly vocab
// token ids to path, for tests of packages that need a tokenizer but must not
// depend on the 11 MB Qwen file. Ids 0..255 are the single bytes, then come
// merges learnt from a built-in English/code corpus, and the last three ids
// are <|endoftext|>, <|im_start|> and <|im_end|>. The output is deterministic.
func WriteTiny(path string, vocab int) error {
	data, err := TinyJSON(vocab)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write tiny tokenizer: %w", err)
	}
	return nil
}

// NewTiny returns the tokenizer WriteTiny would write, without a file.
func NewTiny(vocab int) (*Tokenizer, error) {
	data, err := TinyJSON(vocab)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// TinyJSON returns the tokenizer.json bytes that WriteTiny writes.
func TinyJSON(vocab int) ([]byte, error) {
	if vocab < MinTinyVocab || vocab > maxTinyVocab {
		return nil, fmt.Errorf("tiny tokenizer vocab %d out of range [%d, %d]", vocab, MinTinyVocab, maxTinyVocab)
	}
	tokens, merges := learnMerges(tinyCorpus, vocab-3)
	v := make(map[string]int, vocab)
	for id, raw := range tokens {
		v[byteLevelEncode(raw)] = id
	}
	type added struct {
		ID         int    `json:"id"`
		Content    string `json:"content"`
		SingleWord bool   `json:"single_word"`
		LStrip     bool   `json:"lstrip"`
		RStrip     bool   `json:"rstrip"`
		Normalized bool   `json:"normalized"`
		Special    bool   `json:"special"`
	}
	var specials []added
	for i, s := range []string{"<|endoftext|>", "<|im_start|>", "<|im_end|>"} {
		specials = append(specials, added{ID: vocab - 3 + i, Content: s, Special: true})
	}
	mergeJSON := make([][2]string, len(merges))
	for i, m := range merges {
		mergeJSON[i] = [2]string{byteLevelEncode(m[0]), byteLevelEncode(m[1])}
	}
	useRegex := false
	file := map[string]any{
		"version":      "1.0",
		"truncation":   nil,
		"padding":      nil,
		"added_tokens": specials,
		"normalizer":   map[string]any{"type": "NFC"},
		"pre_tokenizer": map[string]any{
			"type": "Sequence",
			"pretokenizers": []any{
				map[string]any{"type": "Split", "pattern": map[string]string{"Regex": qwenPattern}, "behavior": "Isolated", "invert": false},
				map[string]any{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": useRegex},
			},
		},
		"post_processor": map[string]any{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false},
		"decoder":        map[string]any{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false},
		"model": map[string]any{
			"type": "BPE", "dropout": nil, "unk_token": nil, "continuing_subword_prefix": "",
			"end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
			"vocab": v, "merges": mergeJSON,
		},
	}
	data, err := json.MarshalIndent(file, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode tiny tokenizer: %w", err)
	}
	return data, nil
}

// learnMerges runs plain BPE training on corpus until there are size tokens
// (raw byte strings, index = id). When the corpus has no pair left to merge,
// it appends synthetic merges (token + printable byte) so any size works.
// The last two merges make U+FFFD one token, as it is in Qwen's vocabulary:
// a random tiny model emits stray UTF-8 bytes, decoding turns each into U+FFFD,
// and without this merge the re-encoded text would be up to three times as
// long as the answer that was sampled, which no real tokenizer does.
func learnMerges(corpus string, size int) (tokens []string, merges [][2]string) {
	replacement := 0
	if size-256 >= 2 {
		replacement = 2
	}
	size -= replacement
	for b := 0; b < 256; b++ {
		tokens = append(tokens, string([]byte{byte(b)}))
	}
	index := make(map[string]int, size)
	for id, s := range tokens {
		index[s] = id
	}
	counts := map[string]int{}
	var order []string // first-seen order keeps training deterministic
	for i := 0; i < len(corpus); {
		j := nextPiece(corpus, i)
		w := corpus[i:j]
		if counts[w] == 0 {
			order = append(order, w)
		}
		counts[w]++
		i = j
	}
	words := make([][]int, len(order))
	for k, w := range order {
		for i := 0; i < len(w); i++ {
			words[k] = append(words[k], int(w[i]))
		}
	}
	addMerge := func(a, b int) int {
		s := tokens[a] + tokens[b]
		merges = append(merges, [2]string{tokens[a], tokens[b]})
		if id, ok := index[s]; ok {
			return id
		}
		tokens = append(tokens, s)
		index[s] = len(tokens) - 1
		return len(tokens) - 1
	}
	for len(tokens) < size {
		pairCount := map[[2]int]int{}
		var best [2]int
		bestN := 1 // a pair must occur at least twice
		for k, w := range words {
			for i := 0; i+1 < len(w); i++ {
				p := [2]int{w[i], w[i+1]}
				pairCount[p] += counts[order[k]]
				n := pairCount[p]
				if n > bestN || (n == bestN && bestN > 1 && (p[0] < best[0] || (p[0] == best[0] && p[1] < best[1]))) {
					best, bestN = p, n
				}
			}
		}
		if bestN < 2 {
			break
		}
		id := addMerge(best[0], best[1])
		for k, w := range words {
			out := w[:0]
			for i := 0; i < len(w); i++ {
				if i+1 < len(w) && w[i] == best[0] && w[i+1] == best[1] {
					out = append(out, id)
					i++
					continue
				}
				out = append(out, w[i])
			}
			words[k] = out
		}
	}
	// Synthetic fill: extend existing tokens by one printable ASCII byte.
	for base := 0; len(tokens) < size; base++ {
		for c := byte('a'); c <= 'z' && len(tokens) < size; c++ {
			if _, ok := index[tokens[base]+string(c)]; !ok {
				addMerge(base, int(c))
			}
		}
	}
	if replacement > 0 {
		r := "\uFFFD"
		addMerge(addMerge(int(r[0]), int(r[1])), int(r[2]))
	}
	return tokens, merges
}
