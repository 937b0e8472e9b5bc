package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// torchAdam is a float64 transcription of torch.optim.Adam / AdamW's
// single-tensor step (non-amsgrad, non-maximize), with
// torch.nn.utils.clip_grad_norm_ applied to the gradient first.
type torchAdam struct {
	cfg  OptimConfig
	step int
	m, v []float64
}

func (o *torchAdam) step64(p []float64, g32 []float32) {
	g := make([]float64, len(g32))
	var ss float64
	for i, x := range g32 {
		g[i] = float64(x)
		ss += g[i] * g[i]
	}
	if o.cfg.ClipNorm > 0 {
		coef := o.cfg.ClipNorm / (math.Sqrt(ss) + 1e-6)
		if coef < 1 {
			for i := range g {
				g[i] *= coef
			}
		}
	}
	o.step++
	c := o.cfg
	for i := range p {
		gi := g[i]
		if c.Kind == KindAdamW {
			p[i] *= 1 - c.LR*c.WeightDecay
		} else if c.WeightDecay != 0 {
			gi += c.WeightDecay * p[i]
		}
		o.m[i] = c.Beta1*o.m[i] + (1-c.Beta1)*gi
		o.v[i] = c.Beta2*o.v[i] + (1-c.Beta2)*gi*gi
		bc1 := 1 - math.Pow(c.Beta1, float64(o.step))
		bc2 := 1 - math.Pow(c.Beta2, float64(o.step))
		denom := math.Sqrt(o.v[i])/math.Sqrt(bc2) + c.Eps
		p[i] -= c.LR / bc1 * o.m[i] / denom
	}
}

func randFloats(r *rand.Rand, n int, scale float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(scale * r.NormFloat64())
	}
	return v
}

func TestUpdateMatchesTorch(t *testing.T) {
	cases := []struct {
		name      string
		cfg       OptimConfig
		gradScale float64
	}{
		{"adam-default", DefaultOptimConfig(), 0.01},
		{"adam-l2", OptimConfig{Kind: KindAdam, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1}, 0.01},
		{"adamw", OptimConfig{Kind: KindAdamW, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1}, 0.01},
		{"adamw-clipped", OptimConfig{Kind: KindAdamW, LR: 1e-3, Beta1: 0.8, Beta2: 0.99, Eps: 1e-8, WeightDecay: 0.01, ClipNorm: 0.5}, 1},
		{"adam-clipped", OptimConfig{Kind: KindAdam, LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, ClipNorm: 1}, 1},
		// eps comparable to sqrt(v̂): adding it before the bias correction
		// (or inside the sqrt) would be caught here.
		{"adam-large-eps", OptimConfig{Kind: KindAdam, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-3}, 1e-3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const n = 3001 // odd, not a multiple of any chunk size
			r := rand.New(rand.NewPCG(1, 2))
			params := randFloats(r, n, 1)
			ref := &torchAdam{cfg: tc.cfg, m: make([]float64, n), v: make([]float64, n)}
			p64 := make([]float64, n)
			for i, x := range params {
				p64[i] = float64(x)
			}
			start := slices.Clone(p64)
			opt, err := NewOptimizer(n, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			gMax := make([]float64, n) // largest |g| each element saw: the scale of m's rounding
			const steps = 6
			for step := 1; step <= steps; step++ {
				grad := randFloats(r, n, tc.gradScale)
				for i, g := range grad {
					gMax[i] = max(gMax[i], math.Abs(float64(g))+tc.cfg.WeightDecay*math.Abs(p64[i]))
				}
				var ss float64
				for _, g := range grad {
					ss += float64(g) * float64(g)
				}
				ref.step64(p64, grad)
				norm, err := opt.Update(params, grad)
				if err != nil {
					t.Fatal(err)
				}
				if d := math.Abs(norm - math.Sqrt(ss)); d > 1e-12*math.Sqrt(ss) {
					t.Fatalf("step %d: norm %v, want %v", step, norm, math.Sqrt(ss))
				}
				if opt.Step != int64(step) {
					t.Fatalf("Step = %d after %d updates", opt.Step, step)
				}
			}
			var maxMove float64
			for i := range p64 {
				maxMove = max(maxMove, math.Abs(p64[i]-start[i]))
			}
			for i := range params {
				// float32 storage: up to two roundings (decay, update) of half an
				// ulp (2^-24 relative) per step, plus a small error on the movement.
				tol := 1e-4*math.Abs(p64[i]-start[i]) + steps*2*0x1p-24*math.Abs(p64[i]) + steps*1e-5*tc.cfg.LR
				if d := math.Abs(float64(params[i]) - p64[i]); d > tol {
					t.Fatalf("param %d = %.9g, torch %.9g (diff %g > %g; params moved up to %g)", i, params[i], p64[i], d, tol, maxMove)
				}
				if d := math.Abs(float64(opt.M[i]) - ref.m[i]); d > 1e-6*gMax[i] {
					t.Fatalf("m[%d] = %g, torch %g", i, opt.M[i], ref.m[i])
				}
				if d := math.Abs(float64(opt.V[i]) - ref.v[i]); d > 1e-6*ref.v[i] {
					t.Fatalf("v[%d] = %g, torch %g", i, opt.V[i], ref.v[i])
				}
			}
			if maxMove == 0 {
				t.Fatal("parameters did not move")
			}
		})
	}
}

