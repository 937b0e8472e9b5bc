package qwen2

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/engine/backend"
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
		t.be.EmbedBackward(hv(g.embed), hv(t.sc.dres), b.tokens, m.Config.HiddenSize)
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
	m, a, sc, be := t.m, &t.layers[l], &t.sc, t.be
	L, cfg, N := &m.Layers[l], m.Config, t.b.N
	H, Q, F := cfg.HiddenSize, cfg.QDim(), cfg.IntermediateSize
	W := Q + 2*cfg.KVDim()

	// next = xmid + down(act): dres is d next = d down-out; act recomputed.
	be.RMSNormScale(hv(sc.xn), hv(a.xmid), hv(L.MLPNorm), hv(a.rstd2), N, H)
	be.SwiGLU(hv(sc.act), hv(a.gu), N, F)
	t.linearBackward(l, projDown, sc.act, sc.dres, sc.act, g) // act := d act
	dgu := sc.big[:N*2*F]
	be.SwiGLUBackward(hv(dgu), hv(sc.act), hv(a.gu), N, F)
	t.linearBackward(l, projGateUp, sc.tmp, dgu, sc.xn, g)
	rmsnormBackward(be, sc.dres, g.mlpNorm, sc.tmp, a.xmid, L.MLPNorm, a.rstd2, N, H) // dres := d xmid

	// xmid = x + o_proj(att).
	datt, dqkv := sc.big[:N*Q], sc.big[N*Q:N*(Q+W)]
	t.linearBackward(l, projO, datt, sc.dres, a.att, g)
	t.attentionBackward(a, datt, dqkv)
	t.rope(dqkv, true)
	be.RMSNormScale(hv(sc.xn), hv(a.x), hv(L.AttnNorm), hv(a.rstd1), N, H)
	t.linearBackward(l, projQKV, sc.tmp, dqkv, sc.xn, g)
	rmsnormBackward(be, sc.dres, g.attnNorm, sc.tmp, a.x, L.AttnNorm, a.rstd1, N, H) // dres := d x
}

// linearBackward is the backward of y = x·Wᵀ + b (+ LoRA) for projection p
// of layer l over all rows:
//
//	dW += dyᵀ·x,  db += Σ_rows dy,  dx = dy·W (+ the adapters' paths)
//
// dx is overwritten and may alias x: every use of x comes first.
func (t *Tape) linearBackward(l, p int, dx, dy, x []float32, g *layerGrads) {
	lin, M, be := t.m.Layers[l].proj(p), t.b.N, t.be
	if dw := g.w[p]; dw != nil {
		be.Gemm(hv(dw), hv(dy), hv(x), backend.View{}, backend.Gemm{M: lin.Out, N: lin.In, K: M, TransA: true, Accumulate: true})
	}
	if db := g.bias[p]; db != nil {
		be.SumRows(hv(db), hv(dy), M, lin.Out)
	}
	if t.lora != nil {
		t.lora.backwardWeights(l, p, dy, x, M, t.layers[l].lora, t.sc.lora, g.lora, t.sc.pack)
	}
	be.Gemm(hv(dx), hv(dy), hv(lin.W), backend.View{}, backend.Gemm{M: M, N: lin.In, K: lin.Out})
	if t.lora != nil {
		t.lora.backwardInput(l, p, dx, M, t.sc.lora, t.sc.pack)
	}
}

// rmsnormBackward adds the RMSNorm input gradient into dx and the weight
// gradient into dw (nil: frozen); see backend.Backend.RMSNormBackward.
func rmsnormBackward(be backend.Backend, dx, dw, dy, x, w, rstd []float32, N, C int) {
	var dwv backend.View
	if dw != nil {
		dwv = hv(dw)
	}
	be.RMSNormBackward(hv(dx), dwv, hv(dy), hv(x), hv(w), hv(rstd), N, C)
}

// attentionBackward turns d att [N,Q] into d qkv [N,Q+2KV] (q and k
// gradients still in the rotated frame).
func (t *Tape) attentionBackward(a *layerActs, datt, dqkv []float32) {
	t.be.CausalAttentionBackward(hv(dqkv), hv(datt), hv(a.qkv), hv(a.att), hv(a.lse), t.b.spans(), t.m.attnShape())
}
