package cuda

import (
	"unsafe"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// Attention on the device: the metadata saying which keys each query row
// sees is built here on the host, in pinned memory the kernels read, so
// the launches themselves do not change from one decode step to the next.

// maxHeadDim is the widest head attention.cu handles (4 values per lane).
const maxHeadDim = 128

func (b *Backend) attnOK(op string, a backend.Attn) bool {
	if a.HeadDim < 1 || a.HeadDim > maxHeadDim || a.KVHeads < 1 || a.Heads%a.KVHeads != 0 {
		b.bad(op, "head geometry outside what the kernels handle (head width 1..128, heads a multiple of KV heads)")
		return false
	}
	return true
}

// rowSpans lays out attention.cu's RowSpan {row, start, end, pad} for every
// row of every span.
func (b *Backend) rowSpans(seqs []backend.Span) (uintptr, int) {
	n := 0
	for _, s := range seqs {
		n += s.N
	}
	buf, p := b.pinned(max(n, 1) * 16)
	if buf == nil {
		return 0, 0
	}
	u := unsafe.Slice((*int32)(unsafe.Pointer(&buf[0])), n*4)
	i := 0
	for _, s := range seqs {
		for r := 0; r < s.N; r++ {
			u[4*i], u[4*i+1], u[4*i+2], u[4*i+3] = int32(s.Off+r), int32(s.Off), int32(s.Off+s.N), 0
			i++
		}
	}
	return p, n
}

func headBlocks(h int) uint32 { return uint32((h + 3) / 4) }

func (b *Backend) CausalAttention(att, lse, qkv backend.View, seqs []backend.Span, a backend.Attn) {
	if b.attnOK("causal attention", a) {
		sp, n := b.rowSpans(seqs)
		if n > 0 {
			b.launch("attn_causal", [3]uint32{uint32(n), headBlocks(a.Heads), 1}, 128,
				args().p(ptr(att), ptr(lse), ptr(qkv), sp).i(a.Heads, a.KVHeads, a.HeadDim).f(a.Scale))
		}
	}
	b.done()
}

func (b *Backend) CausalAttentionBackward(dqkv, datt, qkv, att, lse backend.View, seqs []backend.Span, a backend.Attn) {
	if b.attnOK("causal attention backward", a) {
		sp, n := b.rowSpans(seqs)
		rows := 0
		for _, s := range seqs {
			rows = max(rows, s.Off+s.N)
		}
		if n > 0 {
			dsum := b.tmp(rows * a.Heads * 4)
			grid := [3]uint32{uint32(n), headBlocks(a.Heads), 1}
			b.launch("attn_bwd_dot", grid, 128, args().p(dsum, ptr(datt), ptr(att), sp).i(a.Heads, a.HeadDim))
			b.launch("attn_bwd_dq", grid, 128, args().p(ptr(dqkv), ptr(datt), ptr(qkv), ptr(lse), dsum, sp).
				i(a.Heads, a.KVHeads, a.HeadDim).f(a.Scale))
			b.launch("attn_bwd_dkv", [3]uint32{uint32(n), headBlocks(a.KVHeads), 1}, 128,
				args().p(ptr(dqkv), ptr(datt), ptr(qkv), ptr(lse), dsum, sp).i(a.Heads, a.KVHeads, a.HeadDim).f(a.Scale))
		}
	}
	b.done()
}

// KVDTypes: KV caches may be float32 or bf16 (backend.KVCacheDTypes).
func (b *Backend) KVDTypes() []backend.DType { return []backend.DType{backend.F32, backend.BF16} }

// kvDType is the element type of a KV run's buffers: float32, or bf16 (a
// cache at half the memory; attention still accumulates in float32); false
// (and the sticky error) for anything else or k and v of different types.
func (b *Backend) kvDType(op string, r backend.KVRun) (backend.DType, bool) {
	dt := dtOf(r.K)
	if dtOf(r.V) != dt || dt != backend.F32 && dt != backend.BF16 {
		b.bad(op, "KV cache runs must be float32 or bf16, keys and values alike")
		return 0, false
	}
	return dt, true
}

func (b *Backend) KVAppend(run backend.KVRun, qkv backend.View, rows []int, first int, a backend.Attn) {
	dt, ok := b.kvDType("kv append", run)
	if !ok {
		b.done()
		return
	}
	rp := make([]int, 2*len(rows))
	for i, r := range rows {
		rp[2*i], rp[2*i+1] = r, first+i
	}
	W := a.QDim() + 2*a.KVDim()
	n := len(rows) * a.KVDim()
	b.launch("kv_append", g1(blocks(n, 256)), 256, args().p(ptr(run.K), ptr(run.V), ptr(qkv), b.ints(rp)).
		i(len(rows), W, a.QDim(), a.KVHeads, a.HeadDim, run.Cap, int(dt)))
	b.done()
}

// CachedAttention lays out attention.cu's CachedRow {row, ctx, run0,
// nruns} per query row and KVRunDesc {k, v, cap, n} per run.
func (b *Backend) CachedAttention(att, qkv backend.View, seqs []backend.CachedSeq, pos []int, a backend.Attn) {
	if !b.attnOK("cached attention", a) {
		b.done()
		return
	}
	nrows, nruns := 0, 0
	kernel := ""
	for _, s := range seqs {
		nrows += len(s.Rows)
		nruns += len(s.Runs)
		for _, r := range s.Runs {
			dt, ok := b.kvDType("cached attention", r)
			k := map[backend.DType]string{backend.F32: "attn_cached", backend.BF16: "attn_cached_bf16"}[dt]
			if ok && kernel != "" && k != kernel {
				b.bad("cached attention", "one call's KV cache runs must share one element type")
				ok = false
			}
			if !ok {
				b.done()
				return
			}
			kernel = k
		}
	}
	if kernel == "" {
		kernel = "attn_cached"
	}
	if nrows == 0 {
		b.done()
		return
	}
	rbuf, rp := b.pinned(nrows * 16)
	kbuf, kp := b.pinned(max(nruns, 1) * 24)
	if rbuf == nil || kbuf == nil {
		b.done()
		return
	}
	rows := unsafe.Slice((*int32)(unsafe.Pointer(&rbuf[0])), nrows*4)
	i, run0 := 0, 0
	for _, s := range seqs {
		for _, r := range s.Rows {
			rows[4*i], rows[4*i+1], rows[4*i+2], rows[4*i+3] = int32(r), int32(pos[r]+1), int32(run0), int32(len(s.Runs))
			i++
		}
		for j, rn := range s.Runs {
			d := kbuf[(run0+j)*24:]
			*(*uint64)(unsafe.Pointer(&d[0])) = uint64(ptr(rn.K))
			*(*uint64)(unsafe.Pointer(&d[8])) = uint64(ptr(rn.V))
			*(*int32)(unsafe.Pointer(&d[16])) = int32(rn.Cap)
			*(*int32)(unsafe.Pointer(&d[20])) = int32(rn.N)
		}
		run0 += len(s.Runs)
	}
	b.launch(kernel, [3]uint32{uint32(nrows), headBlocks(a.Heads), 1}, 128,
		args().p(ptr(att), ptr(qkv), rp, kp).i(a.Heads, a.KVHeads, a.HeadDim).f(a.Scale))
	b.done()
}
