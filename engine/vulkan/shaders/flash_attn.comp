#version 450
// Flash-style causal attention forward (FlashAttention-2 order): one work
// group per block of BR query rows of one head; each invocation owns one
// query row, keeps q and its output accumulator in registers, and walks the
// keys in tiles of BC staged in shared memory with an online softmax
// (running max m and sum l, the accumulator rescaled by exp(m_old - m_new)).
// No [rows, keys] score matrix exists, so memory stays O(rows·D) however
// long the prompt. Query row t sits at position pos0 + t and sees keys
// [0, min(S, pos0 + t + 1)). Layout as Attn in engine/backend/gpu/ops.go: q at
// qOff + t*qStride + h*D, k/v at k/vOff + kvh*kHead + j*kRow, out at
// oOff + t*oStride + h*D; lse (log Σ exp(scale·q·k)) at
// lseOff + t*lseT + h*lseH when writeLSE != 0. D is the head width, fixed
// at compile time (-DHEAD_D=N, one kernel flash_attn_dN per width: see
// build.sh and engine/backend/gpu's FlashHeadDims) so the per-row arrays
// are fixed-size; MSL, cross-compiled from this, has no specialization
// constants to set it at pipeline build.
//
// KV_BF16 (flash_attn_d<D>_bf16) reads K and V stored as bfloat16, packed
// two per uint (a bf16 KV cache: engine/backend/gpu's CachedAttention),
// widened exactly as they are staged; the arithmetic stays float32.
#include "bf16.glsl"
layout(local_size_x = 64) in;
#ifndef HEAD_D
#error "compile with -DHEAD_D=<head width>"
#endif
const int D = HEAD_D;
const int BR = 64;
const int BC = 16;
layout(std430, binding = 0) readonly buffer Q_ { float q[]; };
#ifdef KV_BF16
layout(std430, binding = 1) readonly buffer K_ { uint k[]; };
layout(std430, binding = 2) readonly buffer V_ { uint v[]; };
#define LOADKV(c, i) bf16Half(c[(i) >> 1], (i))
#else
layout(std430, binding = 1) readonly buffer K_ { float k[]; };
layout(std430, binding = 2) readonly buffer V_ { float v[]; };
#define LOADKV(c, i) c[i]
#endif
layout(std430, binding = 3) writeonly buffer O_ { float o[]; };
layout(std430, binding = 4) writeonly buffer L_ { float lse[]; };
layout(push_constant) uniform P {
	int T, S, pos0, Hq, Hkv, qOff, qStride, kOff, vOff, kHead, kRow, oOff, oStride, lseOff, lseT, lseH, writeLSE;
	float scale;
} p;
shared float ks[BC * D];
shared float vs[BC * D];

void main() {
	int h = int(gl_WorkGroupID.y);
	int t0 = int(gl_WorkGroupID.x) * BR;
	int tid = int(gl_LocalInvocationID.x);
	int t = t0 + tid;
	bool live = t < p.T;
	int kvh = h / (p.Hq / p.Hkv);
	float qr[D];
	float acc[D];
	for (int d = 0; d < D; d++) {
		qr[d] = live ? q[p.qOff + t * p.qStride + h * D + d] * p.scale : 0.0;
		acc[d] = 0.0;
	}
	float m = -3.0e38, l = 0.0;
	int lim = live ? min(p.S, p.pos0 + t + 1) : 0;
	int limG = min(p.S, p.pos0 + min(t0 + BR, p.T)); // the block's last visible key + 1
	int kb = p.kOff + kvh * p.kHead, vb = p.vOff + kvh * p.kHead;
	for (int j0 = 0; j0 < limG; j0 += BC) {
		for (int e = tid; e < BC * D; e += BR) {
			int j = j0 + e / D, d = e % D;
			bool in_ = j < p.S;
			ks[e] = in_ ? LOADKV(k, kb + j * p.kRow + d) : 0.0;
			vs[e] = in_ ? LOADKV(v, vb + j * p.kRow + d) : 0.0;
		}
		barrier();
		int n = min(BC, lim - j0);
		if (n > 0) {
			float sc[BC];
			float mt = m;
			for (int jj = 0; jj < BC; jj++) {
				float s = 0.0;
				for (int d = 0; d < D; d++) s += qr[d] * ks[jj * D + d];
				sc[jj] = s;
				if (jj < n) mt = max(mt, s);
			}
			float corr = exp(m - mt);
			l *= corr;
			for (int d = 0; d < D; d++) acc[d] *= corr;
			for (int jj = 0; jj < BC; jj++) {
				if (jj >= n) break;
				float pj = exp(sc[jj] - mt);
				l += pj;
				for (int d = 0; d < D; d++) acc[d] += pj * vs[jj * D + d];
			}
			m = mt;
		}
		barrier();
	}
	if (live) {
		float inv = 1.0 / l;
		for (int d = 0; d < D; d++) o[p.oOff + t * p.oStride + h * D + d] = acc[d] * inv;
		if (p.writeLSE != 0) lse[p.lseOff + t * p.lseT + h * p.lseH] = m + log(l);
	}
}
