package cpu

import "math"

// Dot returns sum_i a[i]*b[i] over len(a) elements; b must be at least as long.
func Dot(a, b []float32) float32 {
	b = b[:len(a)]
	return dotImpl(a, b)
}

// Axpy computes y += alpha*x over len(x) elements (y must be at least as long).
// The model uses it for attention-weighted sums of value rows.
func Axpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	axpyImpl(alpha, x, y)
}

// RMSNorm writes out[i] = x[i] / sqrt(mean(x²) + eps) * w[i] for one row.
// The mean of squares is accumulated in float64 so long rows stay accurate.
func RMSNorm(out, x, w []float32, eps float32) {
	n := len(x)
	out, w = out[:n], w[:n]
	var ss float64
	for _, v := range x {
		ss += float64(v) * float64(v)
	}
	scale := float32(1 / math.Sqrt(ss/float64(n)+float64(eps)))
	for i, v := range x {
		out[i] = v * scale * w[i]
	}
}

// SiLUMul writes out[i] = silu(gate[i]) * up[i], the SwiGLU activation of the
// Qwen2 MLP, where silu(g) = g / (1 + e^-g) (and silu(-Inf) = 0; for
// g < -87, where |result| < 1e-35, the SIMD kernels return 0). A whole
// [M, ffn] block may be passed at once; large inputs run on all threads.
func SiLUMul(out, gate, up []float32) {
	n := len(gate)
	out, up = out[:n], up[:n]
	if n < 1<<15 {
		siluMulImpl(out, gate, up)
		return
	}
	parallelChunks(n, 1024, Threads(), func(lo, hi int) {
		siluMulImpl(out[lo:hi], gate[lo:hi], up[lo:hi])
	})
}

func siluMulGeneric(out, gate, up []float32) {
	up = up[:len(gate)]
	out = out[:len(gate)]
	for i, g := range gate {
		s := 1 / (1 + expf32(-g))
		if s == 0 { // g very negative (or -Inf): the product tends to 0
			out[i] = 0
			continue
		}
		out[i] = g * s * up[i]
	}
}

// Softmax replaces x with exp(x - max) / sum, which cannot overflow. An empty
// slice is left alone; -Inf entries (masked positions) become 0. A row that
// is all -Inf, or contains NaN, yields NaNs, as in PyTorch.
func Softmax(x []float32) {
	if len(x) == 0 {
		return
	}
	m := x[0]
	for _, v := range x[1:] {
		if v > m {
			m = v
		}
	}
	if math.IsInf(float64(m), -1) || m != m {
		nan := float32(math.NaN())
		for i := range x {
			x[i] = nan
		}
		return
	}
	inv := 1 / expSubImpl(x, m)
	for i := range x {
		x[i] *= inv
	}
}

// expSubGeneric replaces x[i] with e^(x[i]-m) and returns their sum.
func expSubGeneric(x []float32, m float32) float32 {
	var sum float32
	for i, v := range x {
		e := expf32(v - m)
		x[i] = e
		sum += e
	}
	return sum
}

func dotGeneric(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func axpyGeneric(alpha float32, x, y []float32) {
	for i, v := range x {
		y[i] += alpha * v
	}
}
