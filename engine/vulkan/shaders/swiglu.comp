#version 450
// SwiGLU: out = silu(gate) * up, silu(g) = g / (1 + e^-g).
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer G_ { float g[]; };
layout(std430, binding = 1) readonly buffer U_ { float u[]; };
layout(std430, binding = 2) writeonly buffer O_ { float o[]; };
layout(push_constant) uniform P { int n; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.n) return;
	float x = g[i];
	o[i] = x / (1.0 + exp(-x)) * u[i];
}
