package train

import (
	"fmt"
	"math"
)

// GRPOConfig holds the clipped-objective settings. rl-swarm (genrl) uses
// DAPO-style asymmetric clipping, ε_low 0.2 / ε_high 0.28, and no KL term.
type GRPOConfig struct {
	// EpsLow and EpsHigh bound the probability ratio to [1-EpsLow, 1+EpsHigh].
	EpsLow, EpsHigh float64
	// Beta weighs the k3 KL estimate against a frozen reference policy; 0
	// (rl-swarm's default) needs no reference model at all.
	Beta float64
}

// DefaultGRPOConfig returns rl-swarm's settings: ε 0.2/0.28, β 0.
func DefaultGRPOConfig() GRPOConfig { return GRPOConfig{EpsLow: 0.2, EpsHigh: 0.28} }

// Validate rejects clip ranges that would make the objective meaningless.
func (c GRPOConfig) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"eps_low", c.EpsLow}, {"eps_high", c.EpsHigh}, {"beta", c.Beta}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("grpo %s = %g, must be a finite number ≥ 0", f.name, f.v)
		}
	}
	if c.EpsLow >= 1 {
		return fmt.Errorf("grpo eps_low = %g, must be below 1 (the ratio's lower bound 1-eps_low must stay positive)", c.EpsLow)
	}
	return nil
}

// GroupAdvantages normalises the rewards of one question's answers:
// (r - mean) / (std + 1e-8) with std the unbiased (n-1) standard deviation,
// as torch.std in TRL and genrl. A group of one, or one whose rewards are
// all equal, carries no learning signal and gets zeros. A NaN reward
// propagates (GRPOLoss then refuses the sample).
func GroupAdvantages(rewards []float64) []float64 {
	out := make([]float64, len(rewards))
	n := len(rewards)
	if n < 2 {
		return out
	}
	equal := true
	var sum float64
	for _, r := range rewards {
		sum += r
		equal = equal && r == rewards[0]
	}
	if equal {
		return out
	}
	mean := sum / float64(n)
	var ss float64
	for _, r := range rewards {
		ss += (r - mean) * (r - mean)
	}
	std := math.Sqrt(ss / float64(n-1))
	for i, r := range rewards {
		out[i] = (r - mean) / (std + 1e-8)
	}
	return out
}

// Sample is one completion's per-token inputs to the loss.
type Sample struct {
	// LogP holds the current policy's log-probabilities of the completion
	// tokens (from TrainForward); the gradient is taken with respect to it.
	LogP []float32
	// OldLogP holds the log-probabilities at sampling time (same length):
	// ratio = exp(LogP - OldLogP). On-policy (one step per batch, as
	// rl-swarm) it equals LogP and the ratio is 1.
	OldLogP []float32
	// RefLogP holds the frozen reference policy's log-probabilities; it is
	// required iff Beta > 0 (used for the KL statistic whenever present).
	RefLogP []float32
	// Mask, if non-nil, excludes tokens marked false (padding, truncation);
	// nil counts every token.
	Mask []bool
	// Advantage is the sample's group-normalised advantage.
	Advantage float64
}

// LossStats summarises one GRPOLoss call. Loss, PolicyLoss, KL and
// ClipFraction are sums over this call's tokens divided by the batch's
// totalTokens, so the values of micro-batches add up to the whole batch's.
type LossStats struct {
	Loss         float64 // PolicyLoss + Beta·KL
	PolicyLoss   float64 // mean of -min(ρA, clip(ρ)A)
	KL           float64 // mean k3 estimate (0 without RefLogP)
	ClipFraction float64 // share of tokens whose gradient the clip removed
	Tokens       int     // tokens counted in this call
}

