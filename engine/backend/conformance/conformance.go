// Package conformance is the backend-parity suite: every backend.Backend op
// on a device backend against the CPU backend (engine/backend/host) with
// the same inputs, per-dtype tolerances. Buffers are allocated with
// padding and used through offset views, so the offset paths run too.
// RunModel runs a whole tiny Qwen2 (prefill, decode, sampled rollouts)
// against the CPU and the float64 reference, RunGRPOStep one GRPO step,
// RunBF16Tape training with the activations kept as bf16.
// Device backends (Vulkan, the shared GPU op layer, Metal, CUDA) call them
// from their tests; the suite lives outside _test.go files so every backend
// runs the same checks, in this one home (it grew out of the Vulkan
// backend's own suite).
package conformance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// Options tunes the suite to a backend.
type Options struct {
	// BF16GemmTol is the relative tolerance of x·Wᵀ with bf16 weights: 1e-5
	// where activations stay fp32, about 2e-2 where a tensor-core kernel
	// rounds them to bf16. Zero means 1e-5.
	BF16GemmTol float64
}

// Run runs the suite on the backend open returns (open skips the test when
// the device is absent). Each group is a subtest with a fresh backend.
func Run(t *testing.T, open func(t *testing.T) backend.Backend, o Options) {
	if o.BF16GemmTol == 0 {
		o.BF16GemmTol = 1e-5
	}
	for _, g := range []struct {
		name string
		f    func(*testing.T, *pair)
	}{
		{"BuffersAndElementwise", buffersAndElementwise},
		{"GemmNormRopeSwiGLU", gemmNormRopeSwiGLU},
		{"Attention", attention},
		{"LMHeadAdamWSample", lmHeadAdamWSample},
	} {
		t.Run(g.name, func(t *testing.T) {
			dev := open(t)
			g.f(t, &pair{t: t, h: host.New(), v: dev, o: o})
		})
	}
}

type pair struct {
	t *testing.T
	h backend.Backend
	v backend.Backend
	o Options
}

// views is one tensor on both backends.
type views struct{ h, v backend.View }

const pad = 3

// mk allocates n elements (plus padding on both sides) of dt on both
// backends, fills them with data (nil: zeros) and returns offset views.
func (p *pair) mk(dt backend.DType, data []float32, n int) views {
	p.t.Helper()
	var out [2]backend.View
	for i, b := range []backend.Backend{p.h, p.v} {
		buf, err := b.Alloc(dt, n+2*pad)
		if err != nil {
			p.t.Fatal(err)
		}
		vw := backend.Whole(buf).Slice(pad, pad+n)
		if data != nil {
			if err := b.Upload(vw, data); err != nil {
				p.t.Fatal(err)
			}
		}
		out[i] = vw
	}
	return views{out[0], out[1]}
}

func (p *pair) rnd(r *rand.Rand, n int, s float32) views { return p.mk(backend.F32, randv(r, n, s), n) }

// check downloads both and compares.
func (p *pair) check(what string, x views, tol float64) {
	p.t.Helper()
	if err := p.v.Flush(); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	hv, vv := make([]float32, x.h.N), make([]float32, x.v.N)
	if err := p.h.Download(hv, x.h); err != nil {
		p.t.Fatal(err)
	}
	if err := p.v.Download(vv, x.v); err != nil {
		p.t.Fatal(err)
	}
	Near(p.t, what, vv, hv, tol)
}

func randv(r *rand.Rand, n int, scale float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = (r.Float32()*2 - 1) * scale
	}
	return v
}

// Near fails t when got and want differ by more than tol, relative to
// 1+|want| per element, and names the worst element. want may be a float64
// reference.
func Near[W float32 | float64](t testing.TB, what string, got []float32, want []W, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst, at := 0.0, -1
	for i := range got {
		e := math.Abs(float64(got[i])-float64(want[i])) / (1 + math.Abs(float64(want[i])))
		if e > worst || math.IsNaN(e) {
			worst, at = e, i
		}
		if math.IsNaN(e) {
			break
		}
	}
	if worst > tol || at >= 0 && math.IsNaN(worst) {
		t.Fatalf("%s: worst relative error %.3g at %d (got %v, want %v), tolerance %.1g", what, worst, at, got[at], want[at], tol)
	}
}

