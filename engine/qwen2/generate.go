package qwen2

import (
	"fmt"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// GenerateOptions controls Generate. The zero value of a sampling field
// means "off" (Temperature 0 = greedy).
type GenerateOptions struct {
	N           int     // number of answers sharing the prompt (default 1)
	MaxNew      int     // max generated tokens per answer (required, > 0)
	Temperature float32 // 0 = greedy
	TopP        float32 // 0 or 1 = off
	TopK        int     // 0 = off
	Seed        uint64  // answer i draws from the stream (Seed, i)
	// StopIDs end an answer when sampled (the stop token is kept). Nil
	// means the model's EOS ids from config.json/generation_config.json.
	StopIDs []int
	// OnToken, if set, is called for each sampled token as it is produced
	// (seq is the answer index), e.g. to stream text to a UI.
	OnToken func(seq, tok int)
}

// Completion is one generated answer.
type Completion struct {
	Tokens []int
	// LogProbs are the raw model log-probabilities (temperature 1, no
	// top-k/top-p) of each token, the "old policy" values GRPO needs.
	LogProbs []float32
	// SampleLogProbs are the log-probabilities under the distribution the
	// token was actually drawn from (0 for greedy).
	SampleLogProbs []float32
	Finish         string // "stop" or "length"
}

// Stats reports where Generate spent its time.
type Stats struct {
	PromptTokens    int
	GeneratedTokens int // summed over all answers
	Prefill         time.Duration
	Decode          time.Duration // decode forward passes plus sampling
	PrefillTokPerS  float64
	DecodeTokPerS   float64 // generated tokens per second, all answers together
	KVCacheBytes    int     // KV memory allocated (shared prompt + answers)
}

// Generate samples opt.N answers to prompt. The prompt is prefilled once;
// every answer then branches off its KV cache (shared by pointer, not copied)
// and all unfinished answers advance together, one batched Decode per step.
func (m *Model) Generate(prompt []int, opt GenerateOptions) ([]Completion, Stats, error) {
	var st Stats
	if opt.N == 0 {
		opt.N = 1
	}
	if opt.N < 0 || opt.MaxNew <= 0 {
		return nil, st, fmt.Errorf("generate: need N ≥ 1 and MaxNew ≥ 1 (got N=%d, MaxNew=%d)", opt.N, opt.MaxNew)
	}
	if len(prompt) == 0 {
		return nil, st, fmt.Errorf("generate: empty prompt")
	}
	if ctx := m.Config.MaxPositionEmbeddings; len(prompt)+opt.MaxNew > ctx {
		return nil, st, fmt.Errorf("generate: prompt (%d tokens) plus max new tokens (%d) exceeds the model context of %d; shorten the prompt or lower max new tokens",
			len(prompt), opt.MaxNew, ctx)
	}
	sp := sample.Params{Temperature: opt.Temperature, TopK: opt.TopK, TopP: opt.TopP}
	if err := sp.Validate(); err != nil {
		return nil, st, fmt.Errorf("generate: %w", err)
	}
	stop := sample.Stop{IDs: opt.StopIDs, MaxNew: opt.MaxNew}
	if stop.IDs == nil {
		stop.IDs = m.Config.EOSTokenIDs
	}

	t0 := time.Now()
	root, err := m.NewCache(len(prompt))
	if err != nil {
		return nil, st, err
	}
	defer root.Release() // after the answers' caches, which read its positions
	logits, err := m.Prefill(root, prompt)
	if err != nil {
		return nil, st, fmt.Errorf("generate: %w", err)
	}
	V := m.Config.VocabSize
	first := append([]float32(nil), logits[:V]...)
	st.PromptTokens = len(prompt)
	st.Prefill = time.Since(t0)
	st.KVCacheBytes = root.Bytes()

	t1 := time.Now()
	out := make([]Completion, opt.N)
	caches := make([]*KVCache, opt.N)
	defer func() {
		for _, c := range caches {
			if c != nil {
				c.Release()
			}
		}
	}()
	samplers := make([]*sample.Sampler, opt.N)
	for i := range caches {
		// The last sampled token is never fed back, so MaxNew-1 slots suffice.
		if opt.MaxNew > 1 {
			if caches[i], err = root.Branch(opt.MaxNew - 1); err != nil {
				return nil, st, err
			}
			st.KVCacheBytes += caches[i].Bytes()
		}
		samplers[i] = sample.New(sp, opt.Seed, i)
	}
	// active lists unfinished answers; row k of the logits belongs to
	// active[k]. The first token of every answer comes from the prompt's
	// logits (row 0 for all, rowStride 0).
	active := make([]int, opt.N)
	for i := range active {
		active[i] = i
	}
	next := make([]int, 0, opt.N)
	batch := make([]*KVCache, 0, opt.N)
	res := make([]sample.Result, opt.N)
	errs := make([]error, opt.N)
	logits, rowStride := first, 0
	sampled := false // res already holds this step's draws (made on the device)
	for len(active) > 0 {
		// Sampling scans the whole vocabulary per answer, so answers are
		// sampled in parallel; results are recorded (and streamed) in order.
		res, errs = res[:len(active)], errs[:len(active)]
		if !sampled {
			cpu.ParallelFor(len(active), func(lo, hi int) {
				for k := lo; k < hi; k++ {
					res[k], errs[k] = samplers[active[k]].Sample(logits[k*rowStride : k*rowStride+V])
				}
			})
		}
		sampled = false
		still := active[:0]
		for k, i := range active {
			if errs[k] != nil {
				return nil, st, fmt.Errorf("generate: %w", errs[k])
			}
			if m.record(&out[i], i, res[k], stop, opt.OnToken) {
				still = append(still, i)
			}
		}
		active = still
		if len(active) == 0 {
			break
		}
		next, batch = next[:0], batch[:0]
		for _, i := range active {
			next = append(next, out[i].Tokens[len(out[i].Tokens)-1])
			batch = append(batch, caches[i])
		}
		if !m.onHost() {
			// On a device the step samples there too: no logits come back.
			act := make([]*sample.Sampler, len(active))
			for k, i := range active {
				act[k] = samplers[i]
			}
			res = res[:len(active)]
			if err := m.DecodeSample(batch, next, act, res); err != nil {
				return nil, st, fmt.Errorf("generate: %w", err)
			}
			sampled = true
			continue
		}
		if logits, err = m.Decode(batch, next); err != nil {
			return nil, st, fmt.Errorf("generate: %w", err)
		}
		rowStride = V
	}
	st.Decode = time.Since(t1)
	for _, c := range out {
		st.GeneratedTokens += len(c.Tokens)
	}
	if s := st.Prefill.Seconds(); s > 0 {
		st.PrefillTokPerS = float64(st.PromptTokens) / s
	}
	if s := st.Decode.Seconds(); s > 0 {
		st.DecodeTokPerS = float64(st.GeneratedTokens) / s
	}
	return out, st, nil
}

// record appends a sampled token to c and reports whether the answer goes on.
func (m *Model) record(c *Completion, seq int, r sample.Result, stop sample.Stop, on func(seq, tok int)) bool {
	c.Tokens = append(c.Tokens, r.Token)
	c.LogProbs = append(c.LogProbs, r.RawLogProb)
	c.SampleLogProbs = append(c.SampleLogProbs, r.LogProb)
	if on != nil {
		on(seq, r.Token)
	}
	c.Finish = stop.Check(r.Token, len(c.Tokens))
	return c.Finish == ""
}
