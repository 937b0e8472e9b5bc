#version 450
// SwiGLU backward: dgate = dout * up * silu'(g), dup = dout * silu(g),
// silu'(g) = sig(g) * (1 + g * (1 - sig(g))).
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer DO_ { float dout[]; };
layout(std430, binding = 1) readonly buffer G_ { float g[]; };
layout(std430, binding = 2) readonly buffer U_ { float u[]; };
layout(std430, binding = 3) writeonly buffer DG_ { float dg[]; };
layout(std430, binding = 4) writeonly buffer DU_ { float du[]; };
layout(push_constant) uniform P { int n; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.n) return;
	float x = g[i];
	float sg = 1.0 / (1.0 + exp(-x));
	dg[i] = dout[i] * u[i] * sg * (1.0 + x * (1.0 - sg));
	du[i] = dout[i] * x * sg;
}
