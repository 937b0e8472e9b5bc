// Package backend is the device-neutral interface the Qwen2 model is written
// against once: device buffers, the forward ops a decoder-only transformer
// needs and their backward ops, and a batch scope that turns a decode step or
// a training micro-step into one submission. The CPU backend
// (engine/backend/host, today's engine/cpu kernels) and the GPU backends
// (engine/vulkan first; CUDA and Metal later) implement it; the registry
// (registry.go) finds which of them can run on this computer.
//
// Design, and why:
//
//   - Eager, not a graph. ggml and ollama's ml.Backend build a lazy graph and
//     schedule it across devices; ollama's own Go engine was deleted in 2026
//     partly because that layer did not pay off. One model on one device
//     needs no scheduler: ops are recorded in call order. A GPU backend
//     records them into one command buffer and submits at Flush (or at a
//     Download, which needs the results); the CPU backend simply runs them.
//     So the "graph" is the call sequence, and the batch scope is the only
//     synchronisation the model sees.
//   - Few, fused, model-sized ops, not ~80 tensor methods. Each op is what
//     the model does in one place (a GEMM with bias, RMSNorm keeping its
//     rstd, causal GQA attention keeping its log-sum-exp, the chunked LM-head
//     log-prob, AdamW over a whole flat vector), so every op is one kernel
//     (or a handful) on a GPU and one engine/cpu call on the CPU: nothing is
//     lost to glue. Shapes are plain ints; a View is a buffer plus an
//     element range, as flat as the llm.c-style arenas engine/qwen2 uses.
//   - Ops do not return errors. Wrong shapes are programming errors (the CPU
//     kernels panic on them); device failures (memory exhausted mid-step, a
//     lost device) are sticky: the first one is kept and returned by the
//     next Flush or Download, after which the backend refuses further work.
//     The model checks once per step, like a CUDA stream's error state.
//   - Small integer metadata (token ids, positions, sequence spans, targets)
//     passes as host slices: they are a few KB per step, and a GPU backend
//     copies them into its per-step upload ring with the other arguments.
//   - Numerics: float32 accumulation everywhere. Weights and activations may
//     be stored as BF16 (or F16 where a device lacks bf16); master weights,
//     gradients and optimizer state stay float32, as on the CPU.
package backend

