package host

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// The CPU backend's ops against plain float64 formulas. The model-level
// checks (whole forward passes against engine/qwen2's float64 reference,
// gradients against finite differences) live in engine/qwen2; these pin
// each op on its own, so a GPU backend's parity suite has a trusted base.

func randv(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

func near(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol*(1+math.Abs(want[i])) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}

func TestGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	b := New()
	const M, N, K = 5, 37, 19
	for _, tc := range []struct {
		name         string
		ta, tb, acc  bool
		aRows, aCols int
		bRows, bCols int
		at, bt       func(a, w []float32, m, n, k int) float64
	}{
		{"x·Wᵀ", false, true, false, M, K, N, K, nil, nil},
		{"dy·W", false, false, false, M, K, K, N, nil, nil},
		{"dy·W accumulate", false, false, true, M, K, K, N, nil, nil},
		{"dyᵀ·x accumulate", true, false, true, K, M, K, N, nil, nil},
		{"dyᵀ·x", true, false, false, K, M, K, N, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, w, out := randv(r, tc.aRows*tc.aCols), randv(r, tc.bRows*tc.bCols), randv(r, M*N)
			want := make([]float64, M*N)
			for m := 0; m < M; m++ {
				for n := 0; n < N; n++ {
					var s float64
					if tc.acc {
						s = float64(out[m*N+n])
					}
					for k := 0; k < K; k++ {
						av := a[m*K+k]
						if tc.ta {
							av = a[k*M+m]
						}
						wv := w[k*N+n]
						if tc.tb {
							wv = w[n*K+k]
						}
						s += float64(av) * float64(wv)
					}
					want[m*N+n] = s
				}
			}
			b.Gemm(Wrap(out), Wrap(a), Wrap(w), backend.View{}, backend.Gemm{M: M, N: N, K: K, TransA: tc.ta, TransB: tc.tb, Accumulate: tc.acc})
			near(t, "out", out, want, 1e-4)
		})
	}
}

func TestRMSNormAndBackward(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	b := New()
	const rows, C, eps = 3, 16, 1e-6
	x, w, dy := randv(r, rows*C), randv(r, C), randv(r, rows*C)
	out, rstd := make([]float32, rows*C), make([]float32, rows)
	b.RMSNorm(Wrap(out), Wrap(rstd), Wrap(x), Wrap(w), rows, C, eps)
	want := make([]float64, rows*C)
	for i := 0; i < rows; i++ {
		var ss float64
		for _, v := range x[i*C : (i+1)*C] {
			ss += float64(v) * float64(v)
		}
		s := 1 / math.Sqrt(ss/C+eps)
		for j := 0; j < C; j++ {
			want[i*C+j] = float64(x[i*C+j]) * s * float64(w[j])
		}
	}
	near(t, "rmsnorm", out, want, 1e-5)
	again := make([]float32, rows*C)
	b.RMSNormScale(Wrap(again), Wrap(x), Wrap(w), Wrap(rstd), rows, C)
	near(t, "recomputed", again, want, 1e-5)

	// Gradients against central differences of L = Σ dy·rmsnorm(x).
	loss := func(x, w []float32) float64 {
		o := make([]float32, rows*C)
		b.RMSNorm(Wrap(o), backend.View{}, Wrap(x), Wrap(w), rows, C, eps)
		var l float64
		for i, v := range o {
			l += float64(v) * float64(dy[i])
		}
		return l
	}
	dx, dw := make([]float32, rows*C), make([]float32, C)
	b.RMSNormBackward(Wrap(dx), Wrap(dw), Wrap(dy), Wrap(x), Wrap(w), Wrap(rstd), rows, C)
	fd := func(v []float32, i int) float64 {
		const h = 1e-2
		old := v[i]
		v[i] = old + h
		lp := loss(x, w)
		v[i] = old - h
		lm := loss(x, w)
		v[i] = old
		return (lp - lm) / (2 * h)
	}
	for _, i := range []int{0, 7, C + 3, 2*C + 15} {
		if g, f := float64(dx[i]), fd(x, i); math.Abs(g-f) > 2e-2*(1+math.Abs(f)) {
			t.Errorf("dx[%d] = %g, finite difference %g", i, g, f)
		}
	}
	for _, i := range []int{0, 5, C - 1} {
		if g, f := float64(dw[i]), fd(w, i); math.Abs(g-f) > 2e-2*(1+math.Abs(f)) {
			t.Errorf("dw[%d] = %g, finite difference %g", i, g, f)
		}
	}
}

