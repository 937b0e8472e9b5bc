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
// A tape made on a device (training on the device) takes BackwardTo.
func (t *Tape) Backward(dlogp [][]float32, grad []float32) error {
	if t != nil && t.dev {
		return fmt.Errorf("backward: this tape is on %s; pass the device gradient buffer to BackwardTo", t.be.Device())
	}
	return t.BackwardTo(dlogp, hv(grad))
}

// BackwardTo is Backward into a gradient vector on the tape's backend (for
// training on a device: a device buffer of len(m.Trainable()) floats).
// On a device the whole pass is one submission; the error it returns is
// the backend's (out of memory, device lost), and grad may then hold part
// of this micro-batch's gradient: the caller drops the step.
func (t *Tape) BackwardTo(dlogp [][]float32, grad backend.View) error {
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
	if want := len(m.Trainable()); grad.N != want {
		return fmt.Errorf("backward: gradient buffer has %d elements, the trainable parameters %d", grad.N, want)
	}
	if len(dlogp) != len(b.seqs) {
		return fmt.Errorf("backward: dlogp has %d rows for %d sequences", len(dlogp), len(b.seqs))
	}
	flat := make([]float32, 0, b.S)
	for i, s := range b.seqs {
		if n := len(s.Tokens) - s.Start; len(dlogp[i]) != n {
			return fmt.Errorf("backward: dlogp[%d] has %d values for %d scored tokens", i, len(dlogp[i]), n)
		}
		flat = append(flat, dlogp[i]...)
	}
	t.done = true
	be := t.be
	be.Begin()
	err := be.Upload(t.sc.dlp, flat)
	if err == nil {
		g := t.gradViews(grad)
		be.Zero(t.sc.dres)
		t.headBackward(t.sc.dlp, g.head, g.norm)
		for l := len(t.layers) - 1; l >= 0; l-- {
			t.blockBackward(l, &g.layers[l])
		}
		if !g.embed.Nil() {
			be.EmbedBackward(g.embed, t.sc.dres, b.tokens, m.Config.HiddenSize)
		}
	}
	if ferr := be.Flush(); err == nil {
		err = ferr
	}
	// Hand the activations back now: the caller may keep the Tape value
	// around while the next micro-batch reuses the memory.
	t.release()
	*t = Tape{m: m, lora: t.lora, done: true}
	if err != nil {
		return fmt.Errorf("backward: %w", err)
	}
	return nil
}

// gradViews are the views of the gradient buffer each parameter's
// gradient accumulates into; nil means frozen (LoRA mode: every base
// tensor).
type gradViews struct {
	embed, norm, head backend.View
	layers            []layerGrads
}

type layerGrads struct {
	attnNorm, mlpNorm backend.View
	w, bias           [numProj]backend.View // fused weights; bias only for projQKV
	lora              []float32             // LoRA mode: the whole gradient buffer (adapter layout)
}

// gradViews slices grad with the parameter layout (full fine-tune), or
// leaves every base gradient nil when LoRA adapters are the trainable
// parameters (their gradients are sliced by the adapters themselves).
func (t *Tape) gradViews(grad backend.View) gradViews {
	m := t.m
	g := gradViews{layers: make([]layerGrads, len(m.Layers))}
	if t.lora != nil {
		for l := range g.layers {
			g.layers[l].lora = hs(grad)
		}
		return g
	}
	view := func(first string, n int) backend.View {
		info, _ := m.Params.Info(first)
		return grad.Slice(info.Offset, info.Offset+n)
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
// mirrors blockForward line by line, bottom up, from the activations the
// forward pass kept (restore: widened from a bf16 tape).
func (t *Tape) blockBackward(l int, g *layerGrads) {
	m, a, sc, be := t.m, t.restore(l), &t.sc, t.be
	L, cfg, N := &m.Layers[l], m.Config, t.b.N
	H, Q, F := cfg.HiddenSize, cfg.QDim(), cfg.IntermediateSize
	W := Q + 2*cfg.KVDim()
	attnNorm, mlpNorm := t.nv(L.AttnNorm, L.attnNorm), t.nv(L.MLPNorm, L.mlpNorm)

	// next = xmid + down(act): dres is d next = d down-out; act recomputed.
	be.RMSNormScale(sc.xn, a.xmid, mlpNorm, a.rstd2, N, H)
	be.SwiGLU(sc.act, a.gu, N, F)
	t.linearBackward(l, projDown, sc.act, sc.dres, sc.act, g) // act := d act
	dgu := sc.big.Slice(0, N*2*F)
	be.SwiGLUBackward(dgu, sc.act, a.gu, N, F)
	t.linearBackward(l, projGateUp, sc.tmp, dgu, sc.xn, g)
	be.RMSNormBackward(sc.dres, g.mlpNorm, sc.tmp, a.xmid, mlpNorm, a.rstd2, N, H) // dres := d xmid

	// xmid = x + o_proj(att).
	datt, dqkv := sc.big.Slice(0, N*Q), sc.big.Slice(N*Q, N*(Q+W))
	t.linearBackward(l, projO, datt, sc.dres, a.att, g)
	t.attentionBackward(a, datt, dqkv)
	t.rope(dqkv, true)
	be.RMSNormScale(sc.xn, a.x, attnNorm, a.rstd1, N, H)
	t.linearBackward(l, projQKV, sc.tmp, dqkv, sc.xn, g)
	be.RMSNormBackward(sc.dres, g.attnNorm, sc.tmp, a.x, attnNorm, a.rstd1, N, H) // dres := d x
}

// linearBackward is the backward of y = x·Wᵀ + b (+ LoRA) for projection p
// of layer l over all rows:
//
//	dW += dyᵀ·x,  db += Σ_rows dy,  dx = dy·W (+ the adapters' paths)
//
// dx is overwritten and may alias x: every use of x comes first.
func (t *Tape) linearBackward(l, p int, dx, dy, x backend.View, g *layerGrads) {
	lin, M, be := t.m.Layers[l].proj(p), t.b.N, t.be
	if dw := g.w[p]; !dw.Nil() {
		be.Gemm(dw, dy, x, backend.View{}, backend.Gemm{M: lin.Out, N: lin.In, K: M, TransA: true, Accumulate: true})
	}
	if db := g.bias[p]; !db.Nil() {
		be.SumRows(db, dy, M, lin.Out)
	}
	if t.lora != nil {
		t.lora.backwardWeights(l, p, hs(dy), hs(x), M, hs(t.layers[l].lora), hs(t.sc.lora), g.lora, hs(t.sc.pack))
	}
	be.Gemm(dx, dy, t.wv(lin), backend.View{}, backend.Gemm{M: M, N: lin.In, K: lin.Out})
	if t.lora != nil {
		t.lora.backwardInput(l, p, hs(dx), M, hs(t.sc.lora), hs(t.sc.pack))
	}
}

// attentionBackward turns d att [N,Q] into d qkv [N,Q+2KV] (q and k
// gradients still in the rotated frame).
func (t *Tape) attentionBackward(a *layerActs, datt, dqkv backend.View) {
	t.be.CausalAttentionBackward(dqkv, datt, a.qkv, a.att, a.lse, t.b.spans(), t.m.attnShape())
}