func buffersAndElementwise(t *testing.T, p *pair) {
	r := rand.New(rand.NewPCG(31, 32))
	n := 1001
	data := randv(r, n, 3)
	for _, dt := range []backend.DType{backend.F32, backend.BF16, backend.F16} {
		x := p.mk(dt, data, n)
		p.check("upload/download "+dt.String(), x, 0)
	}
	bits := make([]uint16, n)
	for i, f := range data {
		bits[i] = cpu.F32ToBF16(f)
	}
	for _, dt := range []backend.DType{backend.F32, backend.BF16, backend.F16} {
		x := p.mk(dt, nil, n)
		for _, b := range []struct {
			be backend.Backend
			v  backend.View
		}{{p.h, x.h}, {p.v, x.v}} {
			if err := b.be.UploadBF16(b.v, bits); err != nil {
				t.Fatal(err)
			}
		}
		p.check("UploadBF16 into "+dt.String(), x, 0)
	}
	a, b := p.rnd(r, n, 1), p.rnd(r, n, 1)
	sum := p.mk(backend.F32, nil, n)
	p.h.Add(sum.h, a.h, b.h)
	p.v.Add(sum.v, a.v, b.v)
	p.check("Add", sum, 0)
	p.h.Scale(sum.h, -0.5)
	p.v.Scale(sum.v, -0.5)
	p.check("Scale", sum, 0)
	hs, _ := p.h.SumSquares(a.h)
	vs, err := p.v.SumSquares(a.v)
	if err != nil || math.Abs(hs-vs) > 1e-5*hs {
		t.Fatalf("SumSquares: %v (%v), CPU %v", vs, err, hs)
	}
	for _, dt := range []backend.DType{backend.BF16, backend.F16} {
		c := p.mk(dt, nil, n)
		p.h.Copy(c.h, a.h)
		p.v.Copy(c.v, a.v)
		p.check("Copy f32→"+dt.String(), c, 1e-3)
		back := p.mk(backend.F32, nil, n)
		p.h.Copy(back.h, c.h)
		p.v.Copy(back.v, c.v)
		p.check("Copy "+dt.String()+"→f32", back, 1e-3)
	}
	p.h.Zero(a.h)
	p.v.Zero(a.v)
	p.check("Zero", a, 0)
	z16 := p.mk(backend.BF16, data, n)
	p.h.Zero(z16.h)
	p.v.Zero(z16.v)
	p.check("Zero bf16 (odd offset)", z16, 0)

	cols := 12
	src := p.rnd(r, 10*cols, 1)
	g := p.mk(backend.F32, nil, 4*cols)
	rows := []int{9, 0, 3, 3}
	p.h.GatherRows(g.h, src.h, rows, cols)
	p.v.GatherRows(g.v, src.v, rows, cols)
	p.check("GatherRows", g, 0)
}

