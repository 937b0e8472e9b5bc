#version 450
// Decode attention: for each sequence b and query head h, one query row
// against that sequence's KV cache (rows [0, len[b]) of [Smax, Hkv*D] at
// b*seqStride), GQA (query head h reads KV head h / (Hq/Hkv)).
// Scores go to a scratch row, then softmax, then the weighted sum of values.
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer Q_ { float q[]; };
layout(std430, binding = 1) readonly buffer K_ { float kc[]; };
layout(std430, binding = 2) readonly buffer V_ { float vc[]; };
layout(std430, binding = 3) readonly buffer L_ { uint lens[]; };
layout(std430, binding = 4) writeonly buffer O_ { float o[]; };
layout(std430, binding = 5) buffer W_ { float sc[]; };
layout(push_constant) uniform P { int Hq, Hkv, D, Smax, seqStride; float scale; } p;
shared float red[128];
void main() {
	int h = int(gl_WorkGroupID.x), b = int(gl_WorkGroupID.y), t = int(gl_LocalInvocationID.x);
	int g = h / (p.Hq / p.Hkv);
	int n = int(lens[b]);
	int qb = (b * p.Hq + h) * p.D;
	int kvRow = p.Hkv * p.D;
	int cb = b * p.seqStride + g * p.D;
	int wb = (b * p.Hq + h) * p.Smax;
	float m = -3.0e38;
	for (int j = t; j < n; j += 128) {
		float s = 0.0;
		for (int d = 0; d < p.D; d++) s += q[qb + d] * kc[cb + j * kvRow + d];
		s *= p.scale;
		sc[wb + j] = s;
		m = max(m, s);
	}
	red[t] = m;
	barrier();
	for (int k = 64; k > 0; k >>= 1) { if (t < k) red[t] = max(red[t], red[t + k]); barrier(); }
	m = red[0];
	barrier();
	float sum = 0.0;
	for (int j = t; j < n; j += 128) { float e = exp(sc[wb + j] - m); sc[wb + j] = e; sum += e; }
	red[t] = sum;
	memoryBarrierBuffer();
	barrier();
	for (int k = 64; k > 0; k >>= 1) { if (t < k) red[t] += red[t + k]; barrier(); }
	float inv = 1.0 / red[0];
	for (int d = t; d < p.D; d += 128) {
		float acc = 0.0;
		for (int j = 0; j < n; j++) acc += sc[wb + j] * vc[cb + j * kvRow + d];
		o[qb + d] = acc * inv;
	}
}
