#version 450
// Embedding backward: dtable[ids[t]] += dx[t] for t in order (a token may
// repeat), one thread per column, so the sum order is fixed.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer DX_ { float dx[]; };
layout(std430, binding = 1) readonly buffer I_ { uint ids[]; };
layout(std430, binding = 2) buffer DT_ { float dt[]; };
layout(push_constant) uniform P { int T, H, xOff, tOff; } p;
void main() {
	int c = int(gl_GlobalInvocationID.x);
	if (c >= p.H) return;
	for (int t = 0; t < p.T; t++) dt[p.tOff + int(ids[t]) * p.H + c] += dx[p.xOff + t * p.H + c];
}
