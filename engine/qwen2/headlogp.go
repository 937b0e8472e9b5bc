package qwen2

import (
	"math"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// The fused LM head + log-softmax. Only scored rows go through the head,
// headRows at a time, against headVocab vocabulary entries at a time:
//
//	h      = rmsnorm(x_L)·w_norm                 [R, H]
//	logits = h·W_headᵀ                            [R, V] (one [R, headVocab] block at a time)
//	lse    = log Σ_v exp(logits_v)                carried across blocks (online max + sum)
//	logp   = logits_target − lse
//
// Only lse (one float per row) is kept. Backward recomputes each block's
// logits and turns them into the gradient in place:
//
//	dlogits = dlogp·(onehot(target) − exp(logits − lse))
//	dW_head += dlogitsᵀ·h,  dh += dlogits·W_head
//
// so no [rows × vocab] matrix ever exists (Qwen2.5's vocabulary makes one
// 600 KB per row).

// headForward returns the log-probs of the batch's targets and keeps each
// scored row's final-norm rstd and log-sum-exp on the tape.
func (t *Tape) headForward() [][]float32 {
	b, cfg := t.b, t.m.Config
	V := cfg.VocabSize
	flat := make([]float32, b.S)
	mx := make([]float32, headRows)
	sum := make([]float64, headRows)
	tgt := make([]float32, headRows)
	for r0 := 0; r0 < b.S; r0 += headRows {
		R := min(headRows, b.S-r0)
		t.headInput(r0, R, true)
		for i := 0; i < R; i++ {
			mx[i], sum[i] = float32(math.Inf(-1)), 0
		}
		for v0 := 0; v0 < V; v0 += headVocab {
			Vb := min(headVocab, V-v0)
			blk := t.headLogits(R, v0, Vb)
			cpu.ParallelFor(R, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					row := blk[i*Vb : (i+1)*Vb]
					if k := b.targets[r0+i] - v0; k >= 0 && k < Vb {
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
			lse := float64(mx[i]) + math.Log(sum[i])
			t.lseF[r0+i] = float32(lse)
			flat[r0+i] = float32(float64(tgt[i]) - lse)
		}
	}
	out := make([][]float32, len(b.seqs))
	k := 0
	for i, s := range b.seqs {
		n := len(s.Tokens) - s.Start
		out[i] = flat[k : k+n : k+n]
		k += n
	}
	return out
}

// headInput fills sc.hB with the final-normed hidden states of scored rows
// r0 … r0+R-1, computing their rstd (forward) or reusing the kept one.
func (t *Tape) headInput(r0, R int, fresh bool) {
	H := t.m.Config.HiddenSize
	eps := float32(t.m.Config.RMSNormEps)
	cpu.ParallelFor(R, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := t.b.scored[r0+i]
			x, h := t.xL[r*H:(r+1)*H], t.sc.hB[i*H:(i+1)*H]
			if fresh {
				t.rstdF[r0+i] = rmsnormRow(h, x, t.m.Norm, eps)
			} else {
				scaleRow(h, x, t.m.Norm, t.rstdF[r0+i])
			}
		}
	})
}

// headLogits computes the [R, Vb] logits of sc.hB's rows for vocabulary
// entries v0 … v0+Vb-1 into sc.blk and returns that block.
func (t *Tape) headLogits(R, v0, Vb int) []float32 {
	H := t.m.Config.HiddenSize
	head := &t.m.Head
	blk := t.sc.blk[:R*Vb]
	if head.W16 != nil {
		cpu.MatMulTBF16(blk, t.sc.hB[:R*H], head.W16[v0*H:(v0+Vb)*H], nil, R, Vb, H)
	} else {
		cpu.MatMulT(blk, t.sc.hB[:R*H], head.W[v0*H:(v0+Vb)*H], nil, R, Vb, H)
	}
	return blk
}

// headBackward adds the LM head's and final norm's parameter gradients
// (dHead nil: frozen) and writes the gradient of each scored row's final
// residual into sc.dres (whose other rows it leaves alone). dlp holds
// dL/dlogp per scored row.
func (t *Tape) headBackward(dlp, dHead, dNorm []float32) {
	b, cfg := t.b, t.m.Config
	H, V := cfg.HiddenSize, cfg.VocabSize
	sc := &t.sc
	for r0 := 0; r0 < b.S; r0 += headRows {
		R := min(headRows, b.S-r0)
		t.headInput(r0, R, false)
		hB, dhB := sc.hB[:R*H], sc.dhB[:R*H]
		clear(dhB)
		for v0 := 0; v0 < V; v0 += headVocab {
			Vb := min(headVocab, V-v0)
			blk := t.headLogits(R, v0, Vb)
			cpu.ParallelFor(R, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					row := blk[i*Vb : (i+1)*Vb]
					cpu.ExpSub(row, t.lseF[r0+i]) // probabilities
					d := dlp[r0+i]
					for k := range row {
						row[k] *= -d
					}
					if k := b.targets[r0+i] - v0; k >= 0 && k < Vb {
						row[k] += d
					}
				}
			})
			if dHead != nil {
				cpu.MatMulTNAccNN(dHead[v0*H:(v0+Vb)*H], blk, hB, R, Vb, H, sc.pack)
			}
			cpu.MatMulNN(dhB, blk, t.m.Head.W[v0*H:(v0+Vb)*H], R, H, Vb, true, sc.pack)
		}
		// Final RMSNorm backward into the residual gradient of each row.
		for i := 0; i < R; i++ {
			r := b.scored[r0+i]
			rmsnormRowBackward(sc.dres[r*H:(r+1)*H], dhB[i*H:(i+1)*H], t.xL[r*H:(r+1)*H], t.m.Norm, t.rstdF[r0+i])
			if dNorm != nil {
				normWeightGrad(dNorm, dhB[i*H:(i+1)*H], t.xL[r*H:(r+1)*H], t.rstdF[r0+i])
			}
		}
	}
}
