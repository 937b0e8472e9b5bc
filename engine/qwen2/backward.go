package qwen2

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// Backward takes dL/dlogp (the shape of TrainForward's log-probs) and ADDS
// dL/dθ into grad, which has len(m.Trainable()) elements, so gradient
// accumulation over micro-batches is several Backward calls into one buffer.
// A Tape can be backpropagated once; its memory is released afterwards.
// Results are deterministic: same inputs and thread count, same bits.
func (t *Tape) Backward(dlogp [][]float32, grad []float32) error {
	if t == nil || t.m == nil {
		return fmt.Errorf("backward: nil tape")
	}
	if t.done {
		return fmt.Errorf("backward: this tape was already backpropagated; run TrainForward again")
	}
	m, b := t.m, t.b
	if m.lora != t.lora {
		return fmt.Errorf("backward: LoRA adapters changed since TrainForward; run TrainForward again")
	}
	if want := len(m.Trainable()); len(grad) != want {
		return fmt.Errorf("backward: gradient buffer has %d elements, the trainable parameters %d", len(grad), want)
	}
	if len(dlogp) != len(b.seqs) {
		return fmt.Errorf("backward: dlogp has %d rows for %d sequences", len(dlogp), len(b.seqs))
	}
	k := 0
	for i, s := range b.seqs {
		if n := len(s.Tokens) - s.Start; len(dlogp[i]) != n {
			return fmt.Errorf("backward: dlogp[%d] has %d values for %d scored tokens", i, len(dlogp[i]), n)
		}
		k += copy(t.sc.dlp[k:], dlogp[i])
	}
	t.done = true

	g := t.gradViews(grad)
	clear(t.sc.dres)
	t.headBackward(t.sc.dlp, g.head, g.norm)
	for l := len(t.layers) - 1; l >= 0; l-- {
		t.blockBackward(l, &g.layers[l])
	}
	if g.embed != nil {
		H := m.Config.HiddenSize
		embeddingBackward(g.embed, t.sc.dres, b.tokens, H)
	}
	// Hand the activations back now: the caller may keep the Tape value
	// around while the next micro-batch reuses the arena.
	m.putArena(t.arena)
	*t = Tape{m: m, lora: t.lora, done: true}
	return nil
}

// gradViews are the slices of the gradient buffer each parameter's
// gradient accumulates into; nil means frozen (LoRA mode: every base
// tensor).
type gradViews struct {
	embed, norm, head []float32
	layers            []layerGrads
}

type layerGrads struct {
	attnNorm, mlpNorm []float32
	w, bias           [numProj][]float32 // fused weights; bias only for projQKV
	lora              []float32          // LoRA mode: the whole gradient buffer (adapter layout)
}

// gradViews slices grad with the parameter layout (full fine-tune), or
// leaves every base gradient nil when LoRA adapters are the trainable
// parameters (their gradients are sliced by the adapters themselves).
func (t *Tape) gradViews(grad []float32) gradViews {
	m := t.m
	g := gradViews{layers: make([]layerGrads, len(m.Layers))}
	if t.lora != nil {
		for l := range g.layers {
			g.layers[l].lora = grad
		}
		return g
	}
	view := func(first string, n int) []float32 {
		info, _ := m.Params.Info(first)
		return grad[info.Offset : info.Offset+n : info.Offset+n]
	}
	size := func(name string) int {
		info, _ := m.Params.Info(name)
		return info.Size
	}
	g.embed = view("model.embed_tokens.weight", size("model.embed_tokens.weight"))
	g.norm = view("model.norm.weight", size("model.norm.weight"))
	if m.Config.TieWordEmbeddings {
		g.head = g.embed // tied: the head's gradient lands on the embeddings
	} else {
		g.head = view("lm_head.weight", size("lm_head.weight"))
	}
	for l := range m.Layers {
		L, n := &m.Layers[l], func(s string) string { return layerName(l, s) }
		lg := &g.layers[l]
		lg.attnNorm = view(n("input_layernorm.weight"), len(L.AttnNorm))
		lg.mlpNorm = view(n("post_attention_layernorm.weight"), len(L.MLPNorm))
		lg.w[projQKV] = view(n("self_attn.q_proj.weight"), len(L.QKV.W))
		lg.bias[projQKV] = view(n("self_attn.q_proj.bias"), len(L.QKV.B))
		lg.w[projO] = view(n("self_attn.o_proj.weight"), len(L.O.W))
		lg.w[projGateUp] = view(n("mlp.gate_proj.weight"), len(L.GateUp.W))
		lg.w[projDown] = view(n("mlp.down_proj.weight"), len(L.Down.W))
	}
	return g
}

