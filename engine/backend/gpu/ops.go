package gpu

import (
	"encoding/binary"
	"fmt"
	"github.com/swarmdesk/swarmdesk/engine/backend"
	"math"
	"strings"
)

// The ops the backend records into a Batch: which kernel, which push
// constants and which grid for each op, for every GPU API. Shapes are
// element counts; all tensors are row-major fp32 unless a DType says
// otherwise. Errors are collected in the Recorder and returned by Run.

// Recorder is a Batch with the ops on it and the first op-level error.
// The Backend records through one; device packages use one directly in
// their kernel-level tests and benchmarks.
type Recorder struct {
	Batch
	err  error
	gemm GEMMRecorder // the Batch's own GEMM path, if it has one
}

// NewRecorder returns a Recorder over b.
func NewRecorder(b Batch) *Recorder {
	r := &Recorder{Batch: b}
	r.gemm, _ = b.(GEMMRecorder)
	return r
}

// GEMMRecorder is an optional Batch method for an API with GEMM kernels of
// its own for some shapes or devices (Vulkan's cooperative-matrix GEMM):
// RecordGEMM records g (Batch and BDiv already defaulted to 1) and returns
// true, or returns false to take the shared kernels.
type GEMMRecorder interface {
	RecordGEMM(g GEMM) bool
}

// Run submits what is recorded, returning the first op-level error if
// there was one, else the Batch's.
func (b *Recorder) Run() error {
	err := b.Batch.Run()
	if b.err != nil {
		err, b.err = b.err, nil
	}
	return err
}