import (
	"fmt"
	"math"

	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// DType is the element type of a buffer.
type DType uint8

const (
	F32  DType = iota // IEEE float32
	BF16              // bfloat16: float32's top 16 bits
	F16               // IEEE half, for devices without bf16 arithmetic
)

// Size is the bytes per element.
func (d DType) Size() int {
	if d == F32 {
		return 4
	}
	return 2
}

func (d DType) String() string {
	switch d {
	case F32:
		return "f32"
	case BF16:
		return "bf16"
	case F16:
		return "f16"
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// Buffer is a block of device memory holding Len elements of one DType. Only
// the backend that allocated it may use it.
type Buffer interface {
	DType() DType
	Len() int
}

// View is the elements [Off, Off+N) of a buffer. The zero View means "none"
// (an absent bias, a frozen parameter's gradient).
type View struct {
	Buf    Buffer
	Off, N int
}

// Whole views all of b.
func Whole(b Buffer) View { return View{Buf: b, N: b.Len()} }

// Nil reports whether v is the "none" View.
func (v View) Nil() bool { return v.Buf == nil }

// Slice returns elements [lo, hi) of v.
func (v View) Slice(lo, hi int) View {
	if lo < 0 || hi < lo || hi > v.N {
		panic(fmt.Sprintf("backend: slice [%d:%d] of a %d-element view", lo, hi, v.N))
	}
	return View{Buf: v.Buf, Off: v.Off + lo, N: hi - lo}
}

// Memory is a device's memory as the backend sees it, in bytes. Available is
// what an allocation may still take (for the CPU: free RAM).
type Memory struct {
	InUse, Available, Total int64
}

// Gemm shapes one matrix product, row-major throughout:
//
//	out[M,N] (+)= op(a)·op(b) + bias[N]
//
// with op(a) [M,K] (a stored [K,M] when TransA) and op(b) [K,N] (b stored
// [N,K] when TransB, i.e. PyTorch's [out,in] weight layout). The three uses
// in a transformer are
//
//	y  = x·Wᵀ + b   TransB              (forward; W may be BF16)
//	dx = dy·W       neither              (input gradient)
//	dW += dyᵀ·x     TransA, Accumulate   (weight gradient)
//
// Backends must support these three with a and out in F32; other
// combinations may be slower but must be correct.
type Gemm struct {
	M, N, K        int
	TransA, TransB bool
	Accumulate     bool // add into out instead of overwriting it
}

// Span is a run of N consecutive rows starting at Off: one packed sequence.
type Span struct{ Off, N int }

// Attn is the geometry of grouped-query attention over fused qkv rows
// [rows, (Heads+2·KVHeads)·HeadDim] laid out q | k | v, head-major within
// each. Scale multiplies q·kᵀ (1/√HeadDim).
type Attn struct {
	Heads, KVHeads, HeadDim int
	Scale                   float32
}

// QDim is the width of the q part of a qkv row, KVDim of the k (or v) part.
func (a Attn) QDim() int  { return a.Heads * a.HeadDim }
func (a Attn) KVDim() int { return a.KVHeads * a.HeadDim }

// KVRun is N consecutive cached positions of one layer stored in one pair
// of buffers, head-major [KVHeads][Cap][HeadDim]: one KV head's positions are
// a contiguous matrix. A sequence's visible context is a list of runs, root
// first; with a shared prompt prefix every answer's list starts with the
// prompt's run (shared, never copied) followed by its own.
type KVRun struct {
	K, V   View
	Cap, N int
}

// VisibleRuns is the prefix of runs covering a row's first ctx positions (a
// run may hold positions written this step beyond that row's context).
// Backends use it to cut a sequence's runs per block of query rows.
func VisibleRuns(runs []KVRun, ctx int) []KVRun {
	out := make([]KVRun, 0, len(runs))
	for _, r := range runs {
		if ctx <= 0 {
			break
		}
		r.N = min(r.N, ctx)
		ctx -= r.N
		out = append(out, r)
	}
	return out
}

// CachedSeq is the query rows of one sequence in a cached attention call:
// Rows (ascending positions) of the qkv/out matrices, attending to the
// positions its Runs hold. Row r attends to positions [0, pos[r]].
type CachedSeq struct {
	Rows []int
	Runs []KVRun
}

// AdamW is one optimizer step's hyper-parameters, torch.optim semantics
// (bias correction by Step, eps after the square root). Decoupled selects
// AdamW's param·(1−LR·WeightDecay); otherwise WeightDecay is Adam's L2 term.
type AdamW struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
	Step                               int64 // the step being taken, from 1
	Decoupled                          bool
}

// AdamWKernel is the scalars a device AdamW kernel takes, derived from the
// hyperparameters and the step count on the host in float64 and only then
// rounded, so every GPU backend's update matches engine/train's.
type AdamWKernel struct {
	Mode int // 0: Adam; 1: decoupled decay (AdamW); 2: L2 decay added to the gradient
	// OneMinusBeta1, Beta2 and OneMinusBeta2 update the moments; StepSize
	// is LR over the first bias correction and SqrtBC2 the square root of
	// the second; Decay is 1-LR·WeightDecay (decoupled), WeightDecay the L2
	// factor.
	OneMinusBeta1, Beta2, OneMinusBeta2, StepSize, SqrtBC2, Eps, Decay, WeightDecay float32
}

// Kernel is h as a device kernel's scalars.
func (h AdamW) Kernel() AdamWKernel {
	step := float64(h.Step)
	bc1 := 1 - math.Pow(h.Beta1, step)
	bc2 := math.Sqrt(1 - math.Pow(h.Beta2, step))
	mode := 0
	if h.WeightDecay != 0 {
		mode = 2
		if h.Decoupled {
			mode = 1
		}
	}
	return AdamWKernel{Mode: mode, OneMinusBeta1: float32(1 - h.Beta1), Beta2: float32(h.Beta2),
		OneMinusBeta2: float32(1 - h.Beta2), StepSize: float32(h.LR / bc1), SqrtBC2: float32(bc2),
		Eps: float32(h.Eps), Decay: float32(1 - h.LR*h.WeightDecay), WeightDecay: float32(h.WeightDecay)}
}

// KVCacheDTypes is implemented by backends whose KVAppend and
// CachedAttention accept KV runs stored in more types than F32: a BF16
// cache halves the memory of batch rollouts (attention still accumulates
// in float32). The model keeps its cache in F32 on every other backend.
type KVCacheDTypes interface {
	KVDTypes() []DType
}

// HostMemory is implemented by backends whose F32 buffers are host memory
// (the CPU backend): Host returns the slice behind a view, so the model can
// read a decode step's logits or hand a gradient to Go code without a copy.
type HostMemory interface {
	Host(v View) []float32
}

// Backend is one device. It is not safe for concurrent use: one model
// drives it from one goroutine (a CUDA context is per OS thread anyway).
type Backend interface {
	// Device says what this backend runs on.
	Device() Device
	// Close frees every buffer and the device. The backend is unusable after.
	Close() error

	// Buffers.
	Alloc(dt DType, n int) (Buffer, error) // zeroed; an error when memory is exhausted
	Free(b Buffer)
	Memory() Memory
	// Upload copies host float32 values into dst, converting to its dtype.
	Upload(dst View, src []float32) error
	// UploadBF16 copies bfloat16 bit patterns into dst (BF16: verbatim;
	// F32: widened) so bf16 checkpoints load without a float32 detour.
	UploadBF16(dst View, src []uint16) error
	// Download flushes pending work and copies src into dst as float32.
	Download(dst []float32, src View) error

	// Batch scope: ops between Begin and Flush form one submission (one
	// decode step, one training micro-step). Flush waits for it and returns
	// the first error since the last Flush. Ops outside a scope run as if
	// each had its own.
	Begin()
	Flush() error

	// Elementwise and data movement.
	Zero(v View)
	Copy(dst, src View) // dst and src have equal N; dtypes may differ (a cast)
	Add(dst, a, b View) // dst = a + b (residual add); dst may alias a or b
	Scale(v View, s float32)
	SumSquares(v View) (float64, error) // Σ v², float64 accumulation; syncs
	// GatherRows copies rows[i] of src [*, cols] into row i of dst.
	GatherRows(dst, src View, rows []int, cols int)

	// Forward ops.
	Gemm(out, a, b, bias View, g Gemm)
	// RMSNorm writes out = x/rms(x)·w for rows×cols and, when rstd is not
	// nil, keeps 1/rms per row for the backward pass.
	RMSNorm(out, rstd, x, w View, rows, cols int, eps float32)
	// RMSNormScale recomputes RMSNorm's output from a kept rstd.
	RMSNormScale(out, x, w, rstd View, rows, cols int)
	// RoPETables fills cos/sin [len(pos), headDim/2] for the rows'
	// positions (angles in float64, θ^(−2i/headDim)).
	RoPETables(cos, sin View, pos []int, headDim int, theta float64)
	// RoPE rotates the first cols columns of each of rows rows of x (row
	// stride stride, whole heads of headDim) NeoX "rotate_half" style by
	// the angles of row r in cos/sin; inverse rotates by −θ (its backward).
	RoPE(x, cos, sin View, rows, stride, cols, headDim int, inverse bool)
	// SwiGLU writes act[r] = silu(gate[r])·up[r] for gu rows [gate | up]
	// of width 2F.
	SwiGLU(act, gu View, rows, F int)
	// Embed gathers table rows: out[i] = table[tokens[i]] (table may be
	// BF16; out is F32).
	Embed(out, table View, tokens []int, hidden int)

	// CausalAttention is packed-sequence attention (training, scoring):
	// each span's rows attend causally within the span only. It writes att
	// [rows, QDim] and keeps lse [rows, Heads], each softmax row's
	// log-sum-exp, so the backward pass can rebuild probabilities.
	CausalAttention(att, lse, qkv View, seqs []Span, a Attn)
	// KVAppend stores the k and v parts of qkv rows rows into run at
	// positions first, first+1, … (run.N is not changed; the caller's cache
	// bookkeeping owns it).
	KVAppend(run KVRun, qkv View, rows []int, first int, a Attn)
	// CachedAttention is attention against KV caches (inference prefill
	// and decode, several sequences per call): for each seq, its rows
	// attend to positions [0, pos[row]] of its runs. Writes att [rows, QDim].
	CachedAttention(att, qkv View, seqs []CachedSeq, pos []int, a Attn)

	// LMHeadLogProbs is the fused final projection + log-softmax for rows
	// rows of h [rows, hidden] against w [vocab, hidden] (F32 or BF16),
	// chunked over the vocabulary so no [rows, vocab] matrix exists:
	// logp[i] = logits[i, targets[i]] − lse[i]; lse is kept for backward.
	LMHeadLogProbs(logp, lse, h, w View, targets []int, rows, vocab, hidden int)

	// Backward ops. "Adds" means accumulate into the destination.
	// RMSNormBackward adds dx = r·(dy∘w) − x·r³/C·Σ(dy∘w∘x) into dx and
	// Σ_rows dy∘x·r into dw (dw nil: frozen).
	RMSNormBackward(dx, dw, dy, x, w, rstd View, rows, cols int)
	// SwiGLUBackward writes dgu [rows, 2F] from dact and gu.
	SwiGLUBackward(dgu, dact, gu View, rows, F int)
	// SumRows adds the column sums of x [rows, cols] into dst (a bias
	// gradient), rows in order.
	SumRows(dst, x View, rows, cols int)
	// EmbedBackward scatter-adds row i of dx into dtable[tokens[i]], rows
	// in order (a token may repeat).
	EmbedBackward(dtable, dx View, tokens []int, hidden int)
	// CausalAttentionBackward writes dqkv [rows, QDim+2·KVDim] (q and k
	// gradients in the rotated frame) from datt and the forward's qkv, att
	// and lse, recomputing probabilities block by block.
	CausalAttentionBackward(dqkv, datt, qkv, att, lse View, seqs []Span, a Attn)
	// LMHeadBackward writes dh [rows, hidden] and adds dw [vocab, hidden]
	// (nil: frozen) for dlogp [rows] given the forward's h, w, lse.
	LMHeadBackward(dh, dw, h, w, lse, dlogp View, targets []int, rows, vocab, hidden int)

	// Optimizer: one AdamW/Adam step over flat F32 vectors of equal N.
	AdamWStep(param, grad, m, v View, h AdamW)

	// Sample draws one token per row of logits [len(s), vocab] with the
	// rows' own seeded samplers, so every backend replays the CPU's draws
	// exactly. A device backend may shortlist top-k on the device; the
	// default is to download the rows and run the samplers on the host.
	Sample(dst []sample.Result, logits View, vocab int, s []*sample.Sampler) error
}
