package cpu

// Portable kernels: used on every platform without assembly, when the CPU
// lacks the needed features, and by the tests as the reference the assembly
// must match.

func matMulTGeneric(out, x, w, bias []float32, M, N, K int) {
	parallelChunks(N, 1, chunksFor(M, N, K), func(lo, hi int) {
		for m := 0; m < M; m++ {
			xr := x[m*K : m*K+K]
			or := out[m*N : m*N+N]
			for n := lo; n < hi; n++ {
				s := dotGeneric(xr, w[n*K:n*K+K])
				if bias != nil {
					s += bias[n]
				}
				or[n] = s
			}
		}
	})
}

func matMulTBF16Generic(out, x []float32, w []uint16, bias []float32, M, N, K int) {
	parallelChunks(N, 1, chunksFor(M, N, K), func(lo, hi int) {
		row := make([]float32, K)
		for n := lo; n < hi; n++ {
			wr := w[n*K : n*K+K]
			for k, b := range wr {
				row[k] = BF16ToF32(b)
			}
			for m := 0; m < M; m++ {
				s := dotGeneric(x[m*K:m*K+K], row)
				if bias != nil {
					s += bias[n]
				}
				out[m*N+n] = s
			}
		}
	})
}

func matMulGeneric(out, x, w []float32, M, N, K int) {
	if M < 4 && chunksFor(M, N, K) > 1 {
		// Few rows (decode attention): split the columns instead.
		parallelChunks(N, 16, chunksFor(M, N, K), func(lo, hi int) {
			for m := 0; m < M; m++ {
				or := out[m*N+lo : m*N+hi]
				clear(or)
				for k := 0; k < K; k++ {
					axpyImpl(x[m*K+k], w[k*N+lo:k*N+hi], or)
				}
			}
		})
		return
	}
	parallelChunks(M, 1, chunksFor(M, N, K), func(lo, hi int) {
		for m := lo; m < hi; m++ {
			or := out[m*N : m*N+N]
			clear(or)
			for k := 0; k < K; k++ {
				axpyImpl(x[m*K+k], w[k*N:k*N+N], or)
			}
		}
	})
}

func matMulTNAccGeneric(dw, dy, x []float32, M, N, K int) {
	parallelChunks(N, 1, chunksFor(M, N, K), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			dr := dw[n*K : n*K+K]
			for m := 0; m < M; m++ {
				axpyImpl(dy[m*N+n], x[m*K:m*K+K], dr)
			}
		}
	})
}

// initRows sets each of the M rows of out to bias (or zero).
func initRows(out, bias []float32, M, N int) {
	for m := 0; m < M; m++ {
		if bias != nil {
			copy(out[m*N:m*N+N], bias[:N])
		} else {
			clear(out[m*N : m*N+N])
		}
	}
}

// toBF16 rounds src to bf16 bits (nearest, ties to even) into dst.
func toBF16(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = F32ToBF16(v)
	}
}
