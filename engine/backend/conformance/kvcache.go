package conformance

import (
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
func RunKVCacheDType(t *testing.T, open func(t *testing.T) backend.Backend, dt backend.DType) {
	dev := open(t)
	h := host.New()
	r := rand.New(rand.NewPCG(41, 42))
	// A head width that is not a multiple of 32 (lanes holding one value or
	// none) and grouped query heads.
	a := backend.Attn{Heads: 4, KVHeads: 2, HeadDim: 40}
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