func TestUpdateRejectsNonFiniteGradient(t *testing.T) {
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		r := rand.New(rand.NewPCG(3, 4))
		const n = 70000 // more than one norm block
		params := randFloats(r, n, 1)
		opt, _ := NewOptimizer(n, DefaultOptimConfig())
		if _, err := opt.Update(params, randFloats(r, n, 1)); err != nil {
			t.Fatal(err)
		}
		grad := randFloats(r, n, 10) // large: would be clipped
		grad[n-5] = bad
		p0, g0, m0, v0 := slices.Clone(params), slices.Clone(grad), slices.Clone(opt.M), slices.Clone(opt.V)
		_, err := opt.Update(params, grad)
		if !errors.Is(err, ErrNonFiniteGradient) {
			t.Fatalf("grad with %v: err = %v, want ErrNonFiniteGradient", bad, err)
		}
		if opt.Step != 1 {
			t.Errorf("Step advanced to %d on a rejected update", opt.Step)
		}
		for name, pair := range map[string][2][]float32{"params": {p0, params}, "M": {m0, opt.M}, "V": {v0, opt.V}} {
			if !sameBits(pair[0], pair[1]) {
				t.Errorf("%s changed by a rejected update", name)
			}
		}
		if !sameBits(g0, grad) {
			t.Error("grad changed by a rejected update")
		}
	}
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func TestUpdateDeterministicAcrossThreads(t *testing.T) {
	const n = 200_003
	run := func(threads int) ([]float32, []float32, float64) {
		prev := cpu.Threads()
		cpu.SetThreads(threads)
		defer cpu.SetThreads(prev)
		r := rand.New(rand.NewPCG(5, 6))
		params := randFloats(r, n, 1)
		opt, _ := NewOptimizer(n, OptimConfig{Kind: KindAdamW, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, ClipNorm: 1})
		var norm float64
		for i := 0; i < 3; i++ {
			var err error
			if norm, err = opt.Update(params, randFloats(r, n, 1)); err != nil {
				t.Fatal(err)
			}
		}
		return params, opt.M, norm
	}
	p1, m1, n1 := run(1)
	p4, m4, n4 := run(4)
	if !sameBits(p1, p4) || !sameBits(m1, m4) || n1 != n4 {
		t.Fatalf("results differ between 1 and 4 threads (norms %v vs %v)", n1, n4)
	}
}

func TestClipGradNorm(t *testing.T) {
	cases := []struct {
		name    string
		scale   float64
		maxNorm float64
		clipped bool
	}{
		{"above", 1, 1, true},
		{"below", 1e-3, 1, false},
		{"off", 1, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 8))
			g := randFloats(r, 100_000, tc.scale)
			g0 := slices.Clone(g)
			var ss float64
			for _, x := range g {
				ss += float64(x) * float64(x)
			}
			norm := ClipGradNorm(g, tc.maxNorm)
			if math.Abs(norm-math.Sqrt(ss)) > 1e-12*norm {
				t.Fatalf("norm %v, want %v", norm, math.Sqrt(ss))
			}
			var after float64
			for _, x := range g {
				after += float64(x) * float64(x)
			}
			after = math.Sqrt(after)
			if tc.clipped {
				if math.Abs(after-tc.maxNorm) > 1e-5*tc.maxNorm {
					t.Fatalf("norm after clipping %v, want %v", after, tc.maxNorm)
				}
			} else if !sameBits(g, g0) {
				t.Fatal("gradient changed although no clipping was due")
			}
		})
	}
}

