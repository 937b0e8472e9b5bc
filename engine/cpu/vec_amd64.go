//go:build amd64

package cpu

//go:noescape
func dotAVX512(a, b *float32, n int) float32

//go:noescape
func dotAVX2(a, b *float32, n int) float32

//go:noescape
func axpyAVX512(alpha float32, x, y *float32, n int)

//go:noescape
func axpyAVX2(alpha float32, x, y *float32, n int)

// The wrappers run whole vectors in assembly and the remainder in Go. The
// callers (Dot, Axpy) have already made len(b) == len(a) / len(y) == len(x).

func dot512(a, b []float32) float32 {
	n := len(a) &^ 15
	var s float32
	if n > 0 {
		s = dotAVX512(&a[0], &b[0], n)
	}
	return s + dotGeneric(a[n:], b[n:])
}

func dot256(a, b []float32) float32 {
	n := len(a) &^ 7
	var s float32
	if n > 0 {
		s = dotAVX2(&a[0], &b[0], n)
	}
	return s + dotGeneric(a[n:], b[n:])
}

func axpy512(alpha float32, x, y []float32) {
	n := len(x) &^ 15
	if n > 0 {
		axpyAVX512(alpha, &x[0], &y[0], n)
	}
	axpyGeneric(alpha, x[n:], y[n:])
}

func axpy256(alpha float32, x, y []float32) {
	n := len(x) &^ 7
	if n > 0 {
		axpyAVX2(alpha, &x[0], &y[0], n)
	}
	axpyGeneric(alpha, x[n:], y[n:])
}
