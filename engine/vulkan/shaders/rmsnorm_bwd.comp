#version 450
// RMSNorm backward for dx, one work group per row:
//   dx = rstd * (w*dy - x * rstd² * mean(w*dy*x))   (added to dx when acc != 0)
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer DY_ { float dy[]; };
layout(std430, binding = 1) readonly buffer X_ { float x[]; };
layout(std430, binding = 2) readonly buffer W_ { float w[]; };
layout(std430, binding = 3) readonly buffer R_ { float rstd[]; };
layout(std430, binding = 4) buffer DX_ { float dx[]; };
layout(push_constant) uniform P { int rows, n, acc; } p;
shared float red[128];
void main() {
	int r = int(gl_WorkGroupID.x), t = int(gl_LocalInvocationID.x);
	int base = r * p.n;
	float s = 0.0;
	for (int i = t; i < p.n; i += 128) s += w[i] * dy[base + i] * x[base + i];
	red[t] = s;
	barrier();
	for (int k = 64; k > 0; k >>= 1) { if (t < k) red[t] += red[t + k]; barrier(); }
	float rs = rstd[r];
	float c = rs * rs * red[0] / float(p.n);
	for (int i = t; i < p.n; i += 128) {
		float v = rs * (w[i] * dy[base + i] - x[base + i] * c);
		dx[base + i] = p.acc != 0 ? dx[base + i] + v : v;
	}
}
