#version 450
// Batched GEMM with shared-memory tiles, fp32 accumulation:
//   C[b][m][n] = alpha * sum_k A(b,m,k) * B(b,k,n) + beta * C[b][m][n] + bias[n]
// A and C are fp32; B is fp32, bf16 or fp16 (BTYPE 0/1/2, packed two per
// uint), so weights can stay 16-bit on the device. Every operand has its own
// strides, which covers x·Wᵀ, dY·W, dYᵀ·X and the per-head attention
// products (bdiv maps a query-head batch index to its shared KV head).
#include "bf16.glsl"
#ifndef BTYPE
#define BTYPE 0
#endif
#define BM 64
#define BN 64
#define BK 16
layout(local_size_x = 16, local_size_y = 16) in;

layout(std430, binding = 0) readonly buffer A_ { float a[]; };
#if BTYPE == 0
layout(std430, binding = 1) readonly buffer B_ { float bw[]; };
#else
layout(std430, binding = 1) readonly buffer B_ { uint bw[]; };
#endif
layout(std430, binding = 2) buffer C_ { float c[]; };
layout(std430, binding = 3) readonly buffer Bias_ { float bias[]; };

layout(push_constant) uniform P {
	int M, N, K;
	int sam, sak, sbk, sbn, scm;
	int sa, sb, sc, bdiv;
	int aoff, boff, coff, hasBias;
	float alpha, beta;
} p;

shared float As[BK][BM];
shared float Bs[BK][BN];

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
	int tx = int(gl_LocalInvocationID.x), ty = int(gl_LocalInvocationID.y);
	int tid = ty * 16 + tx;
	int m0 = int(gl_WorkGroupID.y) * BM, n0 = int(gl_WorkGroupID.x) * BN;
	int bt = int(gl_WorkGroupID.z);
	int abase = p.aoff + bt * p.sa;
	int bbase = p.boff + (bt / p.bdiv) * p.sb;
	float acc[4][4];
	for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] = 0.0;
	for (int k0 = 0; k0 < p.K; k0 += BK) {
		// 64x16 elements of each operand, 4 per thread.
		for (int e = tid; e < BM * BK; e += 256) {
			int kk, mm;
			if (p.sak == 1) { kk = e % BK; mm = e / BK; } else { mm = e % BM; kk = e / BM; }
			int gm = m0 + mm, gk = k0 + kk;
			As[kk][mm] = (gm < p.M && gk < p.K) ? a[abase + gm * p.sam + gk * p.sak] : 0.0;
		}
		for (int e = tid; e < BN * BK; e += 256) {
			int kk, nn;
			if (p.sbk == 1) { kk = e % BK; nn = e / BK; } else { nn = e % BN; kk = e / BN; }
			int gn = n0 + nn, gk = k0 + kk;
			Bs[kk][nn] = (gn < p.N && gk < p.K) ? loadB(bbase + gk * p.sbk + gn * p.sbn) : 0.0;
		}
		barrier();
		for (int kk = 0; kk < BK; kk++) {
			float av[4], bv[4];
			for (int i = 0; i < 4; i++) av[i] = As[kk][ty + 16 * i];
			for (int j = 0; j < 4; j++) bv[j] = Bs[kk][tx + 16 * j];
			for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] = fma(av[i], bv[j], acc[i][j]);
		}
		barrier();
	}
	for (int i = 0; i < 4; i++) {
		int gm = m0 + ty + 16 * i;
		if (gm >= p.M) continue;
		for (int j = 0; j < 4; j++) {
			int gn = n0 + tx + 16 * j;
			if (gn >= p.N) continue;
			int ci = p.coff + bt * p.sc + gm * p.scm + gn;
			float v = p.alpha * acc[i][j];
			if (p.beta != 0.0) v += p.beta * c[ci];
			if (p.hasBias != 0) v += bias[gn];
			c[ci] = v;
		}
	}
}
