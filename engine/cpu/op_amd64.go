//go:build amd64

package cpu

import "unsafe"

// opFn is an outer-product micro-kernel: it computes a rows×nr block of
// out = x·wᵀ from a packed x panel (opSet.rows rows, k steps) and nr raw rows
// of w (stride ldw bytes). AVX-512 kernels add bias[0:nr] if bias != nil
// and, if acc != 0, the block's previous contents, then scatter it to out
// (row stride ldo bytes, idx[i] = i*ldo/4) for the rows whose bit is set in
// mask (bits 0-15: rows 0-15, bits 16-31: rows 16-31). AVX2 kernels
// (opSet.addsOnly) always add the block and bias (never nil) into out and
// ignore idx and acc.
type opFn func(k int, x, w unsafe.Pointer, ldw int, out *float32, ldo int, idx *int32, mask uint64, bias *float32, acc int)

// opMinM is the smallest M routed to the outer-product kernels. They reuse
// each loaded x vector nr times and each w value 16 or 32 times, so they stay
// compute bound where the dot-product tiles run out of cache bandwidth, but
// below a full panel they waste lanes.
const opMinM = 16

// opSet is one generated family of outer-product kernels.
type opSet struct {
	name     string
	rows     int  // rows of out (and x) per panel: 32 (zmm) or 16 (ymm)
	pairs    bool // x panel holds bf16 (k, k+1) pairs, one step per pair
	wElem    int  // bytes per weight element
	addsOnly bool // kernel adds into a pre-initialised out, bias never nil
	nr       int  // widest kernel (columns of out per call)
	kern     [13]opFn
}

// panelsInL2 is the packed-x size up to which all panels are kept in L2
// (1 MiB per core on the target CPUs, half left for the weight tiles).
const panelsInL2 = 512 << 10

// zeros stands in for a nil bias for kernels that always add one.
var zeros [16]float32

// opMatMulT computes out (+)= x·wᵀ (+bias) with an outer-product family. w
// points at N rows of K elements of ops.wElem bytes.
func opMatMulT(ops *opSet, out, x []float32, w unsafe.Pointer, bias []float32, M, N, K int, acc bool) {
	bf16 := ops.wElem == 2
	steps := K
	if ops.pairs {
		steps = K / 2
	}
	if steps == 0 {
		opTail(out, x, w, bf16, ops.pairs, bias, M, N, K, 0, acc)
		return
	}
	if ops.addsOnly && !acc {
		ParallelFor(M, func(lo, hi int) { initRows(out[lo*N:hi*N], nil, hi-lo, N) })
	}
	rows := ops.rows
	panels := (M + rows - 1) / rows
	panelBytes := steps * rows * 4
	xp := getF32(panels * panelBytes / 4)
	defer putF32(xp)
	packPanels(*xp, x, M, K, rows, ops.pairs)
	var idx [16]int32
	for i := range idx {
		idx[i] = int32(i * N)
	}
	ldwB := K * ops.wElem
	accFlag := 0
	if acc {
		accFlag = 1
	}
	chunks := chunksFor(M, N, K)
	xbase := unsafe.Pointer(&(*xp)[0])
	tile := func(p, n0, hi int) {
		valid := min(rows, M-rows*p)
		mask := uint64(1)<<valid - 1
		nn := min(ops.nr, hi-n0)
		var b *float32
		switch {
		case bias != nil:
			b = &bias[n0]
		case ops.addsOnly:
			b = &zeros[0]
		}
		ops.kern[nn](steps, unsafe.Add(xbase, p*panelBytes), unsafe.Add(w, n0*ldwB), ldwB, &out[rows*p*N+n0], 4*N, &idx[0], mask, b, accFlag)
	}
	// When all x panels fit in L2, each weight tile is read from memory once
	// and reused from cache for every panel; otherwise each panel stays in L2
	// while the weights stream past it once per panel.
	wOuter := panels*panelBytes <= panelsInL2
	parallelChunks(N, ops.nr, chunks, func(lo, hi int) {
		if wOuter {
			for n0 := lo; n0 < hi; n0 += ops.nr {
				for p := 0; p < panels; p++ {
					tile(p, n0, hi)
				}
			}
			return
		}
		for p := 0; p < panels; p++ {
			for n0 := lo; n0 < hi; n0 += ops.nr {
				tile(p, n0, hi)
			}
		}
	})
	if steps*2 < K && ops.pairs {
		opTail(out, x, w, bf16, true, nil, M, N, K, K-1, true)
	}
}

// opTail adds (or, acc false, stores with bias) the k ≥ from part of the
// product in plain Go: the odd last k of the bf16 pair kernels, or all of
// it when K is too small for one step.
func opTail(out, x []float32, w unsafe.Pointer, bf16, roundX bool, bias []float32, M, N, K, from int, acc bool) {
	if !acc {
		initRows(out, bias, M, N)
	}
	for m := 0; m < M; m++ {
		for n := 0; n < N; n++ {
			var s float32
			for k := from; k < K; k++ {
				xv := x[m*K+k]
				var wv float32
				if roundX {
					xv = BF16ToF32(F32ToBF16(xv))
				}
				if bf16 {
					wv = BF16ToF32(*(*uint16)(unsafe.Add(w, 2*(n*K+k))))
				} else {
					wv = *(*float32)(unsafe.Add(w, 4*(n*K+k)))
				}
				s += xv * wv
			}
			out[m*N+n] += s
		}
	}
}

// packPanels lays x out for the outer-product kernels: panel p holds rows
// rows·p … rows·p+rows-1 (zero past M) and, for each step, the values of one
// k, or (pairs) the bf16 pairs (k, k+1) as uint32 words.
func packPanels(dst, x []float32, M, K, rows int, pairs bool) {
	panels := (M + rows - 1) / rows
	ParallelFor(panels, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			valid := min(rows, M-rows*p)
			if !pairs {
				d := dst[p*K*rows : (p+1)*K*rows]
				if valid < rows {
					clear(d)
				}
				for i := 0; i < valid; i++ {
					xr := x[(rows*p+i)*K : (rows*p+i)*K+K]
					for k, v := range xr {
						d[k*rows+i] = v
					}
				}
				continue
			}
			steps := K / 2
			d := unsafe.Slice((*uint32)(unsafe.Pointer(&dst[0])), len(dst))[p*steps*rows : (p+1)*steps*rows]
			if valid < rows {
				clear(d)
			}
			for i := 0; i < valid; i++ {
				xr := x[(rows*p+i)*K : (rows*p+i)*K+K]
				for s := 0; s < steps; s++ {
					d[s*rows+i] = uint32(F32ToBF16(xr[2*s])) | uint32(F32ToBF16(xr[2*s+1]))<<16
				}
			}
		}
	})
}
