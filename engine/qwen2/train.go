package qwen2

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
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
func (m *Model) TrainForward(seqs []Sequence) (*Tape, [][]float32, error) {
	if err := m.canTrain(); err != nil {
		return nil, nil, fmt.Errorf("train forward: %w", err)
	}
	b, err := m.newBatch(seqs)
	if err != nil {
		return nil, nil, fmt.Errorf("train forward: %w", err)
	}
	t := m.newTape(b, true)
	return t, t.forward(), nil
}

// SequenceLogProbs is TrainForward without a Tape: the same log-probs for a
// frozen reference model (the KL term) or for scoring, with one layer's
// activations in memory instead of all. BF16 models work here.
func (m *Model) SequenceLogProbs(seqs []Sequence) ([][]float32, error) {
	b, err := m.newBatch(seqs)
	if err != nil {
		return nil, fmt.Errorf("sequence log-probs: %w", err)
	}
	t := m.newTape(b, false)
	logp := t.forward()
	m.putArena(t.arena)
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
// returns the log-probs.
func (t *Tape) forward() [][]float32 {
	m, b := t.m, t.b
	H := m.Config.HiddenSize
	t.ropeTables()
	x0 := t.layers[0].x
	for r, tok := range b.tokens {
		m.Embed.Row(x0[r*H:(r+1)*H], tok)
	}
	for l := range t.layers {
		next := t.xL
		if l+1 < len(t.layers) {
			next = t.layers[l+1].x
		}
		t.blockForward(l, next)
	}
	return t.headForward()
}

// blockForward runs decoder layer l on all rows, writing the block output
// (the next residual stream) into next:
//
//	xmid = x + o_proj(attention(rope(q), rope(k), v)),  q|k|v = qkv(rmsnorm(x))
//	next = xmid + down(silu(gate)·up),                  gate|up = gate_up(rmsnorm(xmid))
func (t *Tape) blockForward(l int, next []float32) {
	m, a, sc := t.m, &t.layers[l], &t.sc
	L, cfg, N := &m.Layers[l], m.Config, t.b.N
	H, F := cfg.HiddenSize, cfg.IntermediateSize
	eps := float32(cfg.RMSNormEps)

	rmsnormForward(sc.xn, a.rstd1, a.x, L.AttnNorm, N, H, eps)
	t.linearForward(l, projQKV, a.qkv, sc.xn)
	t.rope(a.qkv, false)
	t.attentionForward(a)
	t.linearForward(l, projO, sc.tmp, a.att)
	addRows(a.xmid, a.x, sc.tmp)

	rmsnormForward(sc.xn, a.rstd2, a.xmid, L.MLPNorm, N, H, eps)
	t.linearForward(l, projGateUp, a.gu, sc.xn)
	swigluForward(sc.act, a.gu, N, F)
	t.linearForward(l, projDown, sc.tmp, sc.act)
	addRows(next, a.xmid, sc.tmp)
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
func (t *Tape) linearForward(l, p int, out, x []float32) {
	lin := t.m.Layers[l].proj(p)
	lin.Forward(out, x, t.b.N)
	if t.lora != nil {
		t.lora.forward(l, p, out, x, t.b.N, t.layers[l].lora, t.sc.lora)
	}
}

// rmsnormForward writes out = x/rms(x)·w row by row and keeps rstd =
// 1/rms(x) per row; the arithmetic is cpu.RMSNorm's (float64 mean of
// squares), so the values match the inference path bit for bit.
func rmsnormForward(out, rstd, x, w []float32, N, C int, eps float32) {
	cpu.ParallelFor(N, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			rstd[r] = rmsnormRow(out[r*C:(r+1)*C], x[r*C:(r+1)*C], w, eps)
		}
	})
}

// rmsnormRow normalises one row and returns its rstd.
func rmsnormRow(out, x, w []float32, eps float32) float32 {
	var ss float64
	for _, v := range x {
		ss += float64(v) * float64(v)
	}
	s := float32(1 / math.Sqrt(ss/float64(len(x))+float64(eps)))
	scaleRow(out, x, w, s)
	return s
}

// scaleRow writes out = x·s·w (an RMSNorm with a known rstd s).
func scaleRow(out, x, w []float32, s float32) {
	out, w = out[:len(x)], w[:len(x)]
	for i, v := range x {
		out[i] = v * s * w[i]
	}
}

// rmsnormRecompute rebuilds rmsnormForward's output from the kept rstd.
func rmsnormRecompute(out, rstd, x, w []float32, N, C int) {
	cpu.ParallelFor(N, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			scaleRow(out[r*C:(r+1)*C], x[r*C:(r+1)*C], w, rstd[r])
		}
	})
}

// addRows writes dst = a + b elementwise.
func addRows(dst, a, b []float32) {
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// swigluForward writes act[r] = silu(gate[r])·up[r] for the N rows of gu
// ([N, gate|up]).
func swigluForward(act, gu []float32, N, F int) {
	cpu.ParallelFor(N, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			cpu.SiLUMul(act[r*F:(r+1)*F], gu[r*2*F:r*2*F+F], gu[r*2*F+F:(r+1)*2*F])
		}
	})
}

