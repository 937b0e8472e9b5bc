package qwen2

import (
	"fmt"
	"math"
)

// scoreChunk is how many answer tokens are scored per forward pass; it
// bounds the logits buffer to scoreChunk×vocab floats (39 MB for Qwen2.5)
// instead of answer-length×vocab.
const scoreChunk = 64

// ScoreContinuation returns log p(answer[j] | prompt, answer[:j]) for every
// answer token: the raw model log-probabilities (temperature 1, no
// filtering) that GRPO needs for reference/old-policy terms and that a node
// can use to check another node's claimed log-probs.
func (m *Model) ScoreContinuation(prompt, answer []int) ([]float32, error) {
	if len(prompt) == 0 || len(answer) == 0 {
		return nil, fmt.Errorf("score: need a non-empty prompt and answer (got %d and %d tokens)", len(prompt), len(answer))
	}
	if n := len(prompt) + len(answer) - 1; n > m.Config.MaxPositionEmbeddings {
		return nil, fmt.Errorf("score: prompt+answer (%d tokens) exceed the model context of %d", n+1, m.Config.MaxPositionEmbeddings)
	}
	for _, t := range answer {
		if t < 0 || t >= m.Config.VocabSize {
			return nil, fmt.Errorf("score: answer token id %d outside the vocabulary [0,%d)", t, m.Config.VocabSize)
		}
	}
	// The last answer token is only scored, never fed, so it needs no slot.
	cache, err := m.NewCache(len(prompt) + len(answer) - 1)
	if err != nil {
		return nil, err
	}
	defer cache.Release()
	logits, err := m.Prefill(cache, prompt)
	if err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	V := m.Config.VocabSize
	out := make([]float32, 0, len(answer))
	out = append(out, logSoftmaxAt(logits[:V], answer[0]))
	for lo := 0; lo < len(answer)-1; lo += scoreChunk {
		hi := min(lo+scoreChunk, len(answer)-1)
		caches := make([]*KVCache, hi-lo)
		want := make([]int, hi-lo)
		for i := range caches {
			caches[i], want[i] = cache, i
		}
		logits, err := m.Forward(caches, answer[lo:hi], want)
		if err != nil {
			return nil, fmt.Errorf("score: %w", err)
		}
		for i := range want {
			out = append(out, logSoftmaxAt(logits[i*V:(i+1)*V], answer[lo+i+1]))
		}
	}
	return out, nil
}

// logSoftmaxAt is log softmax(row)[i], accumulated in float64.
func logSoftmaxAt(row []float32, i int) float32 {
	mx := row[0]
	for _, v := range row {
		mx = max(mx, v)
	}
	sum := 0.0
	for _, v := range row {
		sum += math.Exp(float64(v - mx))
	}
	return float32(float64(row[i]-mx) - math.Log(sum))
}
