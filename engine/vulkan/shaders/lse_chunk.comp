#version 450
// Chunked LM-head log-probability, step 1 (one work group per row): fold a
// chunk of logits [R, Vc] covering vocabulary ids [v0, v0+Vc) into a
// running (max, sum of exp, target logit) per row, so the full [R, vocab]
// matrix never exists at once. first != 0 starts a new reduction.
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer L_ { float lg[]; };
layout(std430, binding = 1) readonly buffer T_ { int tgt[]; };
layout(std430, binding = 2) buffer S_ { float st[]; };
layout(push_constant) uniform P { int R, Vc, v0, first; } p;
shared float red[128];
void main() {
	int r = int(gl_WorkGroupID.x), t = int(gl_LocalInvocationID.x);
	int base = r * p.Vc;
	float m = -3.0e38;
	for (int j = t; j < p.Vc; j += 128) m = max(m, lg[base + j]);
	red[t] = m;
	barrier();
	for (int k = 64; k > 0; k >>= 1) { if (t < k) red[t] = max(red[t], red[t + k]); barrier(); }
	m = red[0];
	barrier();
	float s = 0.0;
	for (int j = t; j < p.Vc; j += 128) s += exp(lg[base + j] - m);
	red[t] = s;
	barrier();
	for (int k = 64; k > 0; k >>= 1) { if (t < k) red[t] += red[t + k]; barrier(); }
	if (t == 0) {
		s = red[0];
		float om = p.first != 0 ? -3.0e38 : st[3 * r];
		float os = p.first != 0 ? 0.0 : st[3 * r + 1];
		float nm = max(om, m);
		st[3 * r] = nm;
		st[3 * r + 1] = os * exp(om - nm) + s * exp(m - nm);
		int tg = tgt[r] - p.v0;
		if (p.first != 0) st[3 * r + 2] = 0.0;
		if (tg >= 0 && tg < p.Vc) st[3 * r + 2] = lg[base + tg];
	}
}
