#version 450
// Bias gradient: db[n] += sum_m dy[m, n], rows summed in order.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer DY_ { float dy[]; };
layout(std430, binding = 1) buffer DB_ { float db[]; };
layout(push_constant) uniform P { int M, N; } p;
void main() {
	int n = int(gl_GlobalInvocationID.x);
	if (n >= p.N) return;
	float s = 0.0;
	for (int m = 0; m < p.M; m++) s += dy[m * p.N + n];
	db[n] += s;
}
