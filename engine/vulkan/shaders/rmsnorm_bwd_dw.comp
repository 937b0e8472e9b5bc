#version 450
// RMSNorm weight gradient: dw[i] += sum_r dy[r,i] * x[r,i] * rstd[r].
// One thread per column, rows summed in order (deterministic).
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer DY_ { float dy[]; };
layout(std430, binding = 1) readonly buffer X_ { float x[]; };
layout(std430, binding = 2) readonly buffer R_ { float rstd[]; };
layout(std430, binding = 3) buffer DW_ { float dw[]; };
layout(push_constant) uniform P { int rows, n; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.n) return;
	float s = 0.0;
	for (int r = 0; r < p.rows; r++) s += dy[r * p.n + i] * x[r * p.n + i] * rstd[r];
	dw[i] += s;
}
