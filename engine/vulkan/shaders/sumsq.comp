#version 450
// Sum of squares, for the global gradient norm: work group g writes the sum
// over elements g*256+t, g*256+t+G*256, ... to part[g]. Run again with one
// group on the partial sums for the total.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer X_ { float x[]; };
layout(std430, binding = 1) writeonly buffer O_ { float part[]; };
layout(push_constant) uniform P { int n, square; } p;
shared float red[256];
void main() {
	int t = int(gl_LocalInvocationID.x), g = int(gl_WorkGroupID.x), G = int(gl_NumWorkGroups.x);
	float s = 0.0;
	for (int i = g * 256 + t; i < p.n; i += G * 256) { float v = x[i]; s += p.square != 0 ? v * v : v; }
	red[t] = s;
	barrier();
	for (int k = 128; k > 0; k >>= 1) { if (t < k) red[t] += red[t + k]; barrier(); }
	if (t == 0) part[g] = red[0];
}