// GRPOLoss computes the GRPO objective and its gradient with respect to
// every sample's LogP. Per counted token:
//
//	ρ = exp(logp - old)
//	l = -min(ρA, clip(ρ, 1-EpsLow, 1+EpsHigh)·A) + Beta·k3,  k3 = exp(ref-logp) - (ref-logp) - 1
//
// and the loss is Σl / totalTokens (token-level mean). totalTokens is the
// number of counted tokens in the whole optimizer batch, so calling
// GRPOLoss per micro-batch and accumulating the gradients gives exactly the
// gradient of one call over the whole batch. The returned slices have the
// samples' lengths; masked tokens get 0.
//
// Inputs are checked up front (lengths, a missing RefLogP when Beta > 0,
// totalTokens ≤ 0 or smaller than the tokens counted here, NaN/Inf in a
// counted token or an advantage) and refused with an error naming the
// sample and token, because a NaN here would poison the whole update.
func GRPOLoss(cfg GRPOConfig, samples []Sample, totalTokens int) (LossStats, [][]float32, error) {
	var st LossStats
	if err := cfg.Validate(); err != nil {
		return st, nil, err
	}
	if totalTokens <= 0 {
		return st, nil, fmt.Errorf("grpo loss: totalTokens = %d, must be positive (the number of counted tokens in the optimizer batch)", totalTokens)
	}
	for i := range samples {
		n, err := checkSample(cfg, &samples[i], i)
		if err != nil {
			return st, nil, err
		}
		st.Tokens += n
	}
	if st.Tokens > totalTokens {
		return st, nil, fmt.Errorf("grpo loss: %d tokens counted in this call but totalTokens = %d; totalTokens must cover the whole batch", st.Tokens, totalTokens)
	}
	inv := 1 / float64(totalTokens)
	grads := make([][]float32, len(samples))
	var policy, kl float64
	var clipped int
	for i := range samples {
		s := &samples[i]
		g := make([]float32, len(s.LogP))
		grads[i] = g
		for t := range s.LogP {
			if s.Mask != nil && !s.Mask[t] {
				continue
			}
			ref := math.NaN()
			if s.RefLogP != nil {
				ref = float64(s.RefLogP[t])
			}
			r := tokenLoss(cfg, float64(s.LogP[t]), float64(s.OldLogP[t]), ref, s.Advantage)
			policy += r.policy
			kl += r.kl
			if r.clipped {
				clipped++
			}
			g[t] = float32(r.grad * inv)
			if !finite32(g[t]) {
				return st, nil, fmt.Errorf("grpo loss: sample %d token %d: gradient %g overflows float32 (ratio exp(%g))", i, t, r.grad*inv, s.LogP[t]-s.OldLogP[t])
			}
		}
	}
	st.PolicyLoss = policy * inv
	st.KL = kl * inv
	st.Loss = st.PolicyLoss
	if cfg.Beta > 0 {
		st.Loss += cfg.Beta * st.KL
	}
	st.ClipFraction = float64(clipped) * inv
	if math.IsNaN(st.Loss) || math.IsInf(st.Loss, 0) {
		return st, nil, fmt.Errorf("grpo loss is %g: a probability ratio overflowed (log-probs far from the sampling-time or reference ones?)", st.Loss)
	}
	return st, grads, nil
}

// checkSample validates one sample and returns its counted tokens.
func checkSample(cfg GRPOConfig, s *Sample, i int) (int, error) {
	n := len(s.LogP)
	if len(s.OldLogP) != n {
		return 0, fmt.Errorf("grpo loss: sample %d has %d log-probs but %d old log-probs", i, n, len(s.OldLogP))
	}
	if s.RefLogP == nil && cfg.Beta > 0 {
		return 0, fmt.Errorf("grpo loss: sample %d has no reference log-probs but beta = %g needs them", i, cfg.Beta)
	}
	if s.RefLogP != nil && len(s.RefLogP) != n {
		return 0, fmt.Errorf("grpo loss: sample %d has %d log-probs but %d reference log-probs", i, n, len(s.RefLogP))
	}
	if s.Mask != nil && len(s.Mask) != n {
		return 0, fmt.Errorf("grpo loss: sample %d has %d log-probs but a mask of %d", i, n, len(s.Mask))
	}
	if math.IsNaN(s.Advantage) || math.IsInf(s.Advantage, 0) {
		return 0, fmt.Errorf("grpo loss: sample %d has advantage %g", i, s.Advantage)
	}
	count := 0
	for t := 0; t < n; t++ {
		if s.Mask != nil && !s.Mask[t] {
			continue
		}
		count++
		if !finite32(s.LogP[t]) || !finite32(s.OldLogP[t]) || (s.RefLogP != nil && !finite32(s.RefLogP[t])) {
			ref := float32(0)
			if s.RefLogP != nil {
				ref = s.RefLogP[t]
			}
			return 0, fmt.Errorf("grpo loss: sample %d token %d is not finite (logp %g, old %g, ref %g)", i, t, s.LogP[t], s.OldLogP[t], ref)
		}
	}
	return count, nil
}

func finite32(x float32) bool {
	f := float64(x)
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}

// tokenResult is one token's contribution before division by totalTokens.
type tokenResult struct {
	policy, kl float64 // -min(ρA, clip(ρ)A) and k3 (0 when ref is NaN)
	grad       float64 // d(policy + β·k3)/d logp
	clipped    bool    // the clipped branch won, so the policy gradient is 0
}

// tokenLoss evaluates one token in float64. The min picks the clipped term
// only when it is strictly smaller, which happens only with the ratio
// outside the clip range (where the clipped term is constant): its gradient
// is then 0. On ties torch.minimum splits the gradient between two equal
// derivatives, which sums to the unclipped one used here.
func tokenLoss(cfg GRPOConfig, logp, old, ref, adv float64) tokenResult {
	ratio := math.Exp(logp - old)
	clippedRatio := min(max(ratio, 1-cfg.EpsLow), 1+cfg.EpsHigh)
	unclippedObj, clippedObj := ratio*adv, clippedRatio*adv
	var r tokenResult
	if clippedObj < unclippedObj {
		r.policy = -clippedObj
		r.clipped = true
	} else {
		r.policy = -unclippedObj
		r.grad = -unclippedObj // d(-ρA)/dlogp = -ρA
	}
	if !math.IsNaN(ref) {
		d := ref - logp
		e := math.Exp(d)
		r.kl = e - d - 1
		if cfg.Beta > 0 {
			r.grad += cfg.Beta * (1 - e) // d k3/dlogp = -e + 1
		}
	}
	return r
}
