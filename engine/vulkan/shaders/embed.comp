#version 450
// Embedding gather: out[t] = table[ids[t]] (rows of H floats).
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer E_ { float e[]; };
layout(std430, binding = 1) readonly buffer I_ { uint ids[]; };
layout(std430, binding = 2) writeonly buffer O_ { float o[]; };
layout(push_constant) uniform P { int T, H; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.T * p.H) return;
	int t = i / p.H, c = i % p.H;
	o[i] = e[int(ids[t]) * p.H + c];
}
