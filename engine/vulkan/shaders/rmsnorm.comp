#version 450
// RMSNorm forward, one work group per row: out = x * rstd * w with
// rstd = 1/sqrt(mean(x²) + eps); rstd is kept for the backward pass.
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer X_ { float x[]; };
layout(std430, binding = 1) readonly buffer W_ { float w[]; };
layout(std430, binding = 2) writeonly buffer O_ { float o[]; };
layout(std430, binding = 3) writeonly buffer R_ { float rstd[]; };
layout(push_constant) uniform P { int rows, n; float eps; } p;
shared float red[128];
void main() {
	int r = int(gl_WorkGroupID.x), t = int(gl_LocalInvocationID.x);
	int base = r * p.n;
	float s = 0.0;
	for (int i = t; i < p.n; i += 128) { float v = x[base + i]; s += v * v; }
	red[t] = s;
	barrier();
	for (int k = 64; k > 0; k >>= 1) { if (t < k) red[t] += red[t + k]; barrier(); }
	float rs = inversesqrt(red[0] / float(p.n) + p.eps);
	for (int i = t; i < p.n; i += 128) o[base + i] = x[base + i] * rs * w[i];
	if (t == 0) rstd[r] = rs;
}
