package train

import (
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
)

// OptimConfig chooses the optimizer and its hyper-parameters. The defaults
// are rl-swarm's (genrl: plain torch.optim.Adam, lr 1e-6, no scheduler) with
// TRL's default gradient-norm clip, so a swarmdesk node trains like a
// Python peer.
type OptimConfig struct {
	// Kind is "adam" (torch.optim.Adam: WeightDecay, if any, is classic L2
	// added to the gradient) or "adamw" (torch.optim.AdamW: decoupled decay
	// applied to the weights).
	Kind string
	// LR is the learning rate (rl-swarm: 1e-6).
	LR float64
	// Beta1, Beta2 and Eps are Adam's moment decay rates and the
	// denominator guard (torch defaults 0.9, 0.999, 1e-8).
	Beta1, Beta2, Eps float64
	// WeightDecay is 0 by default (torch.optim.Adam's default).
	WeightDecay float64
	// ClipNorm caps the global L2 norm of the gradient before the step; 0
	// turns clipping off. TRL's default max_grad_norm is 1.0.
	ClipNorm float64
}

// Optimizer kinds.
const (
	KindAdam  = "adam"
	KindAdamW = "adamw"
)

// DefaultOptimConfig returns rl-swarm's optimizer settings: plain Adam,
// lr 1e-6, torch's betas and eps, no weight decay, grad-norm clip 1.0.
func DefaultOptimConfig() OptimConfig {
	return OptimConfig{Kind: KindAdam, LR: 1e-6, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, ClipNorm: 1.0}
}

// Validate rejects settings torch would reject (and NaN/Inf), so a typo in a
// config file fails before the first step instead of corrupting the model.
func (c OptimConfig) Validate() error {
	if c.Kind != KindAdam && c.Kind != KindAdamW {
		return fmt.Errorf("optimizer kind %q is not supported (want %q or %q)", c.Kind, KindAdam, KindAdamW)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"lr", c.LR}, {"beta1", c.Beta1}, {"beta2", c.Beta2}, {"eps", c.Eps}, {"weight decay", c.WeightDecay}, {"clip norm", c.ClipNorm}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("optimizer %s = %g, must be a finite number ≥ 0", f.name, f.v)
		}
	}
	if c.Beta1 >= 1 || c.Beta2 >= 1 {
		return fmt.Errorf("optimizer betas (%g, %g) must be in [0, 1)", c.Beta1, c.Beta2)
	}
	return nil
}

// Optimizer is Adam/AdamW state over one flat float32 parameter vector (the
// model's Params.F32 for a full fine-tune, or a LoRA adapter buffer). M and V
// are torch's exp_avg and exp_avg_sq; Step counts completed steps and drives
// the bias correction, exactly as torch's per-parameter "step" does.
type Optimizer struct {
	Config OptimConfig
	Step   int64
	M, V   []float32
}

// NewOptimizer allocates zeroed moments for n parameters.
func NewOptimizer(n int, cfg OptimConfig) (*Optimizer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("optimizer: negative parameter count %d", n)
	}
	return &Optimizer{Config: cfg, M: staggered(n, 1), V: staggered(n, 2)}, nil
}

// GradBuffer allocates a zeroed gradient vector for n parameters, placed
// in memory so that it does not 4K-alias the parameters or the optimizer's
// moments (see staggered); Update then runs several times faster than with
// a plain make([]float32, n).
func GradBuffer(n int) []float32 { return staggered(n, 3) }

// staggered allocates n zeroed float32s starting at byte slot*1024 within
// a 4 KiB page. Go places large slices on page boundaries, so the
// parameters, gradient and both moments would otherwise share their low 12
// address bits element for element; the CPU then mistakes loads from one
// stream for reloads of stores to another (4K aliasing) and the memory-bound
// Update loop runs ~8× slower (measured: 38 vs 4.4 ns/param on an EPYC VM
// at 64M parameters).
func staggered(n, slot int) []float32 {
	const page = 4096
	buf := make([]float32, n+page/4)
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	off := (uintptr(slot*1024) - addr%page + page) % page / 4
	return buf[off : off+uintptr(n) : off+uintptr(n)]
}

