// bfloat16 helpers shared by the kernels that keep 16-bit values packed two
// per uint (element i in word i >> 1, the low half first), included with
// #include "bf16.glsl". Not a kernel: build.sh compiles only *.comp.
#ifndef BF16_GLSL
#define BF16_GLSL

// bf16Round rounds f to bfloat16 (the low 16 bits of the result) to
// nearest even, a NaN kept a quiet NaN of the same sign: exactly
// engine/cpu's F32ToBF16, infinities and overflow to infinity included.
uint bf16Round(float f) {
	uint u = floatBitsToUint(f);
	if ((u & 0x7fffffffu) > 0x7f800000u) return ((u >> 16) | 0x40u) & 0xffffu;
	u += 0x7fffu + ((u >> 16) & 1u);
	return u >> 16;
}

// bf16Half widens element i's half of w, the word holding it (exact).
float bf16Half(uint w, int i) {
	return uintBitsToFloat(((i & 1) == 1 ? (w >> 16) : (w & 0xffffu)) << 16);
}

#endif
