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
type Tape struct {
	m      *Model
	b      *batch
	lora   *loraState // adapters the forward pass used; nil for a full fine-tune
	layers []layerActs
	xL     backend.View // [N,H] final residual stream
	rstdF  backend.View // [S] 1/rms of the final residual of each scored row
	lseF   backend.View // [S] log-sum-exp of each scored row's logits
	cos    backend.View // [N, hd/2] RoPE tables of each row's position
	sin    backend.View
	logp   backend.View // [S] the scored rows' log-probs (device: downloaded after the forward)
	sc     scratch
	be     backend.Backend  // the backend the pass runs its ops on
	dev    bool             // be is the model's device (not the CPU)
	arena  []float32        // host: the whole float arena, handed back to m after use
	bufs   []backend.Buffer // device: the tape's buffers, handed back to m after use
	done   bool
}

// layerActs views one decoder block's kept activations (see Tape).
type layerActs struct {
	x, rstd1, qkv, att, lse, xmid, rstd2, gu backend.View
	lora                                     backend.View // [N, loraWidth] adapters' x·Aᵀ, if any
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
	ints   int // one []int arena: per-row token, position, scored rows, targets
	logp   int // the returned log-probs
	held   int // floats the backend holds for the pass (not in the arena)
}

// sizesFor returns the arena sizes for N fed rows, S scored rows, the
// longest sequence maxT (fed rows), nseq sequences and loraW LoRA
// intermediate columns per layer. keep=false is the tape-less forward of
// SequenceLogProbs: one layer's activations reused by every layer, no
// backward scratch.
func sizesFor(cfg Config, N, S, maxT, nseq, loraW int, keep bool) tapeSizes {
	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	W, nh := Q+2*KV, cfg.NumAttentionHeads
	layer := N * (H + 1 + W + Q + nh + H + 1 + 2*F + loraW)
	kept := cfg.NumHiddenLayers * layer
	if !keep {
		kept = layer // one set for all layers; x ping-pongs with the xL buffer below
	}
	sc := N*H + N*H + N*F + N*loraScratch(cfg, loraW) + S*H // xn, tmp, act, lora, hS
	if keep {
		sc += N*H + N*max(2*F, Q+W) + S + S*H + packFloats(cfg, N, S, loraW) // dres, big, dlp, dhS, pack
	}
	fl := kept + N*H + 2*S + 2*N*(cfg.HeadDim/2) + sc
	// The CPU backend keeps the LM head's logits block between calls.
	return tapeSizes{floats: fl, ints: 2*N + 2*S + nseq, logp: S, held: host.HeadScratch(S, cfg.VocabSize)}
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
	return 4*int64(s.floats+s.held) + int64(unsafe.Sizeof(int(0)))*int64(s.ints) + 4*int64(s.logp) + perSeq*int64(nseq)
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
func TapeBytes(cfg Config, seqLens []int) int64 {
	return tapeBytes(cfg, seqLens, 0)
}

// TapeBytes is the package-level TapeBytes for this model, including the
// LoRA intermediates when adapters are enabled.
func (m *Model) TapeBytes(seqLens []int) int64 {
	w := 0
	if m.lora != nil {
		w = m.lora.width
	}
	return tapeBytes(m.Config, seqLens, w)
}

func tapeBytes(cfg Config, seqLens []int, loraW int) int64 {
	N, maxT := 0, 0
	for _, n := range seqLens {
		if n >= 2 {
			N += n - 1
			maxT = max(maxT, n-1)
		}
	}
	return sizesFor(cfg, N, N, maxT, len(seqLens), loraW, true).bytes(len(seqLens))
}

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
	sz := sizesFor(cfg, N, S, b.maxT, len(b.seqs), loraW, keep)
	var take func(n int) backend.View
	var err error
	if t.dev {
		// The zeroing fills below open the pass's batch: they go out with
		// the forward pass's one submission, not one each.
		t.be.Begin()
		spare := m.takeDeviceTape()
		take = func(n int) backend.View {
			if err != nil {
				return backend.View{}
			}
			var buf backend.Buffer
			if len(spare) > 0 {
				buf, spare = spare[0], spare[1:]
				if buf.Len() < n {
					t.be.Free(buf)
					buf = nil
				}
			}
			if buf == nil {
				if buf, err = t.be.Alloc(backend.F32, max(n, 1)); err != nil {
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
		arena := m.takeArena(sz.floats)
		t.arena = arena
		take = func(n int) backend.View {
			v := arena[:n:n]
			arena = arena[n:]
			return hv(v)
		}
		defer func() {
			if len(arena) != 0 {
				panic("qwen2: tape layout does not add up") // sizesFor and newTape disagree: a bug
			}
		}()
	}
	newLayer := func(x backend.View) layerActs {
		return layerActs{x: x, rstd1: take(N), qkv: take(N * W), att: take(N * Q), lse: take(N * nh),
			xmid: take(N * H), rstd2: take(N), gu: take(N * 2 * F), lora: take(N * loraW)}
	}
	t.layers = make([]layerActs, cfg.NumHiddenLayers)
	if keep {
		for l := range t.layers {
			t.layers[l] = newLayer(take(N * H))
		}
		t.xL = take(N * H)
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
	t.arena = nil
}
