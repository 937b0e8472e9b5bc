package conformance

import (
	"fmt"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// The whole-model benchmark every device backend runs (its BenchmarkModel),
// written once so the figures scripts/gpu-check.sh puts side by side in
// its table measure the same thing on each backend.

// Qwen05BBF16 is Qwen2.5-0.5B's shape with random bf16 weights (nothing is
// downloaded): the model BenchModel runs on a real GPU.
var Qwen05BBF16 = testmodel.Tiny{Layers: 24, Hidden: 896, Heads: 14, KVHeads: 2, HeadDim: 64, FFN: 4864,
	Vocab: 151936, MaxPos: 4096, BF16: true}

// ModelBench configures BenchModel.
type ModelBench struct {
	Shape          testmodel.Tiny // the model (written with seed 1, loaded with bf16 weights)
	Prompt, NewTok int            // rollout prompt and answer lengths
	// ResetPeak and Peak, when set, report the device's peak memory in
	// bytes over each rollout sub-benchmark (reset before, read after):
	// peak-MiB, everything in use at the peak, and added-MiB, what the
	// rollout added above what was in use when it started (buffers an
	// earlier sub-benchmark left count in the first, not the second).
	ResetPeak func()
	Peak      func() int64
	// Rollout, when set, runs before each rollout sub-benchmark and returns
	// what runs after it, for a backend's own metrics (CUDA graph replays).
	Rollout func(b *testing.B) func()
	// KVBF16 adds a batch-64 rollout with the KV cache in bf16
	// (Model.SetKVCacheDType), rollout_batch64_kvbf16: its KV-MiB and
	// added-MiB against rollout_batch64's are the memory the bf16 cache
	// saves. Every rollout reports KV-MiB, the KV caches it allocated.
	KVBF16 bool
}

// BenchModel runs a whole model on be: rollouts at batch 1 and 64
// (sampled, top-k 50 / top-p 0.9; decode tok/s over all answers) and a
// 512-token prefill (tok/s).
func BenchModel(b *testing.B, be backend.Backend, o ModelBench) {
	dir := b.TempDir()
	if err := testmodel.Write(dir, o.Shape, 1); err != nil {
		b.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.BF16})
	if err != nil {
		b.Fatal(err)
	}
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
	type rollout struct {
		n  int
		kv backend.DType
	}
	rollouts := []rollout{{1, backend.F32}, {64, backend.F32}}
	if o.KVBF16 {
		rollouts = append(rollouts, rollout{64, backend.BF16})
	}
	for _, r := range rollouts {
		n, name := r.n, fmt.Sprintf("rollout_batch%d", r.n)
		if r.kv == backend.BF16 {
			name += "_kvbf16"
		}
		b.Run(name, func(b *testing.B) {
			if err := m.SetKVCacheDType(r.kv); err != nil {
				b.Fatal(err)
			}
			defer m.SetKVCacheDType(backend.F32)
			opt := qwen2.GenerateOptions{N: n, MaxNew: o.NewTok, Temperature: 1, TopK: 50, TopP: 0.9, Seed: 1, StopIDs: []int{}}
			var base int64
			if o.ResetPeak != nil {
				o.ResetPeak()
				base = o.Peak()
			}
			after := func() {}
			if o.Rollout != nil {
				after = o.Rollout(b)
			}
			var tps float64
			var kv int
			for i := 0; i < b.N; i++ {
				_, st, err := m.Generate(toks(o.Prompt), opt)
				if err != nil {
					b.Fatal(err)
				}
				tps += st.DecodeTokPerS
				kv = st.KVCacheBytes
			}
			b.ReportMetric(tps/float64(b.N), "tok/s")
			b.ReportMetric(float64(kv)/(1<<20), "KV-MiB")
			if o.Peak != nil {
				peak := o.Peak()
				b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
				b.ReportMetric(float64(peak-base)/(1<<20), "added-MiB")
			}
			after()
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
