#version 450
// Skinny product for decode: C[m][n] = sum_k A[aoff + m*K + k] * B[boff + n*K + k]
// (+ beta*C + bias[n]) for M <= 8 rows, B in PyTorch's [N, K] layout
// (fp32, bf16 or fp16 as in gemm.comp). One work group per output column
// reads that weight row front to back, so the weights stream once at full
// bandwidth: decode is memory bound, and the tiled GEMM would use 1/64 of
// its tile here.
#include "bf16.glsl"
#ifndef BTYPE
#define BTYPE 0
#endif
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer A_ { float a[]; };
#if BTYPE == 0
layout(std430, binding = 1) readonly buffer B_ { float bw[]; };
#else
layout(std430, binding = 1) readonly buffer B_ { uint bw[]; };
#endif
layout(std430, binding = 2) buffer C_ { float c[]; };
layout(std430, binding = 3) readonly buffer Bias_ { float bias[]; };
layout(push_constant) uniform P { int M, N, K, aoff, boff, coff, scm, hasBias; float beta; } p;
shared float red[8][128];

float loadB(int i) {
#if BTYPE == 0
	return bw[i];
#elif BTYPE == 1
	return bf16Half(bw[i >> 1], i);
#else
	return unpackHalf2x16(bw[i >> 1])[i & 1];
#endif
}

void main() {
	int n = int(gl_WorkGroupID.x), t = int(gl_LocalInvocationID.x);
	float acc[8];
	for (int m = 0; m < 8; m++) acc[m] = 0.0;
	int wb = p.boff + n * p.K;
	for (int k = t; k < p.K; k += 128) {
		float w = loadB(wb + k);
		for (int m = 0; m < p.M; m++) acc[m] = fma(a[p.aoff + m * p.K + k], w, acc[m]);
	}
	for (int m = 0; m < p.M; m++) red[m][t] = acc[m];
	barrier();
	for (int s = 64; s > 0; s >>= 1) {
		if (t < s) for (int m = 0; m < p.M; m++) red[m][t] += red[m][t + s];
		barrier();
	}
	if (t < p.M) {
		int ci = p.coff + t * p.scm + n;
		float v = red[t][0];
		if (p.beta != 0.0) v += p.beta * c[ci];
		if (p.hasBias != 0) v += bias[n];
		c[ci] = v;
	}
}
