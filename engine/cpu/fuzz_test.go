package cpu

import (
	"math/rand"
	"testing"
)

// FuzzKernels checks every kernel path against the float64 references for
// fuzzer-chosen shapes (including the block-size edges the table tests may
// miss) and data seeds.
func FuzzKernels(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint16(1), int64(1))
	f.Add(uint8(17), uint8(13), uint16(33), int64(2))
	f.Add(uint8(33), uint8(25), uint16(67), int64(3))
	f.Add(uint8(4), uint8(8), uint16(1024), int64(4))
	f.Fuzz(func(t *testing.T, m, n uint8, k uint16, seed int64) {
		M, N, K := int(m%70)+1, int(n%70)+1, int(k%1200)+1
		r := rand.New(rand.NewSource(seed))
		x, w, bias := randSlice(r, M*K), randSlice(r, N*K), randSlice(r, N)
		wb := make([]uint16, len(w))
		wr := make([]float32, len(w))
		for i, v := range w {
			wb[i] = F32ToBF16(v)
			wr[i] = BF16ToF32(wb[i])
		}
		xr := make([]float32, len(x))
		for i, v := range x {
			xr[i] = BF16ToF32(F32ToBF16(v))
		}
		wantT := refMatMulT(x, w, bias, M, N, K)
		wantMM := refMatMul(x, w, M, N, K) // w read as [K,N]
		dy := randSlice(r, M*N)
		dw0 := randSlice(r, N*K)
		wantAcc := refMatMulTNAcc(dw0, dy, x, M, N, K)
		for _, p := range kernelPaths() {
			restore := p.use()
			out := make([]float32, M*N)
			MatMulT(out, x, w, bias, M, N, K)
			assertClose(t, p.name+" MatMulT", out, wantT, K)

			MatMulTBF16(out, x, wb, bias, M, N, K)
			xx := x
			if bf16RoundsX(M) {
				xx = xr
			}
			assertClose(t, p.name+" MatMulTBF16", out, refMatMulT(xx, wr, bias, M, N, K), K)

			MatMul(out, x, w, M, N, K)
			assertClose(t, p.name+" MatMul", out, wantMM, K)

			dw := append([]float32(nil), dw0...)
			MatMulTNAcc(dw, dy, x, M, N, K)
			assertClose(t, p.name+" MatMulTNAcc", dw, wantAcc, M)
			restore()
		}
	})
}
