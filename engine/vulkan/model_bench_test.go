package vulkan

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// BenchmarkModel runs the whole model on the Vulkan backend: rollouts at
// batch 1 and 64 (decode tok/s over all answers), and prefill tok/s. On a
// GPU the model has Qwen2.5-0.5B's shape (random bf16 weights, nothing is
// downloaded); on a software device the tiny test model, so the benchmark
// stays runnable anywhere. scripts/gpu-check.sh puts these in its table.
// Training of a model on a device runs on the CPU backend in this build,
// so there is no GRPO-step figure for Vulkan yet.
func BenchmarkModel(b *testing.B) {
	d := device(b)
	shape := testmodel.Tiny{Layers: 2, MaxPos: 1024}
	prompt, newTok := 64, 32
	if d.Info.Type != TypeCPU {
		shape = testmodel.Tiny{Layers: 24, Hidden: 896, Heads: 14, KVHeads: 2, HeadDim: 64, FFN: 4864,
			Vocab: 151936, MaxPos: 4096, BF16: true}
		newTok = 128
	}
	dir := b.TempDir()
	if err := testmodel.Write(dir, shape, 1); err != nil {
		b.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.BF16})
	if err != nil {
		b.Fatal(err)
	}
	be, err := NewBackend(Options{Index: d.Info.Index, AllowCPU: true})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	if err := m.UseBackend(be); err != nil {
		b.Fatal(err)
	}
	V := m.Config.VocabSize
	toks := func(n int) []int {
		t := make([]int, n)
		for i := range t {
			t[i] = (i*7919 + 13) % V
		}
		return t
	}
	for _, n := range []int{1, 64} {
		b.Run("rollout_batch"+map[int]string{1: "1", 64: "64"}[n], func(b *testing.B) {
			opt := qwen2.GenerateOptions{N: n, MaxNew: newTok, Temperature: 1, TopK: 50, TopP: 0.9, Seed: 1, StopIDs: []int{}}
			var tps float64
			be.d.ResetPeak()
			for i := 0; i < b.N; i++ {
				_, st, err := m.Generate(toks(prompt), opt)
				if err != nil {
					b.Fatal(err)
				}
				tps += st.DecodeTokPerS
			}
			_, peak := be.d.MemoryInUse()
			b.ReportMetric(tps/float64(b.N), "tok/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		})
	}
	b.Run("prefill512", func(b *testing.B) {
		p := toks(512)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			c, err := m.NewCache(len(p))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := m.Prefill(c, p); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(p)*b.N)/b.Elapsed().Seconds(), "tok/s")
	})
}
