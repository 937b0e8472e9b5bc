//go:build amd64

package cpu

//go:noescape
func gemmNN12x32AVX512(k int, a, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func gemmNN6x16AVX2(k int, a, b *float32, ldb int, c *float32, ldc int)

// nnShape returns the register tile (rows × columns of C) of the backward
// products for the active kernel set, or ok=false where there is none (they
// then fall back to MatMul and MatMulTNAcc).
func nnShape() (mr, nr int, ok bool) {
	switch active.name {
	case "avx512", "avx512bf16":
		return 12, 32, true
	case "avx2":
		return 6, 16, true
	}
	return 0, 0, false
}

// nnTile runs the active register tile: c[mr×nr] += a·b over k steps (see
// gemmNN12x32AVX512). It calls the assembly directly, not through a func
// value, so its pointer arguments stay on the stack.
func nnTile(mr, k int, a, b *float32, ldb int, c *float32, ldc int) {
	if mr == 12 {
		gemmNN12x32AVX512(k, a, b, ldb, c, ldc)
		return
	}
	gemmNN6x16AVX2(k, a, b, ldb, c, ldc)
}
