//go:build amd64

package cpu

import "unsafe"

// tileFn adds the dot products of mr rows of x with nr rows of w to an mr×nr
// block of out: out[i*ldo+j] += sum over k steps of x[i]·w[j]. Strides are in
// bytes (ldo too); k counts SIMD steps of tileSet.kStep elements, k ≥ 1.
type tileFn func(k int, x, w unsafe.Pointer, ldx, ldw int, out *float32, ldo int)

// tileSet is one generated family of micro-kernels (kernels_amd64.go).
type tileSet struct {
	name         string
	kStep        int // K elements per SIMD step
	xElem, wElem int // bytes per element of x and w
	xBF16        bool
	maxNR        [5]int       // widest tile per row count
	kern         [5][9]tileFn // [mr][nr]
	gemv         *[5]gemvFn   // row-streaming kernels for M <= gemvMaxM, if any
}

// gemvMaxM is the largest M handled by the row-streaming kernels (decode of
// one sequence or a few). Larger M reuses each w tile across more x rows
// with the register tiles: for M = 8, running the 4-row streaming kernel
// twice over L1-sized row blocks measured 1-2× slower than the 4×6 tiles.
const gemvMaxM = 4

func init() {
	tilesavx512.gemv = &gemvavx512
	tilesavx512cvt.gemv = &gemvavx512cvt
	tilesavx2.gemv = &gemvavx2
	tilesavx2cvt.gemv = &gemvavx2cvt
}

// tiledJob describes one out (+)= x·wᵀ product for the tile driver. x and w
// point at the first row; strides are in elements of their own types.
type tiledJob struct {
	ts         *tileSet
	out        []float32
	x, w       unsafe.Pointer
	ldx, ldw   int // row strides in elements
	M, N, K    int
	accumulate bool // add to out instead of starting from bias/zero
	bias       []float32
	// tail adds sum_{k=from}^{K-1} x[m,k]*w[n,k] to out for m in [0,M),
	// n in [lo,hi): the K remainder the SIMD steps do not cover.
	tail func(lo, hi, from int)
}

// xBlockBytes bounds the x block (M rows × a slice of K) one pass over the
// w tiles uses, so it stays in L2 (1 MiB per core on the target CPUs) while
// w tiles stream through L1. Larger blocks mean fewer horizontal reductions.
const xBlockBytes = 512 << 10

func (j *tiledJob) run() {
	ts := j.ts
	M, N, K := j.M, j.N, j.K
	steps := K / ts.kStep
	kMain := steps * ts.kStep
	mrMain := min(M, 4)
	nr := ts.maxNR[mrMain]
	blk := steps
	if rowBytes := ts.kStep * ts.xElem * M; blk*rowBytes > xBlockBytes {
		blk = max(256/ts.kStep, xBlockBytes/rowBytes)
	}
	// Small products (decode of one projection) split once per thread;
	// large ones into more chunks for load balance.
	chunks := chunksFor(M, N, K)
	ldxB, ldwB, ldoB := j.ldx*ts.xElem, j.ldw*ts.wElem, N*4
	parallelChunks(N, nr, chunks, func(lo, hi int) {
		if !j.accumulate {
			for m := 0; m < M; m++ {
				row := j.out[m*N+lo : m*N+hi]
				if j.bias != nil {
					copy(row, j.bias[lo:hi])
				} else {
					clear(row)
				}
			}
		}
		if ts.gemv != nil && M <= gemvMaxM && steps > 0 {
			j.gemv(lo, hi, steps, ldxB, ldwB, ldoB)
			if kMain < K {
				j.tail(lo, hi, kMain)
			}
			return
		}
		for kb := 0; kb < steps; kb += blk {
			ks := min(blk, steps-kb)
			xk := unsafe.Add(j.x, kb*ts.kStep*ts.xElem)
			wk := unsafe.Add(j.w, kb*ts.kStep*ts.wElem)
			for n0 := lo; n0 < hi; n0 += nr {
				nn := min(nr, hi-n0)
				wp := unsafe.Add(wk, n0*ldwB)
				for m0 := 0; m0 < M; m0 += mrMain {
					mm := min(mrMain, M-m0)
					ts.kern[mm][nn](ks, unsafe.Add(xk, m0*ldxB), wp, ldxB, ldwB, &j.out[m0*N+n0], ldoB)
				}
			}
		}
		if kMain < K {
			j.tail(lo, hi, kMain)
		}
	})
}

// gemv runs the row-streaming kernel for all M (≤ gemvMaxM) rows of x
// over w rows [lo,hi).
func (j *tiledJob) gemv(lo, hi, steps, ldxB, ldwB, ldoB int) {
	j.ts.gemv[j.M](steps, j.x, unsafe.Add(j.w, lo*ldwB), ldxB, ldwB, &j.out[lo], ldoB, hi-lo)
}

// gemvFn computes, for each of rows consecutive w rows r, the dot products
// of mr rows of x with w row r and adds them to out[i*ldo/4 + r]. Strides are
// in bytes; k counts SIMD steps (k ≥ 1).
type gemvFn func(k int, x, w unsafe.Pointer, ldx, ldw int, out *float32, ldo, rows int)
