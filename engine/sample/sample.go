// Package sample turns next-token logits into tokens: greedy, temperature,
// top-k and top-p (nucleus) sampling with a private, seeded random stream per
// sequence, so a rollout can be replayed exactly from (seed, sequence index).
//
// Every draw reports two log-probabilities: the one under the distribution
// actually sampled from (after temperature and filtering) and the raw model
// log-probability (temperature 1, no filtering), which is what GRPO's
// importance ratio and KL terms need.
package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// Params selects the sampling distribution. The zero value is greedy.
type Params struct {
	// Temperature divides the logits; 0 (or negative) means greedy argmax.
	Temperature float32
	// TopK keeps only the K most likely tokens; 0 disables it.
	TopK int
	// TopP keeps the smallest set of most likely tokens whose probability
	// reaches TopP (applied after TopK, as Hugging Face does); 0 or ≥ 1
	// disables it.
	TopP float32
}

// Validate rejects parameters that have no sensible meaning.
func (p Params) Validate() error {
	if math.IsNaN(float64(p.Temperature)) || math.IsInf(float64(p.Temperature), 0) {
		return fmt.Errorf("sampling temperature %v must be a finite number (0 = greedy)", p.Temperature)
	}
	if p.TopK < 0 {
		return fmt.Errorf("top-k %d must be ≥ 0 (0 = off)", p.TopK)
	}
	if math.IsNaN(float64(p.TopP)) || p.TopP < 0 {
		return fmt.Errorf("top-p %v must be in [0,1] (0 or 1 = off)", p.TopP)
	}
	return nil
}

// Greedy reports whether p always picks the argmax.
func (p Params) Greedy() bool { return p.Temperature <= 0 }

// Result is one sampled token.
type Result struct {
	Token int
	// LogProb is log P(token) under the distribution sampled from
	// (temperature, top-k, top-p applied; 0 for greedy).
	LogProb float32
	// RawLogProb is log softmax(logits)[token]: the model's own
	// log-probability at temperature 1 with no filtering.
	RawLogProb float32
}

// Sampler draws tokens for one sequence. It is not safe for concurrent use;
// give each sequence its own.
type Sampler struct {
	p        Params
	rng      *rand.Rand
	top      topK
	pr       []float64
	kept     []int32
	edge     []int32
	raw      []float32 // softmax of the logits (temperature 1)
	tempered []float32 // softmax at temperature T when T != 1
	full     []float32 // raw or tempered for this call; nil with top-k
	mx       float64   // max logit of the current call
	invT     float64   // 1/temperature of the current call
}

// weight is token i's (unnormalised) probability at the current
// temperature: from the vectorised full softmax when one was computed,
// else exp((logit-max)/T) for the few top-k candidates.
func (s *Sampler) weight(logits []float32, i int32) float64 {
	if s.full != nil {
		return float64(s.full[i])
	}
	return math.Exp((float64(logits[i]) - s.mx) * s.invT)
}

// New returns a sampler whose random stream is fully determined by (seed,
// seq): the same pair replays the same draws, different sequences of one
// rollout get independent streams.
func New(p Params, seed uint64, seq int) *Sampler {
	return &Sampler{p: p, rng: rand.New(rand.NewPCG(seed, splitmix(uint64(seq)+0x5eed)))}
}

// Params are the sampler's settings.
func (s *Sampler) Params() Params { return s.p }

// Uniform takes the next number of the sampler's stream, the one Sample's
// draw would take: a device that samples on its own (engine/vulkan's
// sampling kernel) calls it once per non-greedy token instead of Sample, so
// the stream, and with it every later draw, stays the CPU's.
func (s *Sampler) Uniform() float64 { return s.rng.Float64() }

// splitmix scrambles the sequence index so neighbouring indices give
// unrelated PCG streams.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}

