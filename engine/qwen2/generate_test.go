package qwen2_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// rescore runs prompt+answer through a fresh full prefill and returns the
// log-softmax of each answer token: the quantity Completion.LogProbs claims.
func rescore(t *testing.T, m *qwen2.Model, prompt, answer []int) []float64 {
	t.Helper()
	V := m.Config.VocabSize
	full := append(append([]int(nil), prompt...), answer...)
	c, _ := m.NewCache(len(full))
	logits, err := m.PrefillAll(c, full)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(answer))
	for j, tok := range answer {
		row := logits[(len(prompt)+j-1)*V : (len(prompt)+j)*V]
		mx := float64(slices.Max(row))
		sum := 0.0
		for _, l := range row {
			sum += math.Exp(float64(l) - mx)
		}
		out[j] = float64(row[tok]) - mx - math.Log(sum)
	}
	return out
}

func TestGenerateGreedyMatchesRescoring(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	prompt := testTokens(6, m.Config.VocabSize)
	got, st, err := m.Generate(prompt, qwen2.GenerateOptions{N: 2, MaxNew: 10, StopIDs: []int{}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[0].Tokens, got[1].Tokens) {
		t.Fatalf("greedy answers differ: %v vs %v", got[0].Tokens, got[1].Tokens)
	}
	c := got[0]
	if len(c.Tokens) != 10 || c.Finish != "length" {
		t.Fatalf("got %d tokens, finish %q; want 10, length", len(c.Tokens), c.Finish)
	}
	want := rescore(t, m, prompt, c.Tokens)
	// Each greedy token must be the argmax of the rescored distribution,
	// i.e. have the highest log-prob there; its recorded log-prob must match.
	for j := range c.Tokens {
		if math.Abs(float64(c.LogProbs[j])-want[j]) > 1e-4 {
			t.Fatalf("token %d: LogProbs %v, rescored %v", j, c.LogProbs[j], want[j])
		}
		if c.SampleLogProbs[j] != 0 {
			t.Fatalf("greedy SampleLogProbs[%d] = %v, want 0", j, c.SampleLogProbs[j])
		}
	}
	full := append(append([]int(nil), prompt...), c.Tokens...)
	ref, err := m.ReferenceLogits(full)
	if err != nil {
		t.Fatal(err)
	}
	for j, tok := range c.Tokens {
		row := ref[len(prompt)+j-1]
		best := 0
		for i := range row {
			if row[i] > row[best] {
				best = i
			}
		}
		if best != tok {
			t.Fatalf("step %d: greedy picked %d, float64 reference argmax is %d", j, tok, best)
		}
	}
	if st.PromptTokens != 6 || st.GeneratedTokens != 20 || st.KVCacheBytes <= 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestGenerateSamplingReproducibleAndConsistent(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	prompt := testTokens(5, m.Config.VocabSize)
	opt := qwen2.GenerateOptions{N: 4, MaxNew: 12, Temperature: 1, TopP: 0.95, Seed: 11, StopIDs: []int{}}
	var streamed int
	opt.OnToken = func(seq, tok int) { streamed++ }
	a, _, err := m.Generate(prompt, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.OnToken = nil
	b, _, err := m.Generate(prompt, opt)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[string]bool{}
	for i := range a {
		if !slices.Equal(a[i].Tokens, b[i].Tokens) {
			t.Fatalf("answer %d not reproducible: %v vs %v", i, a[i].Tokens, b[i].Tokens)
		}
		distinct[fmt.Sprint(a[i].Tokens[:3])] = true
		want := rescore(t, m, prompt, a[i].Tokens)
		for j := range want {
			if math.Abs(float64(a[i].LogProbs[j])-want[j]) > 1e-4 {
				t.Fatalf("answer %d token %d: LogProbs %v, rescored %v", i, j, a[i].LogProbs[j], want[j])
			}
			if a[i].SampleLogProbs[j] < a[i].LogProbs[j]-1e-5 {
				t.Fatalf("top-p sampling log-prob %v below raw %v: filtering can only raise it", a[i].SampleLogProbs[j], a[i].LogProbs[j])
			}
		}
	}
	if len(distinct) < 2 {
		t.Fatalf("4 sampled answers all start the same; seeds per answer are not independent")
	}
	if streamed != 48 {
		t.Fatalf("OnToken called %d times, want 48", streamed)
	}
	// Answer 0 of a batch draws from stream (seed, 0), the same as a lone answer.
	opt.N = 1
	one, _, err := m.Generate(prompt, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(one[0].Tokens, a[0].Tokens) {
		t.Fatalf("batched answer 0 %v differs from the lone answer %v", a[0].Tokens, one[0].Tokens)
	}
}

func TestGenerateStopsOnStopID(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	prompt := testTokens(4, m.Config.VocabSize)
	free, _, err := m.Generate(prompt, qwen2.GenerateOptions{MaxNew: 8, StopIDs: []int{}})
	if err != nil {
		t.Fatal(err)
	}
	stopAt := free[0].Tokens[3]
	k := slices.Index(free[0].Tokens, stopAt)
	got, _, err := m.Generate(prompt, qwen2.GenerateOptions{MaxNew: 8, StopIDs: []int{stopAt}})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Finish != "stop" || !slices.Equal(got[0].Tokens, free[0].Tokens[:k+1]) {
		t.Fatalf("stop at %d: got %v (%s), want %v", stopAt, got[0].Tokens, got[0].Finish, free[0].Tokens[:k+1])
	}
	// Nil StopIDs falls back to the config's EOS id.
	if !slices.Equal(m.Config.EOSTokenIDs, []int{m.Config.VocabSize - 1}) {
		t.Fatalf("tiny model eos ids %v", m.Config.EOSTokenIDs)
	}
}

func TestGenerateErrors(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{MaxPos: 32}, qwen2.F32)
	cases := []struct {
		name   string
		prompt []int
		opt    qwen2.GenerateOptions
	}{
		{"too-long", testTokens(30, 512), qwen2.GenerateOptions{MaxNew: 3}},
		{"bad-token", []int{1, 9999}, qwen2.GenerateOptions{MaxNew: 3}},
		{"empty", nil, qwen2.GenerateOptions{MaxNew: 3}},
		{"no-maxnew", []int{1}, qwen2.GenerateOptions{}},
		{"negative-n", []int{1}, qwen2.GenerateOptions{N: -1, MaxNew: 2}},
		{"bad-topk", []int{1}, qwen2.GenerateOptions{MaxNew: 2, Temperature: 1, TopK: -3}},
	}
	for _, tc := range cases {
		if _, _, err := m.Generate(tc.prompt, tc.opt); err == nil {
			t.Errorf("%s: want error", tc.name)
		}
	}
}

// MaxNew 1 needs no decode step and no branch caches; MaxContext caps the
// usable context below the config's.
func TestGenerateEdgeCases(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	outs, st, err := m.Generate([]int{1, 2, 3}, qwen2.GenerateOptions{N: 3, MaxNew: 1, Temperature: 1, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range outs {
		if len(c.Tokens) != 1 || (c.Finish != "length" && c.Finish != "stop") {
			t.Fatalf("completion %+v", c)
		}
	}
	if st.GeneratedTokens != 3 {
		t.Fatalf("generated %d tokens, want 3", st.GeneratedTokens)
	}
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Tiny{}, 7); err != nil {
		t.Fatal(err)
	}
	capped, err := qwen2.Load(dir, qwen2.LoadOptions{MaxContext: 8})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := capped.Generate(testTokens(6, 512), qwen2.GenerateOptions{MaxNew: 3}); err == nil {
		t.Fatal("MaxContext 8 allowed 6+3 tokens")
	}
}

// ScoreContinuation must reproduce Generate's raw log-probs and the float64
// reference's log-softmax, across more than one scoring chunk.
func TestScoreContinuation(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	prompt := testTokens(5, m.Config.VocabSize)
	outs, _, err := m.Generate(prompt, qwen2.GenerateOptions{MaxNew: 70, Temperature: 1, Seed: 3, StopIDs: []int{}})
	if err != nil {
		t.Fatal(err)
	}
	ans := outs[0].Tokens
	got, err := m.ScoreContinuation(prompt, ans)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := m.ReferenceLogits(append(append([]int(nil), prompt...), ans...))
	if err != nil {
		t.Fatal(err)
	}
	for j, tok := range ans {
		row := ref[len(prompt)+j-1]
		mx := slices.Max(row)
		sum := 0.0
		for _, v := range row {
			sum += math.Exp(v - mx)
		}
		want := row[tok] - mx - math.Log(sum)
		if math.Abs(float64(got[j])-want) > 1e-4 || math.Abs(float64(outs[0].LogProbs[j])-want) > 1e-4 {
			t.Fatalf("token %d: score %v, generate %v, reference %v", j, got[j], outs[0].LogProbs[j], want)
		}
	}
	if _, err := m.ScoreContinuation(prompt, []int{1, 99999}); err == nil {
		t.Fatal("out-of-vocab answer accepted")
	}
	if _, err := m.ScoreContinuation(nil, []int{1}); err == nil {
		t.Fatal("empty prompt accepted")
	}
}
