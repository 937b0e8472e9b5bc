#version 450
// SwiGLU: out = silu(gate) * up, silu(g) = g / (1 + e^-g), over rows of F
// values. gate row r starts at gOff + r*gStride, up at uOff + r*gStride, out
// at oOff + r*oStride: separate buffers, or one fused [gate | up] row
// (bind it twice, uOff = F, gStride = 2F).
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer G_ { float g[]; };
layout(std430, binding = 1) readonly buffer U_ { float u[]; };
layout(std430, binding = 2) writeonly buffer O_ { float o[]; };
layout(push_constant) uniform P { int rows, F, gOff, uOff, gStride, oOff, oStride; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.rows * p.F) return;
	int r = i / p.F, c = i % p.F;
	float x = g[p.gOff + r * p.gStride + c];
	o[p.oOff + r * p.oStride + c] = x / (1.0 + exp(-x)) * u[p.uOff + r * p.gStride + c];
}