// fail keeps the first op-level error.
func (b *Recorder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// DType is a weight storage type for the GEMM's B operand.
type DType int

const (
	F32 DType = iota
	BF16
	F16
)

func (t DType) String() string { return [...]string{"f32", "bf16", "f16"}[t] }

func (t DType) gemmKernel() string {
	switch t {
	case BF16:
		return "gemm_bf16"
	case F16:
		return "gemm_f16"
	}
	return "gemm_f32"
}

// Groups is how many work groups of per items cover n.
func Groups(n, per int) uint32 { return uint32((n + per - 1) / per) }

// GEMM is one strided, batched product
//
//	C[b][m][n] = Alpha·Σ_k A[AOff + b·SA + m·SAM + k·SAK] · B[BOff + (b/BDiv)·SB + k·SBK + n·SBN]
//	             + Beta·C[COff + b·SC + m·SCM + n] (+ Bias[n])
type GEMM struct {
	A, B, C, Bias      Buffer
	BType              DType
	M, N, K, Batch     int
	SAM, SAK, SBK, SBN int
	SCM                int
	SA, SB, SC, BDiv   int
	AOff, BOff, COff   int
	Alpha, Beta        float32
}

// Gemm records g.
func (b *Recorder) Gemm(g GEMM) {
	if g.Batch == 0 {
		g.Batch = 1
	}
	if g.BDiv == 0 {
		g.BDiv = 1
	}
	if b.gemm != nil && b.gemm.RecordGEMM(g) {
		return
	}
	bias, has := g.Bias, 1
	if bias == nil {
		bias, has = g.C, 0
	}
	// Decode-sized products of x·Wᵀ take the streaming kernel.
	if g.M <= 8 && g.Batch == 1 && g.SAK == 1 && g.SAM == g.K && g.SBK == 1 && g.SBN == g.K && g.Alpha == 1 {
		pc := push(nil).u(g.M, g.N, g.K, g.AOff, g.BOff, g.COff, g.SCM, has).f(g.Beta)
		b.Dispatch("gemv"+strings.TrimPrefix(g.BType.gemmKernel(), "gemm"), []Buffer{g.A, g.B, g.C, bias}, pc, uint32(g.N), 1, 1)
		return
	}
	bufs, pc := g.Operands()
	b.Dispatch(g.BType.gemmKernel(), bufs, pc, Groups(g.N, 64), Groups(g.M, 64), uint32(g.Batch))
}

// Operands are the buffers (A, B, C, then the bias or C again) and push
// constants of a tiled GEMM kernel, as gemm.comp declares them; an API's own
// GEMM kernel (Vulkan's cooperative-matrix one) takes the same, so they
// are packed here once. Batch and BDiv must be set (Gemm sets them).
func (g GEMM) Operands() ([]Buffer, []byte) {
	bias, has := g.Bias, 1
	if bias == nil {
		bias, has = g.C, 0
	}
	pc := push(nil).u(g.M, g.N, g.K, g.SAM, g.SAK, g.SBK, g.SBN, g.SCM, g.SA, g.SB, g.SC, g.BDiv, g.AOff, g.BOff, g.COff, has).f(g.Alpha, g.Beta)
	return []Buffer{g.A, g.B, g.C, bias}, pc
}

// MatMulT records out[M,N] = x[M,K]·w[N,K]ᵀ (+ bias[N]): a Linear layer
// with PyTorch's weight layout, w stored as wt.
func (b *Recorder) MatMulT(out, x, w, bias Buffer, wt DType, M, N, K int) {
	b.Gemm(GEMM{A: x, B: w, C: out, Bias: bias, BType: wt, M: M, N: N, K: K, SAM: K, SAK: 1, SBK: 1, SBN: K, SCM: N, Alpha: 1})
}

// MatMul records dx[M,K] (+)= dy[M,N]·w[N,K] (the input gradient of a Linear).
func (b *Recorder) MatMul(dx, dy, w Buffer, wt DType, M, N, K int, accumulate bool) {
	b.Gemm(GEMM{A: dy, B: w, C: dx, BType: wt, M: M, N: K, K: N, SAM: N, SAK: 1, SBK: K, SBN: 1, SCM: K, Alpha: 1, Beta: beta(accumulate)})
}

// MatMulTNAcc records dw[N,K] += dy[M,N]ᵀ·x[M,K] (the weight gradient).
func (b *Recorder) MatMulTNAcc(dw, dy, x Buffer, M, N, K int) {
	b.Gemm(GEMM{A: dy, B: x, C: dw, M: N, N: K, K: M, SAM: 1, SAK: N, SBK: K, SBN: 1, SCM: K, Alpha: 1, Beta: 1})
}

func beta(acc bool) float32 {
	if acc {
		return 1
	}
	return 0
}

// RMSNorm records out = rmsnorm(x)·w over rows of n, keeping rstd[rows].
func (b *Recorder) RMSNorm(out, rstd, x, w Buffer, rows, n int, eps float32) {
	b.Dispatch("rmsnorm", []Buffer{x, w, out, rstd}, push(nil).u(rows, n).f(eps), uint32(rows), 1, 1)
}

// RMSNormBackward records dx (+)= ∂/∂x and dw += ∂/∂w for dy.
func (b *Recorder) RMSNormBackward(dx, dw, dy, x, w, rstd Buffer, rows, n int, accumulate bool) {
	acc := 0
	if accumulate {
		acc = 1
	}
	b.Dispatch("rmsnorm_bwd", []Buffer{dy, x, w, rstd, dx}, push(nil).u(rows, n, acc), uint32(rows), 1, 1)
	if dw != nil {
		b.Dispatch("rmsnorm_bwd_dw", []Buffer{dy, x, rstd, dw}, push(nil).u(rows, n), Groups(n, 64), 1, 1)
	}
}

// RoPE rotates, in place, heads×D values per row of x (row stride
// rowStride, starting at element xoff) by the rows' cos/sin tables
// [rows, D/2]. inverse rotates by −θ (the backward pass).
func (b *Recorder) RoPE(x, cos, sin Buffer, rows, heads, D, rowStride, xoff int, inverse bool) {
	sign := float32(1)
	if inverse {
		sign = -1
	}
	b.Dispatch("rope", []Buffer{x, cos, sin}, push(nil).u(rows, heads, D, rowStride, xoff).f(sign), Groups(rows*heads*D/2, 64), 1, 1)
}

// RoPETables returns cos and sin [len(pos), D/2] for positions pos, the
// same float64 computation as the CPU model's tables.
func RoPETables(pos []int, D int, theta float64) (cos, sin []float32) {
	half := D / 2
	cos, sin = make([]float32, len(pos)*half), make([]float32, len(pos)*half)
	for r, p := range pos {
		for i := 0; i < half; i++ {
			a := float64(p) * math.Pow(theta, -float64(2*i)/float64(D))
			cos[r*half+i] = float32(math.Cos(a))
			sin[r*half+i] = float32(math.Sin(a))
		}
	}
	return cos, sin
}

// Attn describes causal GQA attention of T query rows against S key rows
// of one sequence. Query row t sits at position Pos0+t and sees keys
// 0..Pos0+t. Element addresses (all offsets and strides in elements; zero
// values take the packed defaults in brackets):
//
//	q(t,h,d)   = Q[QOff + t·QStride + h·D + d]             [QStride = Hq·D]
//	k(j,g,d)   = K[KOff + g·KHead + j·KRow + d]            [KHead = D, KRow = Hkv·D]
//	v(j,g,d)   = V[VOff + g·KHead + j·KRow + d]
//	out(t,h,d) = Out[OOff + t·OStride + h·D + d]           [OStride = Hq·D]
//	lse(t,h)   = LSE[LSEOff + t·LSET + h·LSEH]             [LSET = 1, LSEH = T]
//
// so rows of a fused qkv matrix and head-major KV-cache runs work in
// place. P is scratch [Hq, T, S] holding the probabilities for backward.
type Attn struct {
	Q, K, V, Out, P, LSE Buffer
	T, S, Pos0           int
	Hq, Hkv, D           int
	Scale                float32 // 0: 1/√D
	// KVType is K's and V's element type: F32, or BF16 (a bf16 KV cache;
	// FlashAttention only, widened as read, float32 arithmetic).
	KVType DType

	QOff, QStride      int
	KOff, VOff         int
	KHead, KRow        int
	OOff, OStride      int
	LSEOff, LSET, LSEH int
}

func (a Attn) norm() Attn {
	if a.Scale == 0 {
		a.Scale = float32(1 / math.Sqrt(float64(a.D)))
	}
	if a.QStride == 0 {
		a.QStride = a.Hq * a.D
	}
	if a.KHead == 0 {
		a.KHead = a.D
	}
	if a.KRow == 0 {
		a.KRow = a.Hkv * a.D
	}
	if a.OStride == 0 {
		a.OStride = a.Hq * a.D
	}
	if a.LSET == 0 && a.LSEH == 0 {
		a.LSET, a.LSEH = 1, a.T
	}
	return a
}

// Attention records attention forward: out and lse, P kept.
func (b *Recorder) Attention(a Attn) {
	a = a.norm()
	grp := a.Hq / a.Hkv
	// S = Q·Kᵀ per query head (the scale is applied in the softmax).
	b.Gemm(GEMM{A: a.Q, B: a.K, C: a.P, M: a.T, N: a.S, K: a.D, Batch: a.Hq,
		SAM: a.QStride, SAK: 1, SA: a.D, AOff: a.QOff, SBK: 1, SBN: a.KRow, SB: a.KHead, BDiv: grp, BOff: a.KOff,
		SCM: a.S, SC: a.T * a.S, Alpha: 1})
	b.Dispatch("softmax_causal", []Buffer{a.P, a.LSE},
		push(nil).u(a.T, a.S, a.Pos0).f(a.Scale).u(a.LSEOff, a.LSET, a.LSEH), uint32(a.Hq*a.T), 1, 1)
	// O = P·V.
	b.Gemm(GEMM{A: a.P, B: a.V, C: a.Out, M: a.T, N: a.D, K: a.S, Batch: a.Hq,
		SAM: a.S, SAK: 1, SA: a.T * a.S, SBK: a.KRow, SBN: 1, SB: a.KHead, BDiv: grp, BOff: a.VOff,
		SCM: a.OStride, SC: a.D, COff: a.OOff, Alpha: 1})
}

// FlashHeadDims are the head widths FlashAttention has a kernel for
// (flash_attn_d<D>): the shader keeps a query row and its output in
// registers and K/V tiles in shared memory, sized by the head width at
// compile time (MSL has no specialization constants as Vulkan has, so each
// width is its own kernel). 64 and 128 are Qwen2's widths (0.5B; 1.5B and
// up); 16 and 32 serve test models. Each width also has a kernel over bf16
// K and V (flash_attn_d<D>_bf16, a bf16 KV cache).
var FlashHeadDims = []int{16, 32, 64, 128}

// KVTypes are the element types a KV cache may have on the device
// (KVAppend, FlashAttention and the attention GEMMs take both).
var KVTypes = []DType{F32, BF16}

// flashKernels maps a head width and K/V type to its kernel.
var flashKernels = map[[2]int]string{}

func init() {
	for _, d := range FlashHeadDims {
		flashKernels[[2]int{d, int(F32)}] = fmt.Sprintf("flash_attn_d%d", d)
		flashKernels[[2]int{d, int(BF16)}] = fmt.Sprintf("flash_attn_d%d_bf16", d)
	}
}

// FlashKernels lists every flash-attention kernel (each width, each K/V
// type), for the device packages' tables of kernel bindings.
func FlashKernels() []string {
	var ks []string
	for _, d := range FlashHeadDims {
		for _, t := range KVTypes {
			ks = append(ks, flashKernels[[2]int{d, int(t)}])
		}
	}
	return ks
}

// HasFlash reports whether FlashAttention takes heads of width d.
func HasFlash(d int) bool { return flashKernels[[2]int{d, int(F32)}] != "" }

// FlashAttention records what Attention computes, Out (and LSE when
// writeLSE), with the tiled online-softmax kernel (flash_attn.comp): no
// [T, S] probability matrix, so a.P is not used and prefill memory does not
// grow with the square of the prompt. a.D must be one of FlashHeadDims.
func (b *Recorder) FlashAttention(a Attn, writeLSE bool) {
	a = a.norm()
	kernel := flashKernels[[2]int{a.D, int(a.KVType)}]
	if kernel == "" || a.Hkv < 1 || a.Hq%a.Hkv != 0 {
		b.fail(fmt.Errorf("flash attention: head width %d, %d/%d heads, %v K/V: no kernel (widths %v, K/V %v, query heads a multiple of KV heads)",
			a.D, a.Hq, a.Hkv, a.KVType, FlashHeadDims, KVTypes))
		return
	}
	lse, wl := a.LSE, 0
	if writeLSE && lse != nil {
		wl = 1
	} else {
		lse = a.Out // a binding must name a buffer; never written
	}
	b.Dispatch(kernel, []Buffer{a.Q, a.K, a.V, a.Out, lse},
		push(nil).u(a.T, a.S, a.Pos0, a.Hq, a.Hkv, a.QOff, a.QStride, a.KOff, a.VOff, a.KHead, a.KRow,
			a.OOff, a.OStride, a.LSEOff, a.LSET, a.LSEH, wl).f(a.Scale),
		uint32((a.T+63)/64), uint32(a.Hq), 1)
}

// AttnGrad says where AttentionBackward writes: dQ like Q (DQOff,
// DQStride) and dK, dV row-major like K, V with row stride DKRow (zero
// values: packed). DOut is laid out like Out.
type AttnGrad struct {
	DOut, DQ, DK, DV, DP Buffer
	DQOff, DQStride      int
	DKOff, DVOff, DKRow  int
}

// AttentionBackward records dQ, dK, dV (overwritten) from dOut, using the
// probabilities P that Attention left (recomputed by the caller if it
// reused P); g.DP is scratch shaped like P.
func (b *Recorder) AttentionBackward(a Attn, g AttnGrad) {
	a = a.norm()
	if g.DQStride == 0 {
		g.DQStride = a.Hq * a.D
	}
	if g.DKRow == 0 {
		g.DKRow = a.Hkv * a.D
	}
	grp := a.Hq / a.Hkv
	// dP = dO·Vᵀ
	b.Gemm(GEMM{A: g.DOut, B: a.V, C: g.DP, M: a.T, N: a.S, K: a.D, Batch: a.Hq,
		SAM: a.OStride, SAK: 1, SA: a.D, AOff: a.OOff, SBK: 1, SBN: a.KRow, SB: a.KHead, BDiv: grp, BOff: a.VOff,
		SCM: a.S, SC: a.T * a.S, Alpha: 1})
	// dS = scale·P⊙(dP − rowsum(P⊙dP)), in place in dP.
	b.Dispatch("softmax_bwd", []Buffer{a.P, g.DP}, push(nil).u(a.Hq*a.T, a.S).f(a.Scale), uint32(a.Hq*a.T), 1, 1)
	// dQ = dS·K
	b.Gemm(GEMM{A: g.DP, B: a.K, C: g.DQ, M: a.T, N: a.D, K: a.S, Batch: a.Hq,
		SAM: a.S, SAK: 1, SA: a.T * a.S, SBK: a.KRow, SBN: 1, SB: a.KHead, BDiv: grp, BOff: a.KOff,
		SCM: g.DQStride, SC: a.D, COff: g.DQOff, Alpha: 1})
	// dK = Σ_{heads in group} dSᵀ·Q and dV = Σ Pᵀ·dO, one GEMM per head of
	// the group so no two work groups add into the same KV head at once.
	for r := 0; r < grp; r++ {
		bt := beta(r > 0)
		b.Gemm(GEMM{A: g.DP, B: a.Q, C: g.DK, M: a.S, N: a.D, K: a.T, Batch: a.Hkv,
			SAM: 1, SAK: a.S, SA: grp * a.T * a.S, AOff: r * a.T * a.S,
			SBK: a.QStride, SBN: 1, SB: grp * a.D, BOff: a.QOff + r*a.D,
			SCM: g.DKRow, SC: a.D, COff: g.DKOff, Alpha: 1, Beta: bt})
		b.Gemm(GEMM{A: a.P, B: g.DOut, C: g.DV, M: a.S, N: a.D, K: a.T, Batch: a.Hkv,
			SAM: 1, SAK: a.S, SA: grp * a.T * a.S, AOff: r * a.T * a.S,
			SBK: a.OStride, SBN: 1, SB: grp * a.D, BOff: a.OOff + r*a.D,
			SCM: g.DKRow, SC: a.D, COff: g.DVOff, Alpha: 1, Beta: bt})
	}
}

// AttnDecode is one new query row per sequence for B sequences, each
// against its own KV cache: q, out [B, Hq·D]; k, v hold sequence b's rows
// at b·SeqStride ([Smax, Hkv·D] each); Lens[b] is how many rows are valid
// (uint32). Scratch is [B, Hq, Smax].
type AttnDecode struct {
	Q, K, V, Lens, Out, Scratch Buffer
	B, Hq, Hkv, D, Smax         int
	SeqStride                   int
}

// AttentionDecode records batched decode attention.
func (b *Recorder) AttentionDecode(a AttnDecode) {
	sc := float32(1 / math.Sqrt(float64(a.D)))
	b.Dispatch("attn_decode", []Buffer{a.Q, a.K, a.V, a.Lens, a.Out, a.Scratch},
		push(nil).u(a.Hq, a.Hkv, a.D, a.Smax, a.SeqStride).f(sc), uint32(a.Hq), uint32(a.B), 1)
}

// SwiGLU records out = silu(gate)·up over n values.
func (b *Recorder) SwiGLU(out, gate, up Buffer, n int) {
	b.Dispatch("swiglu", []Buffer{gate, up, out}, push(nil).u(1, n, 0, 0, n, 0, n), Groups(n, 256), 1, 1)
}

// SwiGLUFused records act[r] = silu(gate)·up for rows of a fused gu
// matrix [rows, 2F] (gate | up) starting at element guOff; act [rows, F]
// starts at actOff.
func (b *Recorder) SwiGLUFused(act, gu Buffer, rows, F, guOff, actOff int) {
	b.Dispatch("swiglu", []Buffer{gu, gu, act}, push(nil).u(rows, F, guOff, guOff+F, 2*F, actOff, F), Groups(rows*F, 256), 1, 1)
}

// SwiGLUBackward records dgate and dup from dout.
func (b *Recorder) SwiGLUBackward(dgate, dup, dout, gate, up Buffer, n int) {
	b.Dispatch("swiglu_bwd", []Buffer{dout, gate, up, dgate, dup}, push(nil).u(1, n, 0, 0, n, 0, n), Groups(n, 256), 1, 1)
}

// SwiGLUFusedBackward writes dgu [rows, 2F] (same layout and offset as gu)
// from dact [rows, F].
func (b *Recorder) SwiGLUFusedBackward(dgu, dact, gu Buffer, rows, F, guOff, actOff int) {
	b.Dispatch("swiglu_bwd", []Buffer{dact, gu, gu, dgu, dgu}, push(nil).u(rows, F, guOff, guOff+F, 2*F, actOff, F), Groups(rows*F, 256), 1, 1)
}

// Add records out = a + c over n values.
func (b *Recorder) Add(out, a, c Buffer, n int) {
	b.Dispatch("add", []Buffer{a, c, out}, push(nil).u(n), Groups(n, 256), 1, 1)
}

// Axpby records y = alpha·x + beta·y over n values.
func (b *Recorder) Axpby(y, x Buffer, n int, alpha, beta float32) {
	b.Dispatch("scale_add", []Buffer{x, y}, push(nil).u(n).f(alpha, beta), Groups(n, 256), 1, 1)
}

// Embed records out[t] = table[ids[t]] for T ids (uint32) and rows of H.
func (b *Recorder) Embed(out, table, ids Buffer, T, H int) {
	b.EmbedAt(out, 0, table, 0, F32, ids, T, H)
}

// EmbedAt is Embed with element offsets and an F32 or BF16 table.
func (b *Recorder) EmbedAt(out Buffer, outOff int, table Buffer, tableOff int, dt DType, ids Buffer, T, H int) {
	k := "embed"
	if dt == BF16 {
		k = "embed_bf16"
	}
	b.Dispatch(k, []Buffer{table, ids, out}, push(nil).u(T, H, tableOff, outOff), Groups(T*H, 256), 1, 1)
}

// EmbedBackward records dtable[ids[t]] += dx[t], t in order.
func (b *Recorder) EmbedBackward(dtable Buffer, dtOff int, dx Buffer, dxOff int, ids Buffer, T, H int) {
	b.Dispatch("embed_bwd", []Buffer{dx, ids, dtable}, push(nil).u(T, H, dxOff, dtOff), Groups(H, 64), 1, 1)
}

// RMSNormScale records out = x·rstd[r]·w (RMSNorm from a kept rstd).
func (b *Recorder) RMSNormScale(out, x, w, rstd Buffer, rows, n int) {
	b.Dispatch("rmsnorm_scale", []Buffer{x, w, rstd, out}, push(nil).u(rows, n), Groups(rows*n, 256), 1, 1)
}

// KVAppend records copying the k and v parts of qkv rows (width
// W = q + 2·kvHeads·hd, starting at element xOff) into head-major cache runs
// [kvHeads][cap][hd] at kOff/vOff, positions first, first+1, …, stored as
// kv: F32, or BF16 rounded as cpu.F32ToBF16 (any element offset).
func (b *Recorder) KVAppend(k Buffer, kOff int, v Buffer, vOff int, kv DType, qkv Buffer, xOff int, rows Buffer, n, W, q, kvHeads, hd, cap_, first int) {
	kernel := map[DType]string{F32: "kv_append", BF16: "kv_append_bf16"}[kv]
	if kernel == "" {
		b.fail(fmt.Errorf("kv append: a %v KV cache: no kernel (KV types %v)", kv, KVTypes))
		return
	}
	b.Dispatch(kernel, []Buffer{qkv, rows, k, v}, push(nil).u(n, W, q, kvHeads, hd, cap_, first, kOff, vOff, xOff), Groups(n*kvHeads*hd, 64), 1, 1)
}

// ColSum records db[N] += Σ_m dy[m, :] (bias gradients).
func (b *Recorder) ColSum(db, dy Buffer, M, N int) {
	b.Dispatch("colsum", []Buffer{dy, db}, push(nil).u(M, N), Groups(N, 64), 1, 1)
}

// LogProbChunk folds logits [R, Vc] for vocabulary ids [v0, v0+Vc) into
// state [R·3]; first starts a new reduction. LogProbFinish then writes
// logp[R] and lse[R]. Together with a GEMM per chunk of the LM head this is
// the chunked log-softmax gather: memory is R·Vc, not R·vocab.
func (b *Recorder) LogProbChunk(state, logits, targets Buffer, R, Vc, v0 int, first bool) {
	f := 0
	if first {
		f = 1
	}
	b.Dispatch("lse_chunk", []Buffer{logits, targets, state}, push(nil).u(R, Vc, v0, f), uint32(R), 1, 1)
}

// LogProbFinish: see LogProbChunk.
func (b *Recorder) LogProbFinish(logp, lse, state Buffer, R int) {
	b.Dispatch("logp_final", []Buffer{state, logp, lse}, push(nil).u(R), Groups(R, 64), 1, 1)
}

// LogProbGrad records dlogits[R,Vc] = g[r]·(onehot − softmax) for one chunk.
func (b *Recorder) LogProbGrad(dlogits, logits, targets, lse, g Buffer, R, Vc, v0 int) {
	b.Dispatch("logp_grad", []Buffer{logits, targets, lse, g, dlogits}, push(nil).u(R, Vc, v0), Groups(R*Vc, 256), 1, 1)
}

// AdamStep holds one optimizer step's scalars, computed on the host from
// the step count exactly as engine/train does.
type AdamStep struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
	Step                               int
	AdamW                              bool
	// GradScale multiplies the gradient first (the grad-norm clip).
	GradScale float32
}

