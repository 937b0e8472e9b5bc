package train

import (
	"errors"
	"fmt"
	"math"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// Training on the device. When the model runs on a GPU backend the trainer
// keeps the gradient and Adam's moments there too and the model's device
// weights are the master copy (qwen2.Model.SetDeviceTraining): a step is
// the micro-batches' forward and backward passes (one submission each, only
// the log-probs down and dL/dlogp up), the gradient norm (one float64 down)
// and one AdamW submission. Nothing else crosses the bus until a
// checkpoint: syncHost downloads the weights and moments into the host
// copies (Model.Params, Opt.M, Opt.V), which stay what the last checkpoint
// or restore made them in between, so a failed step (device memory
// exhausted, device lost) leaves the host state as it was.
//
// On the device the tape keeps its activations as bf16 unless Config.Tape
// says otherwise: device memory is what limits the micro-batch there, and
// the activations are most of a step's (MemPlan names the type).

// deviceState is the trainer's part of the state on the device.
type deviceState struct {
	be      backend.Backend
	grad    backend.Buffer
	m, v    backend.Buffer
	behind  bool // the device moments are newer than Opt.M and Opt.V
	stepped bool // a step ran since the last syncHost
}

// startDevice moves the optimizer onto the model's device when the model
// runs on one. It returns why training stays on the CPU ("" when it moved
// or the model is on the CPU anyway).
func (t *Trainer) startDevice() string {
	m := t.Model
	be := m.Backend()
	if _, ok := be.(*host.Backend); ok || be == nil {
		return ""
	}
	if err := m.SetDeviceTraining(true); err != nil {
		return err.Error() + "; training runs on the CPU"
	}
	n := len(m.Trainable())
	// The gradient and both moments must fit beside the weights; a step's
	// tape is allocated per step, and a step that does not fit fails with
	// the device's out-of-memory error, leaving the state as it was.
	if free, need := be.Memory().Available, 12*int64(n); free > 0 && need > free {
		_ = m.SetDeviceTraining(false)
		return fmt.Sprintf("the gradient and optimizer state (%.1f MiB) do not fit in the %.1f MiB free on %s; training runs on the CPU", mib(need), mib(free), be.Device().Name)
	}
	d := &deviceState{be: be}
	var err error
	for _, b := range []*backend.Buffer{&d.grad, &d.m, &d.v} {
		if *b, err = be.Alloc(backend.F32, n); err != nil {
			break
		}
	}
	if err == nil {
		// Moments as the host optimizer holds them (zero for a new one).
		err = errors.Join(be.Upload(backend.Whole(d.m), t.Opt.M), be.Upload(backend.Whole(d.v), t.Opt.V), be.Flush())
	}
	if err != nil {
		d.free()
		_ = m.SetDeviceTraining(false)
		return fmt.Sprintf("the gradient and optimizer state (%.1f MiB) do not fit on %s (%v); training runs on the CPU", mib(12*int64(n)), be.Device().Name, err)
	}
	t.dev = d
	return ""
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// TapeMode is Config.Tape: how the activations a step keeps for its
// backward pass are stored.
type TapeMode string

const (
	TapeAuto TapeMode = ""     // bf16 when training on the device, else f32
	TapeF32  TapeMode = "f32"  // exact: the CPU's default
	TapeBF16 TapeMode = "bf16" // half the memory; gradients rounded by ~2⁻⁹ relative
)

// dtype is the tape type m asks for (bf16 for TapeAuto, which New turns
// into f32 when the trainer stays on the CPU).
func (m TapeMode) dtype() (backend.DType, error) {
	switch m {
	case TapeAuto, TapeBF16:
		return backend.BF16, nil
	case TapeF32:
		return backend.F32, nil
	}
	return 0, fmt.Errorf("train: tape type %q: want %q (auto), %q or %q", string(m), TapeAuto, TapeF32, TapeBF16)
}

func (d *deviceState) free() {
	for _, b := range []backend.Buffer{d.grad, d.m, d.v} {
		if b != nil {
			d.be.Free(b)
		}
	}
}

// OnDevice reports whether the trainer's steps run on the model's device.
func (t *Trainer) OnDevice() bool { return t.dev != nil }

// DeviceFallback says why a model on a device trains on the CPU ("" when it
// trains on the device or was on the CPU to begin with).
func (t *Trainer) DeviceFallback() string { return t.fallback }

// syncHost brings the host copies of the weights and moments up to date
// with the device (before a checkpoint is written from them).
func (t *Trainer) syncHost() error {
	d := t.dev
	if d == nil || !d.stepped {
		return nil
	}
	if err := t.Model.SyncToHost(); err != nil {
		return err
	}
	if err := errors.Join(d.be.Download(t.Opt.M, backend.Whole(d.m)), d.be.Download(t.Opt.V, backend.Whole(d.v))); err != nil {
		return fmt.Errorf("copy the optimizer state from %s: %w", d.be.Device().Name, err)
	}
	d.stepped = false
	return nil
}

// restoredHost uploads the host moments after a restore wrote them (the
// weights follow through Model.WeightsChanged).
func (t *Trainer) restoredHost() error {
	d := t.dev
	if d == nil {
		return nil
	}
	d.stepped = false
	if err := errors.Join(d.be.Upload(backend.Whole(d.m), t.Opt.M), d.be.Upload(backend.Whole(d.v), t.Opt.V), d.be.Flush()); err != nil {
		return fmt.Errorf("copy the restored optimizer state to %s: %w", d.be.Device().Name, err)
	}
	return nil
}

// zeroGrad clears the gradient before a step's micro-batches.
func (t *Trainer) zeroGrad() error {
	if t.dev == nil {
		clear(t.grad)
		return nil
	}
	t.dev.be.Zero(backend.Whole(t.dev.grad))
	return nil
}

// backward adds a micro-batch's gradient into the step's gradient.
func (t *Trainer) backward(tape *qwen2.Tape, dlogp [][]float32) error {
	if t.dev == nil {
		return tape.Backward(dlogp, t.grad)
	}
	return tape.BackwardTo(dlogp, backend.Whole(t.dev.grad))
}

// update runs the optimizer on the accumulated gradient.
func (t *Trainer) update() (float64, error) {
	if t.dev == nil {
		norm, err := t.Opt.Update(t.Model.Trainable(), t.grad)
		if err == nil {
			t.Model.WeightsChanged() // a model on a GPU re-copies them before its next rollout
		}
		return norm, err
	}
	d := t.dev
	norm, err := t.Opt.UpdateOn(d.be, t.Model.DeviceParams(), backend.Whole(d.grad), backend.Whole(d.m), backend.Whole(d.v))
	if err == nil {
		d.stepped = true
		t.Model.DeviceWeightsChanged()
	}
	return norm, err
}

// UpdateOn is Update for parameters, gradient and moments on a device
// backend (all of len(o.M) elements): the same torch Adam/AdamW step, with
// the gradient norm reduced on the device (float32 partial sums added in
// float64). A non-finite gradient is refused before anything is touched;
// a device error leaves Step as it was.
func (o *Optimizer) UpdateOn(be backend.Backend, params, grad, m, v backend.View) (gradNorm float64, err error) {
	if err := o.Config.Validate(); err != nil {
		return 0, err
	}
	n := len(o.M)
	if params.N != n || grad.N != n || m.N != n || v.N != n {
		return 0, fmt.Errorf("optimizer update on %s: %d params, %d grads, state for %d/%d (sizes must match)", be.Device().Name, params.N, grad.N, m.N, v.N)
	}
	ss, err := be.SumSquares(grad)
	if err != nil {
		return 0, fmt.Errorf("optimizer step %d: gradient norm on %s: %w", o.Step+1, be.Device().Name, err)
	}
	norm := math.Sqrt(ss)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm, fmt.Errorf("optimizer step %d skipped: %w (norm %g); the batch or the backward pass produced NaN/Inf", o.Step+1, ErrNonFiniteGradient, norm)
	}
	c := o.Config
	be.Begin()
	if coef, ok := clipCoef(norm, c.ClipNorm); ok {
		be.Scale(grad, coef)
	}
	be.AdamWStep(params, grad, m, v, backend.AdamW{
		LR: c.LR, Beta1: c.Beta1, Beta2: c.Beta2, Eps: c.Eps, WeightDecay: c.WeightDecay,
		Step: o.Step + 1, Decoupled: c.Kind == KindAdamW})
	if err := be.Flush(); err != nil {
		return norm, fmt.Errorf("optimizer step %d on %s: %w", o.Step+1, be.Device().Name, err)
	}
	o.Step++
	return norm, nil
}
