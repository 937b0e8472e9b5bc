package qwen2

import (
	"math"
	"sync"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// attnTask is one unit of attention work: the query rows `rows` of one
// sequence against one KV head. The query heads sharing that KV head (GQA)
// are stacked, so the whole task is two GEMMs:
//
//	S = (Q·scale)·Kᵀ   [group*len(rows), ctx]
//	O = softmax_causal(S)·V
type attnTask struct {
	cache *KVCache
	rows  []int // workspace rows, ascending positions
	kvh   int
}

// attnScratch holds one worker's attention buffers. They are pooled so a
// forward pass does not leave megabytes of garbage per layer: with a
// gigabyte-sized live heap (the weights) the GC would otherwise let that
// garbage grow to the heap's size before collecting it.
type attnScratch struct {
	q, s, o, tmp, otmp []float32
	segs               []kvSeg
}

var attnPool = sync.Pool{New: func() any { return new(attnScratch) }}

// maxScores bounds one task's score matrix (floats) so long prompts are cut
// into row blocks instead of allocating ctx² memory.
const maxScores = 1 << 20

// planAttention groups rows by sequence and splits them into tasks. Rows of
// one sequence come in position order (Forward assigns them so).
func (m *Model) planAttention(caches []*KVCache, pos []int) []attnTask {
	cfg := m.Config
	group := cfg.NumAttentionHeads / cfg.NumKeyValueHeads
	order := make([]*KVCache, 0, 1)
	byCache := make(map[*KVCache][]int, 1)
	for r, c := range caches {
		if _, ok := byCache[c]; !ok {
			order = append(order, c)
		}
		byCache[c] = append(byCache[c], r)
	}
	var tasks []attnTask
	for _, c := range order {
		rows := byCache[c]
		for lo := 0; lo < len(rows); {
			// Grow the block while its score matrix stays bounded; 64
			// rows keep several tasks per sequence for load balance.
			hi := lo + 1
			for hi < len(rows) && hi-lo < 64 && group*(hi-lo+1)*(pos[rows[hi]]+1) <= maxScores {
				hi++
			}
			for j := 0; j < cfg.NumKeyValueHeads; j++ {
				tasks = append(tasks, attnTask{cache: c, rows: rows[lo:hi], kvh: j})
			}
			lo = hi
		}
	}
	return tasks
}

// attention computes causal GQA attention for all rows of layer l into
// ws.att: row r attends to positions [0, pos[r]] of its own sequence.
func (m *Model) attention(l int, tasks []attnTask, pos []int) {
	cfg, ws := m.Config, &m.ws
	Q, hd := cfg.QDim(), cfg.HeadDim
	W := Q + 2*cfg.KVDim()
	group := cfg.NumAttentionHeads / cfg.NumKeyValueHeads
	scale := float32(1 / math.Sqrt(float64(hd)))
	cpu.ParallelFor(len(tasks), func(lo, hi int) {
		sc := attnPool.Get().(*attnScratch)
		defer attnPool.Put(sc)
		q, s, o, tmp, otmp, segs := sc.q, sc.s, sc.o, sc.tmp, sc.otmp, sc.segs
		defer func() { sc.q, sc.s, sc.o, sc.tmp, sc.otmp, sc.segs = q, s, o, tmp, otmp, segs }()
		for _, t := range tasks[lo:hi] {
			n := len(t.rows)
			ctx := pos[t.rows[n-1]] + 1
			nq := group * n
			q, s, o = grow(q, nq*hd), grow(s, nq*ctx), grow(o, nq*hd)

			// Gather the scaled queries: row (g, i) = head kvh*group+g of row i.
			for g := 0; g < group; g++ {
				h := t.kvh*group + g
				for i, r := range t.rows {
					src := ws.qkv[r*W+h*hd : r*W+(h+1)*hd]
					dst := q[(g*n+i)*hd : (g*n+i+1)*hd]
					for d, x := range src {
						dst[d] = x * scale
					}
				}
			}
			segs = t.cache.segments(l, ctx, segs[:0])

			// Scores S = Q·Kᵀ, one GEMM per storage segment (one for a
			// plain prefill; prefix + own positions for a branch).
			if len(segs) == 1 {
				k, _ := segs[0].head(t.kvh, hd)
				cpu.MatMulT(s, q, k, nil, nq, ctx, hd)
			} else {
				c0 := 0
				for _, sg := range segs {
					k, _ := sg.head(t.kvh, hd)
					tmp = grow(tmp, nq*sg.n)
					cpu.MatMulT(tmp, q, k, nil, nq, sg.n, hd)
					for i := 0; i < nq; i++ {
						copy(s[i*ctx+c0:i*ctx+c0+sg.n], tmp[i*sg.n:(i+1)*sg.n])
					}
					c0 += sg.n
				}
			}
			for g := 0; g < group; g++ {
				for i, r := range t.rows {
					row := s[(g*n+i)*ctx : (g*n+i+1)*ctx]
					valid := pos[r] + 1 // causal mask
					cpu.Softmax(row[:valid])
					clear(row[valid:])
				}
			}
			// O = P·V, again per segment, summing the partial products.
			if len(segs) == 1 {
				_, v := segs[0].head(t.kvh, hd)
				cpu.MatMul(o, s, v, nq, hd, ctx)
			} else {
				clear(o)
				otmp = grow(otmp, nq*hd)
				c0 := 0
				for _, sg := range segs {
					_, v := sg.head(t.kvh, hd)
					tmp = grow(tmp, nq*sg.n)
					for i := 0; i < nq; i++ {
						copy(tmp[i*sg.n:(i+1)*sg.n], s[i*ctx+c0:i*ctx+c0+sg.n])
					}
					cpu.MatMul(otmp, tmp, v, nq, hd, sg.n)
					for i, x := range otmp {
						o[i] += x
					}
					c0 += sg.n
				}
			}

			for g := 0; g < group; g++ {
				h := t.kvh*group + g
				for i, r := range t.rows {
					copy(ws.att[r*Q+h*hd:r*Q+(h+1)*hd], o[(g*n+i)*hd:(g*n+i+1)*hd])
				}
			}
		}
	})
}
