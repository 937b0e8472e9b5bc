//go:build darwin

package metal

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// Benchmarks for the macOS runner (.github/workflows/macos.yml, job
// metal): rollout tok/s at batch 1 and 64, prefill tok/s, a GRPO step's
// tokens/s and peak GPU memory, plus the GEMM kernel alone.

// benchShape is Qwen2.5-0.5B's shape (random bf16 weights, nothing is
// downloaded), or the tiny test model when SWARMDESK_METAL_BENCH=tiny
// (a runner whose GPU budget is too small).
func benchShape() testmodel.Tiny {
	if os.Getenv("SWARMDESK_METAL_BENCH") == "tiny" {
		return testmodel.Tiny{Layers: 2, MaxPos: 1024}
	}
	return conformance.Qwen05BBF16
}

func benchModel(b *testing.B, shape testmodel.Tiny, wdt qwen2.DType) (*qwen2.Model, *Device) {
	d := device(b)
	dir := b.TempDir()
	if err := testmodel.Write(dir, shape, 1); err != nil {
		b.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: wdt})
	if err != nil {
		b.Fatal(err)
	}
	be, err := NewBackendOn(d)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { be.Close() })
	if err := m.UseBackend(be); err != nil {
		b.Fatal(err)
	}
	return m, d
}

func benchTokens(n, V int) []int {
	t := make([]int, n)
	for i := range t {
		t[i] = (i*7919 + 13) % V
	}
	return t
}

// BenchmarkModel is engine/backend/conformance's whole-model benchmark on
// Metal.
func BenchmarkModel(b *testing.B) {
	d := device(b)
	be, err := NewBackendOn(d)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { be.Close() })
	conformance.BenchModel(b, be, conformance.ModelBench{Shape: benchShape(), Prompt: 64, NewTok: 128,
		ResetPeak: d.ResetPeak, Peak: func() int64 { _, peak := d.MemoryInUse(); return int64(peak) }})
}

// BenchmarkGRPOStep is one GRPO optimizer step (2 groups × 2 answers,
// 64-token prompts, 128-token answers) for a model whose weights live on
// Metal. In this build training itself runs on the CPU backend and the
// step ends by resyncing the weights to the GPU, so the figure is the
// whole step as a Mac node would run it today; a 4-layer model of the
// 0.5B widths keeps it inside a hosted runner's 7 GB.
func BenchmarkGRPOStep(b *testing.B) {
	shape := benchShape()
	shape.BF16 = false
	if shape.Layers > 4 {
		shape.Layers = 4
	}
	m, d := benchModel(b, shape, qwen2.F32)
	V := m.Config.VocabSize
	groups := make([]train.Group, 2)
	tokens := 0
	for g := range groups {
		groups[g].Prompt = benchTokens(64, V)
		for a := range 2 {
			ans := train.Answer{Tokens: benchTokens(128, V), LogProbs: make([]float32, 128), Reward: float64(a + g)}
			for i := range ans.LogProbs {
				ans.LogProbs[i] = -12
			}
			groups[g].Answers = append(groups[g].Answers, ans)
			tokens += 64 + 128
		}
	}
	tr, err := train.New(m, nil, train.Config{Optim: train.DefaultOptimConfig()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.Step(groups); err != nil { // warm-up
		b.Fatal(err)
	}
	d.ResetPeak()
	b.ResetTimer()
	for range b.N {
		if _, err := tr.Step(groups); err != nil {
			b.Fatal(err)
		}
		c, err := m.NewCache(8) // the resync to the GPU happens at the next forward pass
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Prefill(c, groups[0].Prompt[:8]); err != nil {
			b.Fatal(err)
		}
	}
	_, peak := d.MemoryInUse()
	b.ReportMetric(float64(tokens*b.N)/b.Elapsed().Seconds(), "tok/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

// BenchmarkGemm is the cross-compiled tiled GEMM alone at the 0.5B MLP
// shape (x[M,896]·W[4864,896]ᵀ, bf16 weights), ten per command buffer:
// the number to beat with a simdgroup_matrix kernel.
func BenchmarkGemm(b *testing.B) {
	be, err := NewBackendOn(device(b))
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	const N, K = 4864, 896
	r := rand.New(rand.NewPCG(1, 2))
	w := make([]float32, N*K)
	for i := range w {
		w[i] = r.Float32() - 0.5
	}
	wb, err := be.Alloc(backend.BF16, N*K)
	if err != nil {
		b.Fatal(err)
	}
	if err := be.Upload(backend.Whole(wb), w); err != nil {
		b.Fatal(err)
	}
	for _, M := range []int{1, 64, 512} {
		b.Run(map[int]string{1: "M1", 64: "M64", 512: "M512"}[M], func(b *testing.B) {
			x, _ := be.Alloc(backend.F32, M*K)
			y, _ := be.Alloc(backend.F32, M*N)
			defer be.Free(x)
			defer be.Free(y)
			b.ResetTimer()
			for range b.N {
				be.Begin()
				for range 10 {
					be.Gemm(backend.Whole(y), backend.Whole(x), backend.Whole(wb), backend.View{}, backend.Gemm{M: M, N: N, K: K, TransB: true})
				}
				if err := be.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(2*M*N*K*10*b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