// ropeTables fills cos/sin [maxT, hd/2] by position, with the inference
// path's angles (computed in float64).
func (t *Tape) ropeTables() {
	half := t.m.Config.HeadDim / 2
	for p := 0; p < t.b.maxT; p++ {
		for i := 0; i < half; i++ {
			a := float64(p) * t.m.invFreq(i)
			t.cos[p*half+i] = float32(math.Cos(a))
			t.sin[p*half+i] = float32(math.Sin(a))
		}
	}
}

// rope rotates the q and k heads of every row of qkv ([N, q|k|v]) by its
// position, NeoX "rotate_half" pairs (x[i], x[i+hd/2]). inverse rotates by
// −θ instead: RoPE is orthogonal, so that is its backward pass.
func (t *Tape) rope(qkv []float32, inverse bool) {
	cfg := t.m.Config
	hd, half := cfg.HeadDim, cfg.HeadDim/2
	Q, KV := cfg.QDim(), cfg.KVDim()
	W := Q + 2*KV
	cpu.ParallelFor(t.b.N, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			p := t.b.pos[r]
			ropeRotate(qkv[r*W:r*W+Q+KV], t.cos[p*half:(p+1)*half], t.sin[p*half:(p+1)*half], hd, inverse)
		}
	})
}

// ropeRotate rotates each head of width hd in v by the angles of cos/sin,
// or by their negatives when inverse is set.
func ropeRotate(v, cos, sin []float32, hd int, inverse bool) {
	half := hd / 2
	for h := 0; h+hd <= len(v); h += hd {
		x := v[h : h+hd]
		for i := 0; i < half; i++ {
			a, b, c, s := x[i], x[i+half], cos[i], sin[i]
			if inverse {
				s = -s
			}
			x[i] = a*c - b*s
			x[i+half] = b*c + a*s
		}
	}
}

// trainAttnScratch is one worker's attention buffers, pooled like the
// inference path's so a step does not leave per-layer garbage: the keys and
// values of one KV head of one sequence (and their gradients), and one block
// of query rows with its scores.
type trainAttnScratch struct {
	k, v, dk, dv   []float32 // [T, hd]
	q, o, do, dq   []float32 // [group·rows, hd]
	s, dp, rowDots []float32 // [group·rows, ctx], [group·rows]
	pack           []float32 // cpu.MatMulNN / MatMulTNAccNN scratch
}

// packFor returns n floats of GEMM scratch (reserved by reserve).
func (sc *trainAttnScratch) packFor(n int) []float32 { return sc.pack[:n] }

// reserve sizes every buffer for a whole T-row task up front (the blocks'
// score matrices grow with the context), so a task allocates at most once
// and a pooled scratch not at all.
func (sc *trainAttnScratch) reserve(g attnGeom, T int) {
	nqMax, sMax, pMax := 0, 0, 0
	for lo := 0; lo < T; {
		hi := attnBlockEnd(lo, T, g.group)
		nq := g.group * (hi - lo)
		nqMax, sMax = max(nqMax, nq), max(sMax, nq*hi)
		pMax = max(pMax, cpu.MatMulNNScratch(nq, g.hd, hi, false), cpu.MatMulTNAccNNScratch(nq, hi, g.hd))
		lo = hi
	}
	for _, b := range []*[]float32{&sc.k, &sc.v, &sc.dk, &sc.dv} {
		*b = grow(*b, T*g.hd)
	}
	for _, b := range []*[]float32{&sc.q, &sc.o, &sc.do, &sc.dq} {
		*b = grow(*b, nqMax*g.hd)
	}
	sc.s, sc.dp, sc.rowDots, sc.pack = grow(sc.s, sMax), grow(sc.dp, sMax), grow(sc.rowDots, nqMax), grow(sc.pack, pMax)
}

var trainAttnPool = sync.Pool{New: func() any { return new(trainAttnScratch) }}

// attnBlockEnd returns the end of the block of query rows starting at lo of
// a T-row sequence: up to 64 rows, fewer when the score matrix
// (group·rows × ctx) would pass maxScores. Forward and backward use the same
// blocks, so recomputed scores are bit-identical to the forward ones.
func attnBlockEnd(lo, T, group int) int {
	hi := lo + 1
	for hi < T && hi-lo < 64 && group*(hi-lo+1)*(hi+1) <= maxScores {
		hi++
	}
	return hi
}

// attnGeom is the shape arithmetic of causal GQA attention over qkv rows.
type attnGeom struct {
	Q, KV, W, hd, nh, group int
	scale                   float32
}

func (m *Model) attnGeom() attnGeom {
	cfg := m.Config
	Q, KV := cfg.QDim(), cfg.KVDim()
	return attnGeom{Q: Q, KV: KV, W: Q + 2*KV, hd: cfg.HeadDim, nh: cfg.NumAttentionHeads,
		group: cfg.NumAttentionHeads / cfg.NumKeyValueHeads, scale: float32(1 / math.Sqrt(float64(cfg.HeadDim)))}
}

