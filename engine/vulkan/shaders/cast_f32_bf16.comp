#version 450
// float32 -> bfloat16, round to nearest even, NaN kept quiet (cpu.F32ToBF16);
// two values per output word, low half first.
#include "bf16.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer I_ { float x[]; };
layout(std430, binding = 1) writeonly buffer O_ { uint o[]; };
layout(push_constant) uniform P { int n; } p;
void main() {
	int w = int(gl_GlobalInvocationID.x);
	int i = 2 * w;
	if (i >= p.n) return;
	uint lo = bf16Round(x[i]);
	uint hi = i + 1 < p.n ? bf16Round(x[i + 1]) : 0u;
	o[w] = lo | (hi << 16);
}
