package vulkan

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// BenchmarkModel runs the whole model on the Vulkan backend
// (engine/backend/conformance's BenchModel: rollouts at batch 1 and 64,
// batch 64 again with a bf16 KV cache, prefill). On a GPU the model has Qwen2.5-0.5B's shape (random bf16
// weights, nothing is downloaded); on a software device the tiny test
// model, so the benchmark stays runnable anywhere. scripts/gpu-check.sh
// puts these in its table. The device's GRPO step is BenchmarkTrainStep.
func BenchmarkModel(b *testing.B) {
	d := device(b)
	o := conformance.ModelBench{Shape: testmodel.Tiny{Layers: 2, MaxPos: 1024}, Prompt: 64, NewTok: 32, KVBF16: true}
	if d.Info.Type != TypeCPU {
		o.Shape, o.NewTok = conformance.Qwen05BBF16, 128
	}
	be, err := NewBackend(Options{Index: d.Info.Index, AllowCPU: true})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	o.ResetPeak = be.d.ResetPeak
	o.Peak = func() int64 { _, peak := be.d.MemoryInUse(); return int64(peak) }
	conformance.BenchModel(b, be, o)
}

// BenchmarkTrainStep is one whole GRPO optimizer step on the Vulkan
// backend, training on the device (forward, GRPO loss on the host, backward,
// AdamW on fp32 master weights and moments kept on the device): on a GPU
// the Qwen2.5-0.5B shape with random F32 weights and engine/train's
// BenchmarkGRPOStep batch (4 groups × 2 answers, 96-token prompts, 256-token
// answers, all 8 in one micro-batch); on a software device the tiny model
// with short answers, so it runs anywhere (a correctness smoke, not a
// speed figure). tok/s counts every token that went through forward and
// backward, prompts included, as StepStats.TokPerS does. Sub-benchmarks
// keep the tape as f32 and as bf16 (the trainer's default on a device);
// tape-MiB is the micro-batch's TapeBytes, peak-MiB what the device held.
func BenchmarkTrainStep(b *testing.B) {
	for _, tape := range []train.TapeMode{train.TapeF32, train.TapeBF16} {
		b.Run("tape="+string(tape), func(b *testing.B) { benchTrainStep(b, tape) })
	}
}

func benchTrainStep(b *testing.B, tape train.TapeMode) {
	d := device(b)
	prompt, answer, mb := 16, 16, 8
	var m *qwen2.Model
	var err error
	if d.Info.Type != TypeCPU {
		prompt, answer = 96, 256
		if m, err = qwen2.New(testmodel.Qwen05B, qwen2.F32); err != nil {
			b.Fatal(err)
		}
		testmodel.Randomize(m)
	} else {
		dir := b.TempDir()
		if err := testmodel.Write(dir, testmodel.Tiny{Layers: 2}, 1); err != nil {
			b.Fatal(err)
		}
		if m, err = qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.F32}); err != nil {
			b.Fatal(err)
		}
	}
	be, err := NewBackend(Options{Index: d.Info.Index, AllowCPU: true})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	if err := m.UseBackend(be); err != nil {
		b.Fatal(err)
	}
	tr, err := train.New(m, nil, train.Config{Optim: train.DefaultOptimConfig(), MicroBatch: mb, Tape: tape})
	if err != nil {
		b.Fatal(err)
	}
	if !tr.OnDevice() {
		b.Fatalf("training is not on the device: %s", tr.DeviceFallback())
	}
	V := m.Config.VocabSize
	groups := make([]train.Group, 4)
	for g := range groups {
		groups[g].Prompt = make([]int, prompt)
		for i := range groups[g].Prompt {
			groups[g].Prompt[i] = (i*7919 + g*104729 + 3) % V
		}
		for a := 0; a < 2; a++ {
			ans := train.Answer{Tokens: make([]int, answer), LogProbs: make([]float32, answer), Reward: float64(a)}
			for i := range ans.Tokens {
				ans.Tokens[i] = (i*31337 + a*7 + g*13) % V
				ans.LogProbs[i] = -12 // far from the model's: exercises clipping too
			}
			groups[g].Answers = append(groups[g].Answers, ans)
		}
	}
	// Warm up: pipelines, the tape's buffers, the gradient and moments.
	st, err := tr.Step(groups)
	if err != nil {
		b.Fatal(err)
	}
	be.d.ResetPeak()
	var tok, secs float64
	b.ResetTimer()
	for range b.N {
		if st, err = tr.Step(groups); err != nil {
			b.Fatal(err)
		}
		tok += float64(st.Trained)
		secs += st.Duration.Seconds()
	}
	b.StopTimer()
	_, peak := be.d.MemoryInUse()
	b.ReportMetric(tok/secs, "tok/s")
	b.ReportMetric(st.GFLOPS, "GFLOP/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(st.Memory.Activations)/(1<<20), "tape-MiB")
}
