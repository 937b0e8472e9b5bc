//go:build amd64

package cpu

//go:noescape
func siluMulAVX512(out, gate, u *float32, n int, c *float32)

//go:noescape
func siluMulAVX2(out, gate, u *float32, n int, c *float32)

// siluConsts feeds the assembly SiLU (layout documented in silu_amd64.s);
// the values match expf32.
var siluConsts = [12]float32{
	1.44269504088896341, 0.693359375, -2.12194440e-4,
	1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1,
	88.3, -87.3, -87,
}

func siluMul512(out, gate, up []float32) {
	n := len(gate) &^ 15
	if n > 0 {
		siluMulAVX512(&out[0], &gate[0], &up[0], n, &siluConsts[0])
	}
	siluMulGeneric(out[n:], gate[n:], up[n:])
}

func siluMul256(out, gate, up []float32) {
	n := len(gate) &^ 7
	if n > 0 {
		siluMulAVX2(&out[0], &gate[0], &up[0], n, &siluConsts[0])
	}
	siluMulGeneric(out[n:], gate[n:], up[n:])
}

//go:noescape
func expSubAVX512(x *float32, n int, m float32, c *float32) float32

// expSub512 replaces x[i] with e^(x[i]-m) and returns the sum.
func expSub512(x []float32, m float32) float32 {
	n := len(x) &^ 15
	var s float32
	if n > 0 {
		s = expSubAVX512(&x[0], n, m, &siluConsts[0])
	}
	return s + expSubGeneric(x[n:], m)
}
