package conformance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// RunKVCacheDType checks a device's KV cache stored as dt (BF16: half the
// memory of batch rollouts) against the CPU's float32 cache: KVAppend
// rounds keys and values exactly as cpu.F32ToBF16 does, and
// CachedAttention over such runs (a shared prompt run and per-answer runs)
// matches the CPU's attention over the same rounded values within the
// float32 tolerance, since only storage changes and attention accumulates
// in float32. A backend calls it for each KV dtype it accepts.
//
// Two head widths: 40, not a multiple of 32 (lanes holding one value or
// none), and 16, one the GPU backends' tiled flash-attention kernels take
// for the prompt's prefill; grouped query heads in both. Every view sits at
// an odd element offset, so 16-bit values of a run share words with
// whatever lies beside it.
func RunKVCacheDType(t *testing.T, open func(t *testing.T) backend.Backend, dt backend.DType) {
	dev := open(t)
	for _, hd := range []int{40, 16} {
		t.Run(fmt.Sprintf("head%d", hd), func(t *testing.T) { runKVCacheDType(t, dev, dt, hd) })
	}
}

func runKVCacheDType(t *testing.T, dev backend.Backend, dt backend.DType, hd int) {
	h := host.New()
	r := rand.New(rand.NewPCG(41, uint64(hd)))
	a := backend.Attn{Heads: 4, KVHeads: 2, HeadDim: hd}
	a.Scale = float32(1 / math.Sqrt(float64(a.HeadDim)))
	W := a.QDim() + 2*a.KVDim()
	Cap := 8
	x := randv(r, 8*W, 1)
	rounded := make([]float32, len(x))
	for i, v := range x {
		rounded[i] = cpu.BF16ToF32(cpu.F32ToBF16(v))
	}
	alloc := func(b backend.Backend, dt backend.DType, n int, data []float32) backend.View {
		t.Helper()
		buf, err := b.Alloc(dt, n+2*pad)
		if err != nil {
			t.Fatal(err)
		}
		v := backend.Whole(buf).Slice(pad, pad+n)
		if data != nil {
			if err := b.Upload(v, data); err != nil {
				t.Fatal(err)
			}
		}
		return v
	}
	runN := a.KVHeads * Cap * a.HeadDim
	xh, xr, xd := alloc(h, backend.F32, len(x), rounded), alloc(dev, backend.F32, len(x), rounded), alloc(dev, backend.F32, len(x), x)
	type run struct{ hk, hv, dk, dv backend.View }
	mk := func() run {
		return run{alloc(h, backend.F32, runN, nil), alloc(h, backend.F32, runN, nil), alloc(dev, dt, runN, nil), alloc(dev, dt, runN, nil)}
	}
	prompt, ans0, ans1 := mk(), mk(), mk()
	appendKV := func(rn run, src backend.View, rows []int, first int) {
		h.KVAppend(backend.KVRun{K: rn.hk, V: rn.hv, Cap: Cap}, xh, rows, first, a)
		dev.KVAppend(backend.KVRun{K: rn.dk, V: rn.dv, Cap: Cap}, src, rows, first, a)
	}
	// The prompt's keys and values come from unrounded rows (the kernel
	// rounds them), the answers' from rows already representable.
	appendKV(prompt, xd, []int{0, 1, 2, 3, 4}, 0)
	appendKV(ans0, xr, []int{5, 6}, 0)
	appendKV(ans1, xr, []int{7}, 0)
	down := func(b backend.Backend, v backend.View) []float32 {
		t.Helper()
		out := make([]float32, v.N)
		if err := b.Download(out, v); err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Values whose rounding is easy to get wrong: NaNs (kept quiet NaNs of
	// their sign), infinities, overflow to infinity, ties to even both
	// ways, a subnormal, -0; one row's keys and values, compared bit for
	// bit with the CPU's rounding.
	specials := []uint32{0x7f800001, 0xffa00000, 0x7f800000, 0xff800000, 0x7f7fffff, 0x3f808000, 0x3f818000,
		0x3f807fff, 0x00000001, 0x80000000, 0xc0ff8000, 0x477fe000}
	sx := make([]float32, W)
	for i := range sx {
		sx[i] = math.Float32frombits(specials[i%len(specials)])
	}
	sp := mk()
	dev.KVAppend(backend.KVRun{K: sp.dk, V: sp.dv, Cap: Cap}, alloc(dev, backend.F32, W, sx), []int{0}, 3, a)
	for part, rv := range []backend.View{sp.dk, sp.dv} {
		got := down(dev, rv)
		for c := range a.KVDim() {
			x := sx[a.QDim()+part*a.KVDim()+c]
			want := x
			if dt == backend.BF16 {
				want = cpu.BF16ToF32(cpu.F32ToBF16(x))
			}
			at := (c/a.HeadDim*Cap+3)*a.HeadDim + c%a.HeadDim
			if math.Float32bits(got[at]) != math.Float32bits(want) {
				t.Fatalf("KVAppend of %#08x into a %v cache (%s): %#08x, want %#08x",
					math.Float32bits(x), dt, [2]string{"k", "v"}[part], math.Float32bits(got[at]), math.Float32bits(want))
			}
		}
	}
	for _, c := range []struct {
		what   string
		hv, dv backend.View
	}{{"KVAppend k (rounded by the device)", prompt.hk, prompt.dk}, {"KVAppend v (rounded by the device)", prompt.hv, prompt.dv}, {"KVAppend v", ans0.hv, ans0.dv}} {
		Near(t, c.what+" as "+dt.String(), down(dev, c.dv), down(h, c.hv), 0)
	}
	seqs := func(device bool) []backend.CachedSeq {
		kv := func(rn run, n int) backend.KVRun {
			if device {
				return backend.KVRun{K: rn.dk, V: rn.dv, Cap: Cap, N: n}
			}
			return backend.KVRun{K: rn.hk, V: rn.hv, Cap: Cap, N: n}
		}
		return []backend.CachedSeq{
			{Rows: []int{0, 1, 2, 3, 4}, Runs: []backend.KVRun{kv(prompt, 5)}},
			{Rows: []int{5, 6}, Runs: []backend.KVRun{kv(prompt, 5), kv(ans0, 2)}},
			{Rows: []int{7}, Runs: []backend.KVRun{kv(prompt, 5), kv(ans1, 1)}},
		}
	}
	pos := []int{0, 1, 2, 3, 4, 5, 6, 5}
	oh, od := alloc(h, backend.F32, 8*a.QDim(), nil), alloc(dev, backend.F32, 8*a.QDim(), nil)
	h.CachedAttention(oh, xh, seqs(false), pos, a)
	dev.CachedAttention(od, xr, seqs(true), pos, a)
	if err := dev.Flush(); err != nil {
		t.Fatal(err)
	}
	Near(t, "CachedAttention over a "+dt.String()+" KV cache", down(dev, od), down(h, oh), 1e-5)
}
