package cuda

import "github.com/swarmdesk/swarmdesk/engine/backend"

// headChunk is the vocabulary slice of one LM-head block: rows × headChunk
// logits exist at a time, never rows × vocab.
const headChunk = 8192

func (b *Backend) LMHeadLogProbs(logp, lse, h, w backend.View, targets []int, rows, vocab, hidden int) {
	if rows == 0 {
		b.done()
		return
	}
	tg := b.ints(targets)
	state := b.tmp(rows * 3 * 4)
	lg := b.tmp(rows * min(vocab, headChunk) * 4)
	wt := dtOf(w)
	sz := wt.Size()
	for v0 := 0; v0 < vocab; v0 += headChunk {
		vc := min(headChunk, vocab-v0)
		b.gemm(lg, ptr(h), ptr(w)+uintptr(v0*hidden*sz), 0, wt, backend.Gemm{M: rows, N: vc, K: hidden, TransB: true})
		first := 0
		if v0 == 0 {
			first = 1
		}
		b.launch("lse_chunk", g1(uint32(rows)), 256, args().p(state, lg, tg).i(vc, v0, first))
	}
	b.launch("logp_final", g1(blocks(rows, 256)), 256, args().p(ptr(logp), ptr(lse), state).i(rows))
	b.done()
}

func (b *Backend) LMHeadBackward(dh, dw, h, w, lse, dlogp backend.View, targets []int, rows, vocab, hidden int) {
	if rows == 0 {
		b.done()
		return
	}
	tg := b.ints(targets)
	lg := b.tmp(rows * min(vocab, headChunk) * 4)
	wt := dtOf(w)
	sz := wt.Size()
	for v0 := 0; v0 < vocab; v0 += headChunk {
		vc := min(headChunk, vocab-v0)
		wc := ptr(w) + uintptr(v0*hidden*sz)
		b.gemm(lg, ptr(h), wc, 0, wt, backend.Gemm{M: rows, N: vc, K: hidden, TransB: true})
		b.launch("logp_grad", g1(blocks(rows*vc, 256)), 256, args().p(lg, tg, ptr(lse), ptr(dlogp)).i(rows, vc, v0))
		// dh (+)= dlogits·w_chunk
		b.gemm(ptr(dh), lg, wc, 0, wt, backend.Gemm{M: rows, N: hidden, K: vc, Accumulate: v0 > 0})
		if !dw.Nil() { // dw_chunk += dlogitsᵀ·h
			b.gemm(ptr(dw)+uintptr(v0*hidden*4), lg, ptr(h), 0, backend.F32, backend.Gemm{M: vc, N: hidden, K: rows, TransA: true, Accumulate: true})
		}
	}
	b.done()
}
