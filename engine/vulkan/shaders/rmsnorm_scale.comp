#version 450
// RMSNorm output from a kept rstd: out[r, i] = x[r, i] * rstd[r] * w[i].
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer X_ { float x[]; };
layout(std430, binding = 1) readonly buffer W_ { float w[]; };
layout(std430, binding = 2) readonly buffer R_ { float rstd[]; };
layout(std430, binding = 3) writeonly buffer O_ { float o[]; };
layout(push_constant) uniform P { int rows, n; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.rows * p.n) return;
	o[i] = x[i] * rstd[i / p.n] * w[i % p.n];
}
