package qwen2

import (
	"fmt"
	"unsafe"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// Tape is what TrainForward keeps for Backward: the activations of every
// block for all rows of the batch, in one flat arena (llm.c style), plus the
// scratch the backward pass works in. It belongs to the Model that made it
// and must be backpropagated (once) before that model's weights change.
//
// What is kept per layer, for N fed rows (all tokens but the last of each
// sequence), and why:
//
//	x      [N,H]      block input: residual stream, RMSNorm backward
//	rstd1  [N]        1/rms(x): the normalised input is recomputed, not kept
//	qkv    [N,Q+2KV]  q and k after RoPE, v: attention backward
//	att    [N,Q]      attention output: o_proj weight gradient, attention backward
//	lse    [N,heads]  attention log-sum-exp per row and head: softmax rows are
//	                  recomputed block by block (flash style), never stored
//	xmid   [N,H]      residual after attention: second RMSNorm backward
//	rstd2  [N]        1/rms(xmid)
//	gu     [N,2F]     gate|up pre-activation: SwiGLU backward (the activation
//	                  silu(gate)·up is recomputed)
//	lora   [N,r·t]    LoRA only: each of the t adapters' x·Aᵀ (rank r)
//
// and once: the final residual [N,H], the final norm's rstd and the LM-head
// log-sum-exp per scored row, RoPE tables per position. The [rows × vocab]
// logits are never stored: the head works in blocks of headRows × headVocab.
// Recomputed in backward instead of kept: both RMSNorm outputs (x·rstd·w),
// the SwiGLU activation, the attention probabilities and the head's logits;
// each costs far less than the memory it would take (for Qwen2.5-0.5B the
// tape is ~1.3 MB per fed row).
//
// The tape lives where the pass runs: on the CPU backend one host arena
// carved into views; on a device backend (training on the device, see
// Model.SetDeviceTraining) one device buffer per array, so every op sees
// its operands at offset 0 and nothing is staged through temporaries.
//
// A bf16 tape (Model.SetTapeDType) keeps x, qkv, att, xmid and gu (all
// but 16 floats of a row's ~13.6k per layer for Qwen2.5-0.5B) as bf16:
// half the memory. The ops still read and write float32 only: each block
// computes in one layer's float32 working rows (work, with the residual
// stream alternating between the two wx), and save rounds what the
// backward pass reads into the tape; the backward pass widens a layer's
// rows back into the working rows (restore) before using them. So the
// forward pass, and the log-probs, are the float32 tape's bit for bit;
// only the gradients see the rounding. The per-row statistics (rstd, lse)
// and LoRA's intermediates stay float32: they are small.
type Tape struct {
	m       *Model
	b       *batch
	lora    *loraState // adapters the forward pass used; nil for a full fine-tune
	layers  []layerActs
	xL      backend.View // [N,H] final residual stream
	rstdF   backend.View // [S] 1/rms of the final residual of each scored row
	lseF    backend.View // [S] log-sum-exp of each scored row's logits
	cos     backend.View // [N, hd/2] RoPE tables of each row's position
	sin     backend.View
	logp    backend.View // [S] the scored rows' log-probs (device: downloaded after the forward)
	sc      scratch
	work    *layerActs       // bf16 tape: the float32 rows a block computes in (see acts); nil for f32
	wx      [2]backend.View  // bf16 tape: the float32 residual stream, block input and output by turns
	be      backend.Backend  // the backend the pass runs its ops on
	dev     bool             // be is the model's device (not the CPU)
	arena   []float32        // host: the whole float arena, handed back to m after use
	arena16 []uint16         // host, bf16 tape: the 16-bit arena of the kept activations
	bufs    []backend.Buffer // device: the tape's buffers, handed back to m after use
	done    bool
}

// layerActs views one decoder block's kept activations (see Tape).
type layerActs struct {
	x, rstd1, qkv, att, lse, xmid, rstd2, gu backend.View
	lora                                     backend.View // [N, loraWidth] adapters' x·Aᵀ, if any
}

// rounded are the activations a bf16 tape keeps as bf16: all but the
// per-row statistics and LoRA's intermediates.
func (a *layerActs) rounded() [5]backend.View {
	return [5]backend.View{a.x, a.qkv, a.att, a.xmid, a.gu}
}

// acts is where block l's activations are: the tape's own rows for an f32
// tape; for a bf16 tape the float32 working rows the block computes in
// (and its backward reads, after restore), with the layer's own
// statistics.
func (t *Tape) acts(l int) *layerActs {
	if t.work == nil {
		return &t.layers[l]
	}
	w, k := t.work, &t.layers[l]
	w.x = t.input(l)
	w.rstd1, w.lse, w.rstd2, w.lora = k.rstd1, k.lse, k.rstd2, k.lora
	return w
}

// input is the residual stream block l reads (l = number of layers: the
// final one, which the LM head reads).
func (t *Tape) input(l int) backend.View {
	switch {
	case l == len(t.layers):
		return t.xL
	case t.work != nil:
		return t.wx[l%2]
	}
	return t.layers[l].x
}

// save rounds block l's activations a (its working rows) into a bf16 tape;
// an f32 tape computed in place and has nothing to do.
func (t *Tape) save(l int, a *layerActs) {
	if t.work == nil {
		return
	}
	kept := t.layers[l].rounded()
	for i, v := range a.rounded() {
		t.be.Copy(kept[i], v)
	}
}

// restore is acts(l) for the backward pass: a bf16 tape's rows of block l
// widened back into the working rows first.
func (t *Tape) restore(l int) *layerActs {
	a := t.acts(l)
	if t.work != nil {
		work := a.rounded()
		for i, v := range t.layers[l].rounded() {
			t.be.Copy(work[i], v)
		}
	}
	return a
}

// scratch is working memory shared by the forward and backward passes.
type scratch struct {
	xn   backend.View // [N,H] normalised block input (recomputed in backward)
	tmp  backend.View // [N,H] projection output; in backward the normalised input's gradient
	dres backend.View // [N,H] gradient of the residual stream
	act  backend.View // [N,F] silu(gate)·up; in backward its gradient
	big  backend.View // [N, max(2F, Q+Q+2KV)]: gate|up gradient, or attention output|qkv gradients
	lora backend.View // [N, loraScratch] LoRA deltas and gradients of the low-rank intermediates
	dlp  backend.View // [S] dL/dlogp of each scored row, flattened
	pack backend.View // the backward GEMMs' packed panels (packFloats); host only
	// LM head: the final-normed scored rows and their gradient.
	hS, dhS backend.View // [S, H]
}

// hs is the host slice behind a view of a tape on the CPU backend (LoRA's
// kernels and tests work on slices).
func hs(v backend.View) []float32 {
	if v.Nil() {
		return nil
	}
	return hostOps.Host(v)
}

// hostOps reads host views; the CPU backend keeps no state for that.
var hostOps = host.New()

// tapeSizes are the element counts one batch needs, computed from the shape
// alone: TapeBytes reports them and TrainForward allocates exactly them.
type tapeSizes struct {
	floats int // one []float32 arena: activations + scratch
	halves int // one []uint16 arena: a bf16 tape's kept activations
	ints   int // one []int arena: per-row token, position, scored rows, targets
	logp   int // the returned log-probs
	held   int // floats the backend holds for the pass (not in the arena)
}

// sizesFor is tapeLayout for an f32 tape, or for the tape-less forward
// (keep=false), which keeps nothing and so has no tape type.
func sizesFor(cfg Config, N, S, maxT, nseq, loraW int, keep bool) tapeSizes {
	return tapeLayout(cfg, N, S, maxT, nseq, loraW, keep, backend.F32)
}

// tapeLayout returns the arena sizes for N fed rows, S scored rows, the
// longest sequence maxT (fed rows), nseq sequences and loraW LoRA
// intermediate columns per layer, with the large activations kept as dt.
// keep=false is the tape-less forward of SequenceLogProbs: one layer's
// activations reused by every layer, no backward scratch.
func tapeLayout(cfg Config, N, S, maxT, nseq, loraW int, keep bool, dt backend.DType) tapeSizes {
	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	W, nh, L := Q+2*KV, cfg.NumAttentionHeads, cfg.NumHiddenLayers
	rounded := N * (H + W + Q + H + 2*F) // x, qkv, att, xmid, gu (layerActs.rounded)
	stats := N * (1 + nh + 1 + loraW)    // rstd1, lse, rstd2, lora
	kept, halves := L*(rounded+stats), 0
	switch {
	case !keep:
		kept = rounded + stats // one set for all layers; x ping-pongs with the xL buffer below
	case dt != backend.F32:
		// bf16 in the 16-bit arena; one layer's float32 working rows
		// and the second residual stream buffer in the float arena.
		kept, halves = L*stats+rounded+N*H, L*rounded
	}
	sc := N*H + N*H + N*F + N*loraScratch(cfg, loraW) + S*H // xn, tmp, act, lora, hS
	if keep {
		sc += N*H + N*max(2*F, Q+W) + S + S*H + packFloats(cfg, N, S, loraW) // dres, big, dlp, dhS, pack
	}
	fl := kept + N*H + 2*S + 2*N*(cfg.HeadDim/2) + sc
	// The CPU backend keeps the LM head's logits block between calls.
	return tapeSizes{floats: fl, halves: halves, ints: 2*N + 2*S + nseq, logp: S, held: host.HeadScratch(S, cfg.VocabSize)}
}

// packFloats is the scratch of the largest backward GEMM of a step
// (cpu.MatMulNN and cpu.MatMulTNAccNN pack one operand into panels).
func packFloats(cfg Config, N, S, loraW int) int {
	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	n := 0
	for _, p := range [][2]int{{Q + 2*KV, H}, {H, Q}, {2 * F, H}, {H, F}} { // [out, in] of each projection
		n = max(n, cpu.MatMulTNAccNNScratch(N, p[0], p[1]), cpu.MatMulNNScratch(N, p[1], p[0], false))
	}
	hr, hvoc := min(S, host.HeadRows), min(cfg.VocabSize, host.HeadVocab)
	n = max(n, cpu.MatMulTNAccNNScratch(hr, hvoc, H), cpu.MatMulNNScratch(hr, H, hvoc, true))
	if loraW > 0 { // adapters: dB as the base dW, dA and d x·A far smaller but for this bound
		n = max(n, cpu.MatMulNNScratch(N, max(H, Q, F), loraW, true))
	}
	return n
}

// bytes is the memory of the arenas plus the returned log-probs and the
// per-sequence headers (the batch's copy of the sequences, the log-prob rows).
func (s tapeSizes) bytes(nseq int) int64 {
	perSeq := int64(unsafe.Sizeof(Sequence{}) + unsafe.Sizeof([]float32(nil)))
	return 4*int64(s.floats+s.held) + 2*int64(s.halves) + int64(unsafe.Sizeof(int(0)))*int64(s.ints) + 4*int64(s.logp) + perSeq*int64(nseq)
}

// TapeBytes is the memory TrainForward and Backward allocate for sequences
// of these lengths (len(Tokens) each): the kept activations, the backward
// scratch and the returned log-probs. It is computed from the config alone so
// a memory planner can refuse a step before allocating. It assumes every
// token after the first is scored (Start = 1), so it is exact then and an
// upper bound otherwise. Not included: the weights, the gradient buffer, and
// the small reusable per-thread scratch of the kernels (engine/cpu's packing
// of forward GEMM inputs, one attention block of one sequence), which
// consecutive steps share. With LoRA enabled the tape also keeps the
// adapters' low-rank intermediates (rank × targets floats per row and layer);
// (*Model).TapeBytes includes them. Lengths below 2 count as empty.
// It is the f32 tape's size (the default); TapeBytesAs gives a bf16 tape's.
func TapeBytes(cfg Config, seqLens []int) int64 {
	return tapeBytes(cfg, seqLens, 0)
}

// TapeBytesAs is TapeBytes for a tape that keeps its large activations as
// dt (Model.SetTapeDType): for BF16 about half.
func TapeBytesAs(cfg Config, seqLens []int, dt backend.DType) int64 {
	return tapeBytesAs(cfg, seqLens, 0, dt)
}

// TapeBytes is the package-level TapeBytes for this model, with its tape
// type, including the LoRA intermediates when adapters are enabled.
func (m *Model) TapeBytes(seqLens []int) int64 {
	w := 0
	if m.lora != nil {
		w = m.lora.width
	}
	return tapeBytesAs(m.Config, seqLens, w, m.tapeDT)
}

// tapeBytes is tapeBytesAs for an f32 tape.
func tapeBytes(cfg Config, seqLens []int, loraW int) int64 {
	return tapeBytesAs(cfg, seqLens, loraW, backend.F32)
}

func tapeBytesAs(cfg Config, seqLens []int, loraW int, dt backend.DType) int64 {
	N, maxT := 0, 0
	for _, n := range seqLens {
		if n >= 2 {
			N += n - 1
			maxT = max(maxT, n-1)
		}
	}
	return tapeLayout(cfg, N, N, maxT, len(seqLens), loraW, true, dt).bytes(len(seqLens))
}

// SetTapeDType sets how the tapes TrainForward makes from now on keep
// their large activations: F32 (the default: exact) or BF16 (half the
// memory, for training on a device). Compute and accumulation stay
// float32 either way, and so do the forward pass's results: the log-probs
// are the same bits; only what the backward pass reads is rounded (see
// Tape). Every backend can keep a bf16 tape: it needs nothing but bf16
// buffers and casts, which need no bf16 arithmetic (so no f16 fallback).
func (m *Model) SetTapeDType(dt backend.DType) error {
	if dt != backend.F32 && dt != backend.BF16 {
		return fmt.Errorf("training activations are kept as f32 or bf16, not %v", dt)
	}
	m.tapeDT = dt
	return nil
}

// TapeDType is how the model's training tapes keep their large
// activations (SetTapeDType).
func (m *Model) TapeDType() backend.DType { return m.tapeDT }

// newTape allocates the tape for batch b and carves the views: on the CPU
// one arena, on a device (training on the device) one buffer per array,
// reusing the previous tape's buffers where they are large enough. A device
// that cannot hold the tape is an error (typed by the backend: out of
// memory), with nothing allocated left behind.
func (m *Model) newTape(b *batch, keep bool) (*Tape, error) {
	cfg := m.Config
	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	W, nh := Q+2*KV, cfg.NumAttentionHeads
	N, S := b.N, b.S
	t := &Tape{m: m, b: b, lora: m.lora, be: m.trainBackend(), dev: m.devTrain}
	loraW := 0
	if t.lora != nil {
		loraW = t.lora.width
	}
	dt := m.tapeDT
	if !keep {
		dt = backend.F32 // nothing is kept
	}
	sz := tapeLayout(cfg, N, S, b.maxT, len(b.seqs), loraW, keep, dt)
	// alloc takes n elements of type d (F32, or the tape's bf16 for the
	// kept activations).
	var alloc func(d backend.DType, n int) backend.View
	var err error
	if t.dev {
		// The zeroing fills below open the pass's batch: they go out with
		// the forward pass's one submission, not one each.
		t.be.Begin()
		spare := m.takeDeviceTape()
		alloc = func(d backend.DType, n int) backend.View {
			if err != nil {
				return backend.View{}
			}
			var buf backend.Buffer
			if len(spare) > 0 {
				buf, spare = spare[0], spare[1:]
				if buf.Len() < n || buf.DType() != d {
					t.be.Free(buf)
					buf = nil
				}
			}
			if buf == nil {
				if buf, err = t.be.Alloc(d, max(n, 1)); err != nil {
					return backend.View{}
				}
			}
			t.bufs = append(t.bufs, buf)
			v := backend.Whole(buf).Slice(0, n)
			t.be.Zero(v) // the host arena's contract: a tape starts zeroed
			return v
		}
		defer func() {
			for _, buf := range spare {
				t.be.Free(buf)
			}
		}()
	} else {
		arena, arena16 := m.takeArena(sz.floats), m.takeArena16(sz.halves)
		t.arena, t.arena16 = arena, arena16
		alloc = func(d backend.DType, n int) backend.View {
			if d == backend.F32 {
				v := arena[:n:n]
				arena = arena[n:]
				return hv(v)
			}
			v := arena16[:n:n]
			arena16 = arena16[n:]
			return host.WrapBF16(v)
		}
		defer func() {
			if len(arena) != 0 || len(arena16) != 0 {
				panic("qwen2: tape layout does not add up") // tapeLayout and newTape disagree: a bug
			}
		}()
	}
	// take is float32 memory; keepAs the kept activations the tape rounds.
	take := func(n int) backend.View { return alloc(backend.F32, n) }
	keepAs := func(n int) backend.View { return alloc(dt, n) }
	newLayer := func(x backend.View) layerActs {
		return layerActs{x: x, rstd1: take(N), qkv: keepAs(N * W), att: keepAs(N * Q), lse: take(N * nh),
			xmid: keepAs(N * H), rstd2: take(N), gu: keepAs(N * 2 * F), lora: take(N * loraW)}
	}
	t.layers = make([]layerActs, cfg.NumHiddenLayers)
	if keep {
		for l := range t.layers {
			t.layers[l] = newLayer(keepAs(N * H))
		}
		t.xL = take(N * H)
		if dt != backend.F32 {
			t.wx = [2]backend.View{take(N * H), take(N * H)}
			t.work = &layerActs{qkv: take(N * W), att: take(N * Q), xmid: take(N * H), gu: take(N * 2 * F)}
		}
	} else {
		// One set of activations for all layers; the block input and
		// output alternate between two buffers.
		xs := [2]backend.View{take(N * H), take(N * H)}
		shared := newLayer(xs[0])
		for l := range t.layers {
			t.layers[l] = shared
			t.layers[l].x = xs[l%2]
		}
		t.xL = xs[cfg.NumHiddenLayers%2]
	}
	t.rstdF, t.lseF = take(S), take(S)
	half := cfg.HeadDim / 2
	t.cos, t.sin = take(N*half), take(N*half)
	t.sc = scratch{xn: take(N * H), tmp: take(N * H), act: take(N * F), lora: take(N * loraScratch(cfg, loraW)),
		hS: take(S * H)}
	if keep {
		t.sc.dres, t.sc.big, t.sc.dlp = take(N*H), take(N*max(2*F, Q+W)), take(S)
		t.sc.dhS = take(S * H)
		pack := packFloats(cfg, N, S, loraW)
		if t.dev {
			pack = 0 // the packed panels are the CPU kernels' (LoRA runs on the CPU only)
		}
		t.sc.pack = take(pack)
	}
	if t.dev {
		t.logp = take(S)
		if err != nil {
			_ = t.be.Flush() // the fills of the buffers that were allocated; the error is err's
			t.release()
			return nil, fmt.Errorf("training memory on %s (%d rows): %w", t.be.Device().Name, N, err)
		}
	}
	return t, nil
}

// release hands the tape's memory back to the model for the next tape.
func (t *Tape) release() {
	if t.dev {
		t.m.putDeviceTape(t.bufs)
		t.bufs = nil
		return
	}
	t.m.putArena(t.arena)
	t.m.putArena16(t.arena16)
	t.arena, t.arena16 = nil, nil
}
