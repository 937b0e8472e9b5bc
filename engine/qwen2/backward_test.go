package qwen2

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/host"
)

// Per-op gradient checks: each backward op of the training pass against
// central differences of a float64 twin of its forward op, for the loss
// L = Σ c·output with random c.

// opCfg is a tiny GQA shape (4 query heads on 2 KV heads, head_dim 8).
var opCfg = Config{Architectures: []string{Architecture}, HiddenSize: 16, IntermediateSize: 24, NumHiddenLayers: 1,
	NumAttentionHeads: 4, NumKeyValueHeads: 2, HeadDim: 8, VocabSize: 40, RMSNormEps: 1e-6, RopeTheta: 1e4,
	MaxPositionEmbeddings: 256, BOSTokenID: -1}

func randVec(r *rand.Rand, n int, scale float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(scale * r.NormFloat64())
	}
	return v
}

func widen(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

func dot64(c []float32, y []float64) float64 {
	s := 0.0
	for i, v := range y {
		s += float64(c[i]) * v
	}
	return s
}

// fdCheck compares analytic[i] with the central difference of loss in x[i]
// for every i in idx (all of x when idx is nil), relative to the larger of
// |fd| and 1% of the typical gradient size.
func fdCheck(t *testing.T, name string, analytic []float32, x []float64, idx []int, loss func() float64) {
	t.Helper()
	if idx == nil {
		for i := range x {
			idx = append(idx, i)
		}
	}
	const h = 1e-6
	fds := make([]float64, len(idx))
	scale := 0.0
	for k, i := range idx {
		old := x[i]
		x[i] = old + h
		lp := loss()
		x[i] = old - h
		lm := loss()
		x[i] = old
		fds[k] = (lp - lm) / (2 * h)
		scale += fds[k] * fds[k]
	}
	scale = math.Sqrt(scale / float64(len(idx)))
	if scale == 0 {
		t.Fatalf("%s: every finite difference is zero; the check checks nothing", name)
	}
	worst := 0.0
	for k, i := range idx {
		e := math.Abs(float64(analytic[i])-fds[k]) / (math.Abs(fds[k]) + 1e-2*scale)
		worst = max(worst, e)
		if e > 1e-3 {
			t.Errorf("%s[%d]: analytic %.7g, finite difference %.7g (rel err %.2g)", name, i, analytic[i], fds[k], e)
		}
	}
	t.Logf("%s: %d checked, worst rel err %.2g", name, len(idx), worst)
}

func TestRMSNormBackwardFD(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	const N, C = 3, 16
	x, w, c := randVec(r, N*C, 1), randVec(r, C, 1), randVec(r, N*C, 1)
	y, rstd := make([]float32, N*C), make([]float32, N)
	host.New().RMSNorm(hv(y), hv(rstd), hv(x), hv(w), N, C, 1e-6)
	dx, dw := make([]float32, N*C), make([]float32, C)
	host.New().RMSNormBackward(hv(dx), hv(dw), hv(c), hv(x), hv(w), hv(rstd), N, C)
	x64, w64 := widen(x), widen(w)
	loss := func() float64 {
		s := 0.0
		for r := 0; r < N; r++ {
			s += dot64(c[r*C:(r+1)*C], refRMSNorm(x64[r*C:(r+1)*C], w64, 1e-6))
		}
		return s
	}
	fdCheck(t, "dx", dx, x64, nil, loss)
	fdCheck(t, "dw", dw, w64, nil, loss)
}

func TestRoPEBackwardFD(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	const hd = 8
	for _, pos := range []int{0, 1, 17} {
		x, c := randVec(r, 2*hd, 1), randVec(r, 2*hd, 1)
		cos, sin := make([]float32, hd/2), make([]float32, hd/2)
		ang := make([]float64, hd/2)
		for i := range cos {
			ang[i] = float64(pos) * math.Pow(1e4, -float64(2*i)/hd)
			cos[i], sin[i] = float32(math.Cos(ang[i])), float32(math.Sin(ang[i]))
		}
		// Backward of y = R(θ)x is Rᵀ(θ)c = R(−θ)c.
		dx := append([]float32(nil), c...)
		ropeRotate(dx, cos, sin, hd, true)
		x64 := widen(x)
		loss := func() float64 {
			s := 0.0
			for h := 0; h < 2; h++ {
				v := x64[h*hd : (h+1)*hd]
				for i := 0; i < hd/2; i++ {
					a, b := v[i], v[i+hd/2]
					s += float64(c[h*hd+i])*(a*math.Cos(ang[i])-b*math.Sin(ang[i])) +
						float64(c[h*hd+i+hd/2])*(b*math.Cos(ang[i])+a*math.Sin(ang[i]))
				}
			}
			return s
		}
		fdCheck(t, "dx", dx, x64, nil, loss)
		// Forward then inverse is the identity.
		y := append([]float32(nil), x...)
		ropeRotate(y, cos, sin, hd, false)
		ropeRotate(y, cos, sin, hd, true)
		for i := range y {
			if math.Abs(float64(y[i]-x[i])) > 1e-5 {
				t.Fatalf("pos %d: inverse RoPE does not undo RoPE: %v vs %v", pos, y[i], x[i])
			}
		}
	}
}

func TestSwiGLUBackwardFD(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	const N, F = 2, 24
	gu, c := randVec(r, N*2*F, 2), randVec(r, N*F, 1)
	dgu := make([]float32, N*2*F)
	host.New().SwiGLUBackward(hv(dgu), hv(c), hv(gu), N, F)
	gu64 := widen(gu)
	loss := func() float64 {
		s := 0.0
		for r := 0; r < N; r++ {
			for i := 0; i < F; i++ {
				g, u := gu64[r*2*F+i], gu64[r*2*F+F+i]
				s += float64(c[r*F+i]) * g / (1 + math.Exp(-g)) * u
			}
		}
		return s
	}
	fdCheck(t, "dgate|up", dgu, gu64, nil, loss)
}

func TestEmbeddingBackward(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	const H, V = 4, 6
	tokens := []int{2, 5, 2, 0}
	dx := randVec(r, len(tokens)*H, 1)
	dE := randVec(r, V*H, 1)
	want := widen(dE)
	for k, tok := range tokens {
		for i := 0; i < H; i++ {
			want[tok*H+i] += float64(dx[k*H+i])
		}
	}
	host.New().EmbedBackward(hv(dE), hv(dx), tokens, H)
	for i := range want {
		if math.Abs(float64(dE[i])-want[i]) > 1e-6 {
			t.Fatalf("dE[%d] = %v, want %v (repeated tokens must add up)", i, dE[i], want[i])
		}
	}
}

// opTape builds a model with random float32 weights for cfg and a keeping
// tape for seqs, ready for single-op tests.
func opTape(t *testing.T, cfg Config, seqs []Sequence, seed uint64) *Tape {
	t.Helper()
	m, err := New(cfg, F32)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	for i := range m.Params.F32 {
		m.Params.F32[i] = float32(0.3 * r.NormFloat64())
	}
	b, err := m.newBatch(seqs)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := m.newTape(b, true)
	if err != nil {
		t.Fatal(err)
	}
	tp.be.RoPETables(tp.cos, tp.sin, b.pos, cfg.HeadDim, cfg.RopeTheta)
	return tp
}

func opSeqs(lens ...int) []Sequence {
	var s []Sequence
	for _, n := range lens {
		s = append(s, Sequence{Tokens: make([]int, n), Start: 1})
	}
	return s
}

func TestLinearBackwardFD(t *testing.T) {
	tp := opTape(t, opCfg, opSeqs(4, 3), 5)
	m, N := tp.m, tp.b.N
	r := rand.New(rand.NewPCG(5, 5))
	L := &m.Layers[0]
	lin := &L.QKV // the fused projection with a bias
	x, c := randVec(r, N*lin.In, 1), randVec(r, N*lin.Out, 1)
	grad := make([]float32, len(m.Params.F32))
	g := tp.gradViews(hv(grad))
	dx := make([]float32, N*lin.In)
	tp.linearBackward(0, projQKV, hv(dx), hv(c), hv(x), &g.layers[0])
	x64, th := widen(x), widen(m.Params.F32)
	wInfo, _ := m.Params.Info(layerName(0, "self_attn.q_proj.weight"))
	bInfo, _ := m.Params.Info(layerName(0, "self_attn.q_proj.bias"))
	loss := func() float64 {
		s := 0.0
		for r := 0; r < N; r++ {
			for o := 0; o < lin.Out; o++ {
				y := th[bInfo.Offset+o]
				for i := 0; i < lin.In; i++ {
					y += th[wInfo.Offset+o*lin.In+i] * x64[r*lin.In+i]
				}
				s += float64(c[r*lin.Out+o]) * y
			}
		}
		return s
	}
	fdCheck(t, "dx", dx, x64, nil, loss)
	var wIdx, bIdx []int
	for k := 0; k < 40; k++ {
		wIdx = append(wIdx, wInfo.Offset+r.IntN(lin.Out*lin.In))
	}
	for o := 0; o < lin.Out; o++ {
		bIdx = append(bIdx, bInfo.Offset+o)
	}
	fdCheck(t, "dW", grad, th, wIdx, loss)
	fdCheck(t, "db", grad, th, bIdx, loss)
}

// TestAttentionBackwardFD checks causal GQA attention's backward (dq, dk,
// dv from d att) over two sequences, one longer than a 64-row block.
func TestAttentionBackwardFD(t *testing.T) {
	tp := opTape(t, opCfg, opSeqs(5, 70), 6)
	g, N := tp.m.attnGeom(), tp.b.N
	r := rand.New(rand.NewPCG(6, 6))
	a := &tp.layers[0]
	copy(hs(a.qkv), randVec(r, N*g.W, 1))
	tp.attentionForward(a)
	c := randVec(r, N*g.Q, 1)
	dqkv := make([]float32, N*g.W)
	tp.attentionBackward(a, hv(c), hv(dqkv))
	qkv64 := widen(hs(a.qkv))
	want := attention64(tp.b, g, qkv64)
	for i := range want {
		if math.Abs(float64(hs(a.att)[i])-want[i]) > 1e-5 {
			t.Fatalf("attention output %d: %v, float64 %v", i, hs(a.att)[i], want[i])
		}
	}
	loss := func() float64 { return dot64(c, attention64(tp.b, g, qkv64)) }
	var idx []int
	for k := 0; k < 150; k++ {
		idx = append(idx, r.IntN(N*g.W))
	}
	// Include the first sequence entirely (its rows see 1…4 positions) and
	// rows after the first block of the second.
	for i := 0; i < 5*g.W; i += 3 {
		idx = append(idx, i)
	}
	for i := (5 + 66) * g.W; i < (5+67)*g.W; i++ {
		idx = append(idx, i)
	}
	fdCheck(t, "dqkv", dqkv, qkv64, idx, loss)
}

// attention64 is the float64 twin: per sequence, per head, causal softmax
// attention over qkv rows ([N, q|k|v], already rotated).
func attention64(b *batch, g attnGeom, qkv []float64) []float64 {
	out := make([]float64, b.N*g.Q)
	for i := range b.seqs {
		off, T := b.rows(i)
		for h := 0; h < g.nh; h++ {
			j := h / g.group
			for p := 0; p < T; p++ {
				q := qkv[(off+p)*g.W+h*g.hd : (off+p)*g.W+(h+1)*g.hd]
				sc := make([]float64, p+1)
				mx := math.Inf(-1)
				for s := 0; s <= p; s++ {
					k := qkv[(off+s)*g.W+g.Q+j*g.hd:]
					for d := 0; d < g.hd; d++ {
						sc[s] += q[d] * k[d]
					}
					sc[s] /= math.Sqrt(float64(g.hd))
					mx = max(mx, sc[s])
				}
				sum := 0.0
				for s := range sc {
					sc[s] = math.Exp(sc[s] - mx)
					sum += sc[s]
				}
				for s := 0; s <= p; s++ {
					v := qkv[(off+s)*g.W+g.Q+g.KV+j*g.hd:]
					for d := 0; d < g.hd; d++ {
						out[(off+p)*g.Q+h*g.hd+d] += sc[s] / sum * v[d]
					}
				}
			}
		}
	}
	return out
}

// TestHeadLogProbBackwardFD checks the fused LM head + log-softmax: the
// gradients of Σ c·logp for the final residual rows, the final norm and
// the head weights, with a vocabulary spanning several blocks and more
// scored rows than one row block.
func TestHeadLogProbBackwardFD(t *testing.T) {
	cfg := opCfg
	cfg.VocabSize = host.HeadVocab + 77
	cfg.HiddenSize = 8 // the float64 twin runs ~100 times over 150 rows × vocab
	cfg.TieWordEmbeddings = false
	r := rand.New(rand.NewPCG(8, 8))
	seqs := []Sequence{{Tokens: make([]int, host.HeadRows+20), Start: 3}, {Tokens: make([]int, 9), Start: 4}}
	for i := range seqs {
		for j := range seqs[i].Tokens {
			seqs[i].Tokens[j] = r.IntN(cfg.VocabSize)
		}
	}
	seqs[1].Tokens[5] = host.HeadVocab + 5 // a target in the last, partial block
	tp := opTape(t, cfg, seqs, 9)
	m, H := tp.m, cfg.HiddenSize
	copy(hs(tp.xL), randVec(r, tp.b.N*H, 1))
	logp, err := tp.headForward()
	if err != nil {
		t.Fatal(err)
	}
	c := randVec(r, tp.b.S, 1)
	grad := make([]float32, len(m.Params.F32))
	g := tp.gradViews(hv(grad))
	clear(hs(tp.sc.dres))
	tp.headBackward(hv(c), g.head, g.norm)

	xL64, th := widen(hs(tp.xL)), widen(m.Params.F32)
	hInfo, _ := m.Params.Info("lm_head.weight")
	nInfo, _ := m.Params.Info("model.norm.weight")
	logp64 := func() []float64 {
		var out []float64
		for k, row := range tp.b.scored {
			h := refRMSNorm(xL64[row*H:(row+1)*H], th[nInfo.Offset:nInfo.Offset+H], cfg.RMSNormEps)
			logits := make([]float64, cfg.VocabSize)
			mx := math.Inf(-1)
			for v := range logits {
				for i := 0; i < H; i++ {
					logits[v] += th[hInfo.Offset+v*H+i] * h[i]
				}
				mx = max(mx, logits[v])
			}
			sum := 0.0
			for _, l := range logits {
				sum += math.Exp(l - mx)
			}
			out = append(out, logits[tp.b.targets[k]]-mx-math.Log(sum))
		}
		return out
	}
	want := logp64()
	k := 0
	for i := range logp {
		for j := range logp[i] {
			if math.Abs(float64(logp[i][j])-want[k]) > 1e-5*(1+math.Abs(want[k])) {
				t.Fatalf("logp[%d][%d] = %v, float64 %v", i, j, logp[i][j], want[k])
			}
			k++
		}
	}
	loss := func() float64 { return dot64(c, logp64()) }
	var xIdx, wIdx, nIdx []int
	for _, row := range []int{tp.b.scored[0], tp.b.scored[host.HeadRows], tp.b.scored[tp.b.S-1]} {
		for i := 0; i < H; i += 3 {
			xIdx = append(xIdx, row*H+i)
		}
	}
	for _, v := range []int{tp.b.targets[0], tp.b.targets[host.HeadRows+3], host.HeadVocab + 5, 1, host.HeadVocab - 9} {
		for i := 0; i < H; i += 3 {
			wIdx = append(wIdx, hInfo.Offset+v*H+i)
		}
	}
	for i := 0; i < H; i += 2 {
		nIdx = append(nIdx, nInfo.Offset+i)
	}
	fdCheck(t, "d x_L", hs(tp.sc.dres), xL64, xIdx, loss)
	fdCheck(t, "d W_head", grad, th, wIdx, loss)
	fdCheck(t, "d w_norm", grad, th, nIdx, loss)
	// Rows that are not scored get no gradient from the head.
	if row := 0; tp.b.scored[0] != 0 {
		for i := 0; i < H; i++ {
			if hs(tp.sc.dres)[row*H+i] != 0 {
				t.Fatalf("unscored row %d got a head gradient", row)
			}
		}
	}
}

// ropeRotate rotates each head of width hd in v (one row) through the CPU
// backend's RoPE.
func ropeRotate(v, cos, sin []float32, hd int, inverse bool) {
	host.New().RoPE(hv(v), hv(cos), hv(sin), 1, len(v), len(v), hd, inverse)
}

// attnGeom is the shape arithmetic the float64 attention twin uses.
type attnGeom struct{ Q, KV, W, hd, nh, group int }

func (m *Model) attnGeom() attnGeom {
	cfg := m.Config
	Q, KV := cfg.QDim(), cfg.KVDim()
	return attnGeom{Q: Q, KV: KV, W: Q + 2*KV, hd: cfg.HeadDim, nh: cfg.NumAttentionHeads, group: cfg.NumAttentionHeads / cfg.NumKeyValueHeads}
}