func TestRoPEInverseRestores(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	b := New()
	const rows, hd, stride, cols = 4, 8, 40, 32
	pos := []int{0, 1, 17, 3000}
	cos, sin := make([]float32, rows*hd/2), make([]float32, rows*hd/2)
	b.RoPETables(Wrap(cos), Wrap(sin), pos, hd, 10000)
	x := randv(r, rows*stride)
	orig := append([]float32(nil), x...)
	b.RoPE(Wrap(x), Wrap(cos), Wrap(sin), rows, stride, cols, hd, false)
	// Row 0 (position 0) is unrotated; columns past cols untouched.
	for i := 0; i < stride; i++ {
		if x[i] != orig[i] {
			t.Fatalf("position 0 changed column %d", i)
		}
	}
	if x[stride+cols] != orig[stride+cols] {
		t.Fatal("a column past cols was rotated")
	}
	// Pair (0, hd/2) of row 2 is rotated by 17 rad.
	a, c := float64(orig[2*stride]), float64(orig[2*stride+hd/2])
	if got, want := float64(x[2*stride]), a*math.Cos(17)-c*math.Sin(17); math.Abs(got-want) > 1e-5 {
		t.Fatalf("rotated %g, want %g", got, want)
	}
	b.RoPE(Wrap(x), Wrap(cos), Wrap(sin), rows, stride, cols, hd, true)
	want := make([]float64, len(orig))
	for i, v := range orig {
		want[i] = float64(v)
	}
	near(t, "round trip", x, want, 1e-5)
}

// naiveAttention is causal GQA attention of rows [off, off+n) over the same
// rows, in float64.
func naiveAttention(qkv []float32, off, n int, a backend.Attn) []float64 {
	Q, KV := a.QDim(), a.KVDim()
	W := Q + 2*KV
	out := make([]float64, n*Q)
	group := a.Heads / a.KVHeads
	for i := 0; i < n; i++ {
		for h := 0; h < a.Heads; h++ {
			j := h / group
			s := make([]float64, i+1)
			mx := math.Inf(-1)
			for p := 0; p <= i; p++ {
				var d float64
				for e := 0; e < a.HeadDim; e++ {
					d += float64(qkv[(off+i)*W+h*a.HeadDim+e]) * float64(qkv[(off+p)*W+Q+j*a.HeadDim+e])
				}
				s[p] = d * float64(a.Scale)
				mx = max(mx, s[p])
			}
			var z float64
			for p := range s {
				s[p] = math.Exp(s[p] - mx)
				z += s[p]
			}
			for p := range s {
				for e := 0; e < a.HeadDim; e++ {
					out[i*Q+h*a.HeadDim+e] += s[p] / z * float64(qkv[(off+p)*W+Q+KV+j*a.HeadDim+e])
				}
			}
		}
	}
	return out
}

func TestAttentionPackedAndCachedAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	b := New()
	a := backend.Attn{Heads: 4, KVHeads: 2, HeadDim: 8}
	a.Scale = float32(1 / math.Sqrt(float64(a.HeadDim)))
	Q, KV := a.QDim(), a.KVDim()
	W := Q + 2*KV
	seqs := []backend.Span{{Off: 0, N: 5}, {Off: 5, N: 9}}
	N := 14
	qkv := randv(r, N*W)
	att, lse := make([]float32, N*Q), make([]float32, N*a.Heads)
	b.CausalAttention(Wrap(att), Wrap(lse), Wrap(qkv), seqs, a)
	for _, s := range seqs {
		near(t, "packed", att[s.Off*Q:(s.Off+s.N)*Q], naiveAttention(qkv, s.Off, s.N, a), 1e-4)
	}

	// The second sequence through a KV cache: a 4-position prefix run
	// (written in one call) and an own run the remaining rows go to, as a
	// branch after a shared prompt does.
	const cp = 16
	pre := backend.KVRun{K: Wrap(make([]float32, cp*KV)), V: Wrap(make([]float32, cp*KV)), Cap: cp}
	own := backend.KVRun{K: Wrap(make([]float32, cp*KV)), V: Wrap(make([]float32, cp*KV)), Cap: cp}
	rows := []int{5, 6, 7, 8, 9, 10, 11, 12, 13}
	pos := make([]int, N)
	for i, rw := range rows {
		pos[rw] = i
	}
	b.KVAppend(pre, Wrap(qkv), rows[:4], 0, a)
	pre.N = 4
	b.KVAppend(own, Wrap(qkv), rows[4:], 0, a)
	own.N = 5
	catt := make([]float32, N*Q)
	b.CachedAttention(Wrap(catt), Wrap(qkv), []backend.CachedSeq{{Rows: rows[:4], Runs: []backend.KVRun{pre}}, {Rows: rows[4:], Runs: []backend.KVRun{pre, own}}}, pos, a)
	near(t, "cached", catt[5*Q:], naiveAttention(qkv, 5, 9, a), 1e-4)
}

func TestCausalAttentionBackward(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	b := New()
	a := backend.Attn{Heads: 2, KVHeads: 1, HeadDim: 4, Scale: 0.5}
	W := a.QDim() + 2*a.KVDim()
	seqs := []backend.Span{{Off: 0, N: 3}, {Off: 3, N: 4}}
	N := 7
	qkv, datt := randv(r, N*W), randv(r, N*a.QDim())
	loss := func() float64 {
		att, lse := make([]float32, N*a.QDim()), make([]float32, N*a.Heads)
		b.CausalAttention(Wrap(att), Wrap(lse), Wrap(qkv), seqs, a)
		var l float64
		for i, v := range att {
			l += float64(v) * float64(datt[i])
		}
		return l
	}
	att, lse := make([]float32, N*a.QDim()), make([]float32, N*a.Heads)
	b.CausalAttention(Wrap(att), Wrap(lse), Wrap(qkv), seqs, a)
	dqkv := make([]float32, N*W)
	b.CausalAttentionBackward(Wrap(dqkv), Wrap(datt), Wrap(qkv), Wrap(att), Wrap(lse), seqs, a)
	for i := 0; i < N*W; i += 3 {
		const h = 1e-2
		old := qkv[i]
		qkv[i] = old + h
		lp := loss()
		qkv[i] = old - h
		lm := loss()
		qkv[i] = old
		f := (lp - lm) / (2 * h)
		if math.Abs(float64(dqkv[i])-f) > 1e-2*(1+math.Abs(f)) {
			t.Errorf("dqkv[%d] = %g, finite difference %g", i, dqkv[i], f)
		}
	}
}