func gemmNormRopeSwiGLU(t *testing.T, p *pair) {
	r := rand.New(rand.NewPCG(33, 34))
	M, N, K := 19, 70, 45
	x, w, bias := p.rnd(r, M*K, 1), p.rnd(r, N*K, 1), p.rnd(r, N, 1)
	wbf := p.mk(backend.BF16, randv(r, N*K, 1), N*K)
	y := p.mk(backend.F32, nil, M*N)
	p.h.Gemm(y.h, x.h, w.h, bias.h, backend.Gemm{M: M, N: N, K: K, TransB: true})
	p.v.Gemm(y.v, x.v, w.v, bias.v, backend.Gemm{M: M, N: N, K: K, TransB: true})
	p.check("Gemm x·wᵀ+b", y, 1e-5)
	p.h.Gemm(y.h, x.h, wbf.h, backend.View{}, backend.Gemm{M: M, N: N, K: K, TransB: true})
	p.v.Gemm(y.v, x.v, wbf.v, backend.View{}, backend.Gemm{M: M, N: N, K: K, TransB: true})
	p.check("Gemm x·wᵀ bf16", y, p.o.BF16GemmTol)
	for _, m := range []int{1, 3, 8} { // decode-sized products (GEMV kernels)
		xm, ym := p.rnd(r, m*K, 1), p.mk(backend.F32, nil, m*N)
		p.h.Gemm(ym.h, xm.h, wbf.h, bias.h, backend.Gemm{M: m, N: N, K: K, TransB: true})
		p.v.Gemm(ym.v, xm.v, wbf.v, bias.v, backend.Gemm{M: m, N: N, K: K, TransB: true})
		p.check(fmt.Sprintf("Gemm M=%d x·wᵀ+b bf16", m), ym, 1e-5)
		p.h.Gemm(ym.h, xm.h, w.h, backend.View{}, backend.Gemm{M: m, N: N, K: K, TransB: true})
		p.v.Gemm(ym.v, xm.v, w.v, backend.View{}, backend.Gemm{M: m, N: N, K: K, TransB: true})
		p.check(fmt.Sprintf("Gemm M=%d x·wᵀ f32", m), ym, 1e-5)
	}
	dx := p.rnd(r, M*K, 1)
	p.h.Gemm(dx.h, y.h, w.h, backend.View{}, backend.Gemm{M: M, N: K, K: N, Accumulate: true})
	p.v.Gemm(dx.v, y.v, w.v, backend.View{}, backend.Gemm{M: M, N: K, K: N, Accumulate: true})
	p.check("Gemm dx += dy·w", dx, 1e-5)
	dw := p.rnd(r, N*K, 1)
	p.h.Gemm(dw.h, y.h, x.h, backend.View{}, backend.Gemm{M: N, N: K, K: M, TransA: true, Accumulate: true})
	p.v.Gemm(dw.v, y.v, x.v, backend.View{}, backend.Gemm{M: N, N: K, K: M, TransA: true, Accumulate: true})
	p.check("Gemm dw += dyᵀ·x", dw, 1e-5)

	rows, C := 6, 40
	xs, nw, dy := p.rnd(r, rows*C, 2), p.rnd(r, C, 1), p.rnd(r, rows*C, 1)
	out, rstd := p.mk(backend.F32, nil, rows*C), p.mk(backend.F32, nil, rows)
	p.h.RMSNorm(out.h, rstd.h, xs.h, nw.h, rows, C, 1e-6)
	p.v.RMSNorm(out.v, rstd.v, xs.v, nw.v, rows, C, 1e-6)
	p.check("RMSNorm", out, 1e-5)
	p.check("RMSNorm rstd", rstd, 1e-5)
	p.h.RMSNormScale(out.h, dy.h, nw.h, rstd.h, rows, C)
	p.v.RMSNormScale(out.v, dy.v, nw.v, rstd.v, rows, C)
	p.check("RMSNormScale", out, 1e-5)
	ndx, ndw := p.rnd(r, rows*C, 1), p.rnd(r, C, 1)
	p.h.RMSNormBackward(ndx.h, ndw.h, dy.h, xs.h, nw.h, rstd.h, rows, C)
	p.v.RMSNormBackward(ndx.v, ndw.v, dy.v, xs.v, nw.v, rstd.v, rows, C)
	p.check("RMSNormBackward dx", ndx, 1e-5)
	p.check("RMSNormBackward dw", ndw, 1e-5)

	hd, heads, stride := 8, 3, 40
	pos := []int{0, 3, 4, 90, 2000, 7}
	cs, sn := p.mk(backend.F32, nil, len(pos)*hd/2), p.mk(backend.F32, nil, len(pos)*hd/2)
	p.h.RoPETables(cs.h, sn.h, pos, hd, 1e6)
	p.v.RoPETables(cs.v, sn.v, pos, hd, 1e6)
	p.check("RoPETables cos", cs, 0)
	rx := p.rnd(r, len(pos)*stride, 1)
	for _, inv := range []bool{false, true} {
		p.h.RoPE(rx.h, cs.h, sn.h, len(pos), stride, heads*hd, hd, inv)
		p.v.RoPE(rx.v, cs.v, sn.v, len(pos), stride, heads*hd, hd, inv)
		p.check("RoPE", rx, 1e-6)
	}

	F := 33
	gu, dact := p.rnd(r, rows*2*F, 4), p.rnd(r, rows*F, 1)
	act, dgu := p.mk(backend.F32, nil, rows*F), p.mk(backend.F32, nil, rows*2*F)
	p.h.SwiGLU(act.h, gu.h, rows, F)
	p.v.SwiGLU(act.v, gu.v, rows, F)
	p.check("SwiGLU", act, 1e-5)
	p.h.SwiGLUBackward(dgu.h, dact.h, gu.h, rows, F)
	p.v.SwiGLUBackward(dgu.v, dact.v, gu.v, rows, F)
	p.check("SwiGLUBackward", dgu, 1e-5)

	V, H := 20, 16
	tokens := []int{3, 19, 3, 0, 7}
	for _, dt := range []backend.DType{backend.F32, backend.BF16} {
		table := p.mk(dt, randv(r, V*H, 1), V*H)
		e := p.mk(backend.F32, nil, len(tokens)*H)
		p.h.Embed(e.h, table.h, tokens, H)
		p.v.Embed(e.v, table.v, tokens, H)
		p.check("Embed "+dt.String(), e, 0)
	}
	dtab, ex := p.rnd(r, V*H, 1), p.rnd(r, len(tokens)*H, 1)
	p.h.EmbedBackward(dtab.h, ex.h, tokens, H)
	p.v.EmbedBackward(dtab.v, ex.v, tokens, H)
	p.check("EmbedBackward", dtab, 1e-6)
	db := p.rnd(r, H, 1)
	p.h.SumRows(db.h, ex.h, len(tokens), H)
	p.v.SumRows(db.v, ex.v, len(tokens), H)
	p.check("SumRows", db, 1e-6)
}