// blockBackward propagates sc.dres (the gradient of block l's output) back
// to the block's input, adding the block's parameter gradients into g. It
// mirrors blockForward line by line, bottom up.
func (t *Tape) blockBackward(l int, g *layerGrads) {
	m, a, sc := t.m, &t.layers[l], &t.sc
	L, cfg, N := &m.Layers[l], m.Config, t.b.N
	H, Q, F := cfg.HiddenSize, cfg.QDim(), cfg.IntermediateSize
	W := Q + 2*cfg.KVDim()

	// next = xmid + down(act): dres is d next = d down-out; act recomputed.
	rmsnormRecompute(sc.xn, a.rstd2, a.xmid, L.MLPNorm, N, H)
	swigluForward(sc.act, a.gu, N, F)
	t.linearBackward(l, projDown, sc.act, sc.dres, sc.act, g) // act := d act
	dgu := sc.big[:N*2*F]
	swigluBackward(dgu, sc.act, a.gu, N, F)
	t.linearBackward(l, projGateUp, sc.tmp, dgu, sc.xn, g)
	rmsnormBackward(sc.dres, g.mlpNorm, sc.tmp, a.xmid, L.MLPNorm, a.rstd2, N, H) // dres := d xmid

	// xmid = x + o_proj(att).
	datt, dqkv := sc.big[:N*Q], sc.big[N*Q:N*(Q+W)]
	t.linearBackward(l, projO, datt, sc.dres, a.att, g)
	t.attentionBackward(a, datt, dqkv)
	t.rope(dqkv, true)
	rmsnormRecompute(sc.xn, a.rstd1, a.x, L.AttnNorm, N, H)
	t.linearBackward(l, projQKV, sc.tmp, dqkv, sc.xn, g)
	rmsnormBackward(sc.dres, g.attnNorm, sc.tmp, a.x, L.AttnNorm, a.rstd1, N, H) // dres := d x
}

// linearBackward is the backward of y = x·Wᵀ + b (+ LoRA) for projection p
// of layer l over all rows:
//
//	dW += dyᵀ·x,  db += Σ_rows dy,  dx = dy·W (+ the adapters' paths)
//
// dx is overwritten and may alias x: every use of x comes first.
func (t *Tape) linearBackward(l, p int, dx, dy, x []float32, g *layerGrads) {
	lin, M := t.m.Layers[l].proj(p), t.b.N
	if dw := g.w[p]; dw != nil {
		cpu.MatMulTNAccNN(dw, dy, x, M, lin.Out, lin.In, t.sc.pack)
	}
	if db := g.bias[p]; db != nil {
		colSumAcc(db, dy, M, lin.Out)
	}
	if t.lora != nil {
		t.lora.backwardWeights(l, p, dy, x, M, t.layers[l].lora, t.sc.lora, g.lora, t.sc.pack)
	}
	cpu.MatMulNN(dx, dy, lin.W, M, lin.In, lin.Out, false, t.sc.pack)
	if t.lora != nil {
		t.lora.backwardInput(l, p, dx, M, t.sc.lora, t.sc.pack)
	}
}

// colSumAcc adds the column sums of dy [M, N] into db (a bias gradient),
// rows in order for determinism.
func colSumAcc(db, dy []float32, M, N int) {
	cpu.ParallelFor(N, func(lo, hi int) {
		for r := 0; r < M; r++ {
			row := dy[r*N : (r+1)*N]
			for c := lo; c < hi; c++ {
				db[c] += row[c]
			}
		}
	})
}

// rmsnormBackward is the backward of y = x·r·w, r = (mean(x²)+eps)^-½, over
// N rows of C: it ADDS
//
//	dx = r·(dy∘w) − x·r³/C·Σ(dy∘w∘x)   into dx,
//	dw += Σ_rows dy∘x·r                 into dw (nil: frozen).
func rmsnormBackward(dx, dw, dy, x, w, rstd []float32, N, C int) {
	cpu.ParallelFor(N, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			rmsnormRowBackward(dx[r*C:(r+1)*C], dy[r*C:(r+1)*C], x[r*C:(r+1)*C], w, rstd[r])
		}
	})
	if dw == nil {
		return
	}
	// Columns split across threads, rows summed in order: deterministic.
	cpu.ParallelFor(C, func(lo, hi int) {
		for r := 0; r < N; r++ {
			normWeightGrad(dw[lo:hi], dy[r*C+lo:r*C+hi], x[r*C+lo:r*C+hi], rstd[r])
		}
	})
}

// rmsnormRowBackward adds one row's input gradient (see rmsnormBackward).
func rmsnormRowBackward(dx, dy, x, w []float32, s float32) {
	dx, dy, w = dx[:len(x)], dy[:len(x)], w[:len(x)]
	var dot float64
	for i, v := range x {
		dot += float64(dy[i]) * float64(w[i]) * float64(v)
	}
	c := float32(dot) * s * s * s / float32(len(x))
	for i, v := range x {
		dx[i] += s*dy[i]*w[i] - c*v
	}
}

// normWeightGrad adds dy∘x·s into dw (one row's norm-weight gradient).
func normWeightGrad(dw, dy, x []float32, s float32) {
	dy, x = dy[:len(dw)], x[:len(dw)]
	for i := range dw {
		dw[i] += dy[i] * x[i] * s
	}
}

// swigluBackward turns d act [N,F] into d gate|up [N,2F].
func swigluBackward(dgu, dact, gu []float32, N, F int) {
	cpu.ParallelFor(N, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			g, u := gu[r*2*F:r*2*F+F], gu[r*2*F+F:(r+1)*2*F]
			cpu.SiLUMulBackward(dgu[r*2*F:r*2*F+F], dgu[r*2*F+F:(r+1)*2*F], dact[r*F:(r+1)*F], g, u)
		}
	})
}

