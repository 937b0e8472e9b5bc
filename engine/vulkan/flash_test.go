package vulkan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// TestFlashAttentionMatchesAttention compares the tiled online-softmax
// kernel with the score-matrix path (gpu.GEMM, causal softmax, gpu.GEMM) on the
// layouts the backend uses: fused qkv rows (training, scoring), and queries
// at positions pos0… against a head-major KV cache (prefill after a cached
// prefix), with GQA, block-crossing lengths and head widths up to 128.
// Both accumulate in float32 in different orders: outputs agree to 1e-5
// absolute (values are O(1)), log-sum-exps to 1e-5 relative. The KV-cache
// layouts run again with K and V stored as bf16 at odd element offsets
// (flash_attn_d<D>_bf16, a bf16 KV cache) against the score-matrix path
// over the same values rounded, for every head width.
func TestFlashAttentionMatchesAttention(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(41, 42))
	for _, c := range []struct {
		T, pos0, Hq, Hkv, D int
		fused               bool
	}{
		{T: 1, Hq: 2, Hkv: 1, D: 16, fused: true},
		{T: 70, Hq: 4, Hkv: 2, D: 16, fused: true},
		{T: 40, Hq: 2, Hkv: 1, D: 32, fused: true},
		{T: 130, Hq: 14, Hkv: 2, D: 64, fused: true},
		{T: 9, pos0: 5, Hq: 4, Hkv: 2, D: 16},
		{T: 20, pos0: 3, Hq: 2, Hkv: 1, D: 32},
		{T: 33, pos0: 17, Hq: 4, Hkv: 2, D: 64},
		{T: 65, pos0: 100, Hq: 2, Hkv: 2, D: 128},
	} {
		t.Run(fmt.Sprintf("T%d_pos%d_h%d_%d_d%d", c.T, c.pos0, c.Hq, c.Hkv, c.D), func(t *testing.T) {
			S := c.pos0 + c.T
			a := gpu.Attn{T: c.T, S: S, Pos0: c.pos0, Hq: c.Hq, Hkv: c.Hkv, D: c.D}
			Q, KV := c.Hq*c.D, c.Hkv*c.D
			if c.fused { // q | k | v rows of one buffer
				W := Q + 2*KV
				x := up(t, d, randVec(r, c.T*W))
				a.Q, a.K, a.V = x, x, x
				a.QStride, a.KOff, a.VOff, a.KHead, a.KRow = W, Q, Q+KV, c.D, W
			} else { // queries apart, K and V head-major [Hkv][cap][D] as the KV cache
				capacity := S + 3
				a.Q = up(t, d, randVec(r, c.T*Q))
				a.K, a.V = up(t, d, randVec(r, c.Hkv*capacity*c.D)), up(t, d, randVec(r, c.Hkv*capacity*c.D))
				a.KHead, a.KRow = capacity*c.D, c.D
				t.Run("bf16", func(t *testing.T) { flashBF16KV(t, d, a, c.Hkv*capacity*c.D) })
			}
			ref, flash := a, a
			ref.Out, ref.LSE, ref.P = zeros(t, d, c.T*Q), zeros(t, d, c.T*c.Hq), zeros(t, d, c.Hq*c.T*S)
			flash.Out, flash.LSE = zeros(t, d, c.T*Q), zeros(t, d, c.T*c.Hq)
			run(t, d, func(b *gpu.Recorder) {
				b.Attention(ref)
				b.FlashAttention(flash, true)
			})
			matchesScorePath(t, "out", down(t, d, flash.Out, c.T*Q), down(t, d, ref.Out, c.T*Q))
			wl, gl := down(t, d, ref.LSE, c.T*c.Hq), down(t, d, flash.LSE, c.T*c.Hq)
			for i := range wl {
				if math.Abs(float64(gl[i]-wl[i])) > 1e-5*(1+math.Abs(float64(wl[i]))) {
					t.Fatalf("lse[%d] = %v, score-matrix path %v", i, gl[i], wl[i])
				}
			}
		})
	}
}

// A head width with no flash kernel is refused by name, not dispatched;
// the backend (engine/backend/gpu) takes the score-matrix path for it.
func TestFlashAttentionRefusesOtherWidths(t *testing.T) {
	d := device(t)
	x := zeros(t, d, 4*48)
	b, err := d.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	r := gpu.NewRecorder(b)
	r.FlashAttention(gpu.Attn{Q: x, K: x, V: x, Out: x, T: 1, S: 1, Hq: 1, Hkv: 1, D: 48}, false)
	if r.Ops() != 0 {
		t.Fatalf("%d ops recorded for a width with no kernel", r.Ops())
	}
	if err := r.Run(); err == nil || !strings.Contains(err.Error(), "head width 48") {
		t.Fatalf("run: %v, want a head-width error", err)
	}
}

// flashBF16KV checks flash attention over K and V (n values each, a's
// layout) stored as bf16 at odd element offsets against the score-matrix
// path over the same values rounded to bf16 in float32.
func flashBF16KV(t *testing.T, d *Device, a gpu.Attn, n int) {
	kf, vf := down(t, d, a.K, n), down(t, d, a.V, n)
	bf16Buf := func(f []float32, off int) *Buffer {
		bits := make([]uint16, off+len(f))
		for i, x := range f {
			bits[off+i] = cpu.F32ToBF16(x)
			f[i] = cpu.BF16ToF32(bits[off+i]) // the reference reads these
		}
		b, err := d.Alloc(uint64(len(bits)+1) * 2)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(b.Free)
		if err := UploadU16(d, b, 0, append(bits, 0)); err != nil {
			t.Fatal(err)
		}
		return b
	}
	flash := a
	flash.K, flash.V, flash.KOff, flash.VOff, flash.KVType = bf16Buf(kf, 1), bf16Buf(vf, 3), 1, 3, gpu.BF16
	ref := a
	ref.K, ref.V = up(t, d, kf), up(t, d, vf)
	Q := a.Hq * a.D
	ref.Out, ref.LSE, ref.P = zeros(t, d, a.T*Q), zeros(t, d, a.T*a.Hq), zeros(t, d, a.Hq*a.T*a.S)
	flash.Out = zeros(t, d, a.T*Q)
	run(t, d, func(b *gpu.Recorder) {
		b.Attention(ref)
		b.FlashAttention(flash, false)
	})
	matchesScorePath(t, "out over bf16 K/V", down(t, d, flash.Out, a.T*Q), down(t, d, ref.Out, a.T*Q))
}

// matchesScorePath fails unless flash attention's output got is the
// score-matrix path's want within 1e-5.
func matchesScorePath(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Fatalf("%s[%d] = %v, score-matrix path %v", what, i, got[i], want[i])
		}
	}
}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}
