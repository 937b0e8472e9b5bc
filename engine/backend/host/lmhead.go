package host

import (
	"math"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// The fused LM head + log-softmax, HeadRows rows against HeadVocab
// vocabulary entries at a time (1 MiB):
//
//	logits = h·Wᵀ                    (one [R, HeadVocab] block at a time)
//	lse    = log Σ_v exp(logits_v)   carried across blocks (online max + sum)
//	logp   = logits_target − lse
//
// Backward recomputes each block's logits and turns them into the gradient
// in place:
//
//	dlogits = dlogp·(onehot(target) − exp(logits − lse))
//	dW += dlogitsᵀ·h,  dh += dlogits·W
//
// so no [rows × vocab] matrix ever exists (Qwen2.5's vocabulary makes one
// 600 KB per row). HeadRows and HeadVocab are the block shape.
const (
	HeadRows  = 128
	HeadVocab = 2048
)

// HeadScratch is the float32 scratch the LM-head ops keep between calls
// (one logits block), for memory plans.
func HeadScratch(rows, vocab int) int { return min(rows, HeadRows) * min(vocab, HeadVocab) }

// headBlock returns the backend's [R, Vb] logits block scratch.
func (b *Backend) headBlock(n int) []float32 {
	if cap(b.blk) < n {
		b.blk = make([]float32, HeadRows*HeadVocab)
	}
	return b.blk[:n]
}

// headLogits computes h[R,H]·w[v0:v0+Vb]ᵀ into blk.
func headLogits(blk, h []float32, w backend.View, R, v0, Vb, H int) {
	if dtype(w) != backend.F32 {
		cpu.MatMulTBF16(blk, h[:R*H], bits(w)[v0*H:(v0+Vb)*H], nil, R, Vb, H)
		return
	}
	cpu.MatMulT(blk, h[:R*H], f32(w)[v0*H:(v0+Vb)*H], nil, R, Vb, H)
}

func (b *Backend) LMHeadLogProbs(logp, lse, h, w backend.View, targets []int, S, V, H int) {
	out, ls, hs := f32(logp), f32(lse), f32(h)
	var mx, tgt [HeadRows]float32
	var sum [HeadRows]float64
	for r0 := 0; r0 < S; r0 += HeadRows {
		R := min(HeadRows, S-r0)
		for i := 0; i < R; i++ {
			mx[i], sum[i] = float32(math.Inf(-1)), 0
		}
		hB := hs[r0*H : (r0+R)*H]
		for v0 := 0; v0 < V; v0 += HeadVocab {
			Vb := min(HeadVocab, V-v0)
			blk := b.headBlock(R * Vb)
			headLogits(blk, hB, w, R, v0, Vb, H)
			cpu.ParallelFor(R, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					row := blk[i*Vb : (i+1)*Vb]
					if k := targets[r0+i] - v0; k >= 0 && k < Vb {
						tgt[i] = row[k]
					}
					bm := row[0]
					for _, v := range row[1:] {
						bm = max(bm, v)
					}
					if bm > mx[i] { // rescale the running sum to the new max
						sum[i] *= math.Exp(float64(mx[i]) - float64(bm))
						mx[i] = bm
					}
					sum[i] += float64(cpu.ExpSub(row, mx[i]))
				}
			})
		}
		for i := 0; i < R; i++ {
			l := float64(mx[i]) + math.Log(sum[i])
			ls[r0+i] = float32(l)
			out[r0+i] = float32(float64(tgt[i]) - l)
		}
	}
}

func (b *Backend) LMHeadBackward(dh, dw, h, w, lse, dlogp backend.View, targets []int, S, V, H int) {
	dhs, hs, ls, dlp := f32(dh), f32(h), f32(lse), f32(dlogp)
	var dws []float32
	if !dw.Nil() {
		dws = f32(dw)
	}
	ww := f32(w)
	hr, hv := min(S, HeadRows), min(V, HeadVocab)
	pack := b.scratch(max(cpu.MatMulTNAccNNScratch(hr, hv, H), cpu.MatMulNNScratch(hr, H, hv, true)))
	for r0 := 0; r0 < S; r0 += HeadRows {
		R := min(HeadRows, S-r0)
		hB, dhB := hs[r0*H:(r0+R)*H], dhs[r0*H:(r0+R)*H]
		clear(dhB)
		for v0 := 0; v0 < V; v0 += HeadVocab {
			Vb := min(HeadVocab, V-v0)
			blk := b.headBlock(R * Vb)
			headLogits(blk, hB, w, R, v0, Vb, H)
			cpu.ParallelFor(R, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					row := blk[i*Vb : (i+1)*Vb]
					cpu.ExpSub(row, ls[r0+i]) // probabilities
					d := dlp[r0+i]
					for k := range row {
						row[k] *= -d
					}
					if k := targets[r0+i] - v0; k >= 0 && k < Vb {
						row[k] += d
					}
				}
			})
			if dws != nil {
				cpu.MatMulTNAccNN(dws[v0*H:(v0+Vb)*H], blk, hB, R, Vb, H, pack)
			}
			cpu.MatMulNN(dhB, blk, ww[v0*H:(v0+Vb)*H], R, H, Vb, true, pack)
		}
	}
}
