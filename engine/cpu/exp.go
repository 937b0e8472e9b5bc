package cpu

import "math"

// expf32 is a float32 e^x accurate to about 1 ulp, several times faster than
// float32(math.Exp(float64(x))); SiLU and softmax call it millions of times
// per prefill. Range reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in
// two for exactness), then a degree-6 polynomial for e^r, scaled by 2^n.
func expf32(x float32) float32 {
	switch {
	case x != x: // NaN
		return x
	case x > 88.72284:
		return float32(math.Inf(1))
	case x < -103.97208:
		return 0
	}
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	t := x * log2e
	if t < 0 {
		t -= 0.5
	} else {
		t += 0.5
	}
	ni := int32(t) // round to nearest (ties away), truncating conversion
	n := float32(ni)
	r := x - n*ln2hi - n*ln2lo
	// Taylor coefficients up to r^6/720: error < 2e-8 for |r| ≤ 0.35.
	p := float32(1.0 / 720)
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	if ni < -126 { // subnormal result: scale in two steps
		return p * math.Float32frombits(uint32(ni+126+127)<<23) * math.Float32frombits(1<<23)
	}
	if ni > 127 {
		return p * 2 * math.Float32frombits(uint32(ni-1+127)<<23)
	}
	return p * math.Float32frombits(uint32(ni+127)<<23)
}