// gatherKV copies KV head j of rows [off, off+T) out of qkv into k and v
// ([T, hd] each, contiguous for the GEMMs).
func (g attnGeom) gatherKV(k, v, qkv []float32, off, T, j int) {
	for p := 0; p < T; p++ {
		row := qkv[(off+p)*g.W:]
		copy(k[p*g.hd:(p+1)*g.hd], row[g.Q+j*g.hd:g.Q+(j+1)*g.hd])
		copy(v[p*g.hd:(p+1)*g.hd], row[g.Q+g.KV+j*g.hd:g.Q+g.KV+(j+1)*g.hd])
	}
}

// gatherHeads copies the group query heads sharing KV head j, rows
// [first, first+nb) of a [N, stride] matrix whose head h starts at column
// col0+h·hd, into dst [group·nb, hd] (row (g, i) = head j·group+g of row
// first+i), multiplied by scale.
func (g attnGeom) gatherHeads(dst, src []float32, stride, col0, first, nb, j int, scale float32) {
	for gi := 0; gi < g.group; gi++ {
		h := j*g.group + gi
		for i := 0; i < nb; i++ {
			s := src[(first+i)*stride+col0+h*g.hd : (first+i)*stride+col0+(h+1)*g.hd]
			d := dst[(gi*nb+i)*g.hd : (gi*nb+i+1)*g.hd]
			for e, x := range s {
				d[e] = x * scale
			}
		}
	}
}

// scatterHeads is gatherHeads' inverse: it writes src [group·nb, hd] times
// scale into the heads of dst.
func (g attnGeom) scatterHeads(dst, src []float32, stride, col0, first, nb, j int, scale float32) {
	for gi := 0; gi < g.group; gi++ {
		h := j*g.group + gi
		for i := 0; i < nb; i++ {
			d := dst[(first+i)*stride+col0+h*g.hd : (first+i)*stride+col0+(h+1)*g.hd]
			s := src[(gi*nb+i)*g.hd : (gi*nb+i+1)*g.hd]
			for e, x := range s {
				d[e] = x * scale
			}
		}
	}
}

// attentionForward computes causal GQA attention for every sequence into
// a.att and keeps each (row, head) softmax log-sum-exp in a.lse. One task is
// one (sequence, KV head); tasks write disjoint outputs, so any thread
// schedule gives the same bits.
func (t *Tape) attentionForward(a *layerActs) {
	nkv := t.m.Config.NumKeyValueHeads
	g := t.m.attnGeom()
	cpu.ParallelFor(len(t.b.seqs)*nkv, func(lo, hi int) {
		sc := trainAttnPool.Get().(*trainAttnScratch)
		defer trainAttnPool.Put(sc)
		for task := lo; task < hi; task++ {
			t.attnForwardTask(g, a, task/nkv, task%nkv, sc)
		}
	})
}

// attnForwardTask runs KV head j of sequence seq, block of query rows by
// block:
//
//	S = (q·scale)·Kᵀ, P = softmax_causal(S), lse = log Σ exp S, O = P·V
func (t *Tape) attnForwardTask(g attnGeom, a *layerActs, seq, j int, sc *trainAttnScratch) {
	off, T := t.b.rows(seq)
	sc.reserve(g, T)
	g.gatherKV(sc.k[:T*g.hd], sc.v[:T*g.hd], a.qkv, off, T, j)
	for lo := 0; lo < T; {
		hi := attnBlockEnd(lo, T, g.group)
		nb, ctx := hi-lo, hi
		nq := g.group * nb
		q, s, o := sc.q[:nq*g.hd], sc.s[:nq*ctx], sc.o[:nq*g.hd]
		g.gatherHeads(q, a.qkv, g.W, 0, off+lo, nb, j, g.scale)
		cpu.MatMulT(s, q, sc.k[:ctx*g.hd], nil, nq, ctx, g.hd)
		for gi := 0; gi < g.group; gi++ {
			h := j*g.group + gi
			for i := 0; i < nb; i++ {
				row := s[(gi*nb+i)*ctx : (gi*nb+i+1)*ctx]
				valid := lo + i + 1 // causal: positions 0 … lo+i
				a.lse[(off+lo+i)*g.nh+h] = softmaxLSE(row[:valid])
				clear(row[valid:])
			}
		}
		cpu.MatMulNN(o, s, sc.v[:ctx*g.hd], nq, g.hd, ctx, false, sc.packFor(cpu.MatMulNNScratch(nq, g.hd, ctx, false)))
		g.scatterHeads(a.att, o, g.Q, 0, off+lo, nb, j, 1)
		lo = hi
	}
}

// softmaxLSE replaces x with softmax(x) and returns log Σ exp x.
func softmaxLSE(x []float32) float32 {
	mx := x[0]
	for _, v := range x[1:] {
		mx = max(mx, v)
	}
	sum := cpu.ExpSub(x, mx)
	inv := 1 / sum
	for i := range x {
		x[i] *= inv
	}
	return mx + float32(math.Log(float64(sum)))
}
