package cpu

import "sync"

// Scratch buffers reused across calls so kernels called per token do not
// allocate; a sync.Pool keeps concurrent callers apart.
var (
	f32Scratch sync.Pool // *[]float32
	u16Scratch sync.Pool // *[]uint16
)

func getF32(n int) *[]float32 {
	if p, ok := f32Scratch.Get().(*[]float32); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]float32, n)
	return &s
}

func putF32(p *[]float32) { f32Scratch.Put(p) }

func getU16(n int) *[]uint16 {
	if p, ok := u16Scratch.Get().(*[]uint16); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]uint16, n)
	return &s
}

func putU16(p *[]uint16) { u16Scratch.Put(p) }

// transpose writes dst[c*rows+r] = src[r*cols+c] (dst is cols×rows), in
// 32×32 blocks so both sides stay in cache.
func transpose(dst, src []float32, rows, cols int) {
	const b = 32
	for r0 := 0; r0 < rows; r0 += b {
		r1 := min(r0+b, rows)
		for c0 := 0; c0 < cols; c0 += b {
			c1 := min(c0+b, cols)
			for r := r0; r < r1; r++ {
				s := src[r*cols : r*cols+cols]
				for c := c0; c < c1; c++ {
					dst[c*rows+r] = s[c]
				}
			}
		}
	}
}
