package safetensors

import (
	"math"
	"math/rand"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

func TestBF16ToF32(t *testing.T) {
	tests := []struct {
		in   uint16
		want uint32 // float32 bits
	}{
		{0x0000, 0x00000000},
		{0x8000, 0x80000000},
		{0x3f80, 0x3f800000}, // 1
		{0xc000, 0xc0000000}, // -2
		{0x7f80, 0x7f800000}, // +inf
		{0xff80, 0xff800000}, // -inf
		{0x7fc0, 0x7fc00000}, // NaN
		{0x0001, 0x00010000}, // smallest subnormal
		{0x7f7f, 0x7f7f0000}, // max finite
	}
	for _, tc := range tests {
		if got := math.Float32bits(cpu.BF16ToF32(tc.in)); got != tc.want {
			t.Errorf("cpu.BF16ToF32(%#04x) = %#08x, want %#08x", tc.in, got, tc.want)
		}
	}
}

func TestF32ToBF16(t *testing.T) {
	tests := []struct {
		name string
		in   uint32
		want uint16
	}{
		{"one", 0x3f800000, 0x3f80},
		{"neg zero", 0x80000000, 0x8000},
		{"round down below half", 0x3f807fff, 0x3f80},
		{"tie to even (down)", 0x3f808000, 0x3f80},
		{"tie to even (up)", 0x3f818000, 0x3f82},
		{"round up above half", 0x3f808001, 0x3f81},
		{"inf", 0x7f800000, 0x7f80},
		{"-inf", 0xff800000, 0xff80},
		{"overflow to inf", 0x7f7fffff, 0x7f80},
		{"NaN low payload stays NaN", 0x7f800001, 0x7fc0},
		{"quiet NaN", 0x7fc00000, 0x7fc0},
		{"negative NaN", 0xffc00001, 0xffc0},
		{"subnormal", 0x00012345, 0x0001},
		{"subnormal tie", 0x00018000, 0x0002},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cpu.F32ToBF16(math.Float32frombits(tc.in)); got != tc.want {
				t.Errorf("cpu.F32ToBF16(%#08x) = %#04x, want %#04x", tc.in, got, tc.want)
			}
		})
	}
}

// nearestBF16 is a float64 reference: pick whichever neighbouring bf16
// (truncation or truncation+1ulp) is closer, ties to even mantissa.
func nearestBF16(f float32) uint16 {
	lo := uint16(math.Float32bits(f) >> 16)
	hi := lo + 1
	dl := math.Abs(float64(f) - float64(cpu.BF16ToF32(lo)))
	dh := math.Abs(float64(f) - float64(cpu.BF16ToF32(hi)))
	switch {
	case dl < dh:
		return lo
	case dh < dl:
		return hi
	case lo&1 == 0:
		return lo
	default:
		return hi
	}
}

func TestF32ToBF16MatchesReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 200000; i++ {
		bits := r.Uint32() &^ 0x40000000 // keep exponent below max so hi stays finite
		f := math.Float32frombits(bits)
		if got, want := cpu.F32ToBF16(f), nearestBF16(f); got != want {
			t.Fatalf("cpu.F32ToBF16(%#08x) = %#04x, reference %#04x", bits, got, want)
		}
	}
}

func TestF16ToF32(t *testing.T) {
	tests := []struct {
		in   uint16
		want float64
	}{
		{0x0000, 0},
		{0x3c00, 1},
		{0xc000, -2},
		{0x7bff, 65504},                 // max finite
		{0x0400, math.Ldexp(1, -14)},    // smallest normal
		{0x0001, math.Ldexp(1, -24)},    // smallest subnormal
		{0x03ff, math.Ldexp(1023, -24)}, // largest subnormal
		{0x8001, -math.Ldexp(1, -24)},   // negative subnormal
		{0x3555, 0.333251953125},        // ~1/3
		{0x7c00, math.Inf(1)},
		{0xfc00, math.Inf(-1)},
	}
	for _, tc := range tests {
		if got := F16ToF32(tc.in); float64(got) != tc.want {
			t.Errorf("F16ToF32(%#04x) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := F16ToF32(0x8000); math.Float32bits(got) != 0x80000000 {
		t.Errorf("F16ToF32(-0) bits = %#08x", math.Float32bits(got))
	}
	for _, nan := range []uint16{0x7e00, 0x7c01, 0xfe00} {
		if got := F16ToF32(nan); !math.IsNaN(float64(got)) {
			t.Errorf("F16ToF32(%#04x) = %v, want NaN", nan, got)
		}
	}
}

// f16Value is an independent float64 decoding of a half from the IEEE
// definition, used as the reference for the exhaustive test.
func f16Value(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	mant := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(mant, -24)
	case 0x1f:
		if mant == 0 {
			return sign * math.Inf(1)
		}
		return math.NaN()
	}
	return sign * math.Ldexp(1+mant/1024, exp-15)
}

func TestF16ExhaustiveRoundTrip(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		f := F16ToF32(h)
		ref := f16Value(h)
		if math.IsNaN(ref) {
			if !math.IsNaN(float64(f)) || !math.IsNaN(float64(F16ToF32(F32ToF16(f)))) {
				t.Fatalf("NaN %#04x not preserved", h)
			}
			continue
		}
		if float64(f) != ref {
			t.Fatalf("F16ToF32(%#04x) = %v, reference %v", h, f, ref)
		}
		if back := F32ToF16(f); back != h {
			t.Fatalf("F32ToF16(F16ToF32(%#04x)) = %#04x", h, back)
		}
	}
}

func TestF32ToF16Rounding(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want uint16
	}{
		{"one plus half ulp ties to even", 1 + math.Ldexp(1, -11), 0x3c00},
		{"one plus 3 half ulps ties up", 1 + 3*math.Ldexp(1, -11), 0x3c02},
		{"just above half ulp rounds up", 1 + math.Ldexp(1, -11) + math.Ldexp(1, -20), 0x3c01},
		{"max finite", 65504, 0x7bff},
		{"rounds to inf", 65520, 0x7c00},
		{"just below inf threshold", 65519, 0x7bff},
		{"huge", 1e10, 0x7c00},
		{"half smallest subnormal ties to zero", math.Ldexp(1, -25), 0x0000},
		{"above half smallest subnormal", math.Ldexp(1.5, -25), 0x0001},
		{"subnormal tie to even", math.Ldexp(3, -25), 0x0002},
		{"largest subnormal rounds to smallest normal", math.Ldexp(1023.5, -24), 0x0400},
		{"tiny underflows", 1e-10, 0x0000},
		{"negative", -0.5, 0xb800},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := F32ToF16(float32(tc.in)); got != tc.want {
				t.Errorf("F32ToF16(%v) = %#04x, want %#04x", tc.in, got, tc.want)
			}
		})
	}
}
