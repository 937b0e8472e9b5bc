package vulkan

import (
	"errors"
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// Training on the device (lavapipe in CI): the training forward and
// backward, the chunked LM-head log-probs and gradient, AdamW and the GRPO
// step on the Vulkan backend, against the same steps on the CPU backend.
//
// Tolerances, and why: the device sums in float32 in another order than
// the CPU kernels, so log-probs and gradients agree to ~1e-5 relative (2e-4
// is asserted: the gradient passes through 2 layers' backward GEMMs).
// Updated weights are compared with conformance.WeightsMatch, whose doc
// gives Adam's tolerance (1e-3·lr, but 2·lr for the few weights whose
// gradient is at rounding level and may flip sign).

// trainModel is the tiny model with an untied head (so the head's and the
// embeddings' gradients are separate tensors) on the CPU, or moved to be.
func trainModel(t *testing.T, be *VKBackend) *qwen2.Model {
	t.Helper()
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Tiny{Layers: 2, Untied: true}, 11); err != nil {
		t.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.F32})
	if err != nil {
		t.Fatal(err)
	}
	if be != nil {
		if err := m.UseBackend(be); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func newVK(t *testing.T, limit uint64) *VKBackend {
	t.Helper()
	d := device(t)
	be, err := NewBackend(Options{Index: d.Info.Index, AllowCPU: true, MemoryLimit: limit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { be.Close() })
	return be
}

// trainGroups samples answers from m on the CPU: 2 prompts × 3 answers of
// up to 8 tokens, rewards that differ within each group.
func trainGroups(t *testing.T, m *qwen2.Model) []train.Group {
	t.Helper()
	V := m.Config.VocabSize
	var gs []train.Group
	for g := 0; g < 2; g++ {
		prompt := make([]int, 5+3*g)
		for i := range prompt {
			prompt[i] = (i*7919 + 13 + 101*g) % V
		}
		cs, _, err := m.Generate(prompt, qwen2.GenerateOptions{N: 3, MaxNew: 8, Temperature: 1, Seed: uint64(3 + g), StopIDs: []int{}})
		if err != nil {
			t.Fatal(err)
		}
		grp := train.Group{Prompt: prompt}
		for i, c := range cs {
			grp.Answers = append(grp.Answers, train.Answer{Tokens: c.Tokens, LogProbs: c.LogProbs, Reward: float64((i*2+g)%3) - 0.5})
		}
		gs = append(gs, grp)
	}
	return gs
}

func trainCfg() train.Config {
	o := train.DefaultOptimConfig()
	o.Kind, o.LR, o.WeightDecay = train.KindAdamW, 3e-4, 0.01
	return train.Config{Optim: o, MicroBatch: 2} // 6 answers: 3 micro-batches accumulate
}

func relDiff(a, b []float32) float64 {
	d, s := 0.0, 1e-30
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
		s = math.Max(s, math.Abs(float64(b[i])))
	}
	return d / s
}

func TestTrainForwardBackwardOnVulkanMatchesCPU(t *testing.T) {
	be := newVK(t, 0)
	cpuM, vkM := trainModel(t, nil), trainModel(t, be)
	if err := vkM.SetDeviceTraining(true); err != nil {
		t.Fatal(err)
	}
	var seqs []qwen2.Sequence
	for _, g := range trainGroups(t, cpuM) {
		for _, a := range g.Answers {
			seqs = append(seqs, qwen2.Sequence{Tokens: append(append([]int(nil), g.Prompt...), a.Tokens...), Start: len(g.Prompt)})
		}
	}
	ct, clp, err := cpuM.TrainForward(seqs)
	if err != nil {
		t.Fatal(err)
	}
	vt, vlp, err := vkM.TrainForward(seqs)
	if err != nil {
		t.Fatal(err)
	}
	dlogp := make([][]float32, len(seqs))
	for i := range clp {
		if d := relDiff(vlp[i], clp[i]); d > 2e-5 {
			t.Fatalf("log-probs of sequence %d: %.3g from the CPU (%v vs %v)", i, d, vlp[i], clp[i])
		}
		dlogp[i] = make([]float32, len(clp[i]))
		for j := range dlogp[i] {
			dlogp[i][j] = float32(math.Sin(float64(3*i+j))) / 10
		}
	}
	n := len(cpuM.Trainable())
	cg := make([]float32, n)
	if err := ct.Backward(dlogp, cg); err != nil {
		t.Fatal(err)
	}
	gb, err := be.Alloc(backend.F32, n)
	if err != nil {
		t.Fatal(err)
	}
	defer be.Free(gb)
	if err := vt.Backward(dlogp, nil); err == nil {
		t.Fatal("a device tape took a host gradient slice")
	}
	if err := vt.BackwardTo(dlogp, backend.Whole(gb)); err != nil {
		t.Fatal(err)
	}
	vg := make([]float32, n)
	if err := be.Download(vg, backend.Whole(gb)); err != nil {
		t.Fatal(err)
	}
	// Per tensor, so a wrong gradient names its parameter.
	for _, info := range cpuM.Params.Tensors {
		lo, hi := info.Offset, info.Offset+info.Size
		if d := relDiff(vg[lo:hi], cg[lo:hi]); d > 2e-4 {
			t.Errorf("gradient of %s: %.3g from the CPU", info.Name, d)
		}
	}
	// The reference pass (no tape) on the device too.
	rl, err := vkM.SequenceLogProbs(seqs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range clp {
		if d := relDiff(rl[i], clp[i]); d > 2e-5 {
			t.Fatalf("reference log-probs of sequence %d: %.3g from the CPU", i, d)
		}
	}
}

func TestGRPOStepsOnVulkanMatchCPU(t *testing.T) {
	be := newVK(t, 0)
	cpuM, vkM := trainModel(t, nil), trainModel(t, be)
	cfg := trainCfg()
	cfg.Tape = train.TapeF32 // float32's tolerances here; TestBF16TapeOnVulkan checks the default bf16 tape
	ct, err := train.New(cpuM, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	vt, err := train.New(vkM, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !vt.OnDevice() || ct.OnDevice() {
		t.Fatalf("device trainer on the device: %v (%s); CPU trainer: %v", vt.OnDevice(), vt.DeviceFallback(), ct.OnDevice())
	}
	groups := trainGroups(t, cpuM)
	before := append([]float32(nil), vkM.Params.F32...)
	const steps = 4
	for s := 1; s <= steps; s++ {
		cs, err := ct.Step(groups)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := vt.Step(groups)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(vs.Loss-cs.Loss) > 1e-4*(1+math.Abs(cs.Loss)) || math.Abs(vs.GradNorm-cs.GradNorm) > 2e-4*cs.GradNorm {
			t.Fatalf("step %d: device loss %.7g grad norm %.7g; CPU %.7g %.7g", s, vs.Loss, vs.GradNorm, cs.Loss, cs.GradNorm)
		}
		t.Logf("step %d: loss %.6g (CPU %.6g), grad norm %.6g (CPU %.6g), clip %.3g", s, vs.Loss, cs.Loss, vs.GradNorm, cs.GradNorm, vs.ClipFraction)
		if s == 1 {
			// The host copy is the one from before training until synced:
			// nothing came back from the device during the step.
			if relDiff(vkM.Params.F32, before) != 0 {
				t.Fatal("the host weights changed during a device step")
			}
			if err := vkM.SyncToHost(); err != nil {
				t.Fatal(err)
			}
			conformance.WeightsMatch(t, "after one step", vkM.Params.F32, cpuM.Params.F32, cfg.Optim.LR, 1)
		}
	}
	if err := vkM.SyncToHost(); err != nil {
		t.Fatal(err)
	}
	conformance.WeightsMatch(t, "after 4 steps", vkM.Params.F32, cpuM.Params.F32, cfg.Optim.LR, steps)
	if vt.Opt.Step != steps {
		t.Fatalf("optimizer step %d after %d steps", vt.Opt.Step, steps)
	}
}

// Training with the activations kept as bf16 (the trainer's default on a
// device): conformance.RunBF16Tape's checks, against the CPU's f32 tape.
func TestBF16TapeOnVulkan(t *testing.T) {
	conformance.RunBF16Tape(t, func(t *testing.T) backend.Backend { return newVK(t, 0) }, true)
}

func TestDeviceCheckpointSaveAndResume(t *testing.T) {
	be := newVK(t, 0)
	vkM := trainModel(t, be)
	cfg := trainCfg()
	vt, err := train.New(vkM, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups := trainGroups(t, trainModel(t, nil))
	for s := 0; s < 2; s++ {
		if _, err := vt.Step(groups); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	if res := vt.SaveNow(dir, []byte(`{"round":2}`), 2); res.Err != nil {
		t.Fatal(res.Err)
	}
	// A second trainer on a fresh device model resumes from the checkpoint;
	// both take the same next step.
	be2 := newVK(t, 0)
	rm := trainModel(t, be2)
	rt, err := train.New(rm, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	state, err := rt.LoadInto(dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(state) != `{"round":2}` || rt.Opt.Step != 2 {
		t.Fatalf("resumed state %s at step %d", state, rt.Opt.Step)
	}
	a, err := vt.Step(groups)
	if err != nil {
		t.Fatal(err)
	}
	b, err := rt.Step(groups)
	if err != nil {
		t.Fatal(err)
	}
	if a.Loss != b.Loss || a.GradNorm != b.GradNorm {
		t.Fatalf("after resume: loss %v grad norm %v; uninterrupted %v %v", b.Loss, b.GradNorm, a.Loss, a.GradNorm)
	}
	if err := errors.Join(vkM.SyncToHost(), rm.SyncToHost()); err != nil {
		t.Fatal(err)
	}
	if d := relDiff(rm.Params.F32, vkM.Params.F32); d != 0 {
		t.Fatalf("resumed weights differ from the uninterrupted run by %.3g", d)
	}
	// The checkpoint loads on the CPU too, and holds the device's weights.
	if res := vt.SaveNow(dir, nil, 2); res.Err != nil {
		t.Fatal(res.Err)
	}
	cm := trainModel(t, nil)
	copt, err := train.NewOptimizer(len(cm.Trainable()), cfg.Optim)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := train.LoadLatest(dir, cm, copt); err != nil {
		t.Fatal(err)
	}
	if d := relDiff(cm.Params.F32, vkM.Params.F32); d != 0 || copt.Step != 3 {
		t.Fatalf("checkpoint on the CPU: weights %.3g apart, step %d", d, copt.Step)
	}
}

func TestDeviceOutOfMemoryMidStepKeepsHostState(t *testing.T) {
	probe := newVK(t, 0)
	m0 := trainModel(t, probe)
	t0, err := train.New(m0, nil, trainCfg())
	if err != nil || !t0.OnDevice() {
		t.Fatalf("trainer on the device: %v %s", err, t0.DeviceFallback())
	}
	setup, _ := probe.d.MemoryInUse()
	// Room for the weights, gradient and moments, not for a step's tape.
	be := newVK(t, setup+64<<10)
	m := trainModel(t, be)
	tr, err := train.New(m, nil, trainCfg())
	if err != nil {
		t.Fatal(err)
	}
	if !tr.OnDevice() {
		t.Fatalf("trainer fell back: %s", tr.DeviceFallback())
	}
	groups := trainGroups(t, trainModel(t, nil))
	host := append([]float32(nil), m.Params.F32...)
	_, err = tr.Step(groups)
	if err == nil {
		t.Fatal("a step over the device memory limit succeeded")
	}
	if !errors.Is(err, &Error{Kind: ErrOutOfMemory}) {
		t.Fatalf("step error is not a typed out-of-memory: %v", err)
	}
	t.Logf("step refused: %v", err)
	if tr.Opt.Step != 0 || relDiff(m.Params.F32, host) != 0 {
		t.Fatalf("host state changed by a failed step: optimizer step %d", tr.Opt.Step)
	}
	for _, x := range tr.Opt.M {
		if x != 0 {
			t.Fatal("optimizer moments changed by a failed step")
		}
	}
	// The device weights were not touched either.
	if err := m.SyncToHost(); err != nil {
		t.Fatal(err)
	}
	if relDiff(m.Params.F32, host) != 0 {
		t.Fatal("device weights changed by a failed step")
	}
}

func TestTrainerFallsBackToCPUWhenStateDoesNotFit(t *testing.T) {
	probe := newVK(t, 0)
	trainModel(t, probe)
	weights, _ := probe.d.MemoryInUse()
	// Room for the weights and a forward pass, not for 12 bytes per
	// parameter more.
	n := uint64(len(trainModel(t, nil).Trainable()))
	be := newVK(t, weights+12*n-64<<10)
	m := trainModel(t, be)
	tr, err := train.New(m, nil, trainCfg())
	if err != nil {
		t.Fatal(err)
	}
	if tr.OnDevice() || m.DeviceTraining() || tr.DeviceFallback() == "" {
		t.Fatalf("trainer on the device %v, fallback %q", tr.OnDevice(), tr.DeviceFallback())
	}
	t.Logf("fallback: %s", tr.DeviceFallback())
	cpuM := trainModel(t, nil)
	ct, err := train.New(cpuM, nil, trainCfg())
	if err != nil {
		t.Fatal(err)
	}
	groups := trainGroups(t, cpuM)
	for _, x := range []*train.Trainer{tr, ct} {
		if _, err := x.Step(groups); err != nil {
			t.Fatal(err)
		}
	}
	// Trained on the CPU: the same bits as the CPU trainer, and the device
	// copy follows for the next rollout.
	if d := relDiff(m.Params.F32, cpuM.Params.F32); d != 0 {
		t.Fatalf("CPU-trained weights differ by %.3g", d)
	}
	prompt := []int{1, 2, 3, 4}
	dc, err := m.NewCache(len(prompt))
	if err != nil {
		t.Fatal(err)
	}
	cc, err := cpuM.NewCache(len(prompt))
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.PrefillAll(dc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cpuM.PrefillAll(cc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	if d := conformance.MaxRel(got, conformance.F64(want)); d > 1e-5 {
		t.Fatalf("device logits after a CPU step: %.3g from the CPU", d)
	}
}
