#version 450
// bfloat16 -> float32 (exact).
#include "bf16.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer I_ { uint x[]; };
layout(std430, binding = 1) writeonly buffer O_ { float o[]; };
layout(push_constant) uniform P { int n; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.n) return;
	o[i] = bf16Half(x[i >> 1], i);
}
