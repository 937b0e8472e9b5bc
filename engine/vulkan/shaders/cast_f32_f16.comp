#version 450
// float32 -> float16 (packHalf2x16), two values per output word.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer I_ { float x[]; };
layout(std430, binding = 1) writeonly buffer O_ { uint o[]; };
layout(push_constant) uniform P { int n; } p;
void main() {
	int w = int(gl_GlobalInvocationID.x);
	int i = 2 * w;
	if (i >= p.n) return;
	o[w] = packHalf2x16(vec2(x[i], i + 1 < p.n ? x[i + 1] : 0.0));
}
