#version 450
// Row softmax of attention scores with a causal mask, in place:
// row (b, t) of [B, T, S] keeps columns j <= pos0 + t; P = exp(scale*s - max)/sum,
// masked entries become 0. The row's log(sum exp(scale*s)) goes to
// lse[lseOff + t*lseT + b*lseH] for the backward pass.
layout(local_size_x = 128) in;
layout(std430, binding = 0) buffer S_ { float s[]; };
layout(std430, binding = 1) writeonly buffer L_ { float lse[]; };
layout(push_constant) uniform P { int T, S, pos0; float scale; int lseOff, lseT, lseH; } p;
shared float red[128];
void main() {
	int row = int(gl_WorkGroupID.x), t = int(gl_LocalInvocationID.x);
	int tt = row % p.T;
	int lim = min(p.S, p.pos0 + tt + 1);
	int base = row * p.S;
	float m = -3.0e38;
	for (int j = t; j < lim; j += 128) m = max(m, p.scale * s[base + j]);
	red[t] = m;
	barrier();
	for (int k = 64; k > 0; k >>= 1) { if (t < k) red[t] = max(red[t], red[t + k]); barrier(); }
	m = red[0];
	barrier();
	float sum = 0.0;
	for (int j = t; j < lim; j += 128) sum += exp(p.scale * s[base + j] - m);
	red[t] = sum;
	barrier();
	for (int k = 64; k > 0; k >>= 1) { if (t < k) red[t] += red[t + k]; barrier(); }
	float inv = 1.0 / red[0];
	for (int j = t; j < p.S; j += 128) s[base + j] = j < lim ? exp(p.scale * s[base + j] - m) * inv : 0.0;
	if (t == 0) lse[p.lseOff + tt * p.lseT + (row / p.T) * p.lseH] = m + log(red[0]);
}
