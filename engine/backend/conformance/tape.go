package conformance

import (
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// BF16TapeTol bounds the relative L2 difference (RelL2), tensor by
// tensor, between gradients from a bf16 tape and from an f32 one. bf16
// keeps 8 significant bits: each kept activation is off by at most
// u = 2⁻⁹ of itself, and a weight gradient collects that error from its
// own input and from every block above it, so most tensors differ by 1–4 u
// (tiny models, CPU and lavapipe). The k projection's bias is the worst,
// 5–8 u: its gradient sums every row's key gradient, most of which cancels
// (the softmax barely moves when all of a row's keys shift together), so
// its relative error is amplified. 16u leaves room for that and still
// fails a tape whose rows are saved or restored wrong: off by order 1.
const BF16TapeTol = 16.0 / 512

// RunBF16Tape checks training with a bf16 tape (qwen2.Model.SetTapeDType,
// the trainer's default on a device) on the backend open returns, on the
// device when the backend is not the CPU's:
//
//   - the forward pass is unchanged: log-probs bit-identical to the same
//     backend's with an f32 tape;
//   - the gradient of Σ c·logp is within BF16TapeTol of the CPU's f32
//     tape's, tensor by tensor (and not equal: the tape was rounded);
//   - the memory the tape takes on the device shrinks by what
//     qwen2.TapeBytesAs says, to the byte where exactMemory says the
//     backend's Memory().InUse counts the bytes asked for (Vulkan, CUDA;
//     not Metal, whose driver rounds each buffer to pages: logged only);
//   - a GRPO step with the trainer's defaults keeps a bf16 tape on the
//     device, says so in its plan, and lands near the CPU's f32 step (same
//     loss to float32 parity, gradient norm within BF16TapeTol, weights
//     within WeightsMatchFlips' Adam tolerance with up to 1% sign flips).
func RunBF16Tape(t *testing.T, open func(t *testing.T) backend.Backend, exactMemory bool) {
	cpuM, devM := TinyModel(t, qwen2.F32), TinyModel(t, qwen2.F32)
	be := open(t)
	if err := devM.UseBackend(be); err != nil {
		t.Fatal(err)
	}
	_, onCPU := be.(*host.Backend)
	if !onCPU {
		if err := devM.SetDeviceTraining(true); err != nil {
			t.Fatal(err)
		}
	}
	V := cpuM.Config.VocabSize
	var seqs []qwen2.Sequence
	for i, n := range []int{12, 7, 16} {
		toks := make([]int, n)
		for j := range toks {
			toks[j] = (j*7919 + i*104729 + 13) % V
		}
		seqs = append(seqs, qwen2.Sequence{Tokens: toks, Start: 2 + i})
	}
	c := make([][]float32, len(seqs))
	for i, s := range seqs {
		c[i] = make([]float32, len(s.Tokens)-s.Start)
		for j := range c[i] {
			c[i][j] = float32(math.Sin(float64(3*i+j))) / 4
		}
	}
	n := len(cpuM.Trainable())
	// grad runs TrainForward and Backward with a dt tape on m, returning
	// the gradient, the log-probs and the device memory the tape held.
	grad := func(m *qwen2.Model, dt backend.DType) ([]float32, [][]float32, int64) {
		t.Helper()
		if err := m.SetTapeDType(dt); err != nil {
			t.Fatal(err)
		}
		m.ReleaseTrainingMemory() // no spare buffers: the next tape allocates exactly its own
		mb := m.Backend()
		before := mb.Memory().InUse
		tape, lp, err := m.TrainForward(seqs)
		if err != nil {
			t.Fatal(err)
		}
		held := mb.Memory().InUse - before
		g := make([]float32, n)
		if !m.DeviceTraining() {
			if err := tape.Backward(c, g); err != nil {
				t.Fatal(err)
			}
			return g, lp, held
		}
		gb, err := mb.Alloc(backend.F32, n)
		if err != nil {
			t.Fatal(err)
		}
		defer mb.Free(gb)
		if err := tape.BackwardTo(c, backend.Whole(gb)); err != nil {
			t.Fatal(err)
		}
		if err := mb.Download(g, backend.Whole(gb)); err != nil {
			t.Fatal(err)
		}
		return g, lp, held
	}
	want, _, _ := grad(cpuM, backend.F32)
	grad(devM, backend.F32) // warm up: what the backend keeps after a first pass is not the tape's
	g32, lp32, held32 := grad(devM, backend.F32)
	g16, lp16, held16 := grad(devM, backend.BF16)
	for i := range lp32 {
		for j := range lp32[i] {
			if lp16[i][j] != lp32[i][j] {
				t.Fatalf("sequence %d token %d: log-prob %v with a bf16 tape, %v with f32: the forward pass must not change", i, j, lp16[i][j], lp32[i][j])
			}
		}
	}
	worst := 0.0
	for _, info := range cpuM.Params.Tensors {
		lo, hi := info.Offset, info.Offset+info.Size
		d := RelL2(g16[lo:hi], want[lo:hi])
		worst = max(worst, d)
		if d > BF16TapeTol {
			t.Errorf("gradient of %s with a bf16 tape: %.3g from the CPU's f32 tape (bound %.3g)", info.Name, d, BF16TapeTol)
		}
	}
	if RelL2(g16, g32) == 0 {
		t.Fatal("the bf16 tape's gradient is the f32 tape's bit for bit: nothing was rounded")
	}
	t.Logf("bf16 tape: worst tensor %.3g (%.1f·2⁻⁹) from the CPU's f32 gradient", worst, worst*512)
	if !onCPU {
		lens := make([]int, len(seqs))
		for i, s := range seqs {
			lens[i] = len(s.Tokens)
		}
		saved := qwen2.TapeBytes(devM.Config, lens) - qwen2.TapeBytesAs(devM.Config, lens, backend.BF16)
		t.Logf("device memory of the tape: f32 %d bytes, bf16 %d (TapeBytes says %d saved)", held32, held16, saved)
		if got := held32 - held16; exactMemory && got != saved {
			t.Errorf("a bf16 tape took %d bytes less device memory than an f32 one; TapeBytesAs says %d", got, saved)
		}
	}
	grpoBF16(t, be, onCPU)
}

// grpoBF16 is RunBF16Tape's GRPO step: fresh models, the trainer on be
// with its defaults against an f32 trainer on the CPU.
func grpoBF16(t *testing.T, be backend.Backend, onCPU bool) {
	cpuM, devM := TinyModel(t, qwen2.F32), TinyModel(t, qwen2.F32)
	if err := devM.UseBackend(be); err != nil {
		t.Fatal(err)
	}
	cfg := train.Config{Optim: train.DefaultOptimConfig()}
	devCfg := cfg
	if onCPU {
		devCfg.Tape = train.TapeBF16 // the CPU keeps f32 unless asked
	}
	ct, err := train.New(cpuM, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dt, err := train.New(devM, nil, devCfg)
	if err != nil {
		t.Fatal(err)
	}
	if devM.TapeDType() != backend.BF16 || dt.OnDevice() == onCPU {
		t.Fatalf("device trainer: on the device %v (%s), tape %v; want bf16 on the device", dt.OnDevice(), dt.DeviceFallback(), devM.TapeDType())
	}
	groups := grpoGroups(cpuM.Config.VocabSize)
	cs, err := ct.Step(groups)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dt.Step(groups)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Memory.Tape != backend.BF16 {
		t.Fatalf("the step's plan counts a %v tape: %s", ds.Memory.Tape, ds.Memory)
	}
	if math.Abs(ds.Loss-cs.Loss) > 1e-4*(1+math.Abs(cs.Loss)) || math.Abs(ds.GradNorm-cs.GradNorm) > BF16TapeTol*cs.GradNorm {
		t.Fatalf("GRPO step with a bf16 tape: loss %.7g grad norm %.7g; CPU f32 %.7g %.7g", ds.Loss, ds.GradNorm, cs.Loss, cs.GradNorm)
	}
	if err := devM.SyncToHost(); err != nil {
		t.Fatal(err)
	}
	WeightsMatchFlips(t, "after a GRPO step with a bf16 tape", devM.Params.F32, cpuM.Params.F32, cfg.Optim.LR, 1, len(cpuM.Params.F32)/100)
}

// RelL2 is ‖got − want‖ / ‖want‖.
func RelL2(got, want []float32) float64 {
	var num, den float64
	for i := range want {
		d := float64(got[i]) - float64(want[i])
		num += d * d
		den += float64(want[i]) * float64(want[i])
	}
	return math.Sqrt(num / max(den, 1e-300))
}