// AdamW records one Adam/AdamW update of n parameters in place.
func (b *Recorder) AdamW(param, grad, m, v Buffer, n int, s AdamStep) {
	k := backend.AdamW{LR: s.LR, Beta1: s.Beta1, Beta2: s.Beta2, Eps: s.Eps, WeightDecay: s.WeightDecay,
		Step: int64(s.Step), Decoupled: s.AdamW}.Kernel()
	gs := s.GradScale
	if gs == 0 {
		gs = 1
	}
	pc := push(nil).u(n, k.Mode).f(k.OneMinusBeta1, k.Beta2, k.OneMinusBeta2, k.StepSize,
		k.SqrtBC2, k.Eps, k.Decay, k.WeightDecay, gs)
	b.Dispatch("adamw", []Buffer{param, grad, m, v}, pc, Groups(n, 256), 1, 1)
}

// SumSqGroups is how many partial sums SumSq writes (the size its partial
// buffer needs).
const SumSqGroups = 256

// SumSq records out[0] = Σ x² over n values, via partial [SumSqGroups].
func (b *Recorder) SumSq(out, partial, x Buffer, n int) {
	g := min(SumSqGroups, max(1, (n+255)/256))
	b.Dispatch("sumsq", []Buffer{x, partial}, push(nil).u(n, 1), uint32(g), 1, 1)
	b.Dispatch("sumsq", []Buffer{partial, out}, push(nil).u(g, 0), 1, 1, 1)
}

