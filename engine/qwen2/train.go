package qwen2

import (
	"fmt"
	"slices"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
)

// Sequence is one training row: a whole token sequence (prompt +
// completion). Log-probs are produced for Tokens[Start:], each token given
// all tokens before it, so 1 <= Start < len(Tokens).
type Sequence struct {
	Tokens []int
	Start  int
}

// batch lays the sequences out as rows. Every token but the last of each
// sequence is fed (the last is only predicted), sequence after sequence;
// positions restart at 0 for each sequence and attention never crosses
// sequences. Scored rows are those at positions Start-1 … len-2, predicting
// Tokens[Start:].
type batch struct {
	seqs    []Sequence
	off     []int // first row of each sequence
	tokens  []int // [N] fed token of each row
	pos     []int // [N] position of each row
	scored  []int // [S] row of each prediction, sequence by sequence
	targets []int // [S] the token each scored row predicts
	N, S    int   // fed and scored rows
	maxT    int   // longest sequence in fed rows
}

// rows returns the first row and the number of fed rows of sequence i.
func (b *batch) rows(i int) (off, n int) {
	end := b.N
	if i+1 < len(b.off) {
		end = b.off[i+1]
	}
	return b.off[i], end - b.off[i]
}

// newBatch validates seqs against the model and lays them out.
func (m *Model) newBatch(seqs []Sequence) (*batch, error) {
	cfg := m.Config
	if len(seqs) == 0 {
		return nil, fmt.Errorf("empty batch: no sequences")
	}
	b := &batch{seqs: slices.Clone(seqs)} // the shapes Backward checks dlogp against
	for i, s := range seqs {
		n := len(s.Tokens)
		if n < 2 || s.Start < 1 || s.Start >= n {
			return nil, fmt.Errorf("sequence %d: start %d outside [1,%d) for %d tokens; a sequence needs at least one context token and one scored token", i, s.Start, n, n)
		}
		if n > cfg.MaxPositionEmbeddings {
			return nil, fmt.Errorf("sequence %d: %d tokens exceed the model context of %d; shorten the prompt or the completion", i, n, cfg.MaxPositionEmbeddings)
		}
		for j, tok := range s.Tokens {
			if tok < 0 || tok >= cfg.VocabSize {
				return nil, fmt.Errorf("sequence %d: token id %d at position %d is outside the vocabulary [0,%d)", i, tok, j, cfg.VocabSize)
			}
		}
		b.N += n - 1
		b.S += n - s.Start
		b.maxT = max(b.maxT, n-1)
	}
	ints := make([]int, 2*b.N+2*b.S+len(seqs))
	take := func(n int) []int {
		v := ints[:n:n]
		ints = ints[n:]
		return v
	}
	b.tokens, b.pos, b.scored, b.targets, b.off = take(b.N), take(b.N), take(b.S), take(b.S), take(len(seqs))
	r, k := 0, 0
	for i, s := range seqs {
		b.off[i] = r
		n := len(s.Tokens)
		for p := 0; p < n-1; p++ {
			b.tokens[r+p], b.pos[r+p] = s.Tokens[p], p
		}
		for p := s.Start - 1; p < n-1; p++ {
			b.scored[k], b.targets[k] = r+p, s.Tokens[p+1]
			k++
		}
		r += n - 1
	}
	return b, nil
}

