#version 450
// Row gather: out[oOff + t*H + c] = table[tOff + ids[t]*H + c], the
// embedding lookup and GatherRows. TBF16 reads a bf16 table (packed two
// per uint) and widens it.
#include "bf16.glsl"
layout(local_size_x = 256) in;
#ifdef TBF16
layout(std430, binding = 0) readonly buffer E_ { uint e[]; };
#else
layout(std430, binding = 0) readonly buffer E_ { float e[]; };
#endif
layout(std430, binding = 1) readonly buffer I_ { uint ids[]; };
layout(std430, binding = 2) writeonly buffer O_ { float o[]; };
layout(push_constant) uniform P { int T, H, tOff, oOff; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.T * p.H) return;
	int t = i / p.H, c = i % p.H;
	int k = p.tOff + int(ids[t]) * p.H + c;
#ifdef TBF16
	o[p.oOff + i] = bf16Half(e[k >> 1], k);
#else
	o[p.oOff + i] = e[k];
#endif
}
