package vulkan

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// Benchmarks of the kernels on whatever device the tests open (a real GPU
// when there is one, lavapipe otherwise). Each iteration records reps
// dispatches into one batch and runs it, so submit/wait overhead is
// amortised the way a decode step or training micro-step amortises it.
// scripts/gpu-check.sh runs these and prints the table.

const reps = 10

// shrink divides a benchmark dimension on software devices (lavapipe runs
// shaders on the CPU, ~1000× slower), so `go test -bench` stays usable on
// a development machine; the reported rates are then for those shapes.
func shrink(d *Device, n, by int) int {
	if d.Info.Type == TypeCPU {
		return max(1, n/by)
	}
	return n
}

// bf16Weights uploads n random bf16 weights (two per float32 word).
func bf16Weights(b *testing.B, d *Device, r *rand.Rand, n int) *Buffer {
	bits := make([]uint16, n+n%2)
	for i := range bits {
		bits[i] = cpu.F32ToBF16((r.Float32()*2 - 1) * 0.05)
	}
	w, err := d.Alloc(uint64(len(bits)) * 2)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Free)
	if err := UploadU16(d, w, 0, bits); err != nil {
		b.Fatal(err)
	}
	return w
}

func benchBatch(b *testing.B, d *Device, rec func(bt *gpu.Recorder)) {
	bt, err := d.NewBatch()
	if err != nil {
		b.Fatal(err)
	}
	defer bt.Release()
	r := gpu.NewRecorder(bt)
	rec(r) // warm up: pipelines built, memory touched
	if err := r.Run(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := 0; j < reps; j++ {
			rec(r)
		}
		if err := r.Run(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGemm(b *testing.B) {
	d := device(b)
	r := rand.New(rand.NewPCG(1, 1))
	for _, sh := range []struct {
		M, N, K int
		wt      gpu.DType
	}{
		{1, 4864, 896, gpu.BF16},   // decode: one token through the MLP up-projection
		{64, 4864, 896, gpu.BF16},  // batch-64 rollout step
		{512, 896, 896, gpu.F32},   // prefill / training: attention projection
		{512, 4864, 896, gpu.BF16}, // prefill: MLP
	} {
		sh.N = shrink(d, sh.N, 16)
		b.Run(fmt.Sprintf("%dx%dx%d_%v", sh.M, sh.N, sh.K, sh.wt), func(b *testing.B) {
			x := up(b, d, randv(r, sh.M*sh.K, 1))
			var w *Buffer
			if sh.wt == gpu.F32 {
				w = up(b, d, randv(r, sh.N*sh.K, 0.05))
			} else {
				w = bf16Weights(b, d, r, sh.N*sh.K)
			}
			out := zeros(b, d, sh.M*sh.N)
			benchBatch(b, d, func(bt *gpu.Recorder) { bt.MatMulT(out, x, w, nil, sh.wt, sh.M, sh.N, sh.K) })
			flops := 2 * float64(sh.M) * float64(sh.N) * float64(sh.K) * reps * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkAttentionPrefill(b *testing.B) {
	d := device(b)
	r := rand.New(rand.NewPCG(2, 2))
	T, Hq, Hkv, D := shrink(d, 256, 4), 14, 2, 64
	a := gpu.Attn{Q: up(b, d, randv(r, T*Hq*D, 1)), K: up(b, d, randv(r, T*Hkv*D, 1)), V: up(b, d, randv(r, T*Hkv*D, 1)),
		Out: zeros(b, d, T*Hq*D), P: zeros(b, d, Hq*T*T), LSE: zeros(b, d, Hq*T), T: T, S: T, Hq: Hq, Hkv: Hkv, D: D}
	benchBatch(b, d, func(bt *gpu.Recorder) { bt.Attention(a) })
	b.ReportMetric(float64(T*reps*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkAttentionDecode(b *testing.B) {
	d := device(b)
	r := rand.New(rand.NewPCG(3, 3))
	B, Hq, Hkv, D, S := shrink(d, 64, 8), 14, 2, 64, 512
	lens := make([]uint32, B)
	for i := range lens {
		lens[i] = uint32(S)
	}
	a := gpu.AttnDecode{Q: up(b, d, randv(r, B*Hq*D, 1)), K: up(b, d, randv(r, B*S*Hkv*D, 1)), V: up(b, d, randv(r, B*S*Hkv*D, 1)),
		Lens: upU32(b, d, lens), Out: zeros(b, d, B*Hq*D), Scratch: zeros(b, d, B*Hq*S), B: B, Hq: Hq, Hkv: Hkv, D: D, Smax: S, SeqStride: S * Hkv * D}
	benchBatch(b, d, func(bt *gpu.Recorder) { bt.AttentionDecode(a) })
	b.ReportMetric(float64(B*reps*b.N)/b.Elapsed().Seconds(), "seq-steps/s")
}

func BenchmarkSample(b *testing.B) {
	d := device(b)
	r := rand.New(rand.NewPCG(4, 4))
	B, V := shrink(d, 64, 64), shrink(d, 151936, 16)
	lg := up(b, d, randv(r, B*V, 5))
	u := up(b, d, randv(r, B, 0.5))
	tok, lp, st := zeros(b, d, B), zeros(b, d, 2*B), zeros(b, d, B)
	benchBatch(b, d, func(bt *gpu.Recorder) {
		bt.Sample(tok, lp, st, lg, u, B, V, gpu.SampleArgs{Temperature: 1, TopK: 50, TopP: 0.9})
	})
	b.ReportMetric(float64(B*reps*b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func BenchmarkAdamW(b *testing.B) {
	d := device(b)
	n := shrink(d, 1<<22, 16)
	p, g, m, v := zeros(b, d, n), zeros(b, d, n), zeros(b, d, n), zeros(b, d, n)
	s := gpu.AdamStep{LR: 1e-6, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Step: 1}
	benchBatch(b, d, func(bt *gpu.Recorder) { bt.AdamW(p, g, m, v, n, s) })
	b.ReportMetric(float64(n*reps*b.N)*16/b.Elapsed().Seconds()/1e9, "GB/s")
	_, peak := d.MemoryInUse()
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

// BenchmarkEmptyBatch is the fixed cost of one submit+wait: the floor of a
// decode step's latency.
func BenchmarkEmptyBatch(b *testing.B) {
	d := device(b)
	x := zeros(b, d, 1)
	y := zeros(b, d, 1)
	bt, err := d.NewBatch()
	if err != nil {
		b.Fatal(err)
	}
	defer bt.Release()
	r := gpu.NewRecorder(bt)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Add(y, x, x, 1)
		if err := r.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/submit")
}