func TestOptimConfigValidate(t *testing.T) {
	mod := func(f func(*OptimConfig)) OptimConfig {
		c := DefaultOptimConfig()
		f(&c)
		return c
	}
	cases := []struct {
		name string
		cfg  OptimConfig
		want string // "" = valid
	}{
		{"default", DefaultOptimConfig(), ""},
		{"adamw", mod(func(c *OptimConfig) { c.Kind = KindAdamW; c.WeightDecay = 0.01 }), ""},
		{"kind", mod(func(c *OptimConfig) { c.Kind = "sgd" }), "kind"},
		{"lr-nan", mod(func(c *OptimConfig) { c.LR = math.NaN() }), "lr"},
		{"lr-neg", mod(func(c *OptimConfig) { c.LR = -1 }), "lr"},
		{"beta1", mod(func(c *OptimConfig) { c.Beta1 = 1 }), "betas"},
		{"beta2", mod(func(c *OptimConfig) { c.Beta2 = 1.5 }), "betas"},
		{"eps", mod(func(c *OptimConfig) { c.Eps = -1e-8 }), "eps"},
		{"clip-inf", mod(func(c *OptimConfig) { c.ClipNorm = math.Inf(1) }), "clip"},
	}
	for _, tc := range cases {
		err := tc.cfg.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: Validate() = %v, want error containing %q", tc.name, err, tc.want)
		}
	}
	d := DefaultOptimConfig()
	if d.Kind != KindAdam || d.LR != 1e-6 || d.Beta1 != 0.9 || d.Beta2 != 0.999 || d.Eps != 1e-8 || d.WeightDecay != 0 || d.ClipNorm != 1 {
		t.Errorf("DefaultOptimConfig() = %+v, want rl-swarm's Adam lr 1e-6 with torch defaults and clip 1", d)
	}
}

func TestUpdateSizeMismatch(t *testing.T) {
	opt, _ := NewOptimizer(4, DefaultOptimConfig())
	if _, err := opt.Update(make([]float32, 4), make([]float32, 3)); err == nil {
		t.Fatal("Update accepted a gradient of the wrong length")
	}
	if opt.Step != 0 {
		t.Fatal("Step advanced on a refused update")
	}
}

// BenchmarkUpdate measures one Adam step over 64M parameters (a 0.5B model
// has 494M): the cost per parameter is what the trainer pays per step. The
// 1M case fits a large L3 and shows the arithmetic cost alone.
func BenchmarkUpdate(b *testing.B) {
	for _, n := range []int{1 << 20, 64 << 20} {
		b.Run(fmt.Sprintf("%dM", n>>20), func(b *testing.B) {
			r := rand.New(rand.NewPCG(9, 10))
			params := randFloats(r, n, 1)
			grad := GradBuffer(n)
			copy(grad, randFloats(r, n, 1e-4))
			opt, err := NewOptimizer(n, DefaultOptimConfig())
			if err != nil {
				b.Fatal(err)
			}
			opt.Config.ClipNorm = 0                             // keep the gradient's scale fixed across iterations
			if _, err := opt.Update(params, grad); err != nil { // fault in M and V
				b.Fatal(err)
			}
			b.SetBytes(int64(7 * 4 * n)) // reads p, g, m, v; writes p, m, v
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := opt.Update(params, grad); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/param")
		})
	}
}

func TestStaggeredPlacement(t *testing.T) {
	for slot := 0; slot < 4; slot++ {
		for _, n := range []int{0, 1, 1000, 1 << 20} {
			v := staggered(n, slot)
			if len(v) != n || cap(v) != n {
				t.Fatalf("staggered(%d, %d): len %d cap %d", n, slot, len(v), cap(v))
			}
			if n > 0 {
				if got := uintptr(unsafe.Pointer(&v[0])) % 4096; got != uintptr(slot*1024) {
					t.Errorf("staggered(%d, %d) starts at %d within its page, want %d", n, slot, got, slot*1024)
				}
			}
			for _, x := range v {
				if x != 0 {
					t.Fatal("staggered memory is not zeroed")
				}
			}
		}
	}
}
