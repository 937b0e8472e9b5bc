package host

import (
	"math"
	"sync"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// maxScores bounds one task's score matrix (floats) so long prompts are cut
// into row blocks instead of allocating ctx² memory.
const maxScores = 1 << 20

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// geom is the shape arithmetic of causal GQA attention over qkv rows.
type geom struct {
	Q, KV, W, hd, nh, group int
	scale                   float32
}

func geomOf(a backend.Attn) geom {
	Q, KV := a.QDim(), a.KVDim()
	return geom{Q: Q, KV: KV, W: Q + 2*KV, hd: a.HeadDim, nh: a.Heads, group: a.Heads / a.KVHeads, scale: a.Scale}
}

// ---- Attention against KV caches (inference) ----

// cachedTask is one unit of cached attention: the query rows of one
// sequence against one KV head. The query heads sharing that KV head (GQA)
// are stacked, so the whole task is two GEMMs:
//
//	S = (Q·scale)·Kᵀ   [group*len(rows), ctx]
//	O = softmax_causal(S)·V
type cachedTask struct {
	runs []backend.KVRun
	rows []int // ascending positions
	kvh  int
}

// cachedScratch holds one worker's buffers. They are pooled so a forward
// pass does not leave megabytes of garbage per layer: with a gigabyte-sized
// live heap (the weights) the GC would otherwise let that garbage grow to
// the heap's size before collecting it.
type cachedScratch struct {
	q, s, o, tmp, otmp []float32
}

var cachedPool = sync.Pool{New: func() any { return new(cachedScratch) }}

func (b *Backend) KVAppend(run backend.KVRun, qkv backend.View, rows []int, first int, a backend.Attn) {
	g := geomOf(a)
	k, v, x := f32(run.K), f32(run.V), f32(qkv)
	for i, r := range rows {
		row := x[r*g.W : (r+1)*g.W]
		p := first + i
		for j := 0; j < a.KVHeads; j++ {
			o := (j*run.Cap + p) * g.hd
			copy(k[o:o+g.hd], row[g.Q+j*g.hd:g.Q+(j+1)*g.hd])
			copy(v[o:o+g.hd], row[g.Q+g.KV+j*g.hd:g.Q+g.KV+(j+1)*g.hd])
		}
	}
}

// runHead returns KV head j's keys and values of a run, [N, hd] each.
func runHead(r backend.KVRun, j, hd int) (k, v []float32) {
	lo, hi := j*r.Cap*hd, (j*r.Cap+r.N)*hd
	return f32(r.K)[lo:hi], f32(r.V)[lo:hi]
}

func (b *Backend) CachedAttention(att, qkv backend.View, seqs []backend.CachedSeq, pos []int, a backend.Attn) {
	g := geomOf(a)
	var tasks []cachedTask
	for _, sq := range seqs {
		rows := sq.Rows
		for lo := 0; lo < len(rows); {
			// Grow the block while its score matrix stays bounded; 64
			// rows keep several tasks per sequence for load balance.
			hi := lo + 1
			for hi < len(rows) && hi-lo < 64 && g.group*(hi-lo+1)*(pos[rows[hi]]+1) <= maxScores {
				hi++
			}
			for j := 0; j < a.KVHeads; j++ {
				tasks = append(tasks, cachedTask{runs: sq.Runs, rows: rows[lo:hi], kvh: j})
			}
			lo = hi
		}
	}
	xs, out := f32(qkv), f32(att)
	hd := g.hd
	cpu.ParallelFor(len(tasks), func(lo, hi int) {
		sc := cachedPool.Get().(*cachedScratch)
		defer cachedPool.Put(sc)
		q, s, o, tmp, otmp := sc.q, sc.s, sc.o, sc.tmp, sc.otmp
		defer func() { sc.q, sc.s, sc.o, sc.tmp, sc.otmp = q, s, o, tmp, otmp }()
		for _, t := range tasks[lo:hi] {
			n := len(t.rows)
			ctx := pos[t.rows[n-1]] + 1
			nq := g.group * n
			q, s, o = grow(q, nq*hd), grow(s, nq*ctx), grow(o, nq*hd)

			// Gather the scaled queries: row (gi, i) = head kvh*group+gi of row i.
			for gi := 0; gi < g.group; gi++ {
				h := t.kvh*g.group + gi
				for i, r := range t.rows {
					src := xs[r*g.W+h*hd : r*g.W+(h+1)*hd]
					dst := q[(gi*n+i)*hd : (gi*n+i+1)*hd]
					for d, x := range src {
						dst[d] = x * g.scale
					}
				}
			}
			runs := backend.VisibleRuns(t.runs, ctx)

			// Scores S = Q·Kᵀ, one GEMM per storage run (one for a plain
			// prefill; prefix + own positions for a branch).
			if len(runs) == 1 {
				k, _ := runHead(runs[0], t.kvh, hd)
				cpu.MatMulT(s, q, k, nil, nq, ctx, hd)
			} else {
				c0 := 0
				for _, rn := range runs {
					k, _ := runHead(rn, t.kvh, hd)
					tmp = grow(tmp, nq*rn.N)
					cpu.MatMulT(tmp, q, k, nil, nq, rn.N, hd)
					for i := 0; i < nq; i++ {
						copy(s[i*ctx+c0:i*ctx+c0+rn.N], tmp[i*rn.N:(i+1)*rn.N])
					}
					c0 += rn.N
				}
			}
			for gi := 0; gi < g.group; gi++ {
				for i, r := range t.rows {
					row := s[(gi*n+i)*ctx : (gi*n+i+1)*ctx]
					valid := pos[r] + 1 // causal mask
					cpu.Softmax(row[:valid])
					clear(row[valid:])
				}
			}
			// O = P·V, again per run, summing the partial products.
			if len(runs) == 1 {
				_, v := runHead(runs[0], t.kvh, hd)
				cpu.MatMul(o, s, v, nq, hd, ctx)
			} else {
				clear(o)
				otmp = grow(otmp, nq*hd)
				c0 := 0
				for _, rn := range runs {
					_, v := runHead(rn, t.kvh, hd)
					tmp = grow(tmp, nq*rn.N)
					for i := 0; i < nq; i++ {
						copy(tmp[i*rn.N:(i+1)*rn.N], s[i*ctx+c0:i*ctx+c0+rn.N])
					}
					cpu.MatMul(otmp, tmp, v, nq, hd, rn.N)
					for i, x := range otmp {
						o[i] += x
					}
					c0 += rn.N
				}
			}

			for gi := 0; gi < g.group; gi++ {
				h := t.kvh*g.group + gi
				for i, r := range t.rows {
					copy(out[r*g.Q+h*hd:r*g.Q+(h+1)*hd], o[(gi*n+i)*hd:(gi*n+i+1)*hd])
				}
			}
		}
	})
}

// ---- Packed-sequence causal attention (training, scoring) ----

// trainScratch is one worker's buffers, pooled like the inference path's:
// the keys and values of one KV head of one sequence (and their gradients),
// and one block of query rows with its scores.
type trainScratch struct {
	k, v, dk, dv   []float32 // [T, hd]
	q, o, do, dq   []float32 // [group·rows, hd]
	s, dp, rowDots []float32 // [group·rows, ctx], [group·rows]
	pack           []float32 // cpu.MatMulNN / MatMulTNAccNN scratch
}

func (sc *trainScratch) packFor(n int) []float32 { return sc.pack[:n] }

// reserve sizes every buffer for a whole T-row task up front (the blocks'
// score matrices grow with the context), so a task allocates at most once
// and a pooled scratch not at all.
func (sc *trainScratch) reserve(g geom, T int) {
	nqMax, sMax, pMax := 0, 0, 0
	for lo := 0; lo < T; {
		hi := blockEnd(lo, T, g.group)
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

var trainPool = sync.Pool{New: func() any { return new(trainScratch) }}

// blockEnd returns the end of the block of query rows starting at lo of a
// T-row sequence: up to 64 rows, fewer when the score matrix (group·rows ×
// ctx) would pass maxScores. Forward and backward use the same blocks, so
// recomputed scores are bit-identical to the forward ones.
func blockEnd(lo, T, group int) int {
	hi := lo + 1
	for hi < T && hi-lo < 64 && group*(hi-lo+1)*(hi+1) <= maxScores {
		hi++
	}
	return hi
}

// gatherKV copies KV head j of rows [off, off+T) out of qkv into k and v
// ([T, hd] each, contiguous for the GEMMs).
func (g geom) gatherKV(k, v, qkv []float32, off, T, j int) {
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
func (g geom) gatherHeads(dst, src []float32, stride, col0, first, nb, j int, scale float32) {
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
func (g geom) scatterHeads(dst, src []float32, stride, col0, first, nb, j int, scale float32) {
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

// CausalAttention runs one task per (sequence, KV head); tasks write
// disjoint outputs, so any thread schedule gives the same bits.
func (b *Backend) CausalAttention(att, lse, qkv backend.View, seqs []backend.Span, a backend.Attn) {
	g := geomOf(a)
	at, ls, x := f32(att), f32(lse), f32(qkv)
	nkv := a.KVHeads
	cpu.ParallelFor(len(seqs)*nkv, func(lo, hi int) {
		sc := trainPool.Get().(*trainScratch)
		defer trainPool.Put(sc)
		for task := lo; task < hi; task++ {
			g.forwardTask(at, ls, x, seqs[task/nkv], task%nkv, sc)
		}
	})
}

// forwardTask runs KV head j of one sequence, block of query rows by block:
//
//	S = (q·scale)·Kᵀ, P = softmax_causal(S), lse = log Σ exp S, O = P·V
func (g geom) forwardTask(att, lse, qkv []float32, sp backend.Span, j int, sc *trainScratch) {
	off, T := sp.Off, sp.N
	sc.reserve(g, T)
	g.gatherKV(sc.k[:T*g.hd], sc.v[:T*g.hd], qkv, off, T, j)
	for lo := 0; lo < T; {
		hi := blockEnd(lo, T, g.group)
		nb, ctx := hi-lo, hi
		nq := g.group * nb
		q, s, o := sc.q[:nq*g.hd], sc.s[:nq*ctx], sc.o[:nq*g.hd]
		g.gatherHeads(q, qkv, g.W, 0, off+lo, nb, j, g.scale)
		cpu.MatMulT(s, q, sc.k[:ctx*g.hd], nil, nq, ctx, g.hd)
		for gi := 0; gi < g.group; gi++ {
			h := j*g.group + gi
			for i := 0; i < nb; i++ {
				row := s[(gi*nb+i)*ctx : (gi*nb+i+1)*ctx]
				valid := lo + i + 1 // causal: positions 0 … lo+i
				lse[(off+lo+i)*g.nh+h] = softmaxLSE(row[:valid])
				clear(row[valid:])
			}
		}
		cpu.MatMulNN(o, s, sc.v[:ctx*g.hd], nq, g.hd, ctx, false, sc.packFor(cpu.MatMulNNScratch(nq, g.hd, ctx, false)))
		g.scatterHeads(att, o, g.Q, 0, off+lo, nb, j, 1)
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

// CausalAttentionBackward: each (sequence, KV head) task owns its rows' q
// columns of its heads and its k/v columns, so tasks never write the same
// element.
func (b *Backend) CausalAttentionBackward(dqkv, datt, qkv, att, lse backend.View, seqs []backend.Span, a backend.Attn) {
	g := geomOf(a)
	d, da, x, at, ls := f32(dqkv), f32(datt), f32(qkv), f32(att), f32(lse)
	nkv := a.KVHeads
	cpu.ParallelFor(len(seqs)*nkv, func(lo, hi int) {
		sc := trainPool.Get().(*trainScratch)
		defer trainPool.Put(sc)
		for task := lo; task < hi; task++ {
			g.backwardTask(d, da, x, at, ls, seqs[task/nkv], task%nkv, sc)
		}
	})
}

// backwardTask recomputes each block's probabilities from the kept
// log-sum-exp (flash style) and applies
//
//	dP = dO·Vᵀ,  D = rowsum(dO∘O),  dS = P∘(dP − D)
//	dq = scale·dS·K,  dK += dSᵀ·(q·scale),  dV += Pᵀ·dO
func (g geom) backwardTask(dqkv, datt, qkv, att, lse []float32, sp backend.Span, j int, sc *trainScratch) {
	off, T := sp.Off, sp.N
	hd := g.hd
	sc.reserve(g, T)
	dk, dv := sc.dk[:T*hd], sc.dv[:T*hd]
	g.gatherKV(sc.k[:T*hd], sc.v[:T*hd], qkv, off, T, j)
	clear(dk)
	clear(dv)
	for lo := 0; lo < T; {
		hi := blockEnd(lo, T, g.group)
		nb, ctx := hi-lo, hi
		nq := g.group * nb
		q, o, do, dq := sc.q[:nq*hd], sc.o[:nq*hd], sc.do[:nq*hd], sc.dq[:nq*hd]
		s, dp, rowDots := sc.s[:nq*ctx], sc.dp[:nq*ctx], sc.rowDots[:nq]
		g.gatherHeads(q, qkv, g.W, 0, off+lo, nb, j, g.scale)
		g.gatherHeads(o, att, g.Q, 0, off+lo, nb, j, 1)
		g.gatherHeads(do, datt, g.Q, 0, off+lo, nb, j, 1)
		k, v := sc.k[:ctx*hd], sc.v[:ctx*hd]
		cpu.MatMulT(s, q, k, nil, nq, ctx, hd)
		for gi := 0; gi < g.group; gi++ {
			h := j*g.group + gi
			for i := 0; i < nb; i++ {
				row := s[(gi*nb+i)*ctx : (gi*nb+i+1)*ctx]
				valid := lo + i + 1
				cpu.ExpSub(row[:valid], lse[(off+lo+i)*g.nh+h]) // P, from the kept log-sum-exp
				clear(row[valid:])
			}
		}
		cpu.MatMulT(dp, do, v, nil, nq, ctx, hd)
		for r := 0; r < nq; r++ {
			rowDots[r] = cpu.Dot(do[r*hd:(r+1)*hd], o[r*hd:(r+1)*hd])
		}
		// dV uses P before it is turned into dS in place.
		cpu.MatMulTNAccNN(dv[:ctx*hd], s, do, nq, ctx, hd, sc.packFor(cpu.MatMulTNAccNNScratch(nq, ctx, hd)))
		for r := 0; r < nq; r++ {
			p, dpr, d := s[r*ctx:(r+1)*ctx], dp[r*ctx:(r+1)*ctx], rowDots[r]
			for c := range p {
				p[c] *= dpr[c] - d
			}
		}
		cpu.MatMulNN(dq, s, k, nq, hd, ctx, false, sc.packFor(cpu.MatMulNNScratch(nq, hd, ctx, false)))
		g.scatterHeads(dqkv, dq, g.W, 0, off+lo, nb, j, g.scale)
		cpu.MatMulTNAccNN(dk[:ctx*hd], s, q, nq, ctx, hd, sc.packFor(cpu.MatMulTNAccNNScratch(nq, ctx, hd)))
		lo = hi
	}
	for p := 0; p < T; p++ {
		row := dqkv[(off+p)*g.W:]
		copy(row[g.Q+j*hd:g.Q+(j+1)*hd], dk[p*hd:(p+1)*hd])
		copy(row[g.Q+g.KV+j*hd:g.Q+g.KV+(j+1)*hd], dv[p*hd:(p+1)*hd])
	}
}