// TrainForward runs the model over whole sequences (no KV cache; causal
// attention within each sequence), keeps what Backward needs in a Tape, and
// returns logp[i][j] = log p(Tokens[Start+j] | Tokens[:Start+j]) for
// sequence i. All rows of all sequences go through each weight matrix as one
// GEMM. The model must hold F32 weights (or have LoRA adapters on an F32
// base); its weights must not change until the tape's Backward has run.
// With device training on (SetDeviceTraining) the pass runs on the device
// as one submission and only the log-probs come back to the host.
func (m *Model) TrainForward(seqs []Sequence) (*Tape, [][]float32, error) {
	if err := m.canTrain(); err != nil {
		return nil, nil, fmt.Errorf("train forward: %w", err)
	}
	b, err := m.newBatch(seqs)
	if err != nil {
		return nil, nil, fmt.Errorf("train forward: %w", err)
	}
	if m.devTrain {
		if err := m.syncWeights(); err != nil {
			return nil, nil, fmt.Errorf("train forward: %w", err)
		}
	} else {
		m.WeightsChanged() // a host optimizer step follows; a device copy must be refreshed
	}
	t, err := m.newTape(b, true)
	if err != nil {
		return nil, nil, fmt.Errorf("train forward: %w", err)
	}
	logp, err := t.forward()
	if err != nil {
		t.release()
		return nil, nil, fmt.Errorf("train forward: %w", err)
	}
	return t, logp, nil
}

// SequenceLogProbs is TrainForward without a Tape: the same log-probs for a
// frozen reference model (the KL term) or for scoring, with one layer's
// activations in memory instead of all. BF16 models work here.
func (m *Model) SequenceLogProbs(seqs []Sequence) ([][]float32, error) {
	b, err := m.newBatch(seqs)
	if err != nil {
		return nil, fmt.Errorf("sequence log-probs: %w", err)
	}
	if m.devTrain {
		if err := m.syncWeights(); err != nil {
			return nil, fmt.Errorf("sequence log-probs: %w", err)
		}
	}
	t, err := m.newTape(b, false)
	if err != nil {
		return nil, fmt.Errorf("sequence log-probs: %w", err)
	}
	logp, err := t.forward()
	t.release()
	if err != nil {
		return nil, fmt.Errorf("sequence log-probs: %w", err)
	}
	return logp, nil
}

// Trainable is the flat parameter vector an optimizer updates in place:
// m.Params.F32 for a full fine-tune, or the LoRA adapter buffer once
// EnableLoRA was called. Gradients from Backward use the same layout
// (grad[i] belongs to Trainable()[i]; in a full fine-tune, tensor views via
// m.Params.Info(name).Offset).
func (m *Model) Trainable() []float32 {
	if m.lora != nil {
		return m.lora.buf
	}
	return m.Params.F32
}

// canTrain reports why the model cannot be trained, if it cannot: the
// backward pass needs float32 weights to multiply gradients by.
func (m *Model) canTrain() error {
	if m.DType != F32 {
		if m.lora != nil {
			return fmt.Errorf("LoRA needs a float32 base model (input gradients flow through the frozen weights); load the model with F32 weights to train")
		}
		return fmt.Errorf("model weights are %v; load the model with F32 weights to train", m.DType)
	}
	return nil
}

// forward runs embedding, every block and the LM head over the batch and
// returns the log-probs. On a device it is one submission, ended by the
// download of the log-probs.
func (t *Tape) forward() ([][]float32, error) {
	m, b, be := t.m, t.b, t.be
	be.Begin()
	be.RoPETables(t.cos, t.sin, b.pos, m.Config.HeadDim, m.Config.RopeTheta)
	be.Embed(t.input(0), t.wv(&m.Embed), b.tokens, m.Config.HiddenSize)
	for l := range t.layers {
		t.blockForward(l, t.input(l+1))
	}
	return t.headForward()
}

// hv views a host slice (the tape's arena, the gradient vector) on the CPU
// backend, without copying.
func hv(s []float32) backend.View { return host.Wrap(s) }

// wv is projection lin's weight on the tape's backend: the device copy when
// training on the device, the host weights otherwise.
func (t *Tape) wv(lin *Linear) backend.View {
	if t.dev {
		return lin.w
	}
	return lin.host()
}

// bv is lin's bias on the tape's backend (nil when it has none).
func (t *Tape) bv(lin *Linear) backend.View {
	if t.dev {
		return lin.b
	}
	if lin.B == nil {
		return backend.View{}
	}
	return hv(lin.B)
}

