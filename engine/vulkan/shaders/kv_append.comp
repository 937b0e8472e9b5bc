#version 450
// KV-cache append: for qkv row rows[i] (width W = Q + 2·KV), KV head j's k
// and v values go to position first+i of a head-major run
// [KVHeads][Cap][hd] at kOff / vOff.
//
// KV_BF16 (kv_append_bf16) stores the cache as bfloat16, packed two per
// uint, rounded as engine/cpu's F32ToBF16. A run may start at an odd
// element and two neighbouring values may belong to different invocations
// (or to positions this dispatch does not write), so each invocation
// replaces only its own half of the word, with two atomics: clearing and
// setting disjoint bits commute, so the word ends right whatever the order.
#include "bf16.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer X_ { float x[]; };
layout(std430, binding = 1) readonly buffer R_ { uint rows[]; };
#ifdef KV_BF16
layout(std430, binding = 2) buffer K_ { uint kc[]; };
layout(std430, binding = 3) buffer V_ { uint vc[]; };
#define STORE(c, i, val) { uint sh_ = uint((i) & 1) * 16u; atomicAnd(c[(i) >> 1], ~(0xffffu << sh_)); atomicOr(c[(i) >> 1], bf16Round(val) << sh_); }
#else
layout(std430, binding = 2) buffer K_ { float kc[]; };
layout(std430, binding = 3) buffer V_ { float vc[]; };
#define STORE(c, i, val) { c[i] = (val); }
#endif
layout(push_constant) uniform P { int n, W, Q, KVH, hd, Cap, first, kOff, vOff, xOff; } p;
void main() {
	int id = int(gl_GlobalInvocationID.x);
	int KV = p.KVH * p.hd;
	if (id >= p.n * KV) return;
	int i = id / KV, c = id % KV;
	int j = c / p.hd, d = c % p.hd;
	int src = p.xOff + int(rows[i]) * p.W + p.Q + c;
	int dst = (j * p.Cap + p.first + i) * p.hd + d;
	STORE(kc, p.kOff + dst, x[src]);
	STORE(vc, p.vOff + dst, x[src + KV]);
}