// embeddingBackward scatter-adds each row's gradient into its token's
// embedding row, rows in order (a token can occur many times).
func embeddingBackward(dE, dx []float32, tokens []int, H int) {
	for r, tok := range tokens {
		cpu.Axpy(1, dx[r*H:(r+1)*H], dE[tok*H:(tok+1)*H])
	}
}

// attentionBackward turns d att [N,Q] into d qkv [N,Q+2KV] (q and k
// gradients still in the rotated frame), one (sequence, KV head) task at a
// time; each task owns its rows' q columns of its heads and its k/v columns,
// so tasks never write the same element.
func (t *Tape) attentionBackward(a *layerActs, datt, dqkv []float32) {
	nkv := t.m.Config.NumKeyValueHeads
	g := t.m.attnGeom()
	cpu.ParallelFor(len(t.b.seqs)*nkv, func(lo, hi int) {
		sc := trainAttnPool.Get().(*trainAttnScratch)
		defer trainAttnPool.Put(sc)
		for task := lo; task < hi; task++ {
			t.attnBackwardTask(g, a, datt, dqkv, task/nkv, task%nkv, sc)
		}
	})
}

// attnBackwardTask recomputes each block's probabilities from the kept
// log-sum-exp (flash style) and applies
//
//	dP = dO·Vᵀ,  D = rowsum(dO∘O),  dS = P∘(dP − D)
//	dq = scale·dS·K,  dK += dSᵀ·(q·scale),  dV += Pᵀ·dO
func (t *Tape) attnBackwardTask(g attnGeom, a *layerActs, datt, dqkv []float32, seq, j int, sc *trainAttnScratch) {
	off, T := t.b.rows(seq)
	hd := g.hd
	sc.reserve(g, T)
	dk, dv := sc.dk[:T*hd], sc.dv[:T*hd]
	g.gatherKV(sc.k[:T*hd], sc.v[:T*hd], a.qkv, off, T, j)
	clear(dk)
	clear(dv)
	for lo := 0; lo < T; {
		hi := attnBlockEnd(lo, T, g.group)
		nb, ctx := hi-lo, hi
		nq := g.group * nb
		q, o, do, dq := sc.q[:nq*hd], sc.o[:nq*hd], sc.do[:nq*hd], sc.dq[:nq*hd]
		s, dp, rowDots := sc.s[:nq*ctx], sc.dp[:nq*ctx], sc.rowDots[:nq]
		g.gatherHeads(q, a.qkv, g.W, 0, off+lo, nb, j, g.scale)
		g.gatherHeads(o, a.att, g.Q, 0, off+lo, nb, j, 1)
		g.gatherHeads(do, datt, g.Q, 0, off+lo, nb, j, 1)
		k, v := sc.k[:ctx*hd], sc.v[:ctx*hd]
		cpu.MatMulT(s, q, k, nil, nq, ctx, hd)
		for gi := 0; gi < g.group; gi++ {
			h := j*g.group + gi
			for i := 0; i < nb; i++ {
				row := s[(gi*nb+i)*ctx : (gi*nb+i+1)*ctx]
				valid := lo + i + 1
				cpu.ExpSub(row[:valid], a.lse[(off+lo+i)*g.nh+h]) // P, from the kept log-sum-exp
				clear(row[valid:])
			}
		}
		cpu.MatMulT(dp, do, v, nil, nq, ctx, hd)
		for r := 0; r < nq; r++ {
			rowDots[r] = cpu.Dot(do[r*hd:(r+1)*hd], o[r*hd:(r+1)*hd])
		}
		// dV uses P before it is turned into dS in place.
		cpu.MatMulTNAccNN(dv[:ctx*hd], s, do, nq, ctx, hd, sc.packFor(cpu.MatMulTNAccNNScratch(nq, ctx, hd)))
		for r := 0; r < nq; r++ {
			p, dpr, d := s[r*ctx:(r+1)*ctx], dp[r*ctx:(r+1)*ctx], rowDots[r]
			for c := range p {
				p[c] *= dpr[c] - d
			}
		}
		cpu.MatMulNN(dq, s, k, nq, hd, ctx, false, sc.packFor(cpu.MatMulNNScratch(nq, hd, ctx, false)))
		g.scatterHeads(dqkv, dq, g.W, 0, off+lo, nb, j, g.scale)
		cpu.MatMulTNAccNN(dk[:ctx*hd], s, q, nq, ctx, hd, sc.packFor(cpu.MatMulTNAccNNScratch(nq, ctx, hd)))
		lo = hi
	}
	for p := 0; p < T; p++ {
		row := dqkv[(off+p)*g.W:]
		copy(row[g.Q+j*hd:g.Q+(j+1)*hd], dk[p*hd:(p+1)*hd])
		copy(row[g.Q+g.KV+j*hd:g.Q+g.KV+(j+1)*hd], dv[p*hd:(p+1)*hd])
	}
}