func attention(t *testing.T, p *pair) {
	r := rand.New(rand.NewPCG(35, 36))
	a := backend.Attn{Heads: 4, KVHeads: 2, HeadDim: 8}
	a.Scale = float32(1 / math.Sqrt(float64(a.HeadDim)))
	W := a.QDim() + 2*a.KVDim()
	rows := 11
	seqs := []backend.Span{{Off: 0, N: 7}, {Off: 7, N: 4}}
	qkv := p.rnd(r, rows*W, 1)
	att, lse := p.mk(backend.F32, nil, rows*a.QDim()), p.mk(backend.F32, nil, rows*a.Heads)
	p.h.CausalAttention(att.h, lse.h, qkv.h, seqs, a)
	p.v.CausalAttention(att.v, lse.v, qkv.v, seqs, a)
	p.check("CausalAttention", att, 1e-5)
	p.check("CausalAttention lse", lse, 1e-5)
	datt, dqkv := p.rnd(r, rows*a.QDim(), 1), p.mk(backend.F32, nil, rows*W)
	p.h.CausalAttentionBackward(dqkv.h, datt.h, qkv.h, att.h, lse.h, seqs, a)
	p.v.CausalAttentionBackward(dqkv.v, datt.v, qkv.v, att.v, lse.v, seqs, a)
	p.check("CausalAttentionBackward", dqkv, 1e-4)

	// KV cache: a 5-position prompt run shared by two answers, each with its
	// own run; a 2-row prefill of answer 0, then one decode row per answer.
	Cap := 8
	mkRun := func() (views, views) {
		return p.mk(backend.F32, nil, a.KVHeads*Cap*a.HeadDim), p.mk(backend.F32, nil, a.KVHeads*Cap*a.HeadDim)
	}
	pk, pv := mkRun()
	ak, av := mkRun()
	bk, bv := mkRun()
	x := p.rnd(r, 8*W, 1)
	pos := []int{0, 1, 2, 3, 4, 5, 6, 5}
	appendKV := func(k, v views, rows []int, first int) {
		p.h.KVAppend(backend.KVRun{K: k.h, V: v.h, Cap: Cap}, x.h, rows, first, a)
		p.v.KVAppend(backend.KVRun{K: k.v, V: v.v, Cap: Cap}, x.v, rows, first, a)
	}
	appendKV(pk, pv, []int{0, 1, 2, 3, 4}, 0)
	appendKV(ak, av, []int{5, 6}, 0)
	appendKV(bk, bv, []int{7}, 0)
	p.check("KVAppend k", pk, 0)
	p.check("KVAppend v", av, 0)
	out := p.mk(backend.F32, nil, 8*a.QDim())
	seqsOf := func(side int) []backend.CachedSeq {
		run := func(k, v views, n int) backend.KVRun {
			if side == 0 {
				return backend.KVRun{K: k.h, V: v.h, Cap: Cap, N: n}
			}
			return backend.KVRun{K: k.v, V: v.v, Cap: Cap, N: n}
		}
		return []backend.CachedSeq{
			{Rows: []int{0, 1, 2, 3, 4}, Runs: []backend.KVRun{run(pk, pv, 5)}},
			{Rows: []int{5, 6}, Runs: []backend.KVRun{run(pk, pv, 5), run(ak, av, 2)}},
			{Rows: []int{7}, Runs: []backend.KVRun{run(pk, pv, 5), run(bk, bv, 1)}},
		}
	}
	p.h.CachedAttention(out.h, x.h, seqsOf(0), pos, a)
	p.v.CachedAttention(out.v, x.v, seqsOf(1), pos, a)
	p.check("CachedAttention (shared prefix runs)", out, 1e-5)
}

