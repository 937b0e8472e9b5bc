package cpu

// Element-wise kernels the training pass needs beyond inference: the
// log-sum-exp step of a softmax (so a backward pass can rebuild
// probabilities from one stored number per row) and the SwiGLU gradient.

// ExpSub replaces x[i] with e^(x[i]-m) and returns their sum (float32, the
// same fast exponential as Softmax; arguments below about -87 give 0). With
// m = max(x) it is the numerically safe core of a softmax or log-sum-exp;
// with m = a stored log-sum-exp it rebuilds softmax probabilities directly,
// which is how flash-style attention and the fused LM head recompute them in
// backward instead of keeping them. Large inputs run on all threads.
func ExpSub(x []float32, m float32) float32 {
	n := len(x)
	if n <= expSubBlock {
		return expSubImpl(x, m)
	}
	// Fixed blocks summed in float64 in block order: long rows (a
	// vocabulary) keep float32 accuracy, and the result does not depend on
	// which thread ran which block.
	parts := make([]float32, (n+expSubBlock-1)/expSubBlock)
	run := func(lo, hi int) {
		for c := lo; c < hi; c++ {
			parts[c] = expSubImpl(x[c*expSubBlock:min((c+1)*expSubBlock, n)], m)
		}
	}
	if n < 1<<15 {
		run(0, len(parts))
	} else {
		parallelChunks(len(parts), 1, Threads(), run)
	}
	var s float64
	for _, p := range parts {
		s += float64(p)
	}
	return float32(s)
}

// expSubBlock is the run ExpSub sums in float32 before widening.
const expSubBlock = 1024

// SiLUMulBackward is the gradient of out = silu(gate)·up (SiLUMul): given
// dout it writes
//
//	dup[i]   = dout[i]·silu(gate[i])
//	dgate[i] = dout[i]·up[i]·σ(g)·(1 + g·(1-σ(g))),  σ(g) = 1/(1+e^-g)
//
// All slices have len(gate) elements; dgate and dup must not alias the
// inputs. Large inputs run on all threads.
func SiLUMulBackward(dgate, dup, dout, gate, up []float32) {
	n := len(gate)
	need("SiLUMulBackward", "dgate", len(dgate), n)
	need("SiLUMulBackward", "dup", len(dup), n)
	need("SiLUMulBackward", "dout", len(dout), n)
	need("SiLUMulBackward", "up", len(up), n)
	if n < 1<<15 {
		siluMulBackward(dgate[:n], dup[:n], dout[:n], gate, up[:n])
		return
	}
	parallelChunks(n, 1024, Threads(), func(lo, hi int) {
		siluMulBackward(dgate[lo:hi], dup[lo:hi], dout[lo:hi], gate[lo:hi], up[lo:hi])
	})
}

func siluMulBackward(dgate, dup, dout, gate, up []float32) {
	// e^-g through the vector exponential, staged in dgate.
	for i, g := range gate {
		dgate[i] = -g
	}
	expSubImpl(dgate, 0)
	for i, g := range gate {
		s := 1 / (1 + dgate[i]) // σ(g); e^-g = +Inf gives 0
		d := dout[i]
		dup[i] = d * g * s
		dgate[i] = d * up[i] * s * (1 + g*(1-s))
	}
}

// Backward products without transposes. MatMul and MatMulTNAcc route through
// MatMulT by transposing an operand (for dX = dY·W a whole weight matrix,
// single-threaded, per call) into pooled scratch. These two do the same
// products with a register tile (AVX-512 12×32, AVX2 6×16) that reads the
// row-major operand in place and broadcasts from a small packed copy of the
// other, so no weight-sized copy is ever made and the scratch comes from
// the caller. The portable kernel set falls back to MatMul and MatMulTNAcc.

// Blocking of the backward products: 256 reduction steps per packed panel
// (a 32-column strip of B is 32 KB, about L1) and 20 panels per block (240
// KB of packed A with the AVX-512 12×32 tile, kept in L2). Measured on the
// 2-core EPYC with a whole 0.5B training step (BenchmarkTrainStep, same
// session, interleaved): 256 gives 132–141 GFLOP/s, 128 gave 118–123, as
// each output tile is loaded and stored half as often (a training step's
// 254-token reduction is one block). nnMaxMR is the tallest tile, which
// sizes the scratch.
const (
	nnKC     = 256
	nnPanels = 20
	nnMaxMR  = 12
)

// packSize is the packed-panel scratch for an output of rows rows and a
// reduction of K steps.
func packSize(rows, K int) int { return (rows + nnMaxMR - 1) / nnMaxMR * nnMaxMR * min(K, nnKC) }

// MatMulNNScratch is the scratch (float32 elements) MatMulNN needs.
// (Accumulating needs room for the product where there is no assembly tile.)
func MatMulNNScratch(M, N, K int, accumulate bool) int {
	if accumulate {
		return max(packSize(M, K), M*N)
	}
	return packSize(M, K)
}

// MatMulTNAccNNScratch is the scratch (float32 elements) MatMulTNAccNN needs.
func MatMulTNAccNNScratch(M, N, K int) int { return packSize(N, M) }

