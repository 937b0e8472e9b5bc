#version 450
// KV-cache append: for qkv row rows[i] (width W = Q + 2·KV), KV head j's k
// and v values go to position first+i of a head-major run
// [KVHeads][Cap][hd] at kOff / vOff.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer X_ { float x[]; };
layout(std430, binding = 1) readonly buffer R_ { uint rows[]; };
layout(std430, binding = 2) buffer K_ { float kc[]; };
layout(std430, binding = 3) buffer V_ { float vc[]; };
layout(push_constant) uniform P { int n, W, Q, KVH, hd, Cap, first, kOff, vOff, xOff; } p;
void main() {
	int id = int(gl_GlobalInvocationID.x);
	int KV = p.KVH * p.hd;
	if (id >= p.n * KV) return;
	int i = id / KV, c = id % KV;
	int j = c / p.hd, d = c % p.hd;
	int src = p.xOff + int(rows[i]) * p.W + p.Q + c;
	int dst = (j * p.Cap + p.first + i) * p.hd + d;
	kc[p.kOff + dst] = x[src];
	vc[p.vOff + dst] = x[src + KV];
}
