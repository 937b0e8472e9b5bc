//go:build amd64

package cpu

//go:generate go run gen_asm.go

import "unsafe"

// available lists the kernel sets this CPU can run, slowest first.
func available() []kernelSet {
	f := detectX86()
	sets := []kernelSet{portableSet}
	if f.avx2FMA {
		sets = append(sets, tiledSet("avx2", &tilesavx2, &tilesavx2cvt, nil, &opAVX2, &opAVX2Cvt, false))
	}
	if f.avx512 {
		sets = append(sets, tiledSet("avx512", &tilesavx512, &tilesavx512cvt, nil, &opAVX512, &opAVX512Cvt, true))
	}
	if f.avx512BF16 {
		sets = append(sets, tiledSet("avx512bf16", &tilesavx512, &tilesavx512cvt, &tilesavx512dot, &opAVX512, &opAVX512Dot, true))
	}
	return sets
}

// matMulTFn is an f32 out (+)= x·wᵀ (+bias) implementation.
type matMulTFn func(out, x, w, bias []float32, M, N, K int, acc bool)

// bf16DotMinM is the smallest M for which the VDPBF16PS tiles are used. Below
// it (decode) the product is memory bound, so widening the weights costs
// nothing and keeps x exact; above it the dot-product instruction doubles the
// arithmetic rate.
const bf16DotMinM = 8

// tiledSet builds a kernel set: dot-product tile families (f32, bf16
// widened, optional bf16 VDPBF16PS) for small M, outer-product families
// (f32 and bf16) for M >= opMinM; avx512 selects the 512-bit vector helpers.
func tiledSet(name string, f32, cvt, dot *tileSet, opF32, opBF16 *opSet, avx512 bool) kernelSet {
	mt := func(out, x, w, bias []float32, M, N, K int, acc bool) {
		if M >= opMinM {
			opMatMulT(opF32, out, x, unsafe.Pointer(&w[0]), bias, M, N, K, acc)
			return
		}
		tiledMatMulT(f32, out, x, w, bias, M, N, K, acc)
	}
	s := kernelSet{
		name: name,
		matMulT: func(out, x, w, bias []float32, M, N, K int) {
			mt(out, x, w, bias, M, N, K, false)
		},
		matMulTBF16: func(out, x []float32, w []uint16, bias []float32, M, N, K int) {
			if M >= opMinM {
				opMatMulT(opBF16, out, x, unsafe.Pointer(&w[0]), bias, M, N, K, false)
				return
			}
			if dot != nil && M >= bf16DotMinM {
				matMulTBF16Dot(dot, out, x, w, bias, M, N, K)
				return
			}
			matMulTBF16Cvt(cvt, out, x, w, bias, M, N, K)
		},
		matMul: func(out, x, w []float32, M, N, K int) {
			matMulViaT(mt, out, x, w, M, N, K)
		},
		matMulTNAcc: func(dw, dy, x []float32, M, N, K int) {
			matMulTNAccViaT(mt, dw, dy, x, M, N, K)
		},
		dot:     dot256,
		axpy:    axpy256,
		siluMul: siluMul256,
		expSub:  expSubGeneric,
	}
	if avx512 {
		s.dot, s.axpy, s.siluMul, s.expSub = dot512, axpy512, siluMul512, expSub512
	}
	if dot != nil {
		s.bf16DotMinM = bf16DotMinM
	}
	return s
}

func tiledMatMulT(ts *tileSet, out, x, w, bias []float32, M, N, K int, acc bool) {
	if K == 0 {
		if !acc {
			initRows(out, bias, M, N)
		}
		return
	}
	j := tiledJob{ts: ts, out: out, x: unsafe.Pointer(&x[0]), w: unsafe.Pointer(&w[0]),
		ldx: K, ldw: K, M: M, N: N, K: K, accumulate: acc, bias: bias}
	j.tail = func(lo, hi, from int) {
		for m := 0; m < M; m++ {
			xr := x[m*K+from : m*K+K]
			for n := lo; n < hi; n++ {
				out[m*N+n] += dotGeneric(xr, w[n*K+from:n*K+K])
			}
		}
	}
	j.run()
}

func matMulTBF16Cvt(ts *tileSet, out, x []float32, w []uint16, bias []float32, M, N, K int) {
	if K == 0 {
		initRows(out, bias, M, N)
		return
	}
	j := tiledJob{ts: ts, out: out, x: unsafe.Pointer(&x[0]), w: unsafe.Pointer(&w[0]),
		ldx: K, ldw: K, M: M, N: N, K: K, bias: bias}
	j.tail = func(lo, hi, from int) {
		for m := 0; m < M; m++ {
			for n := lo; n < hi; n++ {
				var s float32
				for k := from; k < K; k++ {
					s += x[m*K+k] * BF16ToF32(w[n*K+k])
				}
				out[m*N+n] += s
			}
		}
	}
	j.run()
}

func matMulTBF16Dot(ts *tileSet, out, x []float32, w []uint16, bias []float32, M, N, K int) {
	if K == 0 {
		initRows(out, bias, M, N)
		return
	}
	xb := getU16(M * K)
	defer putU16(xb)
	toBF16(*xb, x)
	xr := *xb
	j := tiledJob{ts: ts, out: out, x: unsafe.Pointer(&xr[0]), w: unsafe.Pointer(&w[0]),
		ldx: K, ldw: K, M: M, N: N, K: K, bias: bias}
	j.tail = func(lo, hi, from int) {
		for m := 0; m < M; m++ {
			for n := lo; n < hi; n++ {
				var s float32
				for k := from; k < K; k++ {
					s += BF16ToF32(xr[m*K+k]) * BF16ToF32(w[n*K+k])
				}
				out[m*N+n] += s
			}
		}
	}
	j.run()
}

// matMulViaT computes x·w for w [K,N] by transposing w once and using the
// x·wᵀ tiles; the transpose (N·K moves) is small next to 2·M·N·K FLOPs
// except for tiny M, which falls back to row-by-row AXPYs.
func matMulViaT(mt matMulTFn, out, x, w []float32, M, N, K int) {
	if M < 4 || K == 0 {
		matMulGeneric(out, x, w, M, N, K)
		return
	}
	wt := getF32(N * K)
	defer putF32(wt)
	transpose(*wt, w, K, N)
	mt(out, x, *wt, nil, M, N, K, false)
}

// matMulTNAccViaT computes dw += dyᵀ·x as (dyᵀ)·(xᵀ)ᵀ: both operands are
// transposed so the reduction index m becomes contiguous for the tiles.
func matMulTNAccViaT(mt matMulTFn, dw, dy, x []float32, M, N, K int) {
	if M < 4 {
		matMulTNAccGeneric(dw, dy, x, M, N, K)
		return
	}
	dyt, xt := getF32(N*M), getF32(K*M)
	defer putF32(dyt)
	defer putF32(xt)
	transpose(*dyt, dy, M, N)
	transpose(*xt, x, M, K)
	mt(dw, *dyt, *xt, nil, N, K, M, true)
}
