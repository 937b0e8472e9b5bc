#version 450
// Softmax backward through scaled scores, in place on dP:
//   dS = scale * P * (dP - sum_j P_j dP_j)
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer P_ { float pr[]; };
layout(std430, binding = 1) buffer D_ { float dp[]; };
layout(push_constant) uniform P { int rows, S; float scale; } p;
shared float red[128];
void main() {
	int row = int(gl_WorkGroupID.x), t = int(gl_LocalInvocationID.x);
	int base = row * p.S;
	float s = 0.0;
	for (int j = t; j < p.S; j += 128) s += pr[base + j] * dp[base + j];
	red[t] = s;
	barrier();
	for (int k = 64; k > 0; k >>= 1) { if (t < k) red[t] += red[t + k]; barrier(); }
	float dot_ = red[0];
	for (int j = t; j < p.S; j += 128) dp[base + j] = p.scale * pr[base + j] * (dp[base + j] - dot_);
}