func lmHeadAdamWSample(t *testing.T, p *pair) {
	r := rand.New(rand.NewPCG(37, 38))
	rows, vocab, hidden := 3, 5000, 16 // more than one vocabulary chunk
	h, w := p.rnd(r, rows*hidden, 1), p.rnd(r, vocab*hidden, 1)
	targets := []int{0, 4999, 4096}
	logp, lse := p.mk(backend.F32, nil, rows), p.mk(backend.F32, nil, rows)
	p.h.LMHeadLogProbs(logp.h, lse.h, h.h, w.h, targets, rows, vocab, hidden)
	p.v.LMHeadLogProbs(logp.v, lse.v, h.v, w.v, targets, rows, vocab, hidden)
	p.check("LMHeadLogProbs", logp, 1e-5)
	p.check("LMHeadLogProbs lse", lse, 1e-5)
	dlogp := p.rnd(r, rows, 1)
	dh, dw := p.mk(backend.F32, nil, rows*hidden), p.rnd(r, vocab*hidden, 1)
	p.h.LMHeadBackward(dh.h, dw.h, h.h, w.h, lse.h, dlogp.h, targets, rows, vocab, hidden)
	p.v.LMHeadBackward(dh.v, dw.v, h.v, w.v, lse.v, dlogp.v, targets, rows, vocab, hidden)
	p.check("LMHeadBackward dh", dh, 1e-5)
	p.check("LMHeadBackward dw", dw, 1e-5)

	n := 500
	par, grad := p.rnd(r, n, 1), p.rnd(r, n, 0.1)
	m, v := p.mk(backend.F32, nil, n), p.mk(backend.F32, nil, n)
	for step := int64(1); step <= 2; step++ {
		hp := backend.AdamW{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1, Step: step, Decoupled: step == 2}
		p.h.AdamWStep(par.h, grad.h, m.h, v.h, hp)
		p.v.AdamWStep(par.v, grad.v, m.v, v.v, hp)
	}
	p.check("AdamWStep params", par, 1e-6)
	p.check("AdamWStep v", v, 1e-6)

	lg := p.rnd(r, 2*300, 4)
	for _, sp := range []sample.Params{{}, {Temperature: 0.9, TopK: 20, TopP: 0.8}} {
		res := [2][]sample.Result{make([]sample.Result, 2), make([]sample.Result, 2)}
		for i, b := range []struct {
			be backend.Backend
			v  backend.View
		}{{p.h, lg.h}, {p.v, lg.v}} {
			if err := b.be.Sample(res[i], b.v, 300, []*sample.Sampler{sample.New(sp, 5, 0), sample.New(sp, 5, 1)}); err != nil {
				t.Fatal(err)
			}
		}
		// A backend that samples on the device picks the CPU's tokens, with
		// log-probs within float32 rounding (its softmax sums in another
		// order).
		for k := range res[0] {
			g, w := res[1][k], res[0][k]
			if g.Token != w.Token || math.Abs(float64(g.LogProb-w.LogProb)) > 1e-5 || math.Abs(float64(g.RawLogProb-w.RawLogProb)) > 1e-5 {
				t.Fatalf("Sample %+v: device %+v, CPU %+v", sp, res[1], res[0])
			}
		}
	}
}
