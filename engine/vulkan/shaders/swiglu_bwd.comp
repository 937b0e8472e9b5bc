#version 450
// SwiGLU backward: dgate = dout * up * silu'(g), dup = dout * silu(g),
// silu'(g) = sig(g) * (1 + g * (1 - sig(g))). Row layout as in swiglu.comp;
// dgate/dup use the gate/up offsets and stride (a fused dgu row works).
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer DO_ { float dout[]; };
layout(std430, binding = 1) readonly buffer G_ { float g[]; };
layout(std430, binding = 2) readonly buffer U_ { float u[]; };
layout(std430, binding = 3) writeonly buffer DG_ { float dg[]; };
layout(std430, binding = 4) writeonly buffer DU_ { float du[]; };
layout(push_constant) uniform P { int rows, F, gOff, uOff, gStride, oOff, oStride; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.rows * p.F) return;
	int r = i / p.F, c = i % p.F;
	int gi = p.gOff + r * p.gStride + c, ui = p.uOff + r * p.gStride + c;
	float x = g[gi];
	float d = dout[p.oOff + r * p.oStride + c];
	float sg = 1.0 / (1.0 + exp(-x));
	dg[gi] = d * u[ui] * sg * (1.0 + x * (1.0 - sg));
	du[ui] = d * x * sg;
}
