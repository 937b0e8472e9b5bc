package train

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func within(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestGRPOLossHandComputed checks a 2-sample, 3-token batch whose every
// number is worked out by hand below (e^0.5 = 1.6487212707,
// e^-0.5 = 0.6065306597, e^0.1 = 1.1051709181, e^0.2 = 1.2214027582,
// e^-0.1 = 0.9048374180, e^0.3 = 1.3498588076). All logp are -1, so
// old = -1 - d gives ratio e^d and ref = -1 + x gives k3 = e^x - x - 1.
//
// Sample A, advantage +1, ratios e^0, e^0.5, e^-0.5:
//
//	t0 ρ=1:       min(1, 1)            = 1          loss -1          dρ-term -1
//	t1 ρ=1.6487:  min(1.6487, 1.28)    = 1.28       loss -1.28       0 (clipped high)
//	t2 ρ=0.6065:  min(0.6065, 0.8)     = 0.6065     loss -0.6065307  -0.6065307 (not clipped: pessimistic)
//
// Sample B, advantage -0.5, ratios e^0.1, e^0.5, e^-0.5:
//
//	t0 ρ=1.1052:  min(-0.5525855, -0.5525855) loss 0.5525855  0.5525855
//	t1 ρ=1.6487:  min(-0.8243606, -0.64)      loss 0.8243606  0.8243606 (not clipped)
//	t2 ρ=0.6065:  min(-0.3032653, -0.4)       loss 0.4        0 (clipped low)
//
// Σ policy = -1 - 1.28 - 0.6065306597 + 0.5525854590 + 0.8243606354 + 0.4
// = -1.1095845653; over 6 tokens -0.1849307609. Clipped: 2 of 6.
//
// KL offsets x: A [0, 0.2, -0.1], B [0.3, 0, 0]; k3 = 0, 0.0214027582,
// 0.0048374180, 0.0498588076, 0, 0; Σ = 0.0760989838, mean 0.0126831640.
// KL gradient β(1 - e^x): A [0, -0.2214027582β, 0.0951625820β], B [-0.3498588076β, 0, 0].
func TestGRPOLossHandComputed(t *testing.T) {
	samples := func() []Sample {
		return []Sample{
			{LogP: []float32{-1, -1, -1}, OldLogP: []float32{-1, -1.5, -0.5}, RefLogP: []float32{-1, -0.8, -1.1}, Advantage: 1},
			{LogP: []float32{-1, -1, -1}, OldLogP: []float32{-1.1, -1.5, -0.5}, RefLogP: []float32{-0.7, -1, -1}, Advantage: -0.5},
		}
	}
	policyGrad := [][]float64{{-1, 0, -0.6065306597}, {0.5525854590, 0.8243606354, 0}}
	klGrad := [][]float64{{0, -0.2214027582, 0.0951625820}, {-0.3498588076, 0, 0}}
	const policyLoss, kl = -0.1849307609, 0.0126831640
	for _, beta := range []float64{0, 0.04} {
		cfg := GRPOConfig{EpsLow: 0.2, EpsHigh: 0.28, Beta: beta}
		st, grads, err := GRPOLoss(cfg, samples(), 6)
		if err != nil {
			t.Fatal(err)
		}
		if !within(st.PolicyLoss, policyLoss, 1e-7) || !within(st.KL, kl, 1e-7) || !within(st.Loss, policyLoss+beta*kl, 1e-7) {
			t.Errorf("beta %g: stats %+v, want policy %v kl %v loss %v", beta, st, policyLoss, kl, policyLoss+beta*kl)
		}
		if !within(st.ClipFraction, 2.0/6, 1e-12) || st.Tokens != 6 {
			t.Errorf("beta %g: clip fraction %v tokens %d, want 1/3 and 6", beta, st.ClipFraction, st.Tokens)
		}
		for i := range grads {
			for j, g := range grads[i] {
				want := (policyGrad[i][j] + beta*klGrad[i][j]) / 6
				if !within(float64(g), want, 1e-7) {
					t.Errorf("beta %g: dL/dlogp[%d][%d] = %v, want %v", beta, i, j, g, want)
				}
			}
		}
	}
}

// randomSamples draws a batch with ratios spread across the clip range,
// some masked tokens, and reference log-probs.
func randomGRPOSamples(r *rand.Rand, n int) []Sample {
	out := make([]Sample, n)
	for i := range out {
		T := 1 + r.IntN(12)
		s := Sample{LogP: make([]float32, T), OldLogP: make([]float32, T), RefLogP: make([]float32, T), Advantage: r.NormFloat64()}
		if r.IntN(2) == 0 {
			s.Mask = make([]bool, T)
		}
		for t := 0; t < T; t++ {
			lp := -0.1 - 5*r.Float64()
			s.LogP[t] = float32(lp)
			s.OldLogP[t] = float32(lp + 0.3*r.NormFloat64())
			s.RefLogP[t] = float32(lp + 0.3*r.NormFloat64())
			if s.Mask != nil {
				s.Mask[t] = r.IntN(4) != 0
			}
		}
		out[i] = s
	}
	return out
}

func countedTokens(samples []Sample) int {
	n := 0
	for _, s := range samples {
		for t := range s.LogP {
			if s.Mask == nil || s.Mask[t] {
				n++
			}
		}
	}
	return n
}

// TestGRPOLossFiniteDifferences compares the analytic gradient with
// central differences of the loss (computed in float64 from the float32
// inputs), away from the clip boundaries where the loss has kinks.
func TestGRPOLossFiniteDifferences(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, cfg := range []GRPOConfig{DefaultGRPOConfig(), {EpsLow: 0.1, EpsHigh: 0.1, Beta: 0.05}} {
		samples := randomGRPOSamples(r, 6)
		total := countedTokens(samples) + 3 // part of a larger batch
		_, grads, err := GRPOLoss(cfg, samples, total)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for i := range samples {
			for tk := range samples[i].LogP {
				s := &samples[i]
				x := s.LogP[tk]
				ratio := math.Exp(float64(x) - float64(s.OldLogP[tk]))
				if math.Abs(ratio-(1-cfg.EpsLow)) < 0.01 || math.Abs(ratio-(1+cfg.EpsHigh)) < 0.01 {
					continue
				}
				const h = 1e-3
				xp, xm := x+h, x-h
				s.LogP[tk] = xp
				lp, _, err1 := GRPOLoss(cfg, samples, total)
				s.LogP[tk] = xm
				lm, _, err2 := GRPOLoss(cfg, samples, total)
				s.LogP[tk] = x
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				fd := (lp.Loss - lm.Loss) / (float64(xp) - float64(xm))
				g := float64(grads[i][tk])
				if !within(fd, g, 1e-4*math.Abs(g)+1e-7) {
					t.Errorf("cfg %+v sample %d token %d: grad %v, finite difference %v", cfg, i, tk, g, fd)
				}
				if s.Mask != nil && !s.Mask[tk] && g != 0 {
					t.Errorf("masked token has gradient %v", g)
				}
				checked++
			}
		}
		if checked < 20 {
			t.Fatalf("only %d tokens checked", checked)
		}
	}
}

func TestGRPOLossOnPolicy(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	samples := randomGRPOSamples(r, 5)
	var wantPolicy float64
	for i := range samples {
		samples[i].OldLogP = samples[i].LogP
		samples[i].RefLogP = nil
	}
	total := countedTokens(samples)
	for _, s := range samples {
		for tk := range s.LogP {
			if s.Mask == nil || s.Mask[tk] {
				wantPolicy -= s.Advantage
			}
		}
	}
	wantPolicy /= float64(total)
	st, grads, err := GRPOLoss(DefaultGRPOConfig(), samples, total)
	if err != nil {
		t.Fatal(err)
	}
	if !within(st.PolicyLoss, wantPolicy, 1e-12) || st.ClipFraction != 0 || st.KL != 0 {
		t.Errorf("on-policy stats %+v, want policy loss %v, no clipping, no KL", st, wantPolicy)
	}
	for i, s := range samples {
		for tk, g := range grads[i] {
			want := -s.Advantage / float64(total)
			if s.Mask != nil && !s.Mask[tk] {
				want = 0
			}
			if !within(float64(g), want, 1e-7*math.Abs(want)) {
				t.Errorf("sample %d token %d: grad %v, want -A/total = %v", i, tk, g, want)
			}
		}
	}
}

func TestGRPOLossMicroBatchesAddUp(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	cfg := GRPOConfig{EpsLow: 0.2, EpsHigh: 0.28, Beta: 0.02}
	samples := randomGRPOSamples(r, 9)
	total := countedTokens(samples)
	whole, wholeGrads, err := GRPOLoss(cfg, samples, total)
	if err != nil {
		t.Fatal(err)
	}
	var sum LossStats
	var grads [][]float32
	for _, part := range [][]Sample{samples[:2], samples[2:7], samples[7:]} {
		st, g, err := GRPOLoss(cfg, part, total)
		if err != nil {
			t.Fatal(err)
		}
		sum.Loss += st.Loss
		sum.PolicyLoss += st.PolicyLoss
		sum.KL += st.KL
		sum.ClipFraction += st.ClipFraction
		sum.Tokens += st.Tokens
		grads = append(grads, g...)
	}
	if !within(sum.Loss, whole.Loss, 1e-12) || !within(sum.KL, whole.KL, 1e-12) || !within(sum.ClipFraction, whole.ClipFraction, 1e-12) || sum.Tokens != whole.Tokens {
		t.Errorf("micro-batches sum to %+v, whole batch %+v", sum, whole)
	}
	for i := range grads {
		if !sameBits(grads[i], wholeGrads[i]) {
			t.Errorf("sample %d: micro-batch gradient differs from the whole batch's", i)
		}
	}
}

func TestGRPOLossMask(t *testing.T) {
	nan := float32(math.NaN())
	masked := Sample{
		LogP:      []float32{-1, nan, -2, -0.5},
		OldLogP:   []float32{-1.2, 0, -1.9, nan},
		Mask:      []bool{true, false, true, false},
		Advantage: 0.7,
	}
	dense := Sample{LogP: []float32{-1, -2}, OldLogP: []float32{-1.2, -1.9}, Advantage: 0.7}
	cfg := DefaultGRPOConfig()
	a, ga, err := GRPOLoss(cfg, []Sample{masked}, 2)
	if err != nil {
		t.Fatalf("masked NaN padding was refused: %v", err)
	}
	b, gb, err := GRPOLoss(cfg, []Sample{dense}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("masked stats %+v, dense %+v", a, b)
	}
	if ga[0][0] != gb[0][0] || ga[0][2] != gb[0][1] || ga[0][1] != 0 || ga[0][3] != 0 {
		t.Errorf("masked grads %v, dense %v", ga[0], gb[0])
	}
}

func TestGRPOLossErrors(t *testing.T) {
	ok := func() Sample {
		return Sample{LogP: []float32{-1, -2}, OldLogP: []float32{-1, -2}, RefLogP: []float32{-1, -2}, Advantage: 1}
	}
	with := func(f func(*Sample)) []Sample {
		s := ok()
		f(&s)
		return []Sample{s}
	}
	nan := float32(math.NaN())
	cases := []struct {
		name    string
		cfg     GRPOConfig
		samples []Sample
		total   int
		want    string
	}{
		{"old-length", DefaultGRPOConfig(), with(func(s *Sample) { s.OldLogP = s.OldLogP[:1] }), 2, "old log-probs"},
		{"ref-length", DefaultGRPOConfig(), with(func(s *Sample) { s.RefLogP = s.RefLogP[:1] }), 2, "reference log-probs"},
		{"mask-length", DefaultGRPOConfig(), with(func(s *Sample) { s.Mask = []bool{true} }), 2, "mask"},
		{"missing-ref", GRPOConfig{EpsLow: 0.2, EpsHigh: 0.28, Beta: 0.1}, with(func(s *Sample) { s.RefLogP = nil }), 2, "no reference"},
		{"total-zero", DefaultGRPOConfig(), with(func(*Sample) {}), 0, "totalTokens"},
		{"total-negative", DefaultGRPOConfig(), with(func(*Sample) {}), -3, "totalTokens"},
		{"total-too-small", DefaultGRPOConfig(), with(func(*Sample) {}), 1, "totalTokens"},
		{"nan-logp", DefaultGRPOConfig(), with(func(s *Sample) { s.LogP[1] = nan }), 2, "token 1"},
		{"inf-old", DefaultGRPOConfig(), with(func(s *Sample) { s.OldLogP[0] = float32(math.Inf(-1)) }), 2, "token 0"},
		{"nan-ref", DefaultGRPOConfig(), with(func(s *Sample) { s.RefLogP[0] = nan }), 2, "token 0"},
		{"nan-advantage", DefaultGRPOConfig(), with(func(s *Sample) { s.Advantage = math.NaN() }), 2, "advantage"},
		{"ratio-overflow", DefaultGRPOConfig(), with(func(s *Sample) { s.LogP[0] = 0; s.OldLogP[0] = -1e30; s.Advantage = -1 }), 2, "overflow"},
		{"bad-eps", GRPOConfig{EpsLow: 1, EpsHigh: 0.28}, with(func(*Sample) {}), 2, "eps_low"},
		{"nan-beta", GRPOConfig{EpsLow: 0.2, EpsHigh: 0.28, Beta: math.NaN()}, with(func(*Sample) {}), 2, "beta"},
	}
	for _, tc := range cases {
		_, grads, err := GRPOLoss(tc.cfg, tc.samples, tc.total)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", tc.name, err, tc.want)
		}
		if grads != nil {
			t.Errorf("%s: gradients returned with an error", tc.name)
		}
	}
}