// nv is a norm weight on the tape's backend: the device view d or the host
// slice h.
func (t *Tape) nv(h []float32, d backend.View) backend.View {
	if t.dev {
		return d
	}
	return hv(h)
}

// blockForward runs decoder layer l on all rows, writing the block output
// (the next residual stream) into next:
//
//	xmid = x + o_proj(attention(rope(q), rope(k), v)),  q|k|v = qkv(rmsnorm(x))
//	next = xmid + down(silu(gate)·up),                  gate|up = gate_up(rmsnorm(xmid))
//
// and keeps x, q|k|v, the attention output, xmid and gate|up for the
// backward pass (save: rounded into a bf16 tape).
func (t *Tape) blockForward(l int, next backend.View) {
	m, a, sc, be := t.m, t.acts(l), &t.sc, t.be
	L, cfg, N := &m.Layers[l], m.Config, t.b.N
	H, F := cfg.HiddenSize, cfg.IntermediateSize
	eps := float32(cfg.RMSNormEps)

	be.RMSNorm(sc.xn, a.rstd1, a.x, t.nv(L.AttnNorm, L.attnNorm), N, H, eps)
	t.linearForward(l, projQKV, a.qkv, sc.xn)
	t.rope(a.qkv, false)
	t.attentionForward(a)
	t.linearForward(l, projO, sc.tmp, a.att)
	be.Add(a.xmid, a.x, sc.tmp)

	be.RMSNorm(sc.xn, a.rstd2, a.xmid, t.nv(L.MLPNorm, L.mlpNorm), N, H, eps)
	t.linearForward(l, projGateUp, a.gu, sc.xn)
	be.SwiGLU(sc.act, a.gu, N, F)
	t.linearForward(l, projDown, sc.tmp, sc.act)
	be.Add(next, a.xmid, sc.tmp)
	t.save(l, a)
}

// The four fused projections of a block.
const (
	projQKV = iota
	projO
	projGateUp
	projDown
	numProj
)

// proj returns the fused projection p of layer L.
func (L *Layer) proj(p int) *Linear {
	switch p {
	case projQKV:
		return &L.QKV
	case projO:
		return &L.O
	case projGateUp:
		return &L.GateUp
	}
	return &L.Down
}

// linearForward is out = x·Wᵀ + b for projection p of layer l over all
// rows, plus the LoRA adapters on it (which keep their x·Aᵀ on the tape).
func (t *Tape) linearForward(l, p int, out, x backend.View) {
	lin := t.m.Layers[l].proj(p)
	t.be.Gemm(out, x, t.wv(lin), t.bv(lin), backend.Gemm{M: t.b.N, N: lin.Out, K: lin.In, TransB: true})
	if t.lora != nil {
		t.lora.forward(l, p, hs(out), hs(x), t.b.N, hs(t.layers[l].lora), hs(t.sc.lora))
	}
}

// rope rotates the q and k heads of every row of qkv ([N, q|k|v]) by its
// position; inverse rotates by −θ instead (RoPE's backward pass).
func (t *Tape) rope(qkv backend.View, inverse bool) {
	cfg := t.m.Config
	Q, KV := cfg.QDim(), cfg.KVDim()
	t.be.RoPE(qkv, t.cos, t.sin, t.b.N, Q+2*KV, Q+KV, cfg.HeadDim, inverse)
}

// spans are the batch's sequences as row ranges.
func (b *batch) spans() []backend.Span {
	s := make([]backend.Span, len(b.seqs))
	for i := range s {
		s[i].Off, s[i].N = b.rows(i)
	}
	return s
}

// attentionForward computes causal GQA attention for every sequence into
// a.att and keeps each (row, head) softmax log-sum-exp in a.lse.
func (t *Tape) attentionForward(a *layerActs) {
	t.be.CausalAttention(a.att, a.lse, a.qkv, t.b.spans(), t.m.attnShape())
}