func TestLMHead(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	b := New()
	const S, V, H = 3, 2048 + 500, 8 // two vocabulary blocks
	h, w := randv(r, S*H), randv(r, V*H)
	targets := []int{0, 2100, V - 1}
	logp, lse := make([]float32, S), make([]float32, S)
	b.LMHeadLogProbs(Wrap(logp), Wrap(lse), Wrap(h), Wrap(w), targets, S, V, H)
	want := make([]float64, S)
	probs := make([][]float64, S)
	for i := 0; i < S; i++ {
		l := make([]float64, V)
		mx := math.Inf(-1)
		for v := 0; v < V; v++ {
			for e := 0; e < H; e++ {
				l[v] += float64(h[i*H+e]) * float64(w[v*H+e])
			}
			mx = max(mx, l[v])
		}
		var z float64
		for _, x := range l {
			z += math.Exp(x - mx)
		}
		want[i] = l[targets[i]] - mx - math.Log(z)
		probs[i] = make([]float64, V)
		for v := range l {
			probs[i][v] = math.Exp(l[v] - mx - math.Log(z))
		}
	}
	near(t, "logp", logp, want, 1e-4)

	dlogp := []float32{1, -0.5, 2}
	dh, dw := make([]float32, S*H), make([]float32, V*H)
	b.LMHeadBackward(Wrap(dh), Wrap(dw), Wrap(h), Wrap(w), Wrap(lse), Wrap(dlogp), targets, S, V, H)
	wantDh := make([]float64, S*H)
	for i := 0; i < S; i++ {
		for v := 0; v < V; v++ {
			g := -float64(dlogp[i]) * probs[i][v]
			if v == targets[i] {
				g += float64(dlogp[i])
			}
			for e := 0; e < H; e++ {
				wantDh[i*H+e] += g * float64(w[v*H+e])
			}
		}
	}
	near(t, "dh", dh, wantDh, 1e-3)
}

func TestAdamWStepMatchesTorchFormula(t *testing.T) {
	b := New()
	p, g := []float32{1, -2, 0.5}, []float32{0.1, -0.3, 0}
	m, v := make([]float32, 3), make([]float32, 3)
	h := backend.AdamW{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1, Step: 1, Decoupled: true}
	b.AdamWStep(Wrap(p), Wrap(g), Wrap(m), Wrap(v), h)
	want := make([]float64, 3)
	for i, p0 := range []float64{1, -2, 0.5} {
		gi := []float64{0.1, -0.3, 0}[i]
		mi, vi := 0.1*gi, 0.001*gi*gi
		den := math.Sqrt(vi)/math.Sqrt(1-0.999) + 1e-8
		want[i] = p0*(1-1e-2*0.1) - 1e-2/(1-0.9)*mi/den
	}
	near(t, "params", p, want, 1e-6)
}

func TestF16RoundTrip(t *testing.T) {
	for _, tc := range []struct {
		in   float32
		want float32
	}{
		{0, 0}, {1, 1}, {-2.5, -2.5}, {65504, 65504}, {1e6, float32(math.Inf(1))},
		{1.0 / (1 << 24), 1.0 / (1 << 24)}, {1.00048828125, 1}, // tie to even
		{float32(math.Inf(-1)), float32(math.Inf(-1))},
	} {
		if got := f16ToF32(f32ToF16(tc.in)); got != tc.want {
			t.Errorf("f16(%g) = %g, want %g", tc.in, got, tc.want)
		}
	}
	if got := f16ToF32(f32ToF16(float32(math.NaN()))); got == got {
		t.Error("NaN did not stay NaN")
	}
}

func TestBuffersAndMemory(t *testing.T) {
	b := New()
	x, err := b.Alloc(backend.BF16, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Memory().InUse; got != 8 {
		t.Fatalf("in use %d bytes, want 8", got)
	}
	if err := b.Upload(backend.Whole(x), []float32{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, 2)
	if err := b.Download(got, backend.Whole(x).Slice(2, 4)); err != nil || got[0] != 3 || got[1] != 4 {
		t.Fatalf("download %v %v", got, err)
	}
	if err := b.Upload(backend.Whole(x), []float32{1}); err == nil {
		t.Fatal("a short upload was accepted")
	}
	b.Free(x)
	x = nil
	for i := 0; b.Memory().InUse != 0; i++ { // the cleanup runs after a collection
		if i == 100 {
			t.Fatalf("in use %d bytes after free", b.Memory().InUse)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}