// ErrNonFiniteGradient is returned by Update when the gradient holds a NaN
// or an infinity; the step is skipped and nothing is modified.
var ErrNonFiniteGradient = errors.New("gradient is not finite")

// Update clips grad in place to Config.ClipNorm (global L2 norm computed in
// float64), applies one Adam/AdamW step to params in place and returns the
// pre-clip gradient norm. The arithmetic follows torch.optim.Adam/AdamW
// (single-tensor, non-amsgrad): bias correction with the step count, eps
// added after the square root of the bias-corrected second moment.
//
// A gradient with a NaN or Inf is refused with ErrNonFiniteGradient before
// anything (params, grad, M, V, Step) is touched: one bad batch must never
// corrupt the model. The update runs on all cores; every element is
// computed independently and the norm is reduced in a fixed order, so the
// result is bit-identical for any thread count.
func (o *Optimizer) Update(params, grad []float32) (gradNorm float64, err error) {
	if err := o.Config.Validate(); err != nil {
		return 0, err
	}
	n := len(o.M)
	if len(o.V) != n || len(params) != n || len(grad) != n {
		return 0, fmt.Errorf("optimizer update: %d params, %d grads, state for %d/%d (sizes must match)", len(params), len(grad), len(o.M), len(o.V))
	}
	norm := l2Norm(grad)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm, fmt.Errorf("optimizer step %d skipped: %w (norm %g); the batch or the backward pass produced NaN/Inf", o.Step+1, ErrNonFiniteGradient, norm)
	}
	clipScale(grad, norm, o.Config.ClipNorm)
	o.Step++
	o.apply(params, grad)
	return norm, nil
}

// apply runs one torch Adam/AdamW step (Step already incremented) on the
// CPU backend, where the optimizer state lives.
func (o *Optimizer) apply(params, grad []float32) {
	c := o.Config
	cpuOps.AdamWStep(host.Wrap(params), host.Wrap(grad), host.Wrap(o.M), host.Wrap(o.V), backend.AdamW{
		LR: c.LR, Beta1: c.Beta1, Beta2: c.Beta2, Eps: c.Eps, WeightDecay: c.WeightDecay,
		Step: o.Step, Decoupled: c.Kind == KindAdamW})
}

// cpuOps runs the optimizer's element-wise ops; they keep no state between
// calls, so one backend serves every optimizer.
var cpuOps = host.New()

// l2Norm returns the L2 norm of g accumulated in float64, in a fixed order
// whatever the thread count. It is NaN or Inf exactly when some element is.
func l2Norm(g []float32) float64 {
	s, _ := cpuOps.SumSquares(host.Wrap(g))
	return math.Sqrt(s)
}

// clipScale multiplies g by maxNorm/(norm+1e-6) when that is below 1, as
// torch.nn.utils.clip_grad_norm_ does. maxNorm ≤ 0 or a non-finite norm
// leaves g alone.
func clipScale(g []float32, norm, maxNorm float64) {
	if coef, ok := clipCoef(norm, maxNorm); ok {
		cpuOps.Scale(host.Wrap(g), coef)
	}
}

// clipCoef is the factor clip_grad_norm_ scales a gradient of this norm
// by, and whether it scales at all.
func clipCoef(norm, maxNorm float64) (float32, bool) {
	if maxNorm <= 0 || math.IsNaN(norm) || math.IsInf(norm, 0) {
		return 1, false
	}
	coef := maxNorm / (norm + 1e-6)
	return float32(coef), coef < 1
}

// ClipGradNorm scales grad in place so its global L2 norm is at most maxNorm
// (torch.nn.utils.clip_grad_norm_: factor maxNorm/(norm+1e-6), applied only
// when below 1) and returns the norm before clipping, computed in float64.
// maxNorm ≤ 0 only measures. A NaN/Inf gradient is returned unchanged
// together with its non-finite norm, for the caller to reject.
func ClipGradNorm(grad []float32, maxNorm float64) (norm float64) {
	norm = l2Norm(grad)
	clipScale(grad, norm, maxNorm)
	return norm
}