// MatMulNN computes out = x·w (accumulate: out += x·w) for x [M,K] and w
// [K,N]: the input gradient dX = dY·W of a Linear layer with weight W
// [out=K, in=N]. scratch must hold MatMulNNScratch(M, N, K, accumulate)
// floats (nil: allocated).
// Results do not depend on the thread count.
func MatMulNN(out, x, w []float32, M, N, K int, accumulate bool, scratch []float32) {
	needShapes("MatMulNN", M, N, K)
	need("MatMulNN", "out", len(out), M*N)
	need("MatMulNN", "x", len(x), M*K)
	need("MatMulNN", "w", len(w), K*N)
	if M == 0 || N == 0 {
		return
	}
	if scratch == nil {
		scratch = make([]float32, MatMulNNScratch(M, N, K, accumulate))
	}
	need("MatMulNN", "scratch", len(scratch), MatMulNNScratch(M, N, K, accumulate))
	_, _, tile := nnShape()
	switch {
	case !tile && !accumulate:
		MatMul(out, x, w, M, N, K)
		return
	case !tile:
		t := scratch[:M*N]
		MatMul(t, x, w, M, N, K)
		for i, v := range t {
			out[i] += v
		}
		return
	case !accumulate:
		clear(out[:M*N])
	}
	if K == 0 {
		return
	}
	gemmNN(out, N, x, K, 1, w, N, M, N, K, scratch)
}

// MatMulTNAccNN accumulates dw[n*K+k] += Σ_m dy[m*N+n]·x[m*K+k] (dW += dYᵀ·X,
// as MatMulTNAcc) without transposing dy or x. scratch must hold
// MatMulTNAccNNScratch(M, N, K) floats (nil: allocated). Results do not
// depend on the thread count.
func MatMulTNAccNN(dw, dy, x []float32, M, N, K int, scratch []float32) {
	needShapes("MatMulTNAccNN", M, N, K)
	need("MatMulTNAccNN", "dw", len(dw), N*K)
	need("MatMulTNAccNN", "dy", len(dy), M*N)
	need("MatMulTNAccNN", "x", len(x), M*K)
	if M == 0 || N == 0 || K == 0 {
		return
	}
	if _, _, ok := nnShape(); !ok {
		MatMulTNAcc(dw, dy, x, M, N, K)
		return
	}
	if scratch == nil {
		scratch = make([]float32, MatMulTNAccNNScratch(M, N, K))
	}
	need("MatMulTNAccNN", "scratch", len(scratch), MatMulTNAccNNScratch(M, N, K))
	// dW[n, k] = Σ_m A(n, m)·B(m, k) with A(n, m) = dy[m*N+n], B = x.
	gemmNN(dw, K, dy, 1, N, x, K, N, K, M, scratch)
}

// gemmNN adds A·B into c (row stride ldc) for A(i,k) = a[i*sai+k*sak]
// ([I,K]) and B(k,j) = b[k*ldb+j] ([K,J]). Per block of nnKC reduction
// steps it packs A into panels of mr rows (k-major) and then sweeps
// nr-column strips of B, split across threads by strip, so every element
// of c is owned by one thread and summed in a fixed order.
func gemmNN(c []float32, ldc int, a []float32, sai, sak int, b []float32, ldb, I, J, K int, pack []float32) {
	mr, nr, _ := nnShape()
	panels := (I + mr - 1) / mr
	strips := J / nr
	for k0 := 0; k0 < K; k0 += nnKC {
		kc := min(nnKC, K-k0)
		ParallelFor(panels, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				d := pack[p*mr*kc : (p+1)*mr*kc]
				rows := min(mr, I-p*mr)
				if rows < mr {
					clear(d)
				}
				if sai == 1 { // a panel's rows are adjacent: copy runs of them
					for k := 0; k < kc; k++ {
						o := p*mr + (k0+k)*sak
						copy(d[k*mr:k*mr+rows], a[o:o+rows])
					}
					continue
				}
				for i := 0; i < rows; i++ {
					src := a[(p*mr+i)*sai+k0*sak:]
					for k := 0; k < kc; k++ {
						d[k*mr+i] = src[k*sak]
					}
				}
			}
		})
		parallelChunks(strips, 1, chunksFor(I, J, kc), func(lo, hi int) {
			var part [nnMaxMR * 32]float32 // the last panel's tile when I is not a multiple of mr
			for p0 := 0; p0 < panels; p0 += nnPanels {
				for s := lo; s < hi; s++ {
					bp := &b[k0*ldb+s*nr]
					for p := p0; p < min(p0+nnPanels, panels); p++ {
						ap := &pack[p*mr*kc]
						rows := min(mr, I-p*mr)
						if rows == mr {
							nnTile(mr, kc, ap, bp, 4*ldb, &c[p*mr*ldc+s*nr], 4*ldc)
							continue
						}
						clear(part[:])
						nnTile(mr, kc, ap, bp, 4*ldb, &part[0], 4*nr)
						for i := 0; i < rows; i++ {
							cr := c[(p*mr+i)*ldc+s*nr : (p*mr+i)*ldc+s*nr+nr]
							for j, v := range part[i*nr : (i+1)*nr] {
								cr[j] += v
							}
						}
					}
				}
			}
		})
		// Columns past the last whole strip (only narrow shapes).
		if j0 := strips * nr; j0 < J {
			ParallelFor(I, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					ap := pack[i/mr*mr*kc+i%mr:]
					cr := c[i*ldc : i*ldc+J]
					for j := j0; j < J; j++ {
						var s float32
						for k := 0; k < kc; k++ {
							s += ap[k*mr] * b[(k0+k)*ldb+j]
						}
						cr[j] += s
					}
				}
			})
		}
	}
}