// Sample draws the next token from logits (one row, [vocab]).
func (s *Sampler) Sample(logits []float32) (Result, error) {
	if len(logits) == 0 {
		return Result{}, fmt.Errorf("sample: empty logits")
	}
	if err := s.p.Validate(); err != nil {
		return Result{}, err
	}
	best, err := argmax(logits)
	if err != nil {
		return Result{}, err
	}
	// One vectorised softmax gives the raw (temperature 1) distribution;
	// log p(tok) = (l_tok - max) + log p(best), which cannot underflow.
	s.raw = grow32(s.raw, len(logits))
	copy(s.raw, logits)
	cpu.Softmax(s.raw)
	logPBest := math.Log(float64(s.raw[best]))
	raw := func(tok int) float32 { return float32(float64(logits[tok]-logits[best]) + logPBest) }
	if s.p.Greedy() {
		return Result{Token: best, RawLogProb: raw(best)}, nil
	}

	invT := 1 / float64(s.p.Temperature)
	s.mx, s.invT = float64(logits[best]), invT
	// Candidates: the top-k list, or (cand == nil) the whole vocabulary.
	var cand []int32
	s.full = nil
	if k := s.p.TopK; k > 0 && k < len(logits) {
		cand = s.top.largest(logits, k)
	} else if invT == 1 {
		s.full = s.raw
	} else {
		s.tempered = grow32(s.tempered, len(logits))
		for i, l := range logits {
			s.tempered[i] = float32((float64(l) - s.mx) * invT) // ≤ 0: cannot overflow
		}
		cpu.Softmax(s.tempered)
		s.full = s.tempered
	}
	n := len(logits)
	if cand != nil {
		n = len(cand)
	}
	id := func(j int) int {
		if cand == nil {
			return j
		}
		return int(cand[j])
	}
	s.pr = growF64(s.pr, n)
	sum := 0.0
	for j := range n {
		s.pr[j] = s.weight(logits, int32(id(j)))
		sum += s.pr[j]
	}
	if topP := float64(s.p.TopP); topP > 0 && topP < 1 {
		cand, n = s.nucleus(logits, cand, n, sum, topP)
		id = func(j int) int { return int(cand[j]) }
		sum = 0
		for j := range n {
			sum += s.pr[j]
		}
	}
	j := draw(s.rng, s.pr[:n], sum)
	tok := id(j)
	return Result{Token: tok, LogProb: float32(math.Log(s.pr[j] / sum)), RawLogProb: raw(tok)}, nil
}

// Nucleus bins: probabilities are bucketed by log-ratio to the best token
// so the top-p set is found in O(V) without sorting the vocabulary; only the
// one bucket that straddles the cut is sorted.
const (
	nucleusBins  = 2048
	nucleusRange = 40.0 // nats; exp(-40) ≈ 4e-18 of the best token's mass
)

// nucleus keeps the smallest prefix (in descending probability, ties by
// lower id) of the candidates whose probability mass reaches topP. On entry
// s.pr[j] holds the unnormalised weight of candidate j (cand nil = whole
// vocabulary) summing to sum; on return cand and s.pr[:n] describe the kept
// set, in an order that is deterministic but not sorted.
func (s *Sampler) nucleus(logits []float32, cand []int32, n int, sum, topP float64) ([]int32, int) {
	id := func(j int) int32 {
		if cand == nil {
			return int32(j)
		}
		return cand[j]
	}
	// bin is -log(weight) scaled to nucleusBins over nucleusRange nats,
	// computed from the logit directly (no log per token).
	scale := s.invT * nucleusBins / nucleusRange
	bin := func(i int32) int {
		b := (s.mx - float64(logits[i])) * scale
		if !(b < nucleusBins-1) {
			return nucleusBins - 1
		}
		return int(b)
	}
	var mass [nucleusBins]float64
	for j := range n {
		mass[bin(id(j))] += s.pr[j] / sum
	}
	cum, cut := 0.0, nucleusBins-1
	for b := range mass {
		if cum+mass[b] >= topP {
			cut = b
			break
		}
		cum += mass[b]
	}
	// Everything in bins above the cut is kept; the cut bin is sorted and
	// taken until the mass reaches topP (at least one token).
	kept, edge := s.kept[:0], s.edge[:0]
	for j := range n {
		switch b := bin(id(j)); {
		case b < cut:
			kept = append(kept, id(j))
		case b == cut:
			edge = append(edge, id(j))
		}
	}
	slices.SortFunc(edge, func(a, b int32) int {
		if logits[a] != logits[b] {
			if logits[a] > logits[b] {
				return -1
			}
			return 1
		}
		return int(a - b)
	})
	for _, i := range edge {
		kept = append(kept, i)
		cum += s.weight(logits, i) / sum
		if cum >= topP {
			break
		}
	}
	s.kept, s.edge = kept, edge
	s.pr = growF64(s.pr, len(kept))
	for j, i := range kept {
		s.pr[j] = s.weight(logits, i)
	}
	return kept, len(kept)
}

// draw picks index i with probability w[i]/sum.
func draw(r *rand.Rand, w []float64, sum float64) int {
	u := r.Float64() * sum
	last := 0
	for i, x := range w {
		if x > 0 {
			last = i
		}
		u -= x
		if u < 0 {
			return i
		}
	}
	return last // rounding left u ≥ 0: take the last token with mass
}

// argmax returns the index of the largest logit (first on ties), rejecting
// NaN and +Inf so a broken forward pass cannot pose as a sample.
func argmax(logits []float32) (int, error) {
	best := 0
	for i, l := range logits {
		if l != l || math.IsInf(float64(l), 1) {
			return 0, fmt.Errorf("sample: logit %d is %v; the model produced invalid values", i, l)
		}
		if l > logits[best] {
			best = i
		}
	}
	if math.IsInf(float64(logits[best]), -1) {
		return 0, fmt.Errorf("sample: every logit is -Inf")
	}
	return best, nil
}

func grow32(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

func growF64(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}