// Cast records a conversion of n values between fp32 and bf16/f16 (16-bit
// values packed two per 32-bit word, low half first).
func (b *Recorder) Cast(dst, src Buffer, n int, from, to DType) {
	var name string
	switch {
	case from == F32 && to == BF16:
		name = "cast_f32_bf16"
	case from == BF16 && to == F32:
		name = "cast_bf16_f32"
	case from == F32 && to == F16:
		name = "cast_f32_f16"
	case from == F16 && to == F32:
		name = "cast_f16_f32"
	default:
		b.fail(fmt.Errorf("cast %v→%v: only fp32 <-> bf16/f16 casts exist", from, to))
		return
	}
	per := 1
	if to != F32 {
		per = 2
	}
	b.Dispatch(name, []Buffer{src, dst}, push(nil).u(n), Groups((n+per-1)/per, 256), 1, 1)
}

// SampleArgs configures Sample; the zero Temperature is greedy.
type SampleArgs struct {
	Temperature, TopP float32
	TopK              int
}

// Sample records one sampling step for B rows of V logits. u[B] holds one
// uniform number in [0,1) per row (from the host's seeded stream, see
// Uniforms); tokens[B] (uint32), logprobs[2B] (LogProb, RawLogProb per row)
// and status[B] (0 ok, 1 NaN/Inf logits) are written.
func (b *Recorder) Sample(tokens, logprobs, status, logits, u Buffer, B, V int, s SampleArgs) {
	b.Dispatch("sample", []Buffer{logits, u, tokens, logprobs, status},
		push(nil).u(V, s.TopK).f(s.Temperature, s.TopP), uint32(B), 1, 1)
}

// push builds push-constant bytes: 32-bit ints and floats in order, as the
// kernels' push-constant blocks (std430) declare them.
type push []byte

func (p push) u(vs ...int) push {
	for _, v := range vs {
		p = binary.LittleEndian.AppendUint32(p, uint32(int32(v)))
	}
	return p
}

func (p push) f(vs ...float32) push {
	for _, v := range vs {
		p = binary.LittleEndian.AppendUint32(p, math.Float32bits(v))
	}
	return p
}
