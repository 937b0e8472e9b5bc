//go:build !amd64

package cpu

// nnShape: no assembly tile here; the backward products use MatMul and
// MatMulTNAcc.
func nnShape() (mr, nr int, ok bool) { return 0, 0, false }

// nnTile is never called where nnShape reports no tile.
func nnTile(mr, k int, a, b *float32, ldb int, c *float32, ldc int) {
	panic("cpu: no backward-product tile on this architecture")
}