func TestGroupAdvantages(t *testing.T) {
	cases := []struct {
		name    string
		rewards []float64
		want    []float64
	}{
		// mean 0.5, unbiased std √0.5 = 0.7071067812; ±0.5/(0.7071067812+1e-8)
		{"pair", []float64{1, 0}, []float64{0.7071067712, -0.7071067712}},
		// mean 2.5, std √(5/3) = 1.2909944487; ±1.5/(std+1e-8), ±0.5/(std+1e-8)
		{"four", []float64{1, 2, 3, 4}, []float64{-1.1618949949, -0.3872983316, 0.3872983316, 1.1618949949}},
		{"single", []float64{5}, []float64{0}},
		{"equal", []float64{0.1, 0.1, 0.1}, []float64{0, 0, 0}},
		{"empty", nil, []float64{}},
	}
	for _, tc := range cases {
		got := GroupAdvantages(tc.rewards)
		if len(got) != len(tc.want) {
			t.Fatalf("%s: got %v, want %v", tc.name, got, tc.want)
		}
		for i := range got {
			if !within(got[i], tc.want[i], 1e-9) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
	if d := DefaultGRPOConfig(); d != (GRPOConfig{EpsLow: 0.2, EpsHigh: 0.28}) {
		t.Errorf("DefaultGRPOConfig() = %+v, want rl-swarm's 0.2/0.28, beta 0", d)
	}
}
